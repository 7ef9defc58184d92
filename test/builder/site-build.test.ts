// One site build end to end on the builder's side, with real parts: a local HTTP server stands
// in for the Worker (the export route, serving a tar.gz made by the Worker's own tar writer;
// the signed activate and offline endpoints; Cloudflare's purge API as workers/local/purge.ts
// answers it), the real Hugo builds against the real theme (builder/theme/lectern-course), the
// real Pagefind indexes it for search, and s3rver receives the deploy.

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { BuildJob, BuildJobStatus } from "#schemas/build-job";
import { DEFAULT_IMPORT_LIMITS } from "#workers/domain/archive/limits";
import { bytesSource } from "#workers/domain/archive/source";
import { tarWriter } from "#workers/domain/archive/tar-write";
import { openZip } from "#workers/domain/archive/zip";
import { SIGNATURE_HEADER, verifyRequest } from "#workers/domain/job-signing";
import { createPurgeClient } from "#workers/domain/purge";
import { type JobProgress, JobQueue } from "../../builder/src/job-queue.ts";
import { buildSite, type SiteBuildOptions } from "../../builder/src/site-build.ts";
import { createS3, readManifest } from "../../builder/src/storage.ts";
import { newDeployId } from "./storage-contract.ts";

const themesDir = fileURLToPath(new URL("../../builder/theme", import.meta.url));
const TOKEN = "lct_build_token_for_this_job";
const SECRET = "newest-job-secret";
const OLD_SECRET = "older-job-secret";
const PURGE_TOKEN = "purge-token";
const SITE_ID = "site_01M85000000000000000000000";
const bucket = "lectern-sites";

let s3rver: S3rver;
let s3: S3Client;
let worker: Server;
let base: string;
let work: string;
let exportBody: Uint8Array = new Uint8Array();
const seenAuth: (string | undefined)[] = [];

type Call = { path: string; body: Record<string, unknown>; verified: string; newest: boolean };
/** What the Worker stand-in saw, in order ("activate", "purge", "offline", "status <state>"). */
let events: string[] = [];
let activations: Call[] = [];
let offlines: Call[] = [];
let purges: { zone: string; auth: string | undefined; body: Record<string, unknown> }[] = [];
/** Status codes for the next activation attempts; 200 once they run out. */
let activateAnswers: number[] = [];
let purgeStatus = 200;

const page = (title: string, text: string) =>
  new TextEncoder().encode(`---\ntitle: ${title}\ncontent_type: page\n---\n${text}\n`);

async function exportOf(files: { path: string; content: Uint8Array }[]) {
  const gz = tarWriter(files).pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(gz).arrayBuffer());
}

function job(overrides: Partial<BuildJob> = {}): BuildJob {
  const jobId = `job-${Math.random().toString(36).slice(2)}`;
  return {
    jobId,
    kind: "site-build",
    tenantId: "ten_01M85000000000000000000000",
    siteId: SITE_ID,
    target: "preview",
    contentVersion: 3,
    deployId: newDeployId(),
    exportUrl: `${base}/export`,
    exportToken: TOKEN,
    baseUrl: "http://course.demo.localhost:8787/",
    callbackUrl: "http://127.0.0.1:9/unused",
    activateUrl: `${base}/internal/v1/jobs/${jobId}/activate?attempt=1`,
    purgeTags: [`lectern-site-${SITE_ID.toLowerCase()}`],
    deadline: new Date(Date.now() + 60_000).toISOString(),
    ...overrides,
  };
}

async function readBody(req: import("node:http").IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function signedCall(req: import("node:http").IncomingMessage, body: string): Promise<Call> {
  const check = (secrets: string[]) =>
    verifyRequest({
      secrets,
      method: req.method ?? "",
      path: req.url ?? "",
      body,
      header: req.headers[SIGNATURE_HEADER] as string | undefined,
    });
  const verdict = await check([SECRET]);
  return {
    path: req.url ?? "",
    body: JSON.parse(body),
    verified: verdict.ok ? "ok" : verdict.reason,
    // Signed with the newest secret only: the older one alone does not verify it.
    newest: !(await check([OLD_SECRET])).ok,
  };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "lectern-site-build-"));
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
  worker = createServer(async (req, res) => {
    const path = (req.url ?? "").split("?")[0] as string;
    const body = await readBody(req);
    if (path === "/export/media-file") {
      // One stored file, as the Worker streams it for the offline copy.
      const key = new URL(req.url ?? "/", "http://x").searchParams.get("key");
      const ok = req.headers.authorization === `Bearer ${TOKEN}` && key?.endsWith("/notes.pdf");
      res.writeHead(ok ? 200 : 404).end(ok ? NOTES_PDF : "");
      return;
    }
    if (path === "/export/media") {
      // The site's stored files, as the Worker lists them for the job (one page).
      const ok = req.headers.authorization === `Bearer ${TOKEN}`;
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      res.end(ok ? JSON.stringify({ items: storedMedia, cursor: null }) : "");
      return;
    }
    if (path === "/export") {
      seenAuth.push(req.headers.authorization);
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/gzip" }).end(exportBody);
      return;
    }
    if (/^\/internal\/v1\/jobs\/[^/]+\/activate$/.test(path)) {
      events.push("activate");
      activations.push(await signedCall(req, body));
      const status = activateAnswers.shift() ?? 200;
      res
        .writeHead(status, { "content-type": "application/problem+json" })
        .end(JSON.stringify({ status, detail: `answer ${status}` }));
      return;
    }
    if (/^\/internal\/v1\/jobs\/[^/]+\/offline$/.test(path)) {
      events.push("offline");
      offlines.push(await signedCall(req, body));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
      return;
    }
    const purge = /^\/client\/v4\/zones\/([^/]+)\/purge_cache$/.exec(path);
    if (purge) {
      events.push("purge");
      purges.push({
        zone: purge[1] as string,
        auth: req.headers.authorization,
        body: JSON.parse(body),
      });
      const ok = purgeStatus === 200;
      res.writeHead(purgeStatus, { "content-type": "application/json" }).end(
        JSON.stringify({
          success: ok,
          errors: ok ? [] : [{ code: 10000, message: "purge broke" }],
          messages: [],
          result: ok ? { id: "local" } : null,
        }),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => worker.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(worker.address() as AddressInfo).port}`;
  exportBody = await exportOf([
    { path: "content/pages/syllabus.md", content: page("Syllabus", "Grading policy") },
    { path: "content/pages/week-1.md", content: page("Week 1", "Newton's laws") },
  ]);
});

afterAll(async () => {
  s3?.destroy();
  await new Promise((ok) => worker?.close(ok));
  await s3rver?.close();
  await rm(work, { recursive: true, force: true });
});

beforeEach(() => {
  events = [];
  activations = [];
  offlines = [];
  purges = [];
  activateAnswers = [];
  purgeStatus = 200;
});

const purger = () =>
  createPurgeClient({
    apiBase: `${base}/client/v4`,
    zoneId: "zone-1",
    token: PURGE_TOKEN,
    retries: 1,
    backoffMs: 1,
  });

const options = (overrides: Partial<SiteBuildOptions> = {}): SiteBuildOptions => ({
  s3,
  bucket,
  themesDir,
  theme: "lectern-course",
  workRoot: work,
  secrets: [SECRET, OLD_SECRET],
  purger: purger(),
  requests: { retries: 4, baseDelayMs: 5 },
  log: () => {},
  ...overrides,
});
const noSignal = { signal: new AbortController().signal };

async function leftovers(): Promise<string[]> {
  return (await readdir(work)).filter((name) => name.startsWith("lectern-build-"));
}

/** A Hugo that waits `seconds` before building (a slow build, or one to stop). */
async function slowHugo(seconds: number): Promise<string> {
  const path = join(work, `slow-hugo-${seconds}`);
  await writeFile(path, `#!/bin/sh\nsleep ${seconds}\nexec hugo "$@"\n`);
  await chmod(path, 0o755);
  return path;
}

/** Not running: exited, or a zombie nobody reaped (its parent may be a container's PID 1). */
function gone(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A job queue running buildSite, recording every status in `events` and `statuses`. */
function queueFor(siteOptions: SiteBuildOptions, heartbeatMs = 0) {
  const statuses: BuildJobStatus[] = [];
  const lines: string[] = [];
  const queue = new JobQueue({
    runJob: (j, report, context) => buildSite(j, report, context, siteOptions),
    sendStatus: async (_url, status) => {
      events.push(`status ${status.state}`);
      statuses.push(status);
      return true;
    },
    heartbeatMs,
    log: (line) => lines.push(line),
  });
  const terminal = (jobId: string) =>
    statuses.find((s) => s.jobId === jobId && (s.state === "succeeded" || s.state === "failed"));
  return { queue, statuses, lines, terminal };
}

let storedMedia: { uid: string; key: string; size: number; etag: string }[] = [];
const NOTES_PDF = "%PDF-1.4 the notes, offline too";

describe("buildSite with media and a report", () => {
  const NOTES_UID = "0b1c6a1e-1c4a-4f7e-9d1a-5d3f2a000001";
  const MISSING_UID = "0b1c6a1e-1c4a-4f7e-9d1a-5d3f2a000002";
  const resource = (uid: string, name: string) =>
    new TextEncoder().encode(
      `---\ntitle: ${name}\ncontent_type: resource\nuid: ${uid}\nresourcetype: Document\nfile: /courses/physics/${name}\nfile_type: application/pdf\n---\n`,
    );
  let saved: Uint8Array;

  beforeAll(async () => {
    saved = exportBody;
    exportBody = await exportOf([
      {
        path: "content/pages/syllabus.md",
        content: page("Syllabus", "See [week 9](/pages/week-9/)."),
      },
      { path: "content/resources/notes.md", content: resource(NOTES_UID, "notes.pdf") },
      { path: "content/resources/gone.md", content: resource(MISSING_UID, "gone.pdf") },
      {
        path: "data/course.json",
        content: new TextEncoder().encode(
          JSON.stringify({ course_title: "Physics", site_url_path: "courses/physics" }),
        ),
      },
    ]);
    storedMedia = [
      {
        uid: NOTES_UID,
        key: `t/ten_1/s/${SITE_ID}/files/${NOTES_UID}/notes.pdf`,
        size: 1234,
        etag: '"n1"',
      },
    ];
  });
  afterAll(() => {
    exportBody = saved;
    storedMedia = [];
  });

  it("refuses a live build with broken links before uploading, saying where they are", async () => {
    const { queue, terminal } = queueFor(options());
    const j = job({ target: "live", refuseBrokenLinks: true });
    queue.submit(j);
    await until(() => terminal(j.jobId) !== undefined, "the refusal");
    const failed = terminal(j.jobId);
    expect(failed?.state).toBe("failed");
    expect(failed?.message).toContain("1 broken internal link");
    expect(failed?.report?.brokenLinks).toEqual([
      { page: "pages/syllabus.md", target: "/pages/week-9/", kind: "link" },
      { page: "resources/gone.md", target: "/gone.pdf", kind: "file" },
    ]);
    expect(await readManifest({ s3, bucket, deployId: j.deployId })).toBeNull();
    expect(events).not.toContain("activate");
    await queue.shutdown(1_000);
  });

  it("otherwise publishes, referencing stored media in the manifest and reporting the rest", async () => {
    const j = job();
    await buildSite(j, async () => {}, noSignal, options());
    const manifest = await readManifest({ s3, bucket, deployId: j.deployId });
    expect(manifest?.media).toEqual({
      "notes.pdf": {
        key: `t/ten_1/s/${SITE_ID}/files/${NOTES_UID}/notes.pdf`,
        size: 1234,
        etag: '"n1"',
        contentType: "application/pdf",
      },
    });
    // The theme's list is for the builder, not for readers.
    expect(Object.keys(manifest?.files ?? {})).not.toContain("lectern-media.json");
  });

  it("puts the referenced files into the offline copy, at the paths its pages link", async () => {
    const { queue, terminal } = queueFor(options());
    const j = job({ offlineUrl: `${base}/internal/v1/jobs/x/offline` });
    queue.submit(j);
    await until(() => terminal(j.jobId) !== undefined, "the job to finish");
    await until(() => offlines.length > 0, "the offline announcement");
    await queue.followUps.idle();
    const object = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: `offline/${SITE_ID}/${j.deployId}.zip` }),
    );
    const zip = (await object.Body?.transformToByteArray()) as Uint8Array;
    const { entries } = await openZip(bytesSource(zip), DEFAULT_IMPORT_LIMITS);
    // Read back with Info-ZIP: Node 20 cannot inflate through openZip's byte-mode reader.
    const zipPath = join(work, `${j.jobId}-media.zip`);
    await writeFile(zipPath, zip);
    const unzipped = async (path: string) =>
      (await promisify(execFile)("unzip", ["-p", zipPath, path])).stdout;
    expect(await unzipped("notes.pdf")).toBe(NOTES_PDF);
    // The resource's page links it relatively, where it now is.
    const page = await unzipped("resources/notes.html");
    expect(page).toContain('href="../notes.pdf"');
    // The file the site lacks is not in the zip.
    expect(entries.some((e) => e.path === "gone.pdf")).toBe(false);
    await queue.shutdown(1_000);
    const activation = activations.at(-1)?.body;
    expect(activation?.report).toMatchObject({ brokenLinkCount: 2, contentIssueCount: 0 });
  });
});

describe("buildSite", () => {
  it("builds and uploads the deploy, activates it (signed, with counts) and purges its tags", async () => {
    const reports: JobProgress[] = [];
    const j = job();
    const outcome = await buildSite(j, async (s) => void reports.push(s), noSignal, options());
    expect(seenAuth.at(-1)).toBe(`Bearer ${TOKEN}`);
    const manifest = await readManifest({ s3, bucket, deployId: j.deployId });
    const paths = Object.keys(manifest?.files ?? {});
    expect(paths).toEqual(expect.arrayContaining(["index.html", "pages/syllabus/index.html"]));
    expect(manifest?.files["pages/syllabus/index.html"]?.contentType).toMatch(/^text\/html/);
    // The search page and Pagefind's index (search-index.ts), without Pagefind's own UIs.
    expect(paths).toEqual(
      expect.arrayContaining([
        "search/index.html",
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
      ]),
    );
    expect(paths.some((p) => p.startsWith("pagefind/fragment/"))).toBe(true);
    expect(paths.filter((p) => p.startsWith("pagefind/pagefind-ui"))).toEqual([]);
    expect(manifest?.files["pagefind/pagefind.js"]?.contentType).toMatch(/^text\/javascript/);

    expect(activations).toHaveLength(1);
    const activation = activations[0] as Call;
    expect(activation).toMatchObject({ path: `${new URL(j.activateUrl).pathname}?attempt=1` });
    expect(activation.verified).toBe("ok");
    expect(activation.newest).toBe(true);
    expect(activation.body).toMatchObject({
      jobId: j.jobId,
      files: paths.length,
      blobsUploaded: expect.any(Number),
      bytesUploaded: expect.any(Number),
      timings: {
        fetch: expect.any(Number),
        build: expect.any(Number),
        search: expect.any(Number),
        upload: expect.any(Number),
      },
    });
    expect(purges).toEqual([
      { zone: "zone-1", auth: `Bearer ${PURGE_TOKEN}`, body: { tags: j.purgeTags } },
    ]);
    expect(events).toEqual(["activate", "purge"]);
    expect(outcome.message).toMatch(/files; \d+ uploaded .*cache purged \(1 tags\)/);
    // Home, the list of pages and the two pages; not the search page or the 404 page.
    expect(outcome.message).toMatch(/search index of 4 pages \d+ ms/);
    expect(outcome.log).toContain("Running Pagefind");
    expect(reports.map((r) => r.message)).toContain("Indexing the site for search");
    expect(outcome.followUp).toBeUndefined();
    // Progress only moves forward and ends uploading.
    const progress = reports.map((r) => r.progress ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(reports.at(-1)?.state).toBe("uploading");
    expect(await leftovers()).toEqual([]);
  });

  it("a second build of the same content uploads nothing new", async () => {
    const first = await buildSite(job(), async () => {}, noSignal, options());
    const second = await buildSite(job(), async () => {}, noSignal, options());
    expect(first.message).toBeDefined();
    expect(second.message).toMatch(/; 0 uploaded \(0 bytes\)/);
    expect(activations.map((a) => a.body.blobsUploaded)).toEqual([expect.any(Number), 0]);
  });

  it("asks R2 nothing about the blobs the site's served deploys already name", async () => {
    const first = job();
    await buildSite(first, async () => {}, noSignal, options());
    let heads = 0;
    const counter = "count-heads";
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "HeadObjectCommand") heads += 1;
        return next(args);
      },
      { step: "initialize", name: counter },
    );
    try {
      // Without the served deploy named: a HEAD per blob.
      await buildSite(job(), async () => {}, noSignal, options());
      const withoutKnown = heads;
      expect(withoutKnown).toBeGreaterThan(20);
      heads = 0;
      const again = job({ knownDeployIds: [first.deployId] });
      await buildSite(again, async () => {}, noSignal, options());
      expect(heads).toBe(0);
      expect(activations.at(-1)?.body.blobsUploaded).toBe(0);
      // The deploy is whole all the same.
      const manifest = await readManifest({ s3, bucket, deployId: again.deployId });
      expect(Object.keys(manifest?.files ?? {}).length).toBeGreaterThan(20);
    } finally {
      s3.middlewareStack.remove(counter);
    }
  });

  it("fails with Hugo's message when the build breaks, and neither uploads nor activates", async () => {
    const previous = exportBody;
    exportBody = await exportOf([
      {
        path: "content/pages/bad.md",
        content: new TextEncoder().encode("---\ntitle: [unclosed\n---\nx\n"),
      },
    ]);
    try {
      const j = job();
      await expect(buildSite(j, async () => {}, noSignal, options())).rejects.toThrow(
        /Hugo failed/,
      );
      expect(await readManifest({ s3, bucket, deployId: j.deployId })).toBeNull();
      expect(events).toEqual([]);
      expect(await leftovers()).toEqual([]);
    } finally {
      exportBody = previous;
    }
  });

  it("fails with Pagefind's message when indexing fails, and neither uploads nor activates", async () => {
    const pagefindBin = join(work, "broken-pagefind");
    await writeFile(pagefindBin, "#!/bin/sh\necho 'Error: the index broke' >&2\nexit 1\n");
    await chmod(pagefindBin, 0o755);
    const j = job();
    await expect(buildSite(j, async () => {}, noSignal, options({ pagefindBin }))).rejects.toThrow(
      /^Pagefind failed to index the site for search\n[\s\S]*Error: the index broke/,
    );
    expect(await readManifest({ s3, bucket, deployId: j.deployId })).toBeNull();
    expect(events).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it("an abort while Pagefind runs stops it at once and leaves nothing", async () => {
    const pidFile = join(work, "pagefind-sleeper.pid");
    const pagefindBin = join(work, "hung-pagefind");
    await writeFile(pagefindBin, `#!/bin/sh\nsleep 30 & echo $! > ${pidFile}\nwait\n`);
    await chmod(pagefindBin, 0o755);
    const controller = new AbortController();
    const report = async (status: JobProgress) => {
      if (status.message === "Indexing the site for search") {
        setTimeout(() => controller.abort(new Error("shutting down")), 300);
      }
    };
    const started = Date.now();
    const j = job();
    await expect(
      buildSite(j, report, { signal: controller.signal }, options({ pagefindBin })),
    ).rejects.toThrow(/shutting down/);
    expect(Date.now() - started).toBeLessThan(15_000);
    const sleeper = Number(await readFile(pidFile, "utf8"));
    await until(() => gone(sleeper), "Pagefind to stop");
    expect(await readManifest({ s3, bucket, deployId: j.deployId })).toBeNull();
    expect(events).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it("fails clearly when the export cannot be fetched", async () => {
    await expect(
      buildSite(job({ exportToken: "wrong" }), async () => {}, noSignal, options()),
    ).rejects.toThrow(/HTTP 401/);
    expect(events).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it("fails as superseded when activation answers 409, without retrying or purging", async () => {
    activateAnswers = [409];
    await expect(buildSite(job(), async () => {}, noSignal, options())).rejects.toThrow(
      /^superseded/,
    );
    expect(events).toEqual(["activate"]);
    expect(await leftovers()).toEqual([]);
  });

  it("retries activation after 5xx answers, then goes on", async () => {
    activateAnswers = [503, 502];
    const outcome = await buildSite(job(), async () => {}, noSignal, options());
    expect(events).toEqual(["activate", "activate", "activate", "purge"]);
    expect(activations.every((a) => a.verified === "ok")).toBe(true);
    expect(outcome.message).toMatch(/cache purged/);
  });

  it("gives up on activation after a bounded number of 5xx answers", async () => {
    activateAnswers = [503, 503, 503, 503];
    await expect(
      buildSite(
        job(),
        async () => {},
        noSignal,
        options({ requests: { retries: 2, baseDelayMs: 5 } }),
      ),
    ).rejects.toThrow(/Making the new version current failed: .*503/);
    expect(events).toEqual(["activate", "activate", "activate"]);
    expect(await leftovers()).toEqual([]);
  });

  it("a failed purge does not fail the published build; the outcome says so", async () => {
    purgeStatus = 500;
    const lines: string[] = [];
    const outcome = await buildSite(
      job(),
      async () => {},
      noSignal,
      options({ log: (line) => lines.push(line) }),
    );
    expect(events).toEqual(["activate", "purge", "purge"]);
    expect(outcome.message).toMatch(/cache purge failed \(Cache purge failed \(HTTP 500\)/);
    expect(lines.join("\n")).toMatch(/cache purge failed/);
  });

  it("skips the purge with a log line when no zone is configured", async () => {
    const lines: string[] = [];
    const outcome = await buildSite(
      job(),
      async () => {},
      noSignal,
      options({ purger: null, log: (line) => lines.push(line) }),
    );
    expect(events).toEqual(["activate"]);
    expect(outcome.message).toMatch(/cache purge skipped/);
    expect(lines).toEqual([expect.stringMatching(/no purge zone configured/)]);
  });
});

describe("buildSite in the job queue", () => {
  it("re-sends the latest status as a heartbeat while Hugo runs", async () => {
    const { queue, statuses, terminal } = queueFor(options({ hugoBin: await slowHugo(1.2) }), 200);
    const j = job();
    queue.submit(j);
    await until(() => terminal(j.jobId) !== undefined, "the job to finish");
    expect(terminal(j.jobId)?.state).toBe("succeeded");
    const hugoRuns = statuses.filter((s) => s.message?.includes("with Hugo"));
    // 1.2 s of silence at a 200 ms heartbeat: the report and at least four repeats.
    expect(hugoRuns.length).toBeGreaterThanOrEqual(5);
    expect(hugoRuns.every((s) => s.state === "building" && s.progress === 0.1)).toBe(true);
    await queue.shutdown(1_000);
  });

  it("builds the offline copy after reporting success, uploads the zip and announces it", async () => {
    const { queue, terminal } = queueFor(options());
    const j = job({ offlineUrl: `${base}/internal/v1/jobs/x/offline` });
    queue.submit(j);
    await until(() => terminal(j.jobId) !== undefined, "the job to finish");
    expect(terminal(j.jobId)?.state).toBe("succeeded");
    await until(() => offlines.length > 0, "the offline announcement");
    await queue.followUps.idle();
    expect(events.indexOf("offline")).toBeGreaterThan(events.indexOf("status succeeded"));

    const key = `offline/${SITE_ID}/${j.deployId}.zip`;
    const offline = offlines[0] as Call;
    expect(offline.verified).toBe("ok");
    expect(offline.newest).toBe(true);
    expect(offline.body).toEqual({ jobId: j.jobId, key, bytes: expect.any(Number) });

    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(object.ContentType).toBe("application/zip");
    const zip = await object.Body?.transformToByteArray();
    expect(zip?.length).toBe(offline.body.bytes);
    const { entries } = await openZip(bytesSource(zip as Uint8Array), DEFAULT_IMPORT_LIMITS);
    const names = entries.map((entry) => entry.path);
    expect(names).toEqual(
      expect.arrayContaining([
        "index.html",
        "pages/syllabus.html",
        "search/index.html",
        "pagefind/lectern-offline.js",
      ]),
    );
    // Offline, the whole search index is that one script (search-index.ts).
    expect(names.filter((name) => name.startsWith("pagefind/"))).toEqual([
      "pagefind/lectern-offline.js",
    ]);
    // Relative links and page.html files: the copy reads from a folder, no server needed.
    const zipPath = join(work, `${j.jobId}.zip`);
    await writeFile(zipPath, zip as Uint8Array);
    const html = async (path: string) =>
      (await promisify(execFile)("unzip", ["-p", zipPath, path])).stdout;
    const index = await html("index.html");
    const syllabus = await html("pages/syllabus.html");
    expect(index).toMatch(/href="\.\/css\/main\.min\.[0-9a-f]+\.css"/);
    expect(syllabus).toContain('href="../index.html"');
    expect(syllabus).toContain("Grading policy");
    for (const text of [index, syllabus]) {
      expect(text).not.toContain("course.demo.localhost");
      expect(text).not.toMatch(/(href|src)="\/[^/]/);
    }
    expect(await leftovers()).toEqual([]);
    await queue.shutdown(1_000);
  });

  it("a shutdown stops a running offline build, which announces nothing and leaves nothing", async () => {
    const { queue, terminal, lines } = queueFor(options({ hugoBin: await slowHugo(0.5) }));
    const j = job({ offlineUrl: `${base}/internal/v1/jobs/x/offline` });
    queue.submit(j);
    await until(() => terminal(j.jobId) !== undefined, "the job to finish");
    expect(terminal(j.jobId)?.state).toBe("succeeded");
    await until(() => queue.followUps.counts.running === 1, "the offline build to start");
    await queue.shutdown(50);
    expect(lines).toContain(`builder: offline copy of job ${j.jobId} stopped (shutting down)`);
    expect(lines.join("\n")).toMatch(/offline copy of job .* failed: Hugo was stopped/);
    expect(offlines).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it("a job that fails at activation leaves no offline copy behind", async () => {
    activateAnswers = [409];
    const { queue, terminal } = queueFor(options());
    const j = job({ offlineUrl: `${base}/internal/v1/jobs/x/offline` });
    queue.submit(j);
    await until(() => terminal(j.jobId) !== undefined, "the job to finish");
    expect(terminal(j.jobId)).toMatchObject({
      state: "failed",
      message: expect.stringMatching(/^superseded/),
    });
    await queue.followUps.idle();
    expect(offlines).toEqual([]);
    expect(await leftovers()).toEqual([]);
    await queue.shutdown(1_000);
  });
});
