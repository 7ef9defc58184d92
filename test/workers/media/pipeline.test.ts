// The media pipeline in workerd with its real parts: D1, R2 MEDIA, the media queue and its
// consumer, the MediaPipeline Durable Object and its alarm. The builder is the fake one
// (test/support/fake-builder.ts): it records the signed media jobs; the tests answer as the
// builder would, through the signed internal callback.
import {
  createExecutionContext,
  createMessageBatch,
  env,
  getQueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { BuilderMediaJob } from "#schemas/media-jobs";
import { insertMediaItem } from "#workers/db/queries/media";
import { listMediaJobs } from "#workers/db/queries/media-jobs";
import { insertCollaborator } from "#workers/db/queries/sites";
import { newId } from "#workers/domain/ids";
import { pipelineOf, startMediaPipeline } from "#workers/media/pipeline";
import { backoffMs, MAX_ATTEMPTS, type MediaPipeline } from "#workers/objects/media-pipeline";
import { handleMediaDeadLetters } from "#workers/queues/media";
import {
  call,
  createTenant,
  db,
  expectProblem,
  json,
  type TenantFixture,
} from "../../factories.ts";
import { builderPost, makeSite, waitFor } from "../publish/support.ts";

type Item = { tenantId: string; siteId: string; mediaId: string };

async function addItem(
  t: TenantFixture,
  siteId: string,
  file: { name: string; kind: "image" | "video" | "other"; type: string; bytes: Uint8Array },
): Promise<Item> {
  const mediaId = newId("med");
  const r2Key = `t/${t.tenant.id}/s/${siteId}/files/${crypto.randomUUID()}/${file.name}`;
  await env.MEDIA.put(r2Key, file.bytes);
  await insertMediaItem(db(), {
    id: mediaId,
    tenantId: t.tenant.id,
    siteId,
    r2Key,
    filename: file.name,
    declaredType: file.type,
    sniffedType: file.type,
    kind: file.kind,
    size: file.bytes.byteLength,
    status: "ready",
    partSize: 10 * 1024 * 1024,
    partCount: 1,
    metadata: {},
    variants: [],
  }).run();
  return { tenantId: t.tenant.id, siteId, mediaId };
}

/** A PNG's first bytes: signature and IHDR (the pipeline reads no further in the Worker). */
function pngHead(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const v = new DataView(b.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  return b;
}

const text = (s: string) => new TextEncoder().encode(s);

/** The tenant's author edits the site, its member views it (collaborators). */
async function collaborators(t: TenantFixture, siteId: string) {
  for (const [who, role] of [
    [t.roles.author, "editor"],
    [t.roles.member, "viewer"],
  ] as const) {
    await insertCollaborator(db(), {
      id: newId("col"),
      tenantId: t.tenant.id,
      siteId,
      userId: who.id,
      role,
    }).run();
  }
}

async function jobsOf(item: Item) {
  return listMediaJobs(db(), item.tenantId, item.mediaId);
}

async function jobOf(item: Item, kind: string) {
  const job = (await jobsOf(item)).find((j) => j.kind === kind);
  if (!job) throw new Error(`no ${kind} job`);
  return job;
}

async function waitForJob(
  item: Item,
  kind: string,
  check: (j: Awaited<ReturnType<typeof jobOf>>) => boolean,
  timeoutMs = 10_000,
) {
  return waitFor(async () => {
    const job = (await jobsOf(item)).find((j) => j.kind === kind);
    return job && check(job) ? job : null;
  }, timeoutMs);
}

type Received = { jobId: string; signature: string | null; body: string };

async function builderJobs(mediaId: string): Promise<(Received & { job: BuilderMediaJob })[]> {
  const res = await fetch(`${env.BUILDER_URL}/__media-jobs?mediaId=${mediaId}`);
  return ((await res.json()) as Received[]).map((r) => ({
    ...r,
    job: JSON.parse(r.body) as BuilderMediaJob,
  }));
}

async function waitForBuilderJobs(mediaId: string, count: number) {
  return waitFor(async () => {
    const list = await builderJobs(mediaId);
    return list.length >= count ? list : null;
  });
}

/** Makes the steps of `kind` due now and runs the object's alarm (time passes). */
async function timePasses(item: Item, kind: string) {
  const stub = pipelineOf(env, item.mediaId);
  await runInDurableObject(stub, async (instance: MediaPipeline) => {
    const state = await instance.snapshot();
    if (!state) throw new Error("no pipeline state");
    // The object's state is private; tests reach it as the runtime does, through the instance.
    const live = (
      instance as unknown as { state: { steps: { kind: string; dueAt: number | null }[] } }
    ).state;
    for (const step of live.steps)
      if (step.kind === kind && step.dueAt !== null) step.dueAt = Date.now() - 1;
  });
  await runDurableObjectAlarm(stub);
}

async function itemRow(item: Item) {
  const res = await env.DB.prepare("SELECT metadata, variants, error FROM media_items WHERE id = ?")
    .bind(item.mediaId)
    .first<{ metadata: string; variants: string; error: string | null }>();
  return {
    metadata: JSON.parse(res?.metadata ?? "{}") as Record<string, unknown>,
    variants: JSON.parse(res?.variants ?? "[]") as { role: string; key: string; lang?: string }[],
    error: res?.error ?? null,
  };
}

describe("MediaPipeline", () => {
  it("reads an image's size in the Worker and has the builder make thumbnails, applied once", async () => {
    const t = await createTenant();
    const { site } = await makeSite(t);
    await collaborators(t, site.id);
    const item = await addItem(t, site.id, {
      name: "photo.png",
      kind: "image",
      type: "image/png",
      bytes: pngHead(800, 600),
    });
    await startMediaPipeline(env, item);
    // A duplicate start (a retried message) changes nothing.
    await startMediaPipeline(env, item);

    const meta = await waitForJob(item, "image_metadata", (j) => j.state === "done");
    expect(meta).toMatchObject({
      attempts: 1,
      lastError: null,
      output: { metadata: { width: 800, height: 600, format: "png" } },
    });
    const [sent] = await waitForBuilderJobs(item.mediaId, 1);
    expect((await jobsOf(item)).map((j) => j.kind)).toEqual(["image_metadata", "thumbnails"]);
    const job = sent?.job as BuilderMediaJob;
    expect(job).toMatchObject({
      kind: "thumbnails",
      mediaId: item.mediaId,
      outputPrefix: `t/${t.tenant.id}/s/${site.id}/media/${item.mediaId}/`,
      callbackUrl: `http://lectern.test/internal/v1/media/${item.mediaId}/jobs/${job.jobId}/result`,
    });
    expect(sent?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect((await jobOf(item, "thumbnails")).state).toBe("running");

    // The builder starts it, then reports its files.
    let res = await builderPost(job.callbackUrl, {
      jobId: job.jobId,
      token: job.token,
      state: "running",
    });
    expect(await json(res)).toEqual({ ok: true, ignored: false });
    const variants = [320, 640].map((w) => ({
      role: "thumbnail",
      key: `${job.outputPrefix}w${w}.webp`,
      type: "image/webp",
      size: 100 + w,
      width: w,
      height: (w * 3) / 4,
    }));
    // A forged token is ignored; an unsigned callback is refused.
    res = await builderPost(job.callbackUrl, {
      jobId: job.jobId,
      token: "forged",
      state: "done",
      output: { metadata: {}, variants },
    });
    expect(await json(res)).toMatchObject({ ignored: true });
    res = await builderPost(
      job.callbackUrl,
      { jobId: job.jobId, token: job.token, state: "done", output: { metadata: {}, variants } },
      "wrong-secret",
    );
    await expectProblem(res, 401, "UNAUTHENTICATED");

    res = await builderPost(job.callbackUrl, {
      jobId: job.jobId,
      token: job.token,
      state: "done",
      output: { metadata: { width: 800, height: 600 }, variants },
    });
    expect(await json(res)).toEqual({ ok: true, ignored: false });
    expect(await jobOf(item, "thumbnails")).toMatchObject({ state: "done", attempts: 1 });
    // The same answer again (a retried callback) is ignored: the step is done.
    res = await builderPost(job.callbackUrl, {
      jobId: job.jobId,
      token: job.token,
      state: "done",
      output: { metadata: {}, variants: [] },
    });
    expect(await json(res)).toMatchObject({ ignored: true });
    const row = await itemRow(item);
    expect(row.metadata).toMatchObject({ width: 800, height: 600 });
    expect(row.variants.map((v) => v.key)).toEqual(variants.map((v) => v.key));
    expect(row.error).toBeNull();

    // The API lists the jobs to anyone who may read the site.
    const list = await json(
      await call(`/tenants/${t.tenant.id}/sites/${site.id}/media/${item.mediaId}/jobs`, {
        cookie: t.roles.member.cookie,
      }),
    );
    expect(list.items.map((j: { kind: string; state: string }) => [j.kind, j.state])).toEqual([
      ["image_metadata", "done"],
      ["thumbnails", "done"],
    ]);
  });

  it("retries an attempt nobody answers after its deadline, with backoff, then fails it visibly; a person retries it", async () => {
    const t = await createTenant();
    const { site } = await makeSite(t);
    await collaborators(t, site.id);
    const item = await addItem(t, site.id, {
      name: "lecture.mp4",
      kind: "video",
      type: "video/mp4",
      bytes: text("not really a video"),
    });
    await startMediaPipeline(env, item);
    await waitForBuilderJobs(item.mediaId, 2);
    expect((await jobsOf(item)).map((j) => [j.kind, j.state, j.attempts])).toEqual([
      ["transcode", "running", 1],
      ["poster", "running", 1],
    ]);

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const before = Date.now();
      await timePasses(item, "transcode"); // the builder never started it
      const job = await jobOf(item, "transcode");
      expect(job.lastError).toMatch(/Nobody started the step within 30 minutes/);
      if (attempt < MAX_ATTEMPTS) {
        expect(job).toMatchObject({ state: "queued", attempts: attempt });
        const wait = (job.nextAttemptAt?.getTime() ?? 0) - before;
        expect(wait).toBeGreaterThanOrEqual(backoffMs(attempt) - 50);
        expect(wait).toBeLessThan(backoffMs(attempt) + 5_000);
        // The backoff elapses: the next attempt is sent, with a new token.
        await timePasses(item, "transcode");
        expect(await jobOf(item, "transcode")).toMatchObject({
          state: "running",
          attempts: attempt + 1,
        });
        // It reaches the builder (before the next deadline passes).
        await waitForBuilderJobs(item.mediaId, 2 + attempt);
      } else {
        expect(job).toMatchObject({ state: "failed", attempts: MAX_ATTEMPTS, nextAttemptAt: null });
      }
    }
    expect(backoffMs(2)).toBe(2 * backoffMs(1));
    const sent = await waitForBuilderJobs(item.mediaId, 2 + MAX_ATTEMPTS - 1);
    const tokens = sent.filter((s) => s.job.kind === "transcode").map((s) => s.job.token);
    expect(new Set(tokens).size).toBe(MAX_ATTEMPTS);
    // The poster was not touched by the transcode's trouble.
    expect(await jobOf(item, "poster")).toMatchObject({ state: "running", attempts: 1 });
    expect((await itemRow(item)).error).toMatch(/^transcode: Nobody started/);

    // A late answer from the first attempt is ignored.
    const first = sent.find((s) => s.job.kind === "transcode")?.job as BuilderMediaJob;
    const late = await builderPost(first.callbackUrl, {
      jobId: first.jobId,
      token: first.token,
      state: "failed",
      error: "late",
    });
    expect(await json(late)).toMatchObject({ ignored: true });

    // Retry: site editors only; then a fresh set of attempts starts at once.
    const failed = await jobOf(item, "transcode");
    const path = `/tenants/${t.tenant.id}/sites/${site.id}/media/${item.mediaId}/jobs/${failed.id}/retry`;
    await expectProblem(
      await call(path, { method: "POST", cookie: t.roles.member.cookie }),
      403,
      "FORBIDDEN",
    );
    const res = await call(path, { method: "POST", cookie: t.roles.author.cookie });
    expect(res.status, await res.clone().text()).toBe(202);
    expect(await json(res)).toMatchObject({ id: failed.id, state: "queued", attempts: 0 });
    await waitForJob(item, "transcode", (j) => j.state === "running" && j.attempts === 1);
    await waitForBuilderJobs(item.mediaId, 2 + MAX_ATTEMPTS);
    // The fresh attempt succeeds: the item's error from the failure is cleared.
    const again = (await waitForBuilderJobs(item.mediaId, 2 + MAX_ATTEMPTS)).at(-1)
      ?.job as BuilderMediaJob;
    expect(again.kind).toBe("transcode");
    await builderPost(again.callbackUrl, {
      jobId: again.jobId,
      token: again.token,
      state: "done",
      output: {
        metadata: { duration_seconds: 2 },
        variants: [
          { role: "web_mp4", key: `${again.outputPrefix}web.mp4`, type: "video/mp4", size: 10 },
        ],
      },
    });
    expect(await jobOf(item, "transcode")).toMatchObject({
      state: "done",
      attempts: 1,
      lastError: null,
    });
    expect((await itemRow(item)).error).toBeNull();
    // Retrying what is not failed is a conflict.
    await expectProblem(
      await call(path, { method: "POST", cookie: t.roles.author.cookie }),
      409,
      "CONFLICT",
    );
  });

  it("fails a corrupt file at once with the builder's reason, retries a busy builder with backoff", async () => {
    const t = await createTenant();
    const { site } = await makeSite(t);
    const item = await addItem(t, site.id, {
      name: "broken.mp4",
      kind: "video",
      type: "video/mp4",
      bytes: text("garbage"),
    });
    await startMediaPipeline(env, item);
    const sent = await waitForBuilderJobs(item.mediaId, 2);
    const transcode = sent.find((s) => s.job.kind === "transcode")?.job as BuilderMediaJob;
    await builderPost(transcode.callbackUrl, {
      jobId: transcode.jobId,
      token: transcode.token,
      state: "running",
    });
    const reason =
      "ffprobe cannot read the file: broken.mp4: Invalid data found when processing input";
    await builderPost(transcode.callbackUrl, {
      jobId: transcode.jobId,
      token: transcode.token,
      state: "failed",
      error: reason,
      permanent: true,
    });
    expect(await jobOf(item, "transcode")).toMatchObject({
      state: "failed",
      attempts: 1,
      lastError: reason,
    });

    // A builder that is down for the poster's retry: a failed attempt, retried later.
    const poster = sent.find((s) => s.job.kind === "poster")?.job as BuilderMediaJob;
    await builderPost(poster.callbackUrl, {
      jobId: poster.jobId,
      token: poster.token,
      state: "failed",
      error: "The builder shut down before running the job",
    });
    expect(await jobOf(item, "poster")).toMatchObject({ state: "queued", attempts: 1 });
    await fetch(`${env.BUILDER_URL}/__mode`, {
      method: "POST",
      body: JSON.stringify({ mediaId: item.mediaId, status: 503 }),
    });
    await timePasses(item, "poster");
    const busy = await waitForJob(item, "poster", (j) => j.state === "queued" && j.attempts === 2);
    expect(busy.lastError).toMatch(/^The builder answered 503/);
    expect(busy.nextAttemptAt).not.toBeNull();
  });

  it("attaches a WebVTT caption file to its video, converts SRT, and fails a malformed one naming the line", async () => {
    const t = await createTenant();
    const { site } = await makeSite(t);
    const video = await addItem(t, site.id, {
      name: "Lecture 1.mp4",
      kind: "video",
      type: "video/mp4",
      bytes: text("v"),
    });
    const vtt = await addItem(t, site.id, {
      name: "Lecture 1.en.vtt",
      kind: "other",
      type: "text/vtt",
      bytes: text("WEBVTT\n\n00:00.000 --> 00:01.000\nHello there.\n"),
    });
    const srt = await addItem(t, site.id, {
      name: "lecture 1.fr.srt",
      kind: "other",
      type: "application/x-subrip",
      bytes: text("1\n00:00:00,000 --> 00:00:01,000\nBonjour.\n"),
    });
    const bad = await addItem(t, site.id, {
      name: "Lecture 1.de.srt",
      kind: "other",
      type: "application/x-subrip",
      bytes: text(
        "1\n00:00:00,000 --> 00:00:01,000\nOk\n\n2\n00:00:01,000 => 00:00:02,000\nBroken\n",
      ),
    });
    const orphan = await addItem(t, site.id, {
      name: "nothing.vtt",
      kind: "other",
      type: "text/vtt",
      bytes: text("WEBVTT\n\n00:00.000 --> 00:01.000\nx\n"),
    });
    for (const item of [vtt, srt, bad, orphan]) await startMediaPipeline(env, item);

    await waitForJob(vtt, "captions", (j) => j.state === "done");
    await waitForJob(srt, "captions", (j) => j.state === "done");
    const badJob = await waitForJob(bad, "captions", (j) => j.state === "failed");
    expect(badJob.lastError).toBe(
      'Lecture 1.de.srt, line 6: expected a cue timing like "00:00:01,000 --> 00:00:04,000", found "00:00:01,000 => 00:00:02,000"',
    );
    expect(badJob.attempts).toBe(1);
    const orphanJob = await waitForJob(orphan, "captions", (j) => j.state === "failed");
    expect(orphanJob.lastError).toMatch(/no video named "nothing\.…"/);

    const row = await itemRow(video);
    const prefix = `t/${t.tenant.id}/s/${site.id}/media/${video.mediaId}/`;
    expect(row.variants.map((v) => [v.role, v.key, v.lang]).sort()).toEqual(
      [
        ["captions", `${prefix}captions.en.vtt`, "en"],
        ["captions", `${prefix}captions.fr.vtt`, "fr"],
        ["transcript", `${prefix}transcript.en.txt`, "en"],
        ["transcript", `${prefix}transcript.fr.txt`, "fr"],
      ].sort(),
    );
    expect(await (await env.MEDIA.get(`${prefix}captions.fr.vtt`))?.text()).toBe(
      "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\nBonjour.\n",
    );
    expect(await (await env.MEDIA.get(`${prefix}transcript.en.txt`))?.text()).toBe(
      "Hello there.\n",
    );
    expect((await jobOf(vtt, "captions")).output?.metadata).toMatchObject({
      captionFor: video.mediaId,
      lang: "en",
      cues: 1,
    });
  });

  it("fails a step whose queue message was dead-lettered, with the reason, and keeps the others", async () => {
    const t = await createTenant();
    const { site } = await makeSite(t);
    const item = await addItem(t, site.id, {
      name: "clip.mp4",
      kind: "video",
      type: "video/mp4",
      bytes: text("v"),
    });
    await startMediaPipeline(env, item);
    const sent = await waitForBuilderJobs(item.mediaId, 2);
    const transcode = sent.find((s) => s.job.kind === "transcode")?.job as BuilderMediaJob;
    const batch = createMessageBatch("lectern-media-dlq", [
      {
        id: crypto.randomUUID(),
        timestamp: new Date(),
        attempts: 1,
        body: {
          kind: "run",
          tenantId: item.tenantId,
          siteId: item.siteId,
          mediaId: item.mediaId,
          jobId: transcode.jobId,
          token: transcode.token,
        },
      },
      { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: { kind: "nonsense" } },
    ]);
    const ctx = createExecutionContext();
    await handleMediaDeadLetters(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.length).toBe(2);
    const job = await jobOf(item, "transcode");
    expect(job).toMatchObject({ state: "failed", attempts: 1 });
    expect(job.lastError).toMatch(/media queue gave up/);
    expect(await jobOf(item, "poster")).toMatchObject({ state: "running" });
  });

  it("answers 404 for another tenant's item or job, and for a job of another item", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const { site } = await makeSite(a);
    const item = await addItem(a, site.id, {
      name: "x.png",
      kind: "image",
      type: "image/png",
      bytes: pngHead(10, 10),
    });
    const other = await addItem(a, site.id, {
      name: "y.png",
      kind: "image",
      type: "image/png",
      bytes: pngHead(10, 10),
    });
    await startMediaPipeline(env, item);
    const meta = await waitForJob(item, "image_metadata", (j) => j.state === "done");
    const base = `/tenants/${a.tenant.id}/sites/${site.id}/media`;
    await expectProblem(
      await call(`${base}/${item.mediaId}/jobs`, { cookie: b.roles.owner.cookie }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(`/tenants/${b.tenant.id}/sites/${site.id}/media/${item.mediaId}/jobs`, {
        cookie: b.roles.owner.cookie,
      }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(`${base}/${other.mediaId}/jobs/${meta.id}/retry`, {
        method: "POST",
        cookie: a.roles.owner.cookie,
      }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(`${base}/${item.mediaId}/jobs/${meta.id}/retry`, {
        method: "POST",
        cookie: a.roles.owner.cookie,
      }),
      409,
      "CONFLICT",
    );
  });
});
