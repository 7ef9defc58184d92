// The "media-transcode" suite of `npm run bench`: the builder's media jobs (ffmpeg) on a
// generated clip, the way the Worker sends them. A 60 s 1280x720 testsrc clip with a sine tone
// (made once per run with ffmpeg's lavfi sources, in MPEG-4 Part 2 + MP2 so the web MP4 is a
// real transcode) is put into an S3 server (s3rver, as R2 MEDIA); the real builder process
// (builder/src/server.ts) takes signed jobs on /media-jobs and reports to a local callback
// server. Figures: seconds of transcode per minute of video, the poster's and the thumbnails'
// times, and the builder's peak resident memory (its process tree: node and ffmpeg).
// Results go to test/bench/results/media-transcode.json and are printed as a table.
import { execFileSync, spawn } from "node:child_process";
import { createHash, createHmac, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { ROOT } from "../lib/local-stack.mjs";
import { machine } from "./machine.mjs";
import { watchTree } from "./process-tree.mjs";
import { textTable } from "./report.mjs";

const RESULTS_DIR = join(ROOT, "test/bench/results");
const SECRET = "bench-media-secret";
const BUCKET = "lectern-media";
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

const step = (/** @type {string} */ message) => console.log(`[bench] ${message}`);
const id = (/** @type {string} */ prefix) =>
  `${prefix}_${Array.from({ length: 26 }, () => ALPHABET[Math.floor(Math.random() * 32)]).join("")}`;

/** The header the builder checks (workers/domain/job-signing.ts), made with node:crypto. */
function sign(/** @type {string} */ path, /** @type {string} */ body) {
  const t = Math.floor(Date.now() / 1000);
  const hash = createHash("sha256").update(body).digest("hex");
  const mac = createHmac("sha256", SECRET).update(`${t}.POST.${path}.${hash}`).digest("hex");
  return `t=${t},v1=${mac}`;
}

/**
 * @param {{ quick: boolean, out: string | null }} options
 */
export async function runMediaTranscodeSuite(options) {
  const seconds = options.quick ? 10 : 60;
  const out =
    options.out ??
    join(RESULTS_DIR, options.quick ? "media-transcode-quick.json" : "media-transcode.json");
  const work = await mkdtemp(join(tmpdir(), "lectern-bench-media-"));
  /** @type {import("node:child_process").ChildProcess | null} */
  let builder = null;
  const s3rver = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: join(work, "s3"),
    configureBuckets: [{ name: BUCKET }],
  });
  /** @type {Map<string, (result: Record<string, unknown>) => void>} */
  const waiting = new Map();
  const callbacks = createServer((req, res) => {
    const chunks = /** @type {Buffer[]} */ ([]);
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (body.state !== "running") waiting.get(body.jobId)?.(body);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  try {
    step(`generating a ${seconds} s 1280x720 clip and a 1920x1080 image with ffmpeg`);
    const ff = (/** @type {string[]} */ args) =>
      execFileSync("ffmpeg", ["-v", "error", "-nostdin", "-y", ...args], { cwd: work });
    ff([
      ...["-f", "lavfi", "-i", `testsrc=duration=${seconds}:size=1280x720:rate=30`],
      ...["-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`],
      ...["-c:v", "mpeg4", "-q:v", "3", "-c:a", "mp2", "-shortest", "clip.mkv"],
    ]);
    ff(["-f", "lavfi", "-i", "testsrc=size=1920x1080", "-frames:v", "1", "photo.png"]);
    const ffmpegVersion = /^ffmpeg version (\S+)/.exec(
      execFileSync("ffmpeg", ["-version"], { encoding: "utf8" }),
    )?.[1];

    const { port: s3Port } = await s3rver.run();
    const endpoint = `http://127.0.0.1:${s3Port}`;
    const s3 = new S3Client({
      endpoint,
      region: "auto",
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      forcePathStyle: true,
    });
    const tenantId = id("ten");
    const siteId = id("site");
    const keys = {
      clip: `t/${tenantId}/s/${siteId}/files/clip/clip.mkv`,
      photo: `t/${tenantId}/s/${siteId}/files/photo/photo.png`,
    };
    for (const [name, file] of [
      ["clip", "clip.mkv"],
      ["photo", "photo.png"],
    ]) {
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: keys[/** @type {"clip" | "photo"} */ (name)],
          Body: readFileSync(join(work, file)),
        }),
      );
    }
    await new Promise((resolve) => callbacks.listen(0, "127.0.0.1", () => resolve(undefined)));
    const callbackPort = /** @type {import("node:net").AddressInfo} */ (callbacks.address()).port;

    step("starting the builder");
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("BUILDER_")),
    );
    builder = spawn(process.execPath, ["--import", "tsx", "builder/src/server.ts"], {
      cwd: ROOT,
      env: {
        ...clean,
        BUILDER_PORT: "0",
        BUILDER_JOB_SECRET: SECRET,
        BUILDER_S3_ENDPOINT: endpoint,
        BUILDER_S3_ACCESS_KEY_ID: "S3RVER",
        BUILDER_S3_SECRET_ACCESS_KEY: "S3RVER",
        BUILDER_S3_BUCKET: "lectern-sites",
        BUILDER_S3_MEDIA_BUCKET: BUCKET,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const child = builder;
    const builderPort = await new Promise((resolve, reject) => {
      let text = "";
      child.stdout?.on("data", (chunk) => {
        text += chunk;
        const m = /listening on :(\d+)/.exec(text);
        if (m) resolve(Number(m[1]));
      });
      child.stderr?.on("data", (chunk) => process.stderr.write(chunk));
      child.on("exit", (code) => reject(new Error(`the builder exited (${code})`)));
    });
    const watch = watchTree(/** @type {number} */ (child.pid), 50);

    /** Sends one media job and waits for its result; returns its time and result. */
    const run = async (
      /** @type {"transcode" | "poster" | "thumbnails"} */ kind,
      /** @type {string} */ sourceKey,
    ) => {
      const jobId = id("mjob");
      const mediaId = id("med");
      const job = {
        jobId,
        token: randomUUID(),
        kind,
        tenantId,
        siteId,
        mediaId,
        sourceKey,
        outputPrefix: `t/${tenantId}/s/${siteId}/media/${mediaId}/`,
        callbackUrl: `http://127.0.0.1:${callbackPort}/internal/v1/media/${mediaId}/jobs/${jobId}/result`,
        deadline: new Date(Date.now() + 3_600_000).toISOString(),
      };
      const body = JSON.stringify(job);
      const done = new Promise((resolve) => waiting.set(jobId, resolve));
      const started = performance.now();
      const res = await fetch(`http://127.0.0.1:${builderPort}/media-jobs`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-lectern-signature": sign("/media-jobs", body),
        },
        body,
      });
      if (res.status !== 202)
        throw new Error(`the builder answered ${res.status}: ${await res.text()}`);
      const result = /** @type {Record<string, any>} */ (await done);
      const ms = Math.round(performance.now() - started);
      if (result.state !== "done") throw new Error(`${kind} failed: ${result.error}`);
      const phase = watch.phase();
      return { ms, result, peakRssBytes: phase.peakRssBytes, cpuSeconds: phase.cpuSeconds };
    };

    watch.phase();
    step(`transcoding the ${seconds} s clip to the web MP4`);
    const transcode = await run("transcode", keys.clip);
    step("taking the poster frame");
    const poster = await run("poster", keys.clip);
    step("making thumbnails of the 1920x1080 image");
    const thumbnails = await run("thumbnails", keys.photo);
    const overall = watch.stop();

    const duration = Number(transcode.result.output.metadata.duration_seconds);
    const web = transcode.result.output.variants[0];
    const result = {
      suite: "media-transcode",
      date: new Date().toISOString(),
      machine: { ...machine(), ffmpeg: ffmpegVersion ?? null },
      config: {
        clip: { seconds, width: 1280, height: 720, fps: 30, codec: "mpeg4 + mp2 (mkv)" },
        webMp4: "H.264 CRF 23 veryfast, yuv420p, ≤1280 wide, AAC 128k, faststart",
        thumbnails: "WebP 320/640/1280 of a 1920x1080 PNG",
        mediaConcurrency: 1,
      },
      transcode: {
        ms: transcode.ms,
        durationSeconds: duration,
        secondsPerMinuteOfVideo: Math.round((transcode.ms / 1000 / (duration / 60)) * 100) / 100,
        speed: Math.round((duration / (transcode.ms / 1000)) * 100) / 100,
        outputBytes: web?.size ?? null,
        cpuSeconds: transcode.cpuSeconds,
        peakRssBytes: transcode.peakRssBytes,
      },
      poster: { ms: poster.ms, peakRssBytes: poster.peakRssBytes },
      thumbnails: {
        ms: thumbnails.ms,
        files: thumbnails.result.output.variants.length,
        peakRssBytes: thumbnails.peakRssBytes,
      },
      builder: { peakRssBytes: overall.peakRssBytes, startRssBytes: overall.startRssBytes },
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    const mib = (/** @type {number | null} */ v) =>
      v === null ? "–" : `${Math.round(v / 1024 / 1024)} MiB`;
    console.log(
      `\nMedia jobs on this builder (ffmpeg ${ffmpegVersion ?? "?"}; ${seconds} s 720p30 clip)\n` +
        textTable([
          ["job", "time", "per minute of video", "speed", "builder peak RSS"],
          [
            "transcode → web MP4",
            `${(transcode.ms / 1000).toFixed(1)} s`,
            `${result.transcode.secondsPerMinuteOfVideo.toFixed(1)} s`,
            `${result.transcode.speed.toFixed(2)}×`,
            mib(transcode.peakRssBytes),
          ],
          [
            "poster frame",
            `${(poster.ms / 1000).toFixed(2)} s`,
            "–",
            "–",
            mib(poster.peakRssBytes),
          ],
          [
            "3 thumbnails (1080p PNG)",
            `${(thumbnails.ms / 1000).toFixed(2)} s`,
            "–",
            "–",
            mib(thumbnails.peakRssBytes),
          ],
        ]) +
        `\nwritten to ${relative(ROOT, out)}\n`,
    );
    return result;
  } finally {
    builder?.kill("SIGTERM");
    await new Promise((resolve) => callbacks.close(() => resolve(undefined)));
    await s3rver.close();
    await rm(work, { recursive: true, force: true });
  }
}
