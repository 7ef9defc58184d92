// What a reader of a benchmark's results needs to judge them: the machine, its load, the code.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, freemem, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { ROOT } from "../lib/local-stack.mjs";

/** The 1-minute load average, two decimals. */
export const load1m = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;

export function machine() {
  const git = (/** @type {string[]} */ args) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
    } catch {
      return null;
    }
  };
  const wrangler = JSON.parse(
    readFileSync(join(ROOT, "node_modules/wrangler/package.json"), "utf8"),
  ).version;
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    loadAverage1m: load1m(),
    os: `${process.platform} ${release()}`,
    node: process.version,
    wrangler,
    commit: git(["rev-parse", "HEAD"]),
    uncommittedChanges: (git(["status", "--porcelain"]) ?? "") !== "",
  };
}
