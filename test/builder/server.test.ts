// builder/src/server.ts as the process it is in production: started with an environment,
// refusing wrong settings with readable messages (and never their values), and, with good
// ones, taking a signed job through the whole pipeline against s3rver and a Worker stand-in.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildJob, BuildJobStatus } from "#schemas/build-job";
import { tarWriter } from "#workers/domain/archive/tar-write";
import { SIGNATURE_HEADER, signRequest, verifyRequest } from "#workers/domain/job-signing";
import { createS3, readManifest } from "../../builder/src/storage.ts";
import { newDeployId } from "./storage-contract.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SECRET = "server-test-secret";
const S3_SECRET = "s3-secret-value-never-printed";
const bucket = "lectern-sites";

type Run = { code: number | null; stdout: string; stderr: string };

/** Runs the builder with `env` (and nothing of this process's BUILDER_* settings). */
function startServer(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  done: Promise<Run>;
} {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("BUILDER_")),
  );
  const child = spawn(process.execPath, ["--import", "tsx", "builder/src/server.ts"], {
    cwd: ROOT,
    env: { ...clean, BUILDER_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<Run>((resolve) => {
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
  return { child, output: () => stdout + stderr, done };
}

const s3Env = (endpoint: string) => ({
  BUILDER_S3_ENDPOINT: endpoint,
  BUILDER_S3_ACCESS_KEY_ID: "S3RVER",
  BUILDER_S3_SECRET_ACCESS_KEY: "S3RVER",
  BUILDER_S3_BUCKET: bucket,
});

describe("server settings", { timeout: 30_000 }, () => {
  it("refuses to start a builder that takes jobs without R2 settings, naming each", async () => {
    const { code, stderr } = await startServer({
      BUILDER_JOB_SECRET: SECRET,
      BUILDER_S3_SECRET_ACCESS_KEY: S3_SECRET,
      BUILDER_S3_ENDPOINT: "not a url",
      BUILDER_HEARTBEAT_MS: "soon",
    }).done;
    expect(code).toBe(2);
    expect(stderr).toMatch(/BUILDER_S3_ENDPOINT must be an http\(s\) URL/);
    expect(stderr).toMatch(/BUILDER_S3_ACCESS_KEY_ID must be set/);
    expect(stderr).toMatch(/BUILDER_S3_BUCKET must be set/);
    expect(stderr).toMatch(/BUILDER_HEARTBEAT_MS/);
    expect(stderr).not.toContain(S3_SECRET);
    expect(stderr).not.toContain(SECRET);
  });

  it("refuses a theme that is not there and a purge zone without a token", async () => {
    const { code, stderr } = await startServer({
      BUILDER_JOB_SECRET: SECRET,
      ...s3Env("http://127.0.0.1:9"),
      BUILDER_THEME: "no-such-theme",
      BUILDER_PURGE_ZONE_ID: "zone-1",
    }).done;
    expect(code).toBe(2);
    expect(stderr).toMatch(/BUILDER_THEME "no-such-theme" is not a folder in .*builder\/theme/);
    expect(stderr).toMatch(/BUILDER_PURGE_API_TOKEN must be set when BUILDER_PURGE_ZONE_ID is/);
  });

  it("without a job secret starts without build settings and takes no jobs", async () => {
    const server = startServer({});
    try {
      const port = await listeningPort(server.output);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.json()).toMatchObject({ ok: true, queued: 0, running: 0 });
      const jobs = await fetch(`http://127.0.0.1:${port}/jobs`, { method: "POST", body: "{}" });
      expect(jobs.status).toBe(503);
      await jobs.text();
    } finally {
      server.child.kill("SIGTERM");
    }
    expect((await server.done).code).toBe(0);
  });
});

async function listeningPort(output: () => string): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const match = /listening on :(\d+)/.exec(output());
    if (match) return Number(match[1]);
    if (Date.now() > deadline) throw new Error(`the builder did not start:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("server with a job", { timeout: 60_000 }, () => {
  let work: string;
  let s3rver: S3rver;
  let s3Endpoint: string;
  let worker: Server;
  let base: string;
  let exportBody: Uint8Array;
  const seen: { path: string; body: string; verified: boolean }[] = [];
  const statuses: BuildJobStatus[] = [];

  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "lectern-server-test-"));
    s3rver = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory: join(work, "s3"),
      configureBuckets: [{ name: bucket }],
    });
    s3Endpoint = `http://127.0.0.1:${(await s3rver.run()).port}`;
    const page = `---\ntitle: Syllabus\ncontent_type: page\n---\nGrading policy\n`;
    const gz = tarWriter([
      { path: "content/pages/syllabus.md", content: new TextEncoder().encode(page) },
    ]).pipeThrough(new CompressionStream("gzip"));
    exportBody = new Uint8Array(await new Response(gz).arrayBuffer());
    worker = createServer(async (req, res) => {
      const body = await readBody(req);
      const path = req.url ?? "";
      if (path === "/export") {
        res.writeHead(200).end(exportBody);
        return;
      }
      if (path === "/export/media-variants") {
        // The site's derived media (ADR 013), read with the export token before Hugo: none.
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ items: [], cursor: null }));
        return;
      }
      const verdict = await verifyRequest({
        secrets: [SECRET],
        method: req.method ?? "",
        path,
        body,
        header: req.headers[SIGNATURE_HEADER] as string | undefined,
      });
      seen.push({ path, body, verified: verdict.ok });
      if (path === "/callback") statuses.push(JSON.parse(body));
      const answer = path.startsWith("/client/v4/")
        ? { success: true, errors: [], messages: [], result: { id: "x" } }
        : {};
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => worker.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(worker.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => worker?.close(resolve));
    await s3rver?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("builds, uploads, activates, purges and reports a signed job, then stops on SIGTERM", async () => {
    const server = startServer({
      BUILDER_JOB_SECRET: `${SECRET},older-secret`,
      ...s3Env(s3Endpoint),
      BUILDER_PURGE_API_BASE: `${base}/client/v4`,
      BUILDER_PURGE_ZONE_ID: "zone-1",
      BUILDER_PURGE_API_TOKEN: "purge-token",
      BUILDER_HEARTBEAT_MS: "500",
      TMPDIR: work,
    });
    try {
      const port = await listeningPort(server.output);
      const deployId = newDeployId();
      const job: BuildJob = {
        jobId: `job-${Date.now()}`,
        kind: "site-build",
        tenantId: "ten_01M85000000000000000000000",
        siteId: "site_01M85000000000000000000000",
        target: "live",
        contentVersion: 1,
        deployId,
        exportUrl: `${base}/export`,
        exportToken: "token",
        baseUrl: "http://course.demo.localhost/",
        callbackUrl: `${base}/callback`,
        activateUrl: `${base}/activate`,
        purgeTags: ["lectern-site-x"],
        deadline: new Date(Date.now() + 60_000).toISOString(),
      };
      const body = JSON.stringify(job);
      const signature = await signRequest({ secret: SECRET, method: "POST", path: "/jobs", body });
      const accepted = await fetch(`http://127.0.0.1:${port}/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature },
        body,
      });
      expect(accepted.status).toBe(202);
      await accepted.text();
      const deadline = Date.now() + 30_000;
      while (!statuses.some((s) => s.state === "succeeded" || s.state === "failed")) {
        if (Date.now() > deadline) throw new Error(`no terminal status:\n${server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(statuses.at(-1)).toMatchObject({ state: "succeeded", message: /cache purged/ });
      expect(seen.map((s) => s.path)).toEqual(
        expect.arrayContaining(["/activate", "/client/v4/zones/zone-1/purge_cache"]),
      );
      // Callbacks and activation are signed with the newest secret; the purge API is not ours.
      const signed = seen.filter((s) => !s.path.startsWith("/client/v4/"));
      expect(signed.length).toBeGreaterThanOrEqual(3);
      expect(signed.every((s) => s.verified)).toBe(true);
      const s3 = createS3({
        endpoint: s3Endpoint,
        accessKeyId: "S3RVER",
        secretAccessKey: "S3RVER",
      });
      try {
        const manifest = await readManifest({ s3, bucket, deployId });
        expect(Object.keys(manifest?.files ?? {})).toContain("pages/syllabus/index.html");
      } finally {
        s3.destroy();
      }
    } finally {
      server.child.kill("SIGTERM");
    }
    const run = await server.done;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/theme lectern-course, bucket lectern-sites at 127\.0\.0\.1:\d+/);
    expect(run.stdout + run.stderr).not.toContain("purge-token");
  });
});
