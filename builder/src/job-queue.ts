// The builder's job queue: accepted jobs wait here and run on a bounded pool, each through the
// injected `runJob` (the site build pipeline in production, fakes in tests).
//
// Decisions:
// - Idempotent by job id: a job id seen while queued, running or finished within `rememberMs`
//   is answered with its state and never run again. With the signature's timestamp tolerance
//   (much shorter than the memory) this is also the replay protection.
// - The queue owns the job's life cycle and says so to the Worker: "building" when a job
//   leaves the queue, then whatever the job reports ("building" with progress, "uploading"),
//   then exactly one terminal status: "succeeded" when `runJob` resolves, "failed" with the
//   error's message when it throws. The job cannot send a terminal state itself, so a job that
//   forgets to, or reports after it was given up, cannot confuse the Durable Object.
// - Callbacks of one job are sent one after another, in the order they were made, even when the
//   job does not wait for its reports.
// - Heartbeats: while a job runs and has said nothing for `heartbeatMs`, its latest status is
//   sent again through the same in-order channel, so the Worker can tell a long Hugo build from
//   a dead builder. None is sent while an earlier report is still on its way (it says the same).
// - What a job leaves for later (`followUp`, the offline copy) runs in its own lane
//   (follow-ups.ts) after the "succeeded" report was sent, so it never delays that report.
// - A job whose deadline has passed when its turn comes is failed without running: the Durable
//   Object has moved on and would ignore the result.
// - Shutdown never drops a job silently: queued jobs are failed at once with "builder shutting
//   down; retry" (the Durable Object retries them elsewhere), running jobs get the grace period,
//   and those still running after it are aborted (their signal) and failed the same way.
import type { BuildJob, BuildJobStatus } from "#schemas/build-job";
import { ContentRefused } from "./build-report.ts";
import { type FollowUp, FollowUpLane } from "./follow-ups.ts";
import type { SendStatus } from "./job-callbacks.ts";

/** What a job may report while it runs; terminal states are the queue's (see above). */
export type JobProgress = {
  state: "building" | "uploading";
  progress?: number;
  message?: string;
  log?: string;
};

/** What a successful job may add to its "succeeded" report, and what it leaves for later. */
export type JobOutcome = {
  message?: string;
  log?: string;
  /** Runs in the follow-up lane once "succeeded" was sent (never part of the report). */
  followUp?: FollowUp;
};

export type RunJob = (
  job: BuildJob,
  report: (status: JobProgress) => Promise<void>,
  context: { signal: AbortSignal },
  // biome-ignore lint/suspicious/noConfusingVoidType: a job with nothing to add returns nothing (`async () => {}`), which `undefined` alone would refuse.
) => Promise<JobOutcome | undefined | void>;

export type JobQueueOptions = {
  runJob: RunJob;
  sendStatus: SendStatus;
  /** Jobs running at once; default 2. */
  concurrency?: number;
  /** Jobs waiting (not counting running ones) before new jobs are refused; default 100. */
  queueLimit?: number;
  /** How long a finished job's id is remembered; default 1 hour. */
  rememberMs?: number;
  /** Quiet time after which a running job's status is sent again; default 10 s, 0 = never. */
  heartbeatMs?: number;
  /** Where follow-ups run; a lane of its own by default. */
  followUps?: FollowUpLane;
  now?: () => number;
  log?: (line: string) => void;
};

export type SubmitResult =
  | { outcome: "accepted"; status: BuildJobStatus }
  | { outcome: "known"; status: BuildJobStatus }
  | { outcome: "full" }
  | { outcome: "closed" };

export const SHUTDOWN_MESSAGE = "builder shutting down; retry";
/** How long shutdown waits for aborted jobs to clean up. */
const ABORT_WAIT_MS = 10_000;

type Entry = {
  job: BuildJob;
  /** The last state, without the log (which only the callback carries). */
  status: BuildJobStatus;
  phase: "queued" | "running" | "finished";
  finishedAt?: number;
  controller: AbortController;
  /** The tail of this job's callback chain. */
  callbacks: Promise<unknown>;
  /** Settles when `runJob` returns (running jobs only). */
  run?: Promise<void>;
  /** Reports made and not yet settled. */
  inFlight: number;
  heartbeat?: ReturnType<typeof setTimeout>;
};

export class JobQueue {
  readonly concurrency: number;
  readonly queueLimit: number;
  readonly #options: JobQueueOptions;
  readonly #rememberMs: number;
  readonly #heartbeatMs: number;
  readonly followUps: FollowUpLane;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  readonly #entries = new Map<string, Entry>();
  readonly #waiting: Entry[] = [];
  readonly #running = new Set<Entry>();
  readonly #callbacks = new Set<Promise<unknown>>();
  #closing = false;

  constructor(options: JobQueueOptions) {
    this.concurrency = options.concurrency ?? 2;
    this.queueLimit = options.queueLimit ?? 100;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, not ${this.concurrency}`);
    }
    if (!Number.isInteger(this.queueLimit) || this.queueLimit < 0) {
      throw new RangeError(`queueLimit must be a whole number, not ${this.queueLimit}`);
    }
    this.#options = options;
    this.#rememberMs = options.rememberMs ?? 60 * 60 * 1000;
    this.#heartbeatMs = options.heartbeatMs ?? 10_000;
    if (!Number.isFinite(this.#heartbeatMs) || this.#heartbeatMs < 0) {
      throw new RangeError(`heartbeatMs must be 0 or more, not ${this.#heartbeatMs}`);
    }
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? console.log;
    this.followUps = options.followUps ?? new FollowUpLane({ log: this.#log });
  }

  get closing(): boolean {
    return this.#closing;
  }

  get counts(): { queued: number; running: number } {
    return { queued: this.#waiting.length, running: this.#running.size };
  }

  submit(job: BuildJob): SubmitResult {
    this.#forgetOld();
    const known = this.#entries.get(job.jobId);
    if (known) return { outcome: "known", status: { ...known.status } };
    if (this.#closing) return { outcome: "closed" };
    if (this.#waiting.length >= this.queueLimit) return { outcome: "full" };
    const entry: Entry = {
      job,
      status: { jobId: job.jobId, state: "accepted" },
      phase: "queued",
      controller: new AbortController(),
      callbacks: Promise.resolve(),
      inFlight: 0,
    };
    this.#entries.set(job.jobId, entry);
    this.#waiting.push(entry);
    const status = { ...entry.status };
    this.#pump();
    return { outcome: "accepted", status };
  }

  status(jobId: string): BuildJobStatus | undefined {
    this.#forgetOld();
    const entry = this.#entries.get(jobId);
    return entry ? { ...entry.status } : undefined;
  }

  /**
   * Stop taking jobs; fail the queued ones; give running ones `graceMs` to finish, then abort
   * and fail them; give follow-ups what is left of `graceMs`, then stop them; resolve when
   * every callback was sent (or given up).
   */
  async shutdown(graceMs: number): Promise<void> {
    const started = this.#now();
    this.#closing = true;
    for (const entry of this.#waiting.splice(0)) {
      this.#finish(entry, { jobId: entry.job.jobId, state: "failed", message: SHUTDOWN_MESSAGE });
    }
    if (this.#running.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all([...this.#running].map((entry) => entry.run)),
        new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    const aborted = [...this.#running];
    for (const entry of aborted) {
      // Failed first, then aborted: abort listeners run at once, and whatever the job reports
      // from them must already find it finished.
      this.#finish(entry, { jobId: entry.job.jobId, state: "failed", message: SHUTDOWN_MESSAGE });
      entry.controller.abort(new Error(SHUTDOWN_MESSAGE));
    }
    if (aborted.length > 0) {
      // An aborted job stops at its next step and removes its temporary files; wait a little
      // for that, not for whatever step cannot be interrupted.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(aborted.map((entry) => entry.run)),
        new Promise((resolve) => {
          timer = setTimeout(resolve, ABORT_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.followUps.shutdown(graceMs - (this.#now() - started));
    while (this.#callbacks.size > 0) await Promise.all(this.#callbacks);
  }

  #pump(): void {
    while (!this.#closing && this.#running.size < this.concurrency && this.#waiting.length > 0) {
      this.#start(this.#waiting.shift() as Entry);
    }
  }

  #start(entry: Entry): void {
    const { job } = entry;
    if (Date.parse(job.deadline) <= this.#now()) {
      this.#finish(entry, {
        jobId: job.jobId,
        state: "failed",
        message: "the job's deadline passed before it could start",
      });
      return;
    }
    entry.phase = "running";
    this.#running.add(entry);
    this.#report(entry, { jobId: job.jobId, state: "building" });
    const report = async (progress: JobProgress) => {
      // After the terminal status (the job was given up at shutdown) reports are dropped.
      if (entry.phase !== "running") return;
      if (progress.state !== "building" && progress.state !== "uploading") {
        throw new TypeError(`a job may report "building" or "uploading", not "${progress.state}"`);
      }
      await this.#report(entry, { ...progress, jobId: job.jobId });
    };
    entry.run = (async () => {
      try {
        const { followUp, ...outcome } =
          (await this.#options.runJob(job, report, { signal: entry.controller.signal })) ?? {};
        const givenUp = entry.phase === "finished";
        this.#finish(entry, { ...outcome, jobId: job.jobId, state: "succeeded" });
        // A job given up at shutdown has reported "failed": nothing follows it.
        if (followUp && givenUp) this.followUps.drop(followUp, "its job was given up");
        else if (followUp) this.followUps.add(followUp, entry.callbacks);
      } catch (error) {
        this.#log(`builder: job ${job.jobId} failed: ${(error as Error)?.stack ?? String(error)}`);
        const message = error instanceof Error ? error.message : String(error);
        // A refusal for the content's sake says what is wrong, page by page.
        const report = error instanceof ContentRefused ? { report: error.report } : {};
        this.#finish(entry, {
          jobId: job.jobId,
          state: "failed",
          message: message || "failed",
          ...report,
        });
      } finally {
        this.#running.delete(entry);
        this.#pump();
      }
    })();
  }

  #finish(entry: Entry, status: BuildJobStatus): void {
    if (entry.phase === "finished") return;
    entry.phase = "finished";
    clearTimeout(entry.heartbeat);
    entry.finishedAt = this.#now();
    this.#report(entry, status);
  }

  /** Records the state and chains its callback after the job's earlier ones. */
  #report(entry: Entry, status: BuildJobStatus): Promise<void> {
    const { log: _log, ...shown } = status;
    entry.status = shown;
    const sent = entry.callbacks.then(() =>
      this.#options.sendStatus(entry.job.callbackUrl, status),
    );
    entry.callbacks = sent;
    entry.inFlight += 1;
    this.#callbacks.add(sent);
    void sent.finally(() => {
      this.#callbacks.delete(sent);
      entry.inFlight -= 1;
    });
    this.#scheduleHeartbeat(entry);
    return sent.then(() => undefined);
  }

  /** (Re)starts the quiet-time clock of a running job: any report resets it. */
  #scheduleHeartbeat(entry: Entry): void {
    clearTimeout(entry.heartbeat);
    if (entry.phase !== "running" || this.#heartbeatMs === 0) return;
    entry.heartbeat = setTimeout(() => {
      if (entry.phase !== "running") return;
      if (entry.inFlight > 0) this.#scheduleHeartbeat(entry);
      else this.#report(entry, { ...entry.status });
    }, this.#heartbeatMs);
  }

  #forgetOld(): void {
    const cutoff = this.#now() - this.#rememberMs;
    for (const [jobId, entry] of this.#entries) {
      if (entry.phase === "finished" && (entry.finishedAt ?? 0) < cutoff) {
        this.#entries.delete(jobId);
      }
    }
  }
}
