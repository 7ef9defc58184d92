// Running one of the builder's command-line tools (Hugo, Pagefind) for a build: the discipline
// both share, so a tool that hangs, floods its output or outlives a shutdown is handled once.
//
// Decisions:
// - Spawned without a shell, with arguments as an array: nothing from a site reaches a command
//   line parser.
// - The tool gets a small environment (PATH, HOME, TMPDIR, locale) plus what the caller passes,
//   not the builder's: HUGO_* and PAGEFIND_* variables override a tool's configuration, and
//   secrets such as the R2 keys have no business in a build.
// - The tool runs in its own process group, so a timeout stops whatever it started too: SIGTERM
//   to the group, then SIGKILL if it is still there after a grace period.
// - An abort (the builder shutting down) stops the tool the same way as a timeout and is a
//   failed result too, so the caller's clean-up runs at once rather than after the tool would
//   have ended.
// - A failed run is a result, not an exception: the caller reports the tool's own words (`log`,
//   stdout and stderr interleaved as they arrived, the last 256 KiB) to the author.
import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";

export type RunToolOptions = {
  /** How the log and the failure notes name the tool ("hugo", "pagefind"). */
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  timeoutMs: number;
  /** Added to the tool's minimal environment. */
  env?: Record<string, string>;
  /** Between SIGTERM and SIGKILL on timeout or abort. */
  killGraceMs?: number;
  /** Stops the tool like the time limit does (the result says `aborted`). */
  signal?: AbortSignal;
};

export type ToolResult = {
  ok: boolean;
  /** Exit code; null when the tool was killed or could not be started. */
  code: number | null;
  timedOut: boolean;
  /** Stopped through `signal`. */
  aborted: boolean;
  log: string;
  durationMs: number;
};

export const MAX_LOG_BYTES = 256 * 1024;
const DEFAULT_KILL_GRACE_MS = 5_000;
const PASSED_THROUGH = ["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "TZ"];

/** A result for a run that never started (the caller's preparation failed or was aborted). */
export function notStarted(log: string, aborted = false, durationMs = 0): ToolResult {
  return { ok: false, code: null, timedOut: false, aborted, log: `${log}\n`, durationMs };
}

export function runTool(options: RunToolOptions): Promise<ToolResult> {
  const {
    name,
    command,
    args,
    cwd,
    timeoutMs,
    env = {},
    killGraceMs = DEFAULT_KILL_GRACE_MS,
    signal,
  } = options;
  const started = performance.now();
  const log = new LogTail(MAX_LOG_BYTES);
  if (signal?.aborted) return Promise.resolve(notStarted("not started: aborted", true));

  return new Promise<ToolResult>((resolve) => {
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let timeout: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let onAbort = () => {};
    const finish = (code: number | null, extra?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      clearTimeout(killTimer);
      signal?.removeEventListener("abort", onAbort);
      if (extra) log.push(Buffer.from(`${log.size > 0 ? "\n" : ""}${extra}\n`));
      resolve({
        ok: code === 0 && !timedOut && !aborted,
        code,
        timedOut,
        aborted,
        log: log.text(),
        durationMs: Math.round(performance.now() - started),
      });
    };

    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(command, args, {
        cwd,
        env: { ...minimalEnv(), ...env },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
        shell: false,
      });
    } catch (error) {
      // Bad arguments (e.g. a NUL byte in a path) throw here rather than emit "error".
      finish(null, `could not run ${command}: ${(error as Error).message}`);
      return;
    }
    child.stdout.on("data", (chunk: Buffer) => log.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => log.push(chunk));

    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const stop = (why: string) => {
      killGroup("SIGTERM");
      killTimer = setTimeout(() => {
        killGroup("SIGKILL");
        // Something that left the group (setsid) may still hold the pipes open, and "close"
        // waits for them: stop listening rather than wait for it.
        killTimer = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish(null, `${why} and was killed`);
        }, 1_000);
      }, killGraceMs);
    };
    timeout = setTimeout(() => {
      timedOut = true;
      stop(`${name} did not finish within ${timeoutMs} ms`);
    }, timeoutMs);
    onAbort = () => {
      if (timedOut || aborted) return;
      aborted = true;
      clearTimeout(timeout);
      stop(`${name} was aborted`);
    };
    signal?.addEventListener("abort", onAbort, { once: true });

    child.on("error", (error) => finish(null, `could not run ${command}: ${error.message}`));
    // "close", not "exit": every byte of output has been read by then.
    child.on("close", (code, signal) => {
      if (timedOut || aborted) {
        // Children that survived SIGTERM (the tool's own or a stray) go with the group.
        killGroup("SIGKILL");
        finish(
          code,
          timedOut
            ? `${name} did not finish within ${timeoutMs} ms and was stopped`
            : `${name} was aborted and stopped`,
        );
      } else if (signal !== null) {
        finish(code, `${name} was stopped by ${signal}`);
      } else {
        finish(code);
      }
    });
  });
}

function minimalEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** The last `limit` bytes of output, with a note when the start was dropped. */
class LogTail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private dropped = false;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.bytes;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes > this.limit) {
      const first = this.chunks[0] as Buffer;
      const excess = this.bytes - this.limit;
      this.dropped = true;
      if (first.length <= excess) {
        this.chunks.shift();
        this.bytes -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.bytes -= excess;
      }
    }
  }

  text(): string {
    // A cut may split a UTF-8 sequence: the decoder shows that as U+FFFD, which is fine here.
    const text = Buffer.concat(this.chunks).toString("utf8");
    return this.dropped ? `[earlier output dropped]\n${text}` : text;
  }
}
