// Work that follows a finished job (the offline copy), run in a lane of its own: one task at a
// time, in the order the jobs finished, each only after its job's "succeeded" report was sent.
//
// Decisions:
// - Separate from the job pool, so follow-ups never take a slot from an online build and never
//   delay a job's terminal report: a slow offline build holds back only other offline builds.
// - Bounded: one runs, at most `queueLimit` wait; past that a follow-up is dropped with a log
//   line (an offline copy is a convenience; the online publish has already succeeded).
// - Every task is either run or discarded, never forgotten: `discard()` removes what it kept
//   (its temporary directory), whether it was dropped for the limit or at shutdown.
// - Shutdown: queued tasks are discarded at once; the running one gets what is left of the
//   grace period, then is aborted (its signal) and awaited, so its own clean-up still runs.

export type FollowUp = {
  /** For log lines ("offline copy of job …"). */
  name: string;
  run(signal: AbortSignal): Promise<void>;
  /** Removes whatever the task kept for later; called instead of `run`. */
  discard(): Promise<void>;
};

type Waiting = { task: FollowUp; after: Promise<unknown> };

export class FollowUpLane {
  readonly #queueLimit: number;
  readonly #log: (line: string) => void;
  readonly #waiting: Waiting[] = [];
  #running: { task: FollowUp; controller: AbortController; done: Promise<void> } | undefined;
  #closing = false;
  readonly #discarding = new Set<Promise<void>>();
  /** Settles when the lane has nothing running and nothing waiting. */
  #idle: Promise<void> = Promise.resolve();
  #settleIdle: () => void = () => {};

  constructor(options: { queueLimit?: number; log?: (line: string) => void } = {}) {
    this.#queueLimit = options.queueLimit ?? 20;
    this.#log = options.log ?? console.log;
  }

  get counts(): { waiting: number; running: number } {
    return { waiting: this.#waiting.length, running: this.#running ? 1 : 0 };
  }

  /** Runs `task` once `after` settles (its job's report was sent) and the lane is free. */
  add(task: FollowUp, after: Promise<unknown> = Promise.resolve()): void {
    if (this.#closing || this.#waiting.length >= this.#queueLimit) {
      this.drop(task, this.#closing ? "shutting down" : "too many waiting");
      return;
    }
    if (!this.#running && this.#waiting.length === 0) {
      this.#idle = new Promise((resolve) => {
        this.#settleIdle = resolve;
      });
    }
    this.#waiting.push({ task, after });
    this.#next();
  }

  /** Discards `task` without running it, with a log line saying why. */
  drop(task: FollowUp, reason: string): void {
    this.#log(`builder: ${task.name} dropped (${reason})`);
    const discarded = this.#discard(task);
    this.#discarding.add(discarded);
    void discarded.finally(() => this.#discarding.delete(discarded));
  }

  /** Resolves when the lane is empty (for tests and shutdown). */
  idle(): Promise<void> {
    return this.#idle;
  }

  async shutdown(graceMs: number): Promise<void> {
    this.#closing = true;
    for (const { task } of this.#waiting.splice(0)) this.drop(task, "shutting down");
    this.#settleIdleIfEmpty();
    await this.#stopRunning(graceMs);
    while (this.#discarding.size > 0) await Promise.all(this.#discarding);
  }

  async #stopRunning(graceMs: number): Promise<void> {
    const running = this.#running;
    if (!running) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finished = await Promise.race([
      running.done.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, graceMs));
      }),
    ]);
    clearTimeout(timer);
    if (!finished) {
      this.#log(`builder: ${running.task.name} stopped (shutting down)`);
      running.controller.abort(new Error("builder shutting down"));
      await running.done;
    }
  }

  #settleIdleIfEmpty(): void {
    if (!this.#running && this.#waiting.length === 0) this.#settleIdle();
  }

  #next(): void {
    if (this.#running) return;
    const next = this.#waiting.shift();
    if (!next) {
      this.#settleIdle();
      return;
    }
    const controller = new AbortController();
    const done = (async () => {
      // The job's report goes first, whether or not it arrived (the sender never throws).
      await next.after.catch(() => undefined);
      if (controller.signal.aborted) {
        await this.#discard(next.task);
        return;
      }
      try {
        await next.task.run(controller.signal);
      } catch (error) {
        this.#log(`builder: ${next.task.name} failed: ${(error as Error)?.message ?? error}`);
      }
    })();
    this.#running = { task: next.task, controller, done };
    void done.finally(() => {
      this.#running = undefined;
      this.#next();
    });
  }

  async #discard(task: FollowUp): Promise<void> {
    try {
      await task.discard();
    } catch (error) {
      this.#log(`builder: discarding ${task.name} failed: ${(error as Error)?.message ?? error}`);
    }
  }
}
