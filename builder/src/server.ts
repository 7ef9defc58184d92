// The builder service: signed build jobs from the Worker (jobs.ts) and a health endpoint.
// This file is the process around it: settings from the environment, listening, signals.
//
//   BUILDER_PORT=8788 BUILDER_JOB_SECRET=… node --import tsx builder/src/server.ts
//
// BUILDER_JOB_SECRET (comma-separated during a rotation, the newest first), BUILDER_CONCURRENCY
// (default 2) and BUILDER_SHUTDOWN_GRACE_MS (default 60000). Without a secret the intake is off
// (a builder that takes no jobs); in production that is a configuration error. With one, the
// site build's settings (settings.ts: R2 through S3, theme, Hugo, purge) must be complete.
//
// GET /healthz → { ok: true, hugo: "0.111.3" | null, pagefind: "1.6.0" | null,
// ffmpeg: "5.1.9-…" | null, queued, running, mediaQueued, mediaRunning } (null: not installed).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createPurgeClient } from "#workers/domain/purge";
import type { RunJob } from "./job-queue.ts";
import { builderSettingsFromEnv, createBuilderServer } from "./jobs.ts";
import { createResultPoster, MediaJobQueue, runMediaJob } from "./media-jobs.ts";
import { pagefindVersion } from "./search-index.ts";
import { type SiteBuildSettings, siteBuildSettingsFromEnv } from "./settings.ts";
import { buildSite } from "./site-build.ts";
import { createS3 } from "./storage.ts";

const run = promisify(execFile);

/** Hugo's version ("0.111.3"), or null when Hugo is missing or does not answer in time. */
export async function hugoVersion(): Promise<string | null> {
  try {
    const { stdout } = await run("hugo", ["version"], { timeout: 10_000 });
    return /\bv(\d+\.\d+\.\d+)/.exec(stdout)?.[1] ?? null;
  } catch {
    return null;
  }
}

const port = Number(process.env.BUILDER_PORT ?? 8788);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`builder: BUILDER_PORT must be a port number, not ${process.env.BUILDER_PORT}`);
  process.exit(2);
}

let settings: ReturnType<typeof builderSettingsFromEnv>;
let build: SiteBuildSettings | null = null;
try {
  settings = builderSettingsFromEnv(process.env);
  if (settings.secrets.length > 0) build = siteBuildSettingsFromEnv(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
if (settings.secrets.length === 0) {
  if (process.env.NODE_ENV === "production") {
    console.error("builder: BUILDER_JOB_SECRET is required in production");
    process.exit(2);
  }
  console.log("builder: BUILDER_JOB_SECRET is not set; taking no jobs");
}

const hugo = await hugoVersion();
if (build && hugo === null) console.error("builder: hugo is not installed; every build will fail");
/** ffmpeg's version ("5.1.9-0+deb12u1"), or null when it is missing. */
async function ffmpegVersion(): Promise<string | null> {
  try {
    const { stdout } = await run("ffmpeg", ["-version"], { timeout: 10_000 });
    return /^ffmpeg version (\S+)/.exec(stdout)?.[1] ?? null;
  } catch {
    return null;
  }
}

const ffmpeg = await ffmpegVersion();
if (build && ffmpeg === null) {
  console.error("builder: ffmpeg is not installed (apt-get install ffmpeg); media jobs will fail");
}
const pagefind = await pagefindVersion();
if (build && pagefind === null) {
  console.error("builder: pagefind is not installed (npm install); every build will fail");
}

let media: MediaJobQueue | undefined;
let runJob: RunJob = async () => {
  // Unreachable: without a secret /jobs answers 503 before a job is parsed.
  throw new Error("this builder takes no jobs (BUILDER_JOB_SECRET is not set)");
};
if (build) {
  const site = build;
  const s3 = createS3(site.s3);
  const purger = site.purge ? createPurgeClient({ ...site.purge, fetch }) : null;
  if (!purger) console.log("builder: BUILDER_PURGE_ZONE_ID is not set; caches will not be purged");
  runJob = (job, report, context) =>
    buildSite(job, report, context, {
      s3,
      bucket: site.bucket,
      themesDir: site.themesDir,
      theme: site.theme,
      secrets: settings.secrets,
      purger,
      hugoTimeoutMs: site.hugoTimeoutMs,
    });
  media = new MediaJobQueue({
    run: (job, signal) =>
      runMediaJob(
        job,
        { s3, bucket: site.mediaBucket, toolTimeoutMs: site.ffmpegTimeoutMs },
        signal,
      ),
    post: createResultPoster(settings.secrets),
    concurrency: site.mediaConcurrency,
  });
}

const builder = createBuilderServer({
  ...settings,
  health: { hugo, pagefind, ffmpeg },
  runJob,
  ...(media ? { media } : {}),
  ...(build ? { heartbeatMs: build.heartbeatMs } : {}),
});

const shown = await builder.listen(port);
console.log(
  `builder: listening on :${shown} (hugo ${hugo ?? "not installed"}, ` +
    `pagefind ${pagefind ?? "not installed"}, ffmpeg ${ffmpeg ?? "not installed"}, ` +
    `${settings.concurrency} at once` +
    (build
      ? `, theme ${build.theme}, bucket ${build.bucket} at ${new URL(build.s3.endpoint).host})`
      : ")"),
);

// Containers are stopped with SIGTERM: stop taking jobs, let running ones finish within the
// grace period, fail the rest with a callback, then exit; never hang.
function shutdown(signal: string) {
  console.log(`builder: ${signal}, shutting down`);
  // Callbacks may still be retrying after the grace period; give them a bounded while more.
  setTimeout(() => {
    console.error("builder: callbacks still undelivered at the shutdown limit; exiting");
    process.exit(1);
  }, settings.shutdownGraceMs + 30_000).unref();
  builder.shutdown().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`builder: shutdown failed: ${(error as Error)?.stack ?? String(error)}`);
      process.exit(1);
    },
  );
}
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));
