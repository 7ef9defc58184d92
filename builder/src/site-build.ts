// One site build, as the job queue runs it: fetch the site's export from the API with the job's
// token, unpack it into a clean temporary directory, build it with Hugo against the theme, index
// it for search with Pagefind, upload the output to R2 SITES as a content-addressed deploy, ask
// the Worker to make it current (activate), purge the CDN cache by the job's tags, and leave the
// offline copy for later.
//
// Decisions:
// - Any failure up to and including activation throws (the queue reports "failed" with the
//   message) and the previous deploy stays current. Activation answered 409 means a newer
//   publish won: nothing to retry. 5xx and network errors are retried within a bound
//   (worker-requests.ts).
// - A purge that fails after activation does not fail the job: the deploy is live, the cache
//   catches up as its entries expire (HTML is cached briefly), and the outcome says so.
// - The time of each phase (fetch, build, search, upload) travels with the activation, where
//   the deploy record keeps it; activate and purge times are in the outcome message.
// - A site without its search index is not published: a Pagefind failure fails the build like
//   a Hugo failure does, with Pagefind's own words.
// - The offline copy is the job's follow-up: it reuses the unpacked source, so the work
//   directory passes to it instead of being removed here; every other path removes it.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { BuildJob } from "#schemas/build-job";
import { activateBody } from "#schemas/publish";
import { brokenLinksFromLog, buildReportOf, ContentRefused, scanPages } from "./build-report.ts";
import { runHugo } from "./hugo.ts";
import type { JobOutcome, JobProgress } from "./job-queue.ts";
import { copyMathAssets } from "./math-assets.ts";
import { fetchMediaVariants, mediaReferences, writeMediaData } from "./media-refs.ts";
import { offlineFollowUp } from "./offline.ts";
import { indexSite } from "./search-index.ts";
import { writeSiteConfig } from "./site-config.ts";
import { knownBlobsOf, uploadDeploy } from "./storage.ts";
import { unpackTarGz } from "./unpack.ts";
import { describeAnswer, postSigned, type WorkerRequestOptions } from "./worker-requests.ts";

/** Cloudflare's purge API by tag (workers/domain/purge.ts's client satisfies this). */
export type CachePurger = { purge(input: { tags: string[] }): Promise<unknown> };

export type SiteBuildOptions = {
  s3: S3Client;
  bucket: string;
  /** Folder holding the themes (`<themesDir>/<theme>/layouts/…`). */
  themesDir: string;
  theme: string;
  /** Job secrets, newest first; requests to the Worker are signed with the newest. */
  secrets: readonly string[];
  /** Null: no zone configured, the purge is skipped (with a log line). */
  purger: CachePurger | null;
  hugoBin?: string;
  /** Pagefind's binary; the installed platform package's by default (search-index.ts). */
  pagefindBin?: string;
  /** The time limit of Hugo and of Pagefind, each, for one build (online and offline each). */
  hugoTimeoutMs?: number;
  /** Where temporary work directories go; the system's by default. */
  workRoot?: string;
  fetch?: typeof fetch;
  /** Retry bounds of the activate and offline requests. */
  requests?: Omit<WorkerRequestOptions, "fetch" | "signal">;
  log?: (line: string) => void;
};

/** The last part of a log, for a failure message that fits a callback. */
function tail(log: string, chars = 4_000) {
  return log.length > chars ? `…${log.slice(-chars)}` : log;
}

export const SUPERSEDED_MESSAGE =
  "superseded: a newer publish of this site went ahead, so this build was not made current";

export async function buildSite(
  job: BuildJob,
  report: (status: JobProgress) => Promise<void>,
  { signal }: { signal: AbortSignal },
  options: SiteBuildOptions,
): Promise<JobOutcome> {
  const doFetch = options.fetch ?? fetch;
  const log = options.log ?? console.log;
  const secret = options.secrets[0];
  if (!secret) throw new Error("the builder has no job secret to sign its requests with");
  const hugoTimeoutMs = options.hugoTimeoutMs ?? 5 * 60_000;
  const timings: Record<string, number> = {};
  const timed = async <T>(phase: string, step: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await step();
    } finally {
      timings[phase] = Math.round(performance.now() - started);
    }
  };

  const work = await mkdtemp(join(options.workRoot ?? tmpdir(), "lectern-build-"));
  let handedOver = false;
  try {
    const source = join(work, "source");
    const output = join(work, "public");
    await mkdir(source);
    await report({ state: "building", progress: 0, message: "Fetching the site's content" });
    const unpacked = await timed("fetch", async () => {
      const res = await doFetch(job.exportUrl, {
        headers: { authorization: `Bearer ${job.exportToken}` },
        signal,
      });
      if (!res.ok || !res.body) {
        throw new Error(`Fetching the site's content failed: HTTP ${res.status}`);
      }
      return unpackTarGz(res.body, source);
    });
    // The export is content only; the theme and the root configuration come from the builder.
    // The root config file merges with the export's config/_default/ (menus).
    await writeSiteConfig(source, options, false);
    // The media pipeline's derived files (thumbnails, web MP4, poster, captions) for the theme.
    const variants = await timed("mediaData", async () => {
      const found = await fetchMediaVariants({
        exportUrl: job.exportUrl,
        exportToken: job.exportToken,
        fetch: doFetch,
        signal,
      });
      await writeMediaData(source, found);
      return found;
    });
    signal.throwIfAborted();
    await report({
      state: "building",
      progress: 0.1,
      message: `Building ${unpacked.files} files with Hugo`,
    });
    const hugo = await timed("build", () =>
      runHugo({
        sourceDir: source,
        destination: output,
        baseURL: job.baseUrl,
        timeoutMs: hugoTimeoutMs,
        signal,
        ...(options.hugoBin ? { hugoBin: options.hugoBin } : {}),
      }),
    );
    if (!hugo.ok) {
      signal.throwIfAborted();
      throw new Error(
        hugo.timedOut
          ? `Hugo did not finish within its time limit\n${tail(hugo.log)}`
          : `Hugo failed\n${tail(hugo.log)}`,
      );
    }
    signal.throwIfAborted();
    // The uploaded media the site links (referenced by the manifest, never copied), and what
    // the build found wrong: the theme's broken-link warnings, resources whose file the site
    // lacks, content issues in the pages (build-report.ts).
    // One read of the built pages: their content issues, and whether KaTeX's files are needed.
    const pages = await scanPages(output);
    if (pages.usesMath) await copyMathAssets(output);
    const linked = await timed("media", () =>
      mediaReferences(output, {
        exportUrl: job.exportUrl,
        exportToken: job.exportToken,
        fetch: doFetch,
        signal,
        variants,
      }),
    );
    const brokenLinks = brokenLinksFromLog(hugo.log);
    const buildReport = buildReportOf(
      [
        ...brokenLinks,
        ...linked.missing.map((m) => ({ page: m.page, target: m.url, kind: "file" })),
      ],
      pages.issues,
    );
    if (job.refuseBrokenLinks && brokenLinks.length > 0) {
      throw new ContentRefused(
        `The site has ${brokenLinks.length === 1 ? "1 broken internal link" : `${brokenLinks.length} broken internal links`}. ` +
          "Fix them, or publish live again and confirm to publish anyway.",
        buildReport,
      );
    }
    await report({ state: "building", progress: 0.4, message: "Indexing the site for search" });
    const search = await timed("search", () =>
      indexSite({
        siteDir: output,
        offline: false,
        timeoutMs: hugoTimeoutMs,
        signal,
        ...(options.pagefindBin ? { pagefindBin: options.pagefindBin } : {}),
      }),
    );
    if (!search.ok) {
      signal.throwIfAborted();
      throw new Error(
        search.timedOut
          ? `Pagefind (the search index) did not finish within its time limit\n${tail(search.log)}`
          : `Pagefind failed to index the site for search\n${tail(search.log)}`,
      );
    }
    signal.throwIfAborted();
    await report({ state: "uploading", progress: 0.5, message: "Uploading" });
    const knownBlobs = await knownBlobsOf({
      s3: options.s3,
      bucket: options.bucket,
      deployIds: job.knownDeployIds ?? [],
      log,
    });
    let lastReported = 0;
    const uploaded = await timed("upload", () =>
      uploadDeploy({
        s3: options.s3,
        bucket: options.bucket,
        deployId: job.deployId,
        dir: output,
        media: linked.media,
        knownBlobs,
        onProgress: (p) => {
          if (p.stage !== "uploading" || p.total === 0) return;
          const fraction = 0.5 + 0.5 * (p.done / p.total);
          // A report per twentieth is plenty for a progress bar.
          if (fraction - lastReported >= 0.05 || p.done === p.total) {
            lastReported = fraction;
            void report({ state: "uploading", progress: Math.min(1, fraction) });
          }
        },
      }),
    );
    signal.throwIfAborted();

    await report({ state: "uploading", progress: 1, message: "Making the new version current" });
    const body = activateBody.parse({
      jobId: job.jobId,
      files: uploaded.files,
      blobsUploaded: uploaded.blobsUploaded,
      bytesUploaded: uploaded.bytesUploaded,
      timings: { ...timings },
      report: buildReport,
    });
    const activation = await timed("activate", () =>
      postSigned(job.activateUrl, body, secret, {
        ...options.requests,
        fetch: doFetch,
        signal,
      }).catch((error: unknown) => {
        signal.throwIfAborted();
        const why = error instanceof Error ? error.message : String(error);
        throw new Error(`Making the new version current failed: ${why}`, { cause: error });
      }),
    );
    if (activation.status === 409) throw new Error(SUPERSEDED_MESSAGE);
    if (activation.status < 200 || activation.status > 299) {
      throw new Error(`Making the new version current failed: ${describeAnswer(activation)}`);
    }

    const purged = await timed("purge", () => purgeCache(job, options.purger, log));

    let followUp: JobOutcome["followUp"];
    if (job.offlineUrl) {
      await rm(output, { recursive: true, force: true });
      followUp = offlineFollowUp({ ...job, offlineUrl: job.offlineUrl }, work, {
        s3: options.s3,
        bucket: options.bucket,
        secret,
        theme: options.theme,
        themesDir: options.themesDir,
        hugoTimeoutMs,
        requests: { ...options.requests, fetch: doFetch },
        log,
        media: linked.media,
        usesMath: pages.usesMath,
        ...(options.hugoBin ? { hugoBin: options.hugoBin } : {}),
        ...(options.pagefindBin ? { pagefindBin: options.pagefindBin } : {}),
      });
      handedOver = true;
    }
    const phases = Object.entries(timings)
      .map(([phase, ms]) => `${phase} ${ms} ms`)
      .join(", ");
    return {
      message:
        `${uploaded.files} files; ${uploaded.blobsUploaded} uploaded ` +
        `(${uploaded.bytesUploaded} bytes), ${uploaded.blobsSkipped} already stored; ` +
        `Hugo ${hugo.durationMs} ms; search index of ${search.pages ?? "?"} pages ` +
        `${search.durationMs} ms; ${purged}; ${phases}`,
      log: tail(`${hugo.log}\n${search.log}`, 32_000),
      ...(followUp ? { followUp } : {}),
    };
  } finally {
    if (!handedOver) await rm(work, { recursive: true, force: true });
  }
}

/** Purges the job's tags; says what happened, never throws (the deploy is live already). */
async function purgeCache(
  job: BuildJob,
  purger: CachePurger | null,
  log: (line: string) => void,
): Promise<string> {
  if (job.purgeTags.length === 0) return "no cache tags to purge";
  if (!purger) {
    log(`builder: job ${job.jobId}: no purge zone configured; cache not purged`);
    return "cache purge skipped (no zone configured)";
  }
  try {
    await purger.purge({ tags: [...job.purgeTags] });
    return `cache purged (${job.purgeTags.length} tags)`;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    log(`builder: job ${job.jobId}: cache purge failed: ${why}`);
    return `cache purge failed (${why}); the new version is live and the cache catches up as it expires`;
  }
}
