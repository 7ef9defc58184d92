// `npm test`: the one command that says whether the repo is healthy (STYLE.md, habit 12).
// Stages, in order; each runs even when an earlier one failed, so one run shows every problem:
//   typecheck  react-router typegen, tsc -b, tsc -p scripts (the CLI scripts' own project)
//   lint       biome check --error-on-warnings .
//   build      react-router build, then wrangler deploy --dry-run (bundles like a deploy,
//              needs no Cloudflare account)
//   tests      vitest run, once per project in vitest.config.ts (workers, node, e2e)
// The last line is the verdict, `N passed, N failed[, N skipped]`: tests from vitest's JSON
// reports (test-results/vitest-<project>.json), plus one failure per failed stage or test
// file that could not run, so it reads "0 failed" exactly when the exit code is 0.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, withBuildLock, wranglerEnv } from "./lib/local-stack.mjs";
import { setup } from "./lib/setup.mjs";
import { countReport } from "./lib/test-report.mjs";

const bin = (name) => join(ROOT, "node_modules/.bin", name);

function exec(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: wranglerEnv(),
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("error", (err) => {
      console.error(err);
      resolve(false);
    });
    child.on("close", (code) => resolve(code === 0));
  });
}

function execShown([command, ...args]) {
  console.log(`[test] $ ${[command.replace(`${ROOT}/`, ""), ...args].join(" ")}`);
  return exec(command, args);
}

/** Runs the commands (or functions resolving to success) of one stage in order, stopping at the first that fails. */
async function stage(name, commands) {
  console.log(`\n[test] ── ${name} ──`);
  const started = Date.now();
  let ok = true;
  for (const item of commands) {
    if (!(await (typeof item === "function" ? item() : execShown(item)))) {
      ok = false;
      break;
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[test] ${name}: ${ok ? "ok" : "FAILED"} (${seconds} s)`);
  return { name, ok, seconds };
}

/** Project names in vitest.config.ts (`name: "…"`), in order; [undefined] if none are named. */
function vitestProjects() {
  const config = readFileSync(join(ROOT, "vitest.config.ts"), "utf8");
  const names = [...config.matchAll(/\bname:\s*["']([\w-]+)["']/g)].map((m) => m[1]);
  return names.length > 0 ? [...new Set(names)] : [undefined];
}

async function main() {
  const started = Date.now();
  setup();
  const stages = [];
  stages.push(
    await stage("typecheck", [
      [bin("react-router"), "typegen"],
      [bin("tsc"), "-b"],
      [bin("tsc"), "-p", "scripts/tsconfig.json"],
    ]),
  );
  stages.push(await stage("lint", [[bin("biome"), "check", "--error-on-warnings", "."]]));
  const outdir = mkdtempSync(join(tmpdir(), "lectern-deploy-dry-run-"));
  stages.push(
    await stage("build", [
      // Under the build lock: an end-to-end stack started elsewhere copies build/ under it.
      () =>
        withBuildLock(
          async () =>
            (await execShown([bin("react-router"), "build"])) &&
            (await execShown([bin("wrangler"), "deploy", "--dry-run", "--outdir", outdir])),
        ),
    ]),
  );
  rmSync(outdir, { recursive: true, force: true });

  // One vitest run per project, in the order vitest.config.ts lists them: on two cores the
  // workerd tests, the Node tests and the end-to-end stack slow each other into timeouts when
  // they run at once. Each run keeps its JSON report in test-results/.
  mkdirSync(join(ROOT, "test-results"), { recursive: true });
  const counts = { passed: 0, failed: 0, skipped: 0, brokenFiles: [] };
  const unexplained = [];
  for (const project of vitestProjects()) {
    const report = join(ROOT, `test-results/vitest-${project ?? "all"}.json`);
    rmSync(report, { force: true });
    const result = await stage(project ? `tests: ${project}` : "tests", [
      [
        bin("vitest"),
        "run",
        ...(project ? ["--project", project] : []),
        "--passWithNoTests",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${report}`,
      ],
    ]);
    stages.push(result);
    const c = existsSync(report)
      ? countReport(JSON.parse(readFileSync(report, "utf8")), ROOT)
      : { passed: 0, failed: 0, skipped: 0, brokenFiles: [] };
    counts.passed += c.passed;
    counts.failed += c.failed;
    counts.skipped += c.skipped;
    counts.brokenFiles.push(...c.brokenFiles);
    // vitest failing with nothing failed in its report: a crash, an unhandled error, no report.
    if (!result.ok && c.failed === 0) unexplained.push(result.name);
  }
  const failedStages = stages.filter((s) => !s.ok).map((s) => s.name);
  const failed =
    counts.failed + failedStages.filter((s) => !s.startsWith("tests")).length + unexplained.length;

  console.log("\n[test] ── summary ──");
  for (const s of stages)
    console.log(`[test] ${s.ok ? "ok    " : "FAILED"} ${s.name} (${s.seconds} s)`);
  for (const f of counts.brokenFiles) console.log(`[test] FAILED to run: ${f}`);
  for (const name of unexplained) {
    console.log(`[test] ${name}: vitest failed without a failed test (see its output above)`);
  }
  console.log(`[test] total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(
    `${counts.passed} passed, ${failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ""}`,
  );
  process.exit(failed === 0 && failedStages.length === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(`[test] ${err instanceof Error ? err.message : err}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
});
