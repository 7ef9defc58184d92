// `npm run bench -- --suite publish`: publishing and delivery on this machine. Starts the built
// Worker under `wrangler dev` (fresh D1/R2 state in a temporary folder, never .wrangler/state)
// with the builder next to it (real Hugo; deploys through the Worker's S3 stand-in), as the
// end-to-end tests do. For OCW's fixture course and a generated course (1,000 pages and 2,000
// resources; --quick: 50 and 100), each imported as a tar.gz through the API, it measures:
// - the time from `POST …/publish/live` to the live host serving the site, with the deploy's
//   phases, next to a bare `hugo` build of the same export in the same run;
// - the same after a one-word edit of one page (files and bytes uploaded: what changed);
// - the builder's peak memory (its process tree: Node and Hugo) and the theme's budget;
// and then delivery of the generated course from 20 keep-alive clients, one page over and over
// and distinct pages, against `wrangler dev` serving the bare build's output as static assets.
// Writes test/bench/results/publish.json (publish-quick.json with --quick).

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import {
  applyMigrations,
  builderVars,
  buildWorker,
  freePort,
  newJobSecret,
  ROOT,
  seedDemo,
  startBuilder,
  startWorker,
} from "../lib/local-stack.mjs";
import { openApi } from "./api-session.mjs";
import { bareHugoBuild } from "./bare-hugo.mjs";
import { folderArchive, generatedCourseArchive } from "./course-archive.mjs";
import { load1m, machine } from "./machine.mjs";
import { watchGroup } from "./process-group.mjs";
import { watchTree } from "./process-tree.mjs";
import { measureDelivery } from "./publish-delivery.mjs";
import { publishSplit } from "./publish-figures.mjs";
import { formatPublishReport } from "./publish-report.mjs";
import {
  editOnePage,
  followDeploy,
  importCourse,
  liveUrl,
  publishUntilServed,
} from "./publish-steps.mjs";
import { siteClient } from "./site-client.mjs";
import { ratio } from "./stats.mjs";
import { themeBudget } from "./theme-budget.mjs";

const RESULTS_DIR = join(ROOT, "test/bench/results");
/** OCW's test course, next to the repository (ARCHITECTURE.md); the committed archive otherwise. */
const OCW_FIXTURE = join(ROOT, "../shared/fixtures/ocw/ocw-ci-test-course");
const OCW_FIXTURE_ARCHIVE = join(ROOT, "test/fixtures/archives/ocw-ci-test-course.tar.gz.b64");
const POLL_MS = 100;
const PUBLISH_TIMEOUT_MS = 10 * 60_000;
/** The builder's memory goal for the 1,000-page build. */
export const BUILDER_RSS_GOAL_BYTES = 1024 ** 3;

const step = (/** @type {string} */ message) => console.log(`[bench:publish] ${message}`);

function hugoVersion() {
  try {
    return execFileSync(process.env.HUGO_BIN ?? "hugo", ["version"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

/**
 * The OCW fixture as a tar.gz in `dir`: packed from the folder, or the committed copy.
 * @param {string} dir
 */
async function fixtureArchive(dir) {
  if (existsSync(OCW_FIXTURE))
    return { ...(await folderArchive(OCW_FIXTURE, dir)), from: OCW_FIXTURE };
  const archive = join(dir, "ocw-ci-test-course.tar.gz");
  const bytes = Buffer.from(
    (await readFile(OCW_FIXTURE_ARCHIVE, "utf8")).replace(/\s+/g, ""),
    "base64",
  );
  await writeFile(archive, bytes);
  return { archive, bytes: bytes.byteLength, from: relative(ROOT, OCW_FIXTURE_ARCHIVE) };
}

/** A word no course contains, different per run. */
const markerWord = () =>
  `lecternbench${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("")}`;

/**
 * @param {import("./options.mjs").BenchOptions} options
 */
export async function runPublishSuite(options) {
  const out =
    options.out ?? join(RESULTS_DIR, options.quick ? "publish-quick.json" : "publish.json");
  const { concurrency } = options;
  /** @type {{ at: string, loadAverage1m: number }[]} */
  const loads = [];
  const mark = (/** @type {string} */ at) => loads.push({ at, loadAverage1m: load1m() });

  /** @type {Awaited<ReturnType<typeof startWorker>> | null} */
  let worker = null;
  /** @type {Awaited<ReturnType<typeof startBuilder>> | null} */
  let builder = null;
  /** @type {string[]} */
  const temporary = [];
  /** @type {(() => Promise<void>)[]} */
  const stops = [];
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await Promise.all([builder?.stop(), worker?.stop()]);
    for (const dir of temporary) await rm(dir, { recursive: true, force: true });
  };
  /** @type {[NodeJS.Signals, () => void][]} */
  const handlers = ["SIGINT", "SIGTERM", "SIGHUP"].map((signal) => [
    /** @type {NodeJS.Signals} */ (signal),
    () => {
      step(`${signal}: stopping the stack and removing the temporary state`);
      cleanup().finally(() => process.exit(130));
    },
  ]);
  for (const [signal, handler] of handlers) process.once(signal, handler);

  try {
    const startedAt = new Date();
    const machineInfo = { ...machine(), hugo: hugoVersion() };
    mark("start");
    if (options.build) {
      step("building the Worker (react-router build)");
      await buildWorker();
    } else {
      step("reusing the last build of the Worker");
    }
    const persistTo = await mkdtemp(join(tmpdir(), "lectern-bench-state-"));
    const work = await mkdtemp(join(tmpdir(), "lectern-bench-publish-"));
    temporary.push(persistTo, work);
    const port = await freePort();
    const builderPort = await freePort();
    const appUrl = `http://localhost:${port}`;
    const secret = newJobSecret();
    step(`migrating and seeding a fresh D1 state in ${persistTo}`);
    await applyMigrations({ persistTo });
    const seedOptions = { persistTo, appUrl };
    const seeded = await seedDemo(seedOptions);
    step(`starting wrangler dev on port ${port} and the builder on port ${builderPort}`);
    worker = await startWorker({
      port,
      persistTo,
      appUrl,
      env: { WRANGLER_LOG: "warn" },
      vars: builderVars({ builderPort, secret }),
    });
    builder = await startBuilder({ port: builderPort, workerPort: port, secret });
    const workerUsage = watchGroup(worker.pid);
    const builderUsage = watchTree(builder.pid);
    const tenantId = seeded.tenant.id;
    const api = await openApi({ url: worker.url, appUrl, login: seeded.owner, tenantId });

    const fixture = await fixtureArchive(work);
    const size = { pages: options.pages, resources: options.resources };
    const generated = await generatedCourseArchive(work, size);
    const plan = [
      { key: "ocw-fixture", label: "OCW fixture", slug: "ocw-ci-test-course", ...fixture },
      {
        key: "generated",
        label: `generated ${size.pages}/${size.resources}`,
        slug: "bench-course",
        archive: generated.archive,
        bytes: generated.bytes,
        from: `generated: ${size.pages} pages, ${size.resources} resources (course-archive.mjs)`,
      },
    ];

    const courses = [];
    /** @type {{ client: ReturnType<typeof siteClient>, files: string[], output: string, editPath: string } | null} */
    let last = null;
    for (const course of plan) {
      step(`${course.label}: importing ${relative(process.cwd(), course.archive)}`);
      const imported = await importCourse(api, tenantId, course.archive, course.slug);
      const { site: _site, ...importFigures } = imported;
      const sitePath = `/tenants/${tenantId}/sites/${imported.site.id}`;
      const live = await liveUrl(api, sitePath);
      const client = siteClient({ url: worker.url, host: live.host, sockets: concurrency });
      stops.push(async () => client.close());

      step(`${course.label}: publishing live (${imported.items} items)`);
      mark(`${course.key} publish`);
      builderUsage.phase();
      const first = await publishUntilServed({
        api,
        sitePath,
        client,
        path: "/",
        accept: (a) => a.status === 200,
        pollMs: POLL_MS,
        timeoutMs: PUBLISH_TIMEOUT_MS,
      });
      const builderFirst = builderUsage.phase();
      step(`${course.label}: served after ${first.servedMs} ms; waiting for the offline copy`);
      const firstDone = await followDeploy(api, sitePath, first.deployId, {
        offline: true,
        timeoutMs: PUBLISH_TIMEOUT_MS,
        since: performance.now(),
      });
      const builderFirstOffline = builderUsage.phase();

      step(`${course.label}: bare hugo build of the export`);
      mark(`${course.key} bare hugo`);
      const bare = await bareHugoBuild({
        api,
        sitePath,
        baseURL: live.href,
        work: join(work, course.key),
      });
      const budget = await themeBudget(bare.output);

      const word = markerWord();
      const edit = await editOnePage(api, `${sitePath}/content`, word);
      const before = await client.get(edit.path);
      if (before.status !== 200 || before.body.includes(word)) {
        throw new Error(
          `The edited page's URL ${edit.path} answered ${before.status} before the republish`,
        );
      }
      step(`${course.label}: republishing after a one-word edit of ${edit.path}`);
      mark(`${course.key} republish`);
      builderUsage.phase();
      const second = await publishUntilServed({
        api,
        sitePath,
        client,
        path: edit.path,
        accept: (a) => a.status === 200 && a.body.includes(word),
        pollMs: POLL_MS,
        timeoutMs: PUBLISH_TIMEOUT_MS,
      });
      const builderSecond = builderUsage.phase();
      const secondDone = await followDeploy(api, sitePath, second.deployId, {
        offline: true,
        timeoutMs: PUBLISH_TIMEOUT_MS,
        since: performance.now(),
      });
      const builderSecondOffline = builderUsage.phase();

      const run = (
        /** @type {Awaited<ReturnType<typeof publishUntilServed>>} */ served,
        /** @type {Awaited<ReturnType<typeof followDeploy>>} */ done,
        /** @type {ReturnType<typeof builderUsage.phase>} */ building,
        /** @type {ReturnType<typeof builderUsage.phase>} */ offline,
      ) => ({
        servedMs: served.servedMs,
        vsBareHugo: ratio(served.servedMs, bare.hugoMs),
        request: { body: served.body, answeredMs: served.acceptedMs },
        polls: served.polls,
        deployId: served.deployId,
        files: done.deploy.files,
        blobsUploaded: done.deploy.blobsUploaded,
        bytesUploaded: done.deploy.bytesUploaded,
        split: publishSplit(done.deploy, served.servedMs),
        deploy: {
          durationMs: done.deploy.durationMs,
          requestToActivatedMs: done.deploy.activatedAt
            ? Date.parse(done.deploy.activatedAt) - Date.parse(done.deploy.createdAt)
            : null,
          timings: done.deploy.timings,
          message: done.deploy.message,
        },
        offlineCopy: { readyMsAfterServed: done.offlineReadyMs, bytes: done.deploy.offlineBytes },
        builder: { untilServed: building, offlineCopy: offline },
      });
      courses.push({
        key: course.key,
        label: course.label,
        source: course.from,
        import: importFigures,
        site: { ...imported.site, liveUrl: live.href },
        bareHugo: {
          hugoMs: bare.hugoMs,
          exportMs: bare.exportMs,
          sourceFiles: bare.sourceFiles,
          outputFiles: bare.outputFiles,
          hugoSummary: bare.hugoSummary,
        },
        themeBudget: {
          ...budget,
          hugoMsPerPage:
            budget.htmlPages === 0
              ? null
              : Math.round((bare.hugoMs / budget.htmlPages) * 100) / 100,
        },
        publish: run(first, firstDone, builderFirst, builderFirstOffline),
        republish: {
          ...run(second, secondDone, builderSecond, builderSecondOffline),
          edit: { page: edit.filename, path: edit.path, word },
        },
      });
      last = { client, files: bare.files, output: bare.output, editPath: edit.path };
    }

    const target = /** @type {NonNullable<typeof last>} */ (last);
    mark("delivery");
    const delivery = await measureDelivery({
      lectern: target.client,
      workerUsage,
      site: target,
      options,
      step,
      onStop: (/** @type {() => Promise<void>} */ stop) => stops.push(stop),
    });
    mark("end");

    const generatedCourse = courses.find((c) => c.key === "generated");
    const result = {
      benchmark: "publish",
      date: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      machine: { ...machineInfo, loadAverage1mAtEnd: load1m(), loadAverages: loads },
      config: {
        pages: size.pages,
        resources: size.resources,
        concurrency,
        requestsPerMeasurement: options.durationS ? null : options.requests,
        durationSecondsPerMeasurement: options.durationS,
        pollIntervalMs: POLL_MS,
        quick: options.quick,
        courses: "imported through POST …/sites/import (tar.gz raw body), not created item by item",
        server:
          "wrangler dev (local D1/R2) on the built Worker + the builder (Node via tsx, Debian Hugo), same machine as the client",
        bareHugo:
          "GET …/export unpacked with the builder's unpack.ts, root hugo.toml from builder/theme/site-config.ts, runHugo (builder/src/hugo.ts) with the live base URL; hugoMs is Hugo's run only",
        staticBaseline:
          "wrangler dev with an assets-only config serving the bare Hugo build's output of the generated course",
      },
      courses,
      builder: {
        peakRssGoalBytes: BUILDER_RSS_GOAL_BYTES,
        generatedCoursePeakRssBytes: generatedCourse
          ? Math.max(
              generatedCourse.publish.builder.untilServed.peakRssBytes ?? 0,
              generatedCourse.publish.builder.offlineCopy.peakRssBytes ?? 0,
            )
          : null,
        ...builderUsage.stop(),
      },
      delivery,
      server: workerUsage.stop(),
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n${formatPublishReport(result)}\n`);
    step(`results written to ${relative(process.cwd(), out) || out}`);
    const failed = Object.values(delivery.operations).reduce((n, op) => n + op.errors, 0);
    if (failed > 0) {
      step(
        `${failed} delivery requests failed; see the errors above (wrangler's log: ${worker.logFile})`,
      );
      process.exitCode = 1;
    }
    return result;
  } catch (error) {
    if (builder) step(`the builder's log: ${builder.logFile}`);
    if (worker) step(`wrangler's log: ${worker.logFile}`);
    throw error;
  } finally {
    await cleanup();
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}
