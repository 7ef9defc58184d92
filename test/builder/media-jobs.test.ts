// The builder's media jobs with the real ffmpeg and ffprobe (Debian's) on tiny media generated
// here (lavfi testsrc + sine), against s3rver as R2 MEDIA, and the signed intake end to end:
// POST /media-jobs → "running" then "done"/"failed" posted, signed, to the callback.
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuilderMediaJob, MediaJobResult } from "#schemas/media-jobs";
import { SIGNATURE_HEADER, signRequest, verifyRequest } from "#workers/domain/job-signing";
import { createBuilderServer } from "../../builder/src/jobs.ts";
import {
  createResultPoster,
  MediaJobQueue,
  runMediaJob,
  trimToolLog,
} from "../../builder/src/media-jobs.ts";
import { createS3 } from "../../builder/src/storage.ts";

const bucket = "lectern-media";
/** `<prefix>_` and 26 Crockford base32 characters, as the Worker's ids. */
const newId = (prefix: string) =>
  `${prefix}_${Array.from({ length: 26 }, () => "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[Math.floor(Math.random() * 32)]).join("")}`;
const SECRET = "media-jobs-test-secret";
const tenantId = newId("ten");
const siteId = newId("site");
let work: string;
let s3rver: S3rver;
let s3: S3Client;

function ffmpeg(args: string[]) {
  execFileSync("ffmpeg", ["-v", "error", "-nostdin", "-y", ...args], { cwd: work });
}

function probe(path: string) {
  const out = execFileSync(
    "ffprobe",
    ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
    { encoding: "utf8" },
  );
  return JSON.parse(out) as {
    streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
    format: { duration: string };
  };
}

async function put(key: string, file: string) {
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(join(work, file)) }),
  );
}

async function get(key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(
    await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

function job(
  kind: BuilderMediaJob["kind"],
  sourceKey: string,
  mediaId = newId("med"),
): BuilderMediaJob {
  return {
    jobId: newId("mjob"),
    token: crypto.randomUUID(),
    kind,
    tenantId,
    siteId,
    mediaId,
    sourceKey,
    outputPrefix: `t/${tenantId}/s/${siteId}/media/${mediaId}/`,
    callbackUrl: "http://127.0.0.1:9/unused",
    deadline: new Date(Date.now() + 600_000).toISOString(),
  };
}

const deps = () => ({ s3, bucket, toolTimeoutMs: 60_000 });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "lectern-media-jobs-"));
  s3rver = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: join(work, "s3"),
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await s3rver.run();
  s3 = createS3({
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
  });
  // A 2 s 320x240 clip with a 440 Hz tone, in a container and codecs browsers do not play.
  ffmpeg([
    ...["-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=25"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:duration=2"],
    ...["-c:v", "mpeg4", "-c:a", "mp2", "-shortest", "clip.mkv"],
  ]);
  ffmpeg(["-f", "lavfi", "-i", "testsrc=size=800x600", "-frames:v", "1", "photo.png"]);
  // A file that claims to be an MP4 and is not.
  await writeFile(
    join(work, "corrupt.mp4"),
    Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from("ftypmp42"),
      Buffer.alloc(4096, 0x5a),
    ]),
  );
  await put(`t/${tenantId}/s/${siteId}/files/u1/clip.mkv`, "clip.mkv");
  await put(`t/${tenantId}/s/${siteId}/files/u2/photo.png`, "photo.png");
  await put(`t/${tenantId}/s/${siteId}/files/u3/corrupt.mp4`, "corrupt.mp4");
}, 60_000);

afterAll(async () => {
  await s3rver?.close();
  await rm(work, { recursive: true, force: true });
});

describe("runMediaJob with ffmpeg", () => {
  it("makes WebP thumbnails no wider than the image, with their dimensions", async () => {
    const j = job("thumbnails", `t/${tenantId}/s/${siteId}/files/u2/photo.png`);
    const outcome = await runMediaJob(j, deps());
    expect(outcome).toMatchObject({ ok: true });
    if (!outcome.ok) return;
    expect(outcome.output.metadata).toEqual({ width: 800, height: 600 });
    expect(outcome.output.variants.map((v) => [v.key, v.width, v.height, v.type])).toEqual([
      [`${j.outputPrefix}w320.webp`, 320, 240, "image/webp"],
      [`${j.outputPrefix}w640.webp`, 640, 480, "image/webp"],
    ]);
    const stored = await get(`${j.outputPrefix}w640.webp`);
    expect(stored.subarray(0, 4).toString()).toBe("RIFF");
    expect(stored.subarray(8, 12).toString()).toBe("WEBP");
    expect(outcome.output.variants[1]?.size).toBe(stored.length);
  });

  it("transcodes a video to a faststart H.264/AAC MP4 and records its duration", async () => {
    const j = job("transcode", `t/${tenantId}/s/${siteId}/files/u1/clip.mkv`);
    const outcome = await runMediaJob(j, deps());
    expect(outcome).toMatchObject({ ok: true });
    if (!outcome.ok) return;
    expect(outcome.output.metadata).toMatchObject({ width: 320, height: 240, has_audio: true });
    expect(outcome.output.metadata.duration_seconds).toBeCloseTo(2, 0);
    const mp4 = await get(`${j.outputPrefix}web.mp4`);
    await writeFile(join(work, "out.mp4"), mp4);
    const info = probe(join(work, "out.mp4"));
    expect(info.streams.map((s) => s.codec_name).sort()).toEqual(["aac", "h264"]);
    expect(Number(info.format.duration)).toBeCloseTo(2, 0);
    // faststart: the index (moov) comes before the media data (mdat).
    expect(mp4.indexOf("moov")).toBeGreaterThan(0);
    expect(mp4.indexOf("moov")).toBeLessThan(mp4.indexOf("mdat"));
    expect(outcome.output.variants).toEqual([
      {
        role: "web_mp4",
        key: `${j.outputPrefix}web.mp4`,
        size: mp4.length,
        type: "video/mp4",
        width: 320,
        height: 240,
      },
    ]);
  });

  it("takes a poster frame", async () => {
    const j = job("poster", `t/${tenantId}/s/${siteId}/files/u1/clip.mkv`);
    const outcome = await runMediaJob(j, deps());
    expect(outcome).toMatchObject({ ok: true });
    if (!outcome.ok) return;
    expect(outcome.output.variants[0]).toMatchObject({
      role: "poster",
      type: "image/jpeg",
      width: 320,
      height: 240,
    });
    const jpeg = await get(`${j.outputPrefix}poster.jpg`);
    expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
  });

  it("fails a corrupt video permanently with ffprobe's reason, and a missing original too", async () => {
    const bad = await runMediaJob(
      job("transcode", `t/${tenantId}/s/${siteId}/files/u3/corrupt.mp4`),
      deps(),
    );
    expect(bad).toMatchObject({ ok: false, permanent: true });
    if (bad.ok) return;
    expect(bad.error).toMatch(
      /^ffprobe cannot read the file: .*(Invalid data|moov atom not found)/,
    );
    expect(bad.error.length).toBeLessThan(600);
    const gone = await runMediaJob(
      job("poster", `t/${tenantId}/s/${siteId}/files/none/x.mp4`),
      deps(),
    );
    expect(gone).toMatchObject({
      ok: false,
      permanent: true,
      error: expect.stringContaining("not in storage"),
    });
    // A video has pictures too: its thumbnails are of its first frame.
    const still = await runMediaJob(
      job("thumbnails", `t/${tenantId}/s/${siteId}/files/u1/clip.mkv`),
      deps(),
    );
    expect(still.ok).toBe(true);
  });

  it("trims a tool's log to its last lines", () => {
    const log = Array.from({ length: 50 }, (_, i) => `line ${i}`).join("\n");
    expect(trimToolLog(log)).toBe("line 46 | line 47 | line 48 | line 49");
    expect(trimToolLog("x".repeat(2000)).length).toBe(500);
  });
});

describe("the signed intake", () => {
  let builder: ReturnType<typeof createBuilderServer>;
  let worker: Server;
  let builderUrl: string;
  let callbackBase: string;
  const received: { path: string; body: MediaJobResult; verified: boolean }[] = [];

  beforeAll(async () => {
    worker = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const body = Buffer.concat(chunks);
        const verdict = await verifyRequest({
          secrets: [SECRET],
          method: req.method ?? "",
          path: req.url ?? "",
          body: new Uint8Array(body),
          header: req.headers[SIGNATURE_HEADER] as string | undefined,
        });
        received.push({
          path: req.url ?? "",
          body: JSON.parse(body.toString()),
          verified: verdict.ok,
        });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => worker.listen(0, "127.0.0.1", resolve));
    callbackBase = `http://127.0.0.1:${(worker.address() as AddressInfo).port}`;
    const media = new MediaJobQueue({
      run: (j, signal) => runMediaJob(j, deps(), signal),
      post: createResultPoster([SECRET], { retries: 1, baseDelayMs: 10 }),
    });
    builder = createBuilderServer({
      secrets: [SECRET],
      runJob: async () => {
        throw new Error("no site builds here");
      },
      media,
      log: () => {},
    });
    builderUrl = `http://127.0.0.1:${await builder.listen(0, "127.0.0.1")}`;
  });

  afterAll(async () => {
    await builder?.shutdown();
    await new Promise<void>((resolve) => worker?.close(() => resolve()));
  });

  async function send(body: unknown, secret = SECRET) {
    const text = JSON.stringify(body);
    return fetch(`${builderUrl}/media-jobs`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: await signRequest({
          secret,
          method: "POST",
          path: "/media-jobs",
          body: text,
        }),
      },
      body: text,
    });
  }

  async function until(check: () => boolean, ms = 30_000) {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("runs a signed job once and reports running, then the result, signed", async () => {
    const j = {
      ...job("poster", `t/${tenantId}/s/${siteId}/files/u1/clip.mkv`),
      callbackUrl: `${callbackBase}/internal/v1/media-jobs/x/result`,
    };
    const first = await send(j);
    expect(first.status).toBe(202);
    const again = await send(j);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ jobId: j.jobId, state: "known" });
    await until(() => received.some((r) => r.body.jobId === j.jobId && r.body.state !== "running"));
    const mine = received.filter((r) => r.body.jobId === j.jobId);
    expect(mine.map((r) => r.body.state)).toEqual(["running", "done"]);
    expect(mine.every((r) => r.verified && r.path === "/internal/v1/media-jobs/x/result")).toBe(
      true,
    );
    expect(mine[1]?.body.output?.variants[0]?.role).toBe("poster");
  });

  it("reports a corrupt file as failed, permanent; refuses unsigned and invalid jobs", async () => {
    const j = {
      ...job("transcode", `t/${tenantId}/s/${siteId}/files/u3/corrupt.mp4`),
      callbackUrl: `${callbackBase}/cb`,
    };
    expect((await send(j)).status).toBe(202);
    await until(() => received.some((r) => r.body.jobId === j.jobId && r.body.state === "failed"));
    const failed = received.find((r) => r.body.jobId === j.jobId && r.body.state === "failed");
    expect(failed?.body).toMatchObject({
      permanent: true,
      error: expect.stringMatching(/^ffprobe/),
    });

    expect((await send(j, "wrong-secret")).status).toBe(401);
    const invalid = await send({ ...j, outputPrefix: "no-slash" });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      code: "VALIDATION_FAILED",
      errors: [{ field: "outputPrefix" }],
    });
  });
});
