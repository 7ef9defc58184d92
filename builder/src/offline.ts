// The offline copy of a deploy: the same source built again for reading from disk, indexed for
// search, zipped, stored in R2 SITES as `offline/<siteId>/<deployId>.zip` and announced to the
// job's `offlineUrl`. It runs as the job's follow-up (follow-ups.ts), after "succeeded" was sent.
//
// Decisions:
// - Relative links and `page.html` files instead of `page/` folders (the offline root config of
//   builder/theme/site-config.ts: relativeURLs, uglyURLs, params.offline for the theme), with
//   baseURL "/": opened from a folder, every link finds its file without a web server to turn
//   `page/` into `page/index.html`.
// - Search works from the disk too: Pagefind's index goes into one script the search page loads
//   with a <script> tag, as file:// allows no fetch() (search-index.ts).
// - The source is the online build's unpacked export, kept for this (not fetched again: the
//   export token may have expired, and the offline copy must match the online deploy).
// - The zip goes to a file first, then to R2 in one streamed PUT, retried by reopening the
//   file: memory stays bounded, and the size is known before the upload starts.
// - A failure is logged, not reported: the online publish has succeeded already, and the
//   deploy simply offers no download.
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { BuildJob } from "#schemas/build-job";
import type { DeployId, DeployMedia } from "#schemas/deploy";
import { offlineBody } from "#schemas/publish";
import type { FollowUp } from "./follow-ups.ts";
import { runHugo } from "./hugo.ts";
import { copyMathAssets } from "./math-assets.ts";
import { downloadMedia } from "./media-refs.ts";
import { indexSite } from "./search-index.ts";
import { writeSiteConfig } from "./site-config.ts";
import { listFiles, putFile } from "./storage.ts";
import { describeAnswer, postSigned, type WorkerRequestOptions } from "./worker-requests.ts";
import { writeZip } from "./zip-write.ts";

export type OfflineOptions = {
  s3: S3Client;
  bucket: string;
  /** Signs the announcement (the newest job secret). */
  secret: string;
  theme: string;
  themesDir: string;
  hugoBin?: string;
  pagefindBin?: string;
  /** The time limit of Hugo and of Pagefind, each. */
  hugoTimeoutMs: number;
  requests?: WorkerRequestOptions;
  log: (line: string) => void;
  /** The online deploy's media references: copied into the offline copy (media-refs.ts). */
  media?: Record<string, DeployMedia>;
  /** The online build's pages link KaTeX (same source, so the offline pages do too). */
  usesMath?: boolean;
};

/** R2 SITES key of a deploy's offline copy. */
export function offlineZipKey(siteId: string, deployId: DeployId): string {
  return `offline/${siteId}/${deployId}.zip`;
}

/**
 * The follow-up that builds the offline copy from `work/source` and then removes `work`, which
 * it owns from now on (also when it is discarded instead of run).
 */
export function offlineFollowUp(
  job: BuildJob & { offlineUrl: string },
  work: string,
  options: OfflineOptions,
): FollowUp {
  const removeWork = () => rm(work, { recursive: true, force: true });
  return {
    name: `offline copy of job ${job.jobId}`,
    discard: removeWork,
    async run(signal) {
      try {
        await buildOffline(job, work, signal, options);
      } finally {
        await removeWork();
      }
    },
  };
}

async function buildOffline(
  job: BuildJob & { offlineUrl: string },
  work: string,
  signal: AbortSignal,
  options: OfflineOptions,
): Promise<void> {
  const started = performance.now();
  const source = join(work, "source");
  const output = join(work, "offline");
  await writeSiteConfig(source, options, true);
  const hugo = await runHugo({
    sourceDir: source,
    destination: output,
    baseURL: "/",
    timeoutMs: options.hugoTimeoutMs,
    signal,
    ...(options.hugoBin ? { hugoBin: options.hugoBin } : {}),
  });
  if (!hugo.ok) {
    const why = hugo.aborted ? "was stopped" : hugo.timedOut ? "timed out" : "failed";
    throw new Error(`Hugo ${why}\n${hugo.log.slice(-2_000)}`);
  }
  signal.throwIfAborted();
  // The offline copy renders math from its own copy of KaTeX, like the online site, and has
  // the course's uploaded files at the paths its pages link.
  if (options.usesMath) await copyMathAssets(output);
  if (options.media && Object.keys(options.media).length > 0) {
    const got = await downloadMedia(output, options.media, {
      exportUrl: job.exportUrl,
      exportToken: job.exportToken,
      ...(options.requests?.fetch ? { fetch: options.requests.fetch } : {}),
      signal,
      log: options.log,
    });
    options.log(
      `builder: offline copy of job ${job.jobId} has ${got.files} media files (${got.bytes} bytes)` +
        (got.skipped ? `; ${got.skipped} left out` : ""),
    );
  }
  const search = await indexSite({
    siteDir: output,
    offline: true,
    timeoutMs: options.hugoTimeoutMs,
    signal,
    ...(options.pagefindBin ? { pagefindBin: options.pagefindBin } : {}),
  });
  if (!search.ok) {
    const why = search.aborted ? "was stopped" : search.timedOut ? "timed out" : "failed";
    throw new Error(`Pagefind (the search index) ${why}\n${search.log.slice(-2_000)}`);
  }
  signal.throwIfAborted();

  const zipPath = join(work, "offline.zip");
  const zipped = await writeZip(output, await listFiles(output), zipPath, { signal });
  const { size } = await stat(zipPath);
  const key = offlineZipKey(job.siteId, job.deployId);
  await putFile({
    s3: options.s3,
    bucket: options.bucket,
    key,
    path: zipPath,
    size,
    contentType: "application/zip",
  });
  signal.throwIfAborted();

  const answer = await postSigned(
    job.offlineUrl,
    offlineBody.parse({ jobId: job.jobId, key, bytes: size }),
    options.secret,
    { ...options.requests, signal },
  );
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`the Worker refused the offline copy: ${describeAnswer(answer)}`);
  }
  options.log(
    `builder: offline copy of job ${job.jobId}: ${zipped.entries} files, ${size} bytes, ` +
      `search index of ${search.pages ?? "?"} pages, in ${Math.round(performance.now() - started)} ms`,
  );
}
