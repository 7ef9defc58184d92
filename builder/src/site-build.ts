// One site build, as the job queue runs it: fetch the site's export from the API with the job's
// token, unpack it into a clean temporary directory, build it with Hugo against the theme, and
// upload the output to R2 SITES as a content-addressed deploy. Every step reports progress;
// any failure throws (the queue turns that into a "failed" callback with the message) and
// leaves nothing behind. Activation and the cache purge follow once the Worker side lands.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { BuildJob } from "#schemas/build-job";
import { runHugo } from "./hugo.ts";
import type { JobOutcome, JobProgress } from "./job-queue.ts";
import { uploadDeploy } from "./storage.ts";
import { unpackTarGz } from "./unpack.ts";

export type SiteBuildOptions = {
  s3: S3Client;
  bucket: string;
  /** Folder holding the themes (`<themesDir>/<theme>/layouts/…`). */
  themesDir: string;
  theme: string;
  hugoBin?: string;
  /** Hugo's time limit for one build. */
  hugoTimeoutMs?: number;
  /** Where temporary work directories go; the system's by default. */
  workRoot?: string;
  fetch?: typeof fetch;
};

/** The last part of a log, for a failure message that fits a callback. */
function tail(log: string, chars = 4_000) {
  return log.length > chars ? `…${log.slice(-chars)}` : log;
}

export async function buildSite(
  job: BuildJob,
  report: (status: JobProgress) => Promise<void>,
  { signal }: { signal: AbortSignal },
  options: SiteBuildOptions,
): Promise<JobOutcome> {
  const doFetch = options.fetch ?? fetch;
  const work = await mkdtemp(join(options.workRoot ?? tmpdir(), "lectern-build-"));
  try {
    const source = join(work, "source");
    const output = join(work, "public");
    await mkdir(source);
    await report({ state: "building", progress: 0, message: "Fetching the site's content" });
    const res = await doFetch(job.exportUrl, {
      headers: { authorization: `Bearer ${job.exportToken}` },
      signal,
    });
    if (!res.ok || !res.body) {
      throw new Error(`Fetching the site's content failed: HTTP ${res.status}`);
    }
    const unpacked = await unpackTarGz(res.body, source);
    // The export is content only; the theme comes from the builder. A root config file merges
    // with the export's config/_default/ (menus).
    await writeFile(
      join(source, "hugo.toml"),
      `theme = ${JSON.stringify(options.theme)}\nthemesDir = ${JSON.stringify(resolve(options.themesDir))}\n`,
    );
    signal.throwIfAborted();
    await report({
      state: "building",
      progress: 0.1,
      message: `Building ${unpacked.files} files with Hugo`,
    });
    const hugo = await runHugo({
      sourceDir: source,
      destination: output,
      baseURL: job.baseUrl,
      timeoutMs: options.hugoTimeoutMs ?? 5 * 60_000,
      ...(options.hugoBin ? { hugoBin: options.hugoBin } : {}),
    });
    if (!hugo.ok) {
      throw new Error(
        hugo.timedOut
          ? `Hugo did not finish within its time limit\n${tail(hugo.log)}`
          : `Hugo failed\n${tail(hugo.log)}`,
      );
    }
    signal.throwIfAborted();
    await report({ state: "uploading", progress: 0.5, message: "Uploading" });
    let lastReported = 0;
    const uploaded = await uploadDeploy({
      s3: options.s3,
      bucket: options.bucket,
      deployId: job.deployId,
      dir: output,
      onProgress: (p) => {
        if (p.stage !== "uploading" || p.total === 0) return;
        const fraction = 0.5 + 0.5 * (p.done / p.total);
        // A report per tenth is plenty for a progress bar.
        if (fraction - lastReported >= 0.05 || p.done === p.total) {
          lastReported = fraction;
          void report({ state: "uploading", progress: Math.min(1, fraction) });
        }
      },
    });
    return {
      message:
        `${uploaded.files} files; ${uploaded.blobsUploaded} uploaded ` +
        `(${uploaded.bytesUploaded} bytes), ${uploaded.blobsSkipped} already stored; ` +
        `Hugo ${hugo.durationMs} ms`,
      log: tail(hugo.log, 32_000),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
