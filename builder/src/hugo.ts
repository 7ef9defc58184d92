// Running Hugo for one build.
//
// Decisions:
// - Spawned without a shell, with arguments as an array: nothing from a site reaches a command
//   line parser.
// - Hugo gets a small environment (PATH, HOME, TMPDIR, locale) plus what the caller passes, not
//   the builder's: HUGO_* variables override site configuration, and secrets such as the R2
//   keys have no business in a build.
// - Hugo runs in its own process group, so a timeout stops whatever it started too: SIGTERM to
//   the group, then SIGKILL if it is still there after a grace period.
// - An abort (the builder shutting down) stops Hugo the same way as a timeout and is a failed
//   result too, so the caller's clean-up runs at once rather than after Hugo would have ended.
// - A failed build is a result, not an exception: the caller reports Hugo's own words (`log`,
//   stdout and stderr interleaved as they arrived, the last 256 KiB) to the author.
// - No file of an earlier build may survive into a deploy. `--cleanDestinationDir` is meant to
//   ensure that, but Hugo 0.111 only cleans when the site has a static/ folder (checked), so
//   the destination is removed before Hugo starts as well. `--noBuildLock` keeps Hugo from
//   writing `.hugo_build.lock` into the source tree. Both flags exist in Hugo 0.111.
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import type { Readable } from "node:stream";

export type RunHugoOptions = {
  sourceDir: string;
  destination: string;
  baseURL: string;
  timeoutMs: number;
  hugoBin?: string;
  /** Added to Hugo's minimal environment (e.g. HUGO_ENVIRONMENT). */
  env?: Record<string, string>;
  /** Between SIGTERM and SIGKILL on timeout. */
  killGraceMs?: number;
  /** Stops Hugo like the time limit does (the result says `aborted`). */
  signal?: AbortSignal;
};

export type HugoResult = {
  ok: boolean;
  /** Exit code; null when Hugo was killed or could not be started. */
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

export async function runHugo(options: RunHugoOptions): Promise<HugoResult> {
  const {
    sourceDir,
    destination,
    baseURL,
    timeoutMs,
    hugoBin = process.env.HUGO_BIN ?? "hugo",
    env = {},
    killGraceMs = DEFAULT_KILL_GRACE_MS,
    signal,
  } = options;
  const args = [
    "--source",
    sourceDir,
    "--destination",
    destination,
    "--baseURL",
    baseURL,
    "--cleanDestinationDir",
    "--noBuildLock",
  ];
  const started = performance.now();
  const log = new LogTail(MAX_LOG_BYTES);
  if (signal?.aborted) {
    return {
      ok: false,
      code: null,
      timedOut: false,
      aborted: true,
      log: "not started: aborted\n",
      durationMs: 0,
    };
  }
  try {
    await rm(destination, { recursive: true, force: true });
  } catch (error) {
    return {
      ok: false,
      code: null,
      timedOut: false,
      aborted: false,
      log: `could not empty ${destination}: ${(error as Error).message}\n`,
      durationMs: Math.round(performance.now() - started),
    };
  }

  return new Promise<HugoResult>((resolve) => {
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
      child = spawn(hugoBin, args, {
        cwd: sourceDir,
        env: { ...minimalEnv(), ...env },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
        shell: false,
      });
    } catch (error) {
      // Bad arguments (e.g. a NUL byte in a path) throw here rather than emit "error".
      finish(null, `could not run ${hugoBin}: ${(error as Error).message}`);
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
      stop(`hugo did not finish within ${timeoutMs} ms`);
    }, timeoutMs);
    onAbort = () => {
      if (timedOut || aborted) return;
      aborted = true;
      clearTimeout(timeout);
      stop("hugo was aborted");
    };
    signal?.addEventListener("abort", onAbort, { once: true });

    child.on("error", (error) => finish(null, `could not run ${hugoBin}: ${error.message}`));
    // "close", not "exit": every byte of output has been read by then.
    child.on("close", (code, signal) => {
      if (timedOut || aborted) {
        // Children that survived SIGTERM (Hugo's own or a stray) go with the group.
        killGroup("SIGKILL");
        finish(
          code,
          timedOut
            ? `hugo did not finish within ${timeoutMs} ms and was stopped`
            : "hugo was aborted and stopped",
        );
      } else if (signal !== null) {
        finish(code, `hugo was stopped by ${signal}`);
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
