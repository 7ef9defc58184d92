// The "media-upload" suite of `npm run bench`: upload throughput of one large file (500 MB;
// 50 MB with --quick) through the Worker's media API, the way the library page sends it
// (create, the 10 MiB parts in order over keep-alive, complete: which sniffs the file, hashes
// all of it with SHA-256 and makes it a resource), next to writing the same bytes straight into
// R2 in the same run (PutObject of each 10 MiB piece through the local S3 stand-in, i.e. the
// Worker's own R2 binding without the media API; signed with UNSIGNED-PAYLOAD, so neither side
// hashes the body on the way). Both go through the same wrangler dev and its local R2, so
// the ratio is the figure to compare; the MB/s are this machine's. Results go to
// test/bench/results/media-upload.json and are printed.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import {
  applyMigrations,
  buildWorker,
  freePort,
  ROOT,
  seedDemo,
  startWorker,
  wranglerVar,
} from "../lib/local-stack.mjs";
import { openApi } from "./api-session.mjs";
import { machine } from "./machine.mjs";
import { watchGroup } from "./process-group.mjs";
import { textTable } from "./report.mjs";
import { createCourseSite } from "./site-generation.mjs";

const RESULTS_DIR = join(ROOT, "test/bench/results");
const MB = 1_000_000;
/** The media API's part size (workers/domain/media.ts, DEFAULT_PART_BYTES). */
const PART_BYTES = 10 * 1024 * 1024;
const step = (/** @type {string} */ message) => console.log(`[bench] ${message}`);

/**
 * SigV4 headers for a PUT whose body is not hashed (x-amz-content-sha256: UNSIGNED-PAYLOAD), as
 * the stand-in (workers/local/sigv4.ts) verifies them: region "auto", service "s3".
 * @param {URL} url
 * @param {number} length
 * @param {{ accessKeyId: string, secretAccessKey: string }} credentials
 */
function signUnsignedPut(url, length, credentials) {
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const date = amzDate.slice(0, 8);
  const scope = `${date}/auto/s3/aws4_request`;
  const headers = {
    host: url.host,
    "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
    "x-amz-date": amzDate,
  };
  const signed = Object.keys(headers).sort();
  const canonical = [
    "PUT",
    url.pathname,
    "",
    ...signed.map((h) => `${h}:${headers[/** @type {keyof typeof headers} */ (h)]}`),
    "",
    signed.join(";"),
    "UNSIGNED-PAYLOAD",
  ].join("\n");
  const toSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope,
    createHash("sha256").update(canonical).digest("hex"),
  ].join("\n");
  const hmac = (/** @type {string | Buffer} */ key, /** @type {string} */ data) =>
    createHmac("sha256", key).update(data).digest();
  const kSigning = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), "auto"), "s3"),
    "aws4_request",
  );
  const signature = createHmac("sha256", kSigning).update(toSign).digest("hex");
  return {
    "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
    "x-amz-date": amzDate,
    "content-length": String(length),
    "content-type": "application/octet-stream",
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}`,
  };
}

/** @param {{ quick: boolean, out: string | null, build: boolean }} options */
export async function runMediaUploadSuite(options) {
  const bytesTotal = (options.quick ? 50 : 500) * MB;
  const out =
    options.out ??
    join(RESULTS_DIR, options.quick ? "media-upload-quick.json" : "media-upload.json");
  /** @type {Awaited<ReturnType<typeof startWorker>> | null} */
  let worker = null;
  /** @type {string | null} */
  let persistTo = null;
  try {
    const startedAt = new Date();
    if (options.build) {
      step("building the Worker (react-router build)");
      await buildWorker();
    }
    persistTo = await mkdtemp(join(tmpdir(), "lectern-bench-media-upload-"));
    const port = await freePort();
    const appUrl = `http://localhost:${port}`;
    await applyMigrations({ persistTo });
    const seeded = await seedDemo({ persistTo, appUrl });
    step(`starting wrangler dev on port ${port}`);
    worker = await startWorker({ port, persistTo, appUrl, env: { WRANGLER_LOG: "warn" } });
    const url = worker.url;
    const api = await openApi({ url, appUrl, login: seeded.owner, tenantId: seeded.tenant.id });
    const siteId = await createCourseSite(api, seeded.tenant.id);
    const base = `/tenants/${seeded.tenant.id}/sites/${siteId}/media`;
    const token = api.headers.authorization;

    step(`generating ${bytesTotal / MB} MB of random bytes (a PNG by its first bytes)`);
    const bytes = randomBytes(bytesTotal);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
    const usage = watchGroup(worker.pid);

    // 1. Straight into R2: PutObject through the S3 stand-in (the Worker's R2 binding).
    step("writing the bytes straight into R2 (PutObject through the local S3 stand-in)");
    // In pieces of the media API's part size: one 500 MB request would be one object, but the
    // local runtime does not take a body that large, and the pieces make the comparison
    // like for like (the same requests and sizes, without the media API around them).
    const directPrefix = `bench/direct-${Date.now()}`;
    usage.phase();
    const directStart = performance.now();
    for (let n = 1, at = 0; at < bytes.byteLength; n++, at += PART_BYTES) {
      const piece = bytes.subarray(at, at + PART_BYTES);
      const directUrl = new URL(`${url}/__local/s3/media/${directPrefix}/${n}`);
      const direct = await fetch(directUrl, {
        method: "PUT",
        headers: signUnsignedPut(directUrl, piece.byteLength, {
          accessKeyId: wranglerVar("LOCAL_S3_ACCESS_KEY_ID"),
          secretAccessKey: wranglerVar("LOCAL_S3_SECRET_ACCESS_KEY"),
        }),
        body: piece,
      });
      if (direct.status !== 200) {
        throw new Error(`PutObject answered ${direct.status}: ${await direct.text()}`);
      }
    }
    const directMs = performance.now() - directStart;
    const directUsage = usage.phase();

    // 2. Through the media API, as the library page does.
    step("uploading the same bytes through the media API (parts in order, then complete)");
    const call = async (/** @type {string} */ method, /** @type {string} */ path, body) => {
      const res = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: {
          authorization: token,
          ...(body instanceof Uint8Array
            ? { "content-type": "application/octet-stream" }
            : body
              ? { "content-type": "application/json" }
              : {}),
        },
        body: body instanceof Uint8Array ? body : body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text);
    };
    const uploadStart = performance.now();
    const created = await call("POST", `${base}/uploads`, {
      filename: "bench-upload.png",
      type: "image/png",
      size: bytes.byteLength,
    });
    const { item, partSize, partCount } = created.upload;
    /** @type {number[]} */
    const partMs = [];
    for (let n = 1; n <= partCount; n++) {
      const t = performance.now();
      await call(
        "PUT",
        `${base}/uploads/${item.id}/parts/${n}`,
        bytes.subarray((n - 1) * partSize, n * partSize),
      );
      partMs.push(performance.now() - t);
    }
    const partsMs = performance.now() - uploadStart;
    const completeStart = performance.now();
    const done = await call("POST", `${base}/uploads/${item.id}/complete`);
    const completeMs = performance.now() - completeStart;
    const uploadMs = performance.now() - uploadStart;
    const uploadUsage = usage.phase();
    usage.stop();
    if (done.item.size !== bytes.byteLength || done.item.status !== "ready") {
      throw new Error(`the upload did not finish: ${JSON.stringify(done.item)}`);
    }

    const mbps = (/** @type {number} */ ms) =>
      Math.round((bytesTotal / MB / (ms / 1000)) * 10) / 10;
    const sorted = [...partMs].sort((a, b) => a - b);
    const result = {
      suite: "media-upload",
      startedAt: startedAt.toISOString(),
      machine: machine(),
      file: { bytes: bytesTotal, partSize, partCount },
      direct: {
        what: "PutObject (UNSIGNED-PAYLOAD) of each 10 MiB piece through the local S3 stand-in: the R2 binding",
        ms: Math.round(directMs),
        mbPerSecond: mbps(directMs),
        server: directUsage,
      },
      throughWorker: {
        what: "POST uploads, PUT each part in order, POST complete (sniff, SHA-256, resource)",
        ms: Math.round(uploadMs),
        mbPerSecond: mbps(uploadMs),
        partsOnly: { ms: Math.round(partsMs), mbPerSecond: mbps(partsMs) },
        completeMs: Math.round(completeMs),
        partMs: {
          p50: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
          max: Math.round(sorted.at(-1) ?? 0),
        },
        sha256: done.item.sha256,
        server: uploadUsage,
      },
      /** Through the Worker's media API relative to straight into R2 (1 = as fast). */
      ratio: Math.round((mbps(uploadMs) / mbps(directMs)) * 100) / 100,
      ratioPartsOnly: Math.round((mbps(partsMs) / mbps(directMs)) * 100) / 100,
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      textTable([
        ["", "MB/s", "ms"],
        ["straight into R2", String(result.direct.mbPerSecond), String(result.direct.ms)],
        [
          "through the media API",
          String(result.throughWorker.mbPerSecond),
          String(result.throughWorker.ms),
        ],
        [
          "  parts only",
          String(result.throughWorker.partsOnly.mbPerSecond),
          String(result.throughWorker.partsOnly.ms),
        ],
        ["  complete (sniff, SHA-256)", "", String(result.throughWorker.completeMs)],
      ]),
    );
    step(`ratio (through the Worker / straight into R2): ${result.ratio}`);
    step(`results written to ${relative(ROOT, out)}`);
  } finally {
    if (worker) await worker.stop();
    if (persistTo) await rm(persistTo, { recursive: true, force: true });
  }
}
