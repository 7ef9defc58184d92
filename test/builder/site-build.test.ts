// One site build end to end on the builder's side, with real parts: a local HTTP server stands
// in for the API's export route (serving a tar.gz made by the Worker's own tar writer), the
// real Hugo builds it against a theme, and s3rver receives the deploy.
import { cp, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildJob } from "#schemas/build-job";
import { tarWriter } from "#workers/domain/archive/tar-write";
import type { JobProgress } from "../../builder/src/job-queue.ts";
import { buildSite } from "../../builder/src/site-build.ts";
import { createS3, readManifest } from "../../builder/src/storage.ts";
import { newDeployId } from "./storage-contract.ts";

const layouts = fileURLToPath(new URL("./fixtures/hugo-site/layouts", import.meta.url));
const TOKEN = "lct_build_token_for_this_job";
const bucket = "lectern-sites";

let s3rver: S3rver;
let s3: S3Client;
let exportServer: Server;
let exportUrl: string;
let themesDir: string;
let work: string;
let exportBody: Uint8Array = new Uint8Array();
const seenAuth: (string | undefined)[] = [];

const page = (title: string, text: string) =>
  new TextEncoder().encode(`---\ntitle: ${title}\ncontent_type: page\n---\n${text}\n`);

async function exportOf(files: { path: string; content: Uint8Array }[]) {
  const gz = tarWriter(files).pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(gz).arrayBuffer());
}

function job(overrides: Partial<BuildJob> = {}): BuildJob {
  return {
    jobId: `job-${Math.random().toString(36).slice(2)}`,
    kind: "site-build",
    tenantId: "ten_01M85000000000000000000000",
    siteId: "site_01M85000000000000000000000",
    target: "preview",
    contentVersion: 3,
    deployId: newDeployId(),
    exportUrl,
    exportToken: TOKEN,
    baseUrl: "http://course.demo.localhost:8787/",
    callbackUrl: "http://127.0.0.1:9/unused",
    deadline: new Date(Date.now() + 60_000).toISOString(),
    ...overrides,
  };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "lectern-site-build-"));
  themesDir = join(work, "themes");
  await mkdir(join(themesDir, "fixture"), { recursive: true });
  await cp(layouts, join(themesDir, "fixture", "layouts"), { recursive: true });
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
  exportServer = createServer((req, res) => {
    seenAuth.push(req.headers.authorization);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/gzip" }).end(exportBody);
  });
  await new Promise<void>((ok) => exportServer.listen(0, "127.0.0.1", ok));
  exportUrl = `http://127.0.0.1:${(exportServer.address() as AddressInfo).port}/export`;
});

afterAll(async () => {
  s3?.destroy();
  await new Promise((ok) => exportServer?.close(ok));
  await s3rver?.close();
  await rm(work, { recursive: true, force: true });
});

const options = () => ({ s3, bucket, themesDir, theme: "fixture", workRoot: work });
const noSignal = { signal: new AbortController().signal };

describe("buildSite", () => {
  it("fetches the export with the job's token, builds it with Hugo and uploads the deploy", async () => {
    exportBody = await exportOf([
      { path: "content/pages/syllabus.md", content: page("Syllabus", "Grading policy") },
      { path: "content/pages/week-1.md", content: page("Week 1", "Newton's laws") },
    ]);
    const reports: JobProgress[] = [];
    const j = job();
    const outcome = await buildSite(j, async (s) => void reports.push(s), noSignal, options());
    expect(seenAuth.at(-1)).toBe(`Bearer ${TOKEN}`);
    expect(outcome.message).toMatch(/files; \d+ uploaded/);
    const manifest = await readManifest({ s3, bucket, deployId: j.deployId });
    const paths = Object.keys(manifest?.files ?? {});
    expect(paths).toEqual(expect.arrayContaining(["index.html", "pages/syllabus/index.html"]));
    expect(manifest?.files["pages/syllabus/index.html"]?.contentType).toMatch(/^text\/html/);
    // Progress only moves forward and ends uploading.
    const progress = reports.map((r) => r.progress ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(reports.at(-1)?.state).toBe("uploading");
    // Nothing is left in the work root but the shared fixtures.
    expect((await readdir(work)).filter((n) => n.startsWith("lectern-build-"))).toEqual([]);
  });

  it("a second build of the same content uploads nothing new", async () => {
    const first = await buildSite(job(), async () => {}, noSignal, options());
    const second = await buildSite(job(), async () => {}, noSignal, options());
    expect(first.message).toBeDefined();
    expect(second.message).toMatch(/; 0 uploaded \(0 bytes\)/);
  });

  it("fails with Hugo's message when the build breaks, and uploads no manifest", async () => {
    exportBody = await exportOf([
      {
        path: "content/pages/bad.md",
        content: new TextEncoder().encode("---\ntitle: [unclosed\n---\nx\n"),
      },
    ]);
    const j = job();
    await expect(buildSite(j, async () => {}, noSignal, options())).rejects.toThrow(/Hugo failed/);
    expect(await readManifest({ s3, bucket, deployId: j.deployId })).toBeNull();
  });

  it("fails clearly when the export cannot be fetched", async () => {
    await expect(
      buildSite(job({ exportToken: "wrong" }), async () => {}, noSignal, options()),
    ).rejects.toThrow(/HTTP 401/);
    expect((await readdir(work)).filter((n) => n.startsWith("lectern-build-"))).toEqual([]);
  });
});
