// Uploading a built site to R2 SITES through the S3 API (R2 in production; in local mode the
// Worker's stand-in for it, or any S3 server in tests).
//
// Decisions:
// - Content-addressed: each distinct file is stored once as `blobs/<sha256>`, so a rebuild
//   uploads only what changed and identical files (a theme's assets on every site) share a
//   blob. A blob that exists already is never written again: same key, same bytes.
// - The manifest (`deploys/<deployId>.json`) is written last, after every blob it names is
//   known to exist, so a manifest that can be read always describes a complete deploy.
// - Files are hashed and uploaded as streams: a site with large media never sits in memory.
// - Request checksums only when required: R2 accepts either way, but the SDK's default sends
//   stream bodies `aws-chunked` with a trailer, which simple S3 stand-ins do not decode.
// - One retry policy (retry.ts): the SDK's own is off, because it cannot replay a stream body.
//   Throttling, 5xx and network errors are retried; other 4xx (wrong key, no bucket) are not.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import {
  blobKey,
  type DeployFile,
  type DeployId,
  type DeployManifest,
  type DeployMedia,
  deployManifest,
  deployManifestKey,
} from "#schemas/deploy";
import { contentTypeFor } from "./content-types.ts";
import { forEachConcurrent } from "./pool.ts";
import { withRetry } from "./retry.ts";

export type S3Options = {
  endpoint: string;
  region?: string;
  accessKeyId: string;
  secretAccessKey: string;
};

export function createS3({
  endpoint,
  region = "auto",
  accessKeyId,
  secretAccessKey,
}: S3Options): S3Client {
  return new S3Client({
    endpoint,
    region,
    credentials: { accessKeyId, secretAccessKey },
    // R2 and local stand-ins address buckets by path, and keep a path prefix in `endpoint`.
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 1,
  });
}

export type UploadProgress =
  | { stage: "hashing"; done: number; total: number }
  | { stage: "uploading"; done: number; total: number; uploaded: number };

export type UploadDeployOptions = {
  s3: S3Client;
  bucket: string;
  deployId: DeployId;
  /** The built site (Hugo's destination). */
  dir: string;
  /**
   * Blobs known to be in the bucket (named by the manifests the site serves now): uploaded
   * without a HEAD each, which is most of a republish's requests.
   */
  knownBlobs?: ReadonlySet<string>;
  /** Uploaded media the site links to (media-refs.ts): referenced by the manifest, not copied. */
  media?: Record<string, DeployMedia>;
  concurrency?: number;
  /** Attempts after the first, per request. */
  retries?: number;
  retryBaseDelayMs?: number;
  onProgress?: (progress: UploadProgress) => void;
};

export type UploadDeployResult = {
  manifest: DeployManifest;
  files: number;
  blobsUploaded: number;
  blobsSkipped: number;
  bytesUploaded: number;
};

export async function uploadDeploy({
  s3,
  bucket,
  deployId,
  dir,
  knownBlobs = new Set(),
  media = {},
  concurrency = 8,
  retries = 3,
  retryBaseDelayMs = 250,
  onProgress,
}: UploadDeployOptions): Promise<UploadDeployResult> {
  const retry = <T>(attempt: () => Promise<T>) =>
    withRetry(attempt, { retries, baseDelayMs: retryBaseDelayMs, isRetryable });

  const paths = await listFiles(dir);
  const entries: DeployFile[] = new Array(paths.length);
  let hashed = 0;
  await forEachConcurrent(paths, concurrency, async (path, i) => {
    const { hash, size } = await hashFile(join(dir, path));
    entries[i] = { hash, size, contentType: contentTypeFor(path) };
    hashed += 1;
    onProgress?.({ stage: "hashing", done: hashed, total: paths.length });
  });

  // One upload per distinct content; the first path with it supplies the file and the type.
  const blobs = new Map<string, { path: string; size: number; contentType: string }>();
  paths.forEach((path, i) => {
    const entry = entries[i] as DeployFile;
    if (!blobs.has(entry.hash)) blobs.set(entry.hash, { path, ...entry });
  });
  // fromEntries defines own properties: a file named "__proto__" stays a file.
  const files = Object.fromEntries(paths.map((path, i) => [path, entries[i] as DeployFile]));
  // A path the build produced wins over a media reference of the same name.
  const references = Object.fromEntries(
    Object.entries(media).filter(([path]) => !Object.hasOwn(files, path)),
  );
  const manifest = deployManifest.parse({
    version: 1,
    deployId,
    files,
    ...(Object.keys(references).length > 0 ? { media: references } : {}),
  });

  let checked = 0;
  let blobsUploaded = 0;
  let bytesUploaded = 0;
  await forEachConcurrent([...blobs], concurrency, async ([hash, blob]) => {
    if (!knownBlobs.has(hash) && !(await retry(() => blobExists({ s3, bucket, hash })))) {
      await putFile({
        s3,
        bucket,
        key: blobKey(hash),
        path: join(dir, blob.path),
        size: blob.size,
        contentType: blob.contentType,
        retries,
        retryBaseDelayMs,
      });
      blobsUploaded += 1;
      bytesUploaded += blob.size;
    }
    checked += 1;
    onProgress?.({ stage: "uploading", done: checked, total: blobs.size, uploaded: blobsUploaded });
  });

  await retry(() =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: deployManifestKey(deployId),
        Body: JSON.stringify(manifest),
        ContentType: "application/json; charset=utf-8",
      }),
    ),
  );
  return {
    manifest,
    files: paths.length,
    blobsUploaded,
    blobsSkipped: blobs.size - blobsUploaded,
    bytesUploaded,
  };
}

/**
 * Uploads one file as one object, streamed (a single PUT: R2 takes up to 5 GiB that way, and
 * the local stand-in has no multipart uploads), retried like every other request.
 */
export async function putFile({
  s3,
  bucket,
  key,
  path,
  size,
  contentType,
  retries = 3,
  retryBaseDelayMs = 250,
}: {
  s3: S3Client;
  bucket: string;
  key: string;
  path: string;
  size: number;
  contentType: string;
  retries?: number;
  retryBaseDelayMs?: number;
}): Promise<void> {
  await withRetry(
    async () => {
      // A fresh stream per attempt: a failed attempt has consumed the last one.
      const body = createReadStream(path);
      try {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentLength: size,
            ContentType: contentType,
          }),
        );
      } finally {
        body.destroy();
      }
    },
    { retries, baseDelayMs: retryBaseDelayMs, isRetryable },
  );
}

/** Whether `blobs/<hash>` exists. Throws for anything but a clear yes or no. */
export async function blobExists({
  s3,
  bucket,
  hash,
}: {
  s3: S3Client;
  bucket: string;
  hash: string;
}): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: blobKey(hash) }));
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

/**
 * The blobs the given deploys' manifests name: in the bucket for sure, since blobs are never
 * deleted. A manifest that cannot be read only costs the HEADs it would have saved.
 */
export async function knownBlobsOf({
  s3,
  bucket,
  deployIds,
  log,
}: {
  s3: S3Client;
  bucket: string;
  deployIds: readonly DeployId[];
  log?: (line: string) => void;
}): Promise<Set<string>> {
  const known = new Set<string>();
  for (const deployId of new Set(deployIds)) {
    try {
      const manifest = await readManifest({ s3, bucket, deployId });
      for (const file of Object.values(manifest?.files ?? {})) known.add(file.hash);
    } catch (error) {
      log?.(`builder: could not read the manifest of ${deployId}: ${(error as Error).message}`);
    }
  }
  return known;
}

/** The deploy's manifest, validated; null when there is none. */
export async function readManifest({
  s3,
  bucket,
  deployId,
}: {
  s3: S3Client;
  bucket: string;
  deployId: DeployId;
}): Promise<DeployManifest | null> {
  let text: string;
  try {
    const object = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: deployManifestKey(deployId) }),
    );
    if (object.Body === undefined) throw new Error(`manifest of ${deployId} has no body`);
    text = await object.Body.transformToString("utf-8");
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
  return deployManifest.parse(JSON.parse(text));
}

/**
 * Every regular file under `dir`, as "/"-separated relative paths sorted by code unit (the
 * same order on every machine, unlike locale-aware sorting). Symbolic links are refused: one
 * could point anywhere on the builder, and Hugo does not write them.
 */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    const here = rel === "" ? dir : join(dir, rel);
    for (const entry of await readdir(here, { withFileTypes: true })) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(path);
      else {
        const kind = (await lstat(join(dir, path))).isSymbolicLink()
          ? "a symbolic link"
          : "not a file";
        throw new Error(`${JSON.stringify(path)} in the build output is ${kind}`);
      }
    }
  };
  await walk("");
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function hashFile(path: string): Promise<{ hash: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(createReadStream(path), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.length;
    }
  });
  return { hash: hash.digest("hex"), size };
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof S3ServiceException) return error.$metadata.httpStatusCode;
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

const NETWORK_ERRORS = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  // No answer at all: the connection failed or timed out. Anything else (a file that cannot be
  // read, a manifest that does not validate) would fail the same way again.
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  return (typeof code === "string" && NETWORK_ERRORS.has(code)) || name === "TimeoutError";
}
