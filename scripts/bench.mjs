// `npm run bench`: the benchmarks of this machine, each in its own fresh local stack (a
// temporary D1/R2 state on a free port, never the developer's .wrangler/state):
// - "content": the content API under load. Builds the Worker, starts it under `wrangler dev`,
//   signs in as the demo owner, fills a course site with 2,000 items through the API (the
//   "create" figures), then measures list, search, read and write of content and a bare route
//   in the same run, each from 20 concurrent keep-alive clients, and the site's export. Prints a
//   table and writes test/bench/results/content-api.json.
// - "publish": publishing and delivery (scripts/bench/publish.mjs), written to
//   test/bench/results/publish.json.
// - "media-transcode": the builder's media jobs with ffmpeg (scripts/bench/media-transcode.mjs):
//   seconds of transcode per minute of video and the builder's peak memory, written to
//   test/bench/results/media-transcode.json.
// - "media-upload": a 500 MB file through the Worker's media API (parts, complete) next to the
//   same bytes straight into R2 (scripts/bench/media-upload.mjs), written to
//   test/bench/results/media-upload.json.
//
//   npm run bench -- [--suite content|publish|all] [--items 2000] [--pages 1000]
//                    [--resources 2000] [--concurrency 20] [--requests 2000 | --duration S]
//                    [--quick] [--skip-build] [--out FILE]
//
// The client runs on the same machine as wrangler and workerd and takes CPU from them; the
// ratios against the bare route (measured in the same run, under the same conditions) are the
// figures to compare between runs and machines, the absolute ones only within a run.
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { openApi } from "./bench/api-session.mjs";
import { SEARCH_WORDS } from "./bench/course-content.mjs";
import { runLoad } from "./bench/load.mjs";
import { machine } from "./bench/machine.mjs";
import { runMediaTranscodeSuite } from "./bench/media-transcode.mjs";
import { runMediaUploadSuite } from "./bench/media-upload.mjs";
import { harvestCursors, measureExport, operations } from "./bench/operations.mjs";
import { parseOptions, USAGE, UsageError } from "./bench/options.mjs";
import { watchGroup } from "./bench/process-group.mjs";
import { runPublishSuite } from "./bench/publish.mjs";
import { formatReport } from "./bench/report.mjs";
import { createCourseSite, generateSite } from "./bench/site-generation.mjs";
import { ratios, summarize } from "./bench/stats.mjs";
import {
  applyMigrations,
  buildWorker,
  freePort,
  ROOT,
  seedDemo,
  startWorker,
} from "./lib/local-stack.mjs";

const RESULTS_DIR = join(ROOT, "test/bench/results");
const EXPORT_RUNS = 3;

const step = (/** @type {string} */ message) => console.log(`[bench] ${message}`);

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) console.error(`[bench] ${err.message}`);
    console.error(USAGE);
    process.exit(err.message ? 2 : 0);
  }
  // One build of the Worker serves every suite of the run.
  for (const [i, suite] of options.suites.entries()) {
    const suiteOptions = { ...options, build: options.build && i === 0 };
    if (suite === "content") await runContentSuite(suiteOptions);
    else if (suite === "media-transcode") await runMediaTranscodeSuite(suiteOptions);
    else if (suite === "media-upload") await runMediaUploadSuite(suiteOptions);
    else await runPublishSuite(suiteOptions);
  }
}

/** @param {import("./bench/options.mjs").BenchOptions} options */
async function runContentSuite(options) {
  const out =
    options.out ?? join(RESULTS_DIR, options.quick ? "content-api-quick.json" : "content-api.json");
  const { concurrency } = options;
  const load = options.durationS
    ? { durationMs: options.durationS * 1000 }
    : { count: options.requests };
  // Unmeasured requests before each operation, so JIT warm-up and the first D1 page reads
  // fall outside the figures.
  const warmup = Math.min(options.requests, concurrency * 2);

  /** @type {Awaited<ReturnType<typeof startWorker>> | null} */
  let worker = null;
  /** @type {string | null} */
  let persistTo = null;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    if (worker) await worker.stop();
    if (persistTo) await rm(persistTo, { recursive: true, force: true });
  };
  const handlers = ["SIGINT", "SIGTERM", "SIGHUP"].map((signal) => {
    const handler = () => {
      step(`${signal}: stopping wrangler and removing the temporary state`);
      cleanup().finally(() => process.exit(130));
    };
    process.once(signal, handler);
    return () => process.off(signal, handler);
  });

  try {
    const startedAt = new Date();
    const machineInfo = machine();
    if (options.build) {
      step("building the Worker (react-router build)");
      await buildWorker();
    } else {
      step("reusing the last build of the Worker (--skip-build)");
    }
    persistTo = await mkdtemp(join(tmpdir(), "lectern-bench-state-"));
    const port = await freePort();
    const appUrl = `http://localhost:${port}`;
    step(`migrating and seeding a fresh D1 state in ${persistTo}`);
    await applyMigrations({ persistTo });
    const seedOptions = { persistTo, appUrl };
    const seeded = await seedDemo(seedOptions);
    step(`starting wrangler dev on port ${port}`);
    // wrangler logs every request at "info" from its Node process, about 1 ms of CPU each on
    // this machine's kind: overhead a deployed Worker does not have. Warnings and errors stay.
    worker = await startWorker({ port, persistTo, appUrl, env: { WRANGLER_LOG: "warn" } });
    const url = worker.url;

    const health = await fetch(`${url}/healthz`);
    const healthBody = await health.text();
    if (health.status !== 200) {
      throw new Error(
        `GET /healthz answered ${health.status}: the baseline needs the bare route in workers/app.ts`,
      );
    }
    if (JSON.parse(healthBody).ok !== true) throw new Error(`GET /healthz said ${healthBody}`);

    const usage = watchGroup(worker.pid);
    // The client's own CPU per phase too: on a small machine it competes with the server.
    let clientMark = process.cpuUsage();
    const phase = () => {
      const used = process.cpuUsage(clientMark);
      clientMark = process.cpuUsage();
      const clientCpuSeconds = Math.round((used.user + used.system) / 10_000) / 100;
      return { ...usage.phase(), clientCpuSeconds };
    };
    const api = await openApi({ url, appUrl, login: seeded.owner, tenantId: seeded.tenant.id });
    const siteId = await createCourseSite(api, seeded.tenant.id);
    const sitePath = `/tenants/${seeded.tenant.id}/sites/${siteId}`;
    const contentPath = `${sitePath}/content`;
    phase();

    step(`creating ${options.items} items from ${concurrency} clients`);
    const generated = await generateSite(api, contentPath, options);
    /**
     * @type {Record<string, { request: string, usage: ReturnType<typeof phase>,
     *   load: { samples: import("./bench/stats.mjs").Sample[], wallMs: number, errorDetails: string[] } }>}
     */
    const figures = {
      create: { request: "POST …/content", load: generated, usage: phase() },
    };
    const uids = generated.created
      .filter((c) => c.collection === "page" || c.collection === "resource")
      .map((c) => c.uid);
    if (uids.length === 0) {
      throw new Error(`No item was created: ${generated.errorDetails.join("\n")}`);
    }
    const cursors = await harvestCursors(api, contentPath);

    const ops = operations({ api, url, contentPath, uids, cursors });
    for (const [name, def] of Object.entries(ops)) {
      step(`${name}: ${def.request}`);
      await runLoad({ concurrency, count: warmup, op: def.op });
      phase();
      const measured = await runLoad({ concurrency, ...load, op: def.op });
      figures[name] = { request: def.request, load: measured, usage: phase() };
    }
    step(`export: ${EXPORT_RUNS} downloads, one at a time`);
    const exported = await measureExport(api, sitePath, EXPORT_RUNS);
    const server = usage.stop();

    const order = ["baseline", "create", ...Object.keys(ops).filter((n) => n !== "baseline")];
    const summaries = new Map(
      order.map((name) => {
        const f = /** @type {(typeof figures)[string]} */ (figures[name]);
        return [name, summarize(f.load.samples, f.load.wallMs)];
      }),
    );
    const baseline = /** @type {import("./bench/stats.mjs").Summary} */ (summaries.get("baseline"));
    const operationsResult = Object.fromEntries(
      order.map((name) => {
        const f = /** @type {(typeof figures)[string]} */ (figures[name]);
        const s = /** @type {import("./bench/stats.mjs").Summary} */ (summaries.get(name));
        const cpu = f.usage.cpuSeconds;
        return [
          name,
          {
            request: f.request,
            ...s,
            vsBaseline: ratios(s, baseline),
            server: {
              cpuSeconds: cpu,
              cpuMsPerRequest:
                cpu === null || s.count === 0 ? null : Math.round((cpu / s.count) * 100000) / 100,
              peakRssBytes: f.usage.peakRssBytes,
            },
            client: { cpuSeconds: f.usage.clientCpuSeconds },
            ...(f.load.errorDetails.length ? { errorDetails: f.load.errorDetails } : {}),
          },
        ];
      }),
    );
    const result = {
      benchmark: "content-api",
      date: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      machine: { ...machineInfo, loadAverage1mAtEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
      config: {
        items: options.items,
        plan: generated.plan,
        created: generated.created.length,
        concurrency,
        requestsPerOperation: options.durationS ? null : options.requests,
        durationSecondsPerOperation: options.durationS,
        warmupRequests: warmup,
        listPages: cursors.length,
        searchWords: SEARCH_WORDS,
        quick: options.quick,
        server: "wrangler dev (local D1) on the built Worker, same machine as the client",
        wranglerLogLevel: "warn",
      },
      operations: operationsResult,
      export: exported,
      server,
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n${formatReport(result)}\n`);
    step(`results written to ${relative(process.cwd(), out) || out}`);
    const failed = Object.values(operationsResult).reduce((n, op) => n + op.errors, 0);
    if (failed > 0) {
      step(`${failed} requests failed; see the errors above (wrangler's log: ${worker.logFile})`);
      process.exitCode = 1;
    }
  } finally {
    await cleanup();
    for (const off of handlers) off();
  }
}

main().catch((err) => {
  console.error(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : err}`);
  process.exit(1);
});
