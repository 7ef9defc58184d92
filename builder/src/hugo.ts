// Running Hugo for one build.
//
// Decisions:
// - Hugo runs through tool-process.ts: no shell, a minimal environment (HUGO_* variables would
//   override site configuration), its own process group stopped at the time limit or on abort,
//   and the last 256 KiB of its output kept for the author. A failed build is a result, not an
//   exception.
// - No file of an earlier build may survive into a deploy. `--cleanDestinationDir` is meant to
//   ensure that, but Hugo 0.111 only cleans when the site has a static/ folder (checked), so
//   the destination is removed before Hugo starts as well. `--noBuildLock` keeps Hugo from
//   writing `.hugo_build.lock` into the source tree. Both flags exist in Hugo 0.111.
import { rm } from "node:fs/promises";
import { notStarted, runTool, type ToolResult } from "./tool-process.ts";

export { MAX_LOG_BYTES } from "./tool-process.ts";

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

export type HugoResult = ToolResult;

export async function runHugo(options: RunHugoOptions): Promise<HugoResult> {
  const {
    sourceDir,
    destination,
    baseURL,
    timeoutMs,
    hugoBin = process.env.HUGO_BIN ?? "hugo",
    signal,
  } = options;
  if (signal?.aborted) return notStarted("not started: aborted", true);
  const started = performance.now();
  try {
    await rm(destination, { recursive: true, force: true });
  } catch (error) {
    return notStarted(
      `could not empty ${destination}: ${(error as Error).message}`,
      false,
      Math.round(performance.now() - started),
    );
  }
  return runTool({
    name: "hugo",
    command: hugoBin,
    args: [
      "--source",
      sourceDir,
      "--destination",
      destination,
      "--baseURL",
      baseURL,
      "--cleanDestinationDir",
      "--noBuildLock",
    ],
    cwd: sourceDir,
    timeoutMs,
    ...(options.env ? { env: options.env } : {}),
    ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
    ...(signal ? { signal } : {}),
  });
}
