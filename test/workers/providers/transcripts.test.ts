// 3Play Media transcripts end to end in workerd: the order (with a signed media URL 3Play can
// fetch the original from and a signed callback URL), the callback (bad tokens refused, the
// status asked of 3Play, the WebVTT stored and attached as the video's captions, and sent to
// YouTube when the video is there), against the fake 3Play/YouTube servers.

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "#workers/api/index";
import { createDb } from "#workers/db/client";
import { getMediaItem, updateMediaMetadata } from "#workers/db/queries/media";
import { loadProvider } from "#workers/providers/settings";
import {
  orderTranscriptForItem,
  threeplayCallbackUrl,
  threeplayCaptionsKey,
} from "#workers/providers/transcripts";
import { uploadVideo } from "#workers/providers/youtube";
import { call, createTenant, expectProblem } from "../../factories.ts";
import {
  configureGoogle,
  configureThreePlay,
  control,
  readyVideo,
  tenantWithSite,
} from "./support.ts";

const db = () => createDb(env.DB);

/** A request to the Worker by absolute URL (the signed URLs carry APP_URL's origin). */
async function fetchWorker(url: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(url, init) as Request<unknown, IncomingRequestCfProperties>,
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

type Stored = {
  id: string;
  status: string;
  callback: string;
  file: { sourceUrl: string; name: string };
};

async function orderFor(video: { id: string }, tenantId: string, siteId: string) {
  const out = await orderTranscriptForItem(env, db(), {
    tenantId,
    siteId,
    mediaId: video.id,
    filename: "lecture-1.mp4",
  });
  await updateMediaMetadata(db(), tenantId, video.id, { metadata: out.metadata });
  return out.metadata.threeplay;
}

describe("3Play Media transcripts", () => {
  it("orders with a fetchable media URL and attaches the captions when 3Play calls back", async () => {
    const { t, siteId } = await tenantWithSite();
    await configureThreePlay(t);
    const video = await readyVideo(t.tenant.id, siteId);
    const order = await orderFor(video, t.tenant.id, siteId);
    expect(order.status).toBe("ordered");
    const stored = await control<Stored>(`/__threeplay/transcripts/${order.transcriptId}`);
    expect(stored.file.name).toBe("lecture-1.mp4");

    // 3Play fetches the original from the signed URL.
    const media = await fetchWorker(stored.file.sourceUrl);
    expect(media.status).toBe(200);
    expect(media.headers.get("x-content-type-options")).toBe("nosniff");
    expect(media.headers.get("cache-control")).toBe("no-store");
    expect(new Uint8Array(await media.arrayBuffer())).toEqual(video.bytes);
    // A forged media URL is refused.
    const tail = stored.file.sourceUrl.endsWith("AAA") ? "BBB" : "AAA";
    const forged = await fetchWorker(`${stored.file.sourceUrl.slice(0, -3)}${tail}`);
    await expectProblem(forged, 401, "UNAUTHENTICATED");

    // A callback before the transcript is done changes nothing.
    const early = await fetchWorker(stored.callback, { method: "POST", body: "{}" });
    expect(await early.json()).toEqual({ status: "in_progress", attached: false });

    const vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nToday: vectors.\n";
    await control(`/__threeplay/transcripts/${order.transcriptId}`, { status: "complete", vtt });
    const done = await fetchWorker(stored.callback, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `transcript_id=${order.transcriptId}&status=complete`,
    });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ status: "complete", attached: true });

    const key = threeplayCaptionsKey({ tenantId: t.tenant.id, siteId, mediaId: video.id });
    expect(await (await env.MEDIA.get(key))?.text()).toBe(vtt);
    const item = await getMediaItem(db(), t.tenant.id, video.id);
    expect(item?.variants).toContainEqual({
      role: "captions",
      key,
      type: "text/vtt",
      size: vtt.length,
      lang: "en",
      label: "English (3Play Media)",
    });
    expect(item?.metadata.threeplay).toMatchObject({
      transcriptId: order.transcriptId,
      status: "complete",
      captionsKey: key,
    });
  });

  it("refuses callbacks with a bad or another purpose's token (401) and changes nothing", async () => {
    const { t, siteId } = await tenantWithSite();
    await configureThreePlay(t);
    const video = await readyVideo(t.tenant.id, siteId);
    const order = await orderFor(video, t.tenant.id, siteId);
    await control(`/__threeplay/transcripts/${order.transcriptId}`, {
      status: "complete",
      vtt: "WEBVTT\n\n00:00.000 --> 00:01.000\nx\n",
    });
    const good = await threeplayCallbackUrl(env, {
      tenantId: t.tenant.id,
      siteId,
      mediaId: video.id,
    });
    const token = good.slice(good.lastIndexOf("/") + 1);
    const base = good.slice(0, good.lastIndexOf("/") + 1);
    const [payload, mac] = token.split(".") as [string, string];
    const flipped = `${payload}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`;
    for (const bad of ["nonsense", flipped, `${payload}.`, ""]) {
      const res = await fetchWorker(`${base}${bad}`, { method: "POST" });
      if (bad === "") expect(res.status).toBe(404);
      else await expectProblem(res, 401, "UNAUTHENTICATED");
    }
    // The media URL's token is not a callback token (and the other way round).
    const stored = await control<Stored>(`/__threeplay/transcripts/${order.transcriptId}`);
    const mediaToken = stored.file.sourceUrl.slice(stored.file.sourceUrl.lastIndexOf("/") + 1);
    await expectProblem(
      await fetchWorker(`${base}${mediaToken}`, { method: "POST" }),
      401,
      "UNAUTHENTICATED",
    );
    const item = await getMediaItem(db(), t.tenant.id, video.id);
    expect(item?.variants).toEqual([]);
    expect(item?.metadata.threeplay).toMatchObject({ status: "ordered" });
  });

  it("also adds the captions to the video on YouTube when it is there", async () => {
    const { t, siteId } = await tenantWithSite();
    await configureThreePlay(t);
    await configureGoogle(t, "youtube");
    const yt = await loadProvider(env, db(), t.tenant.id, "youtube");
    if (!yt) throw new Error("youtube not configured");
    const bytes = new TextEncoder().encode("video bytes");
    const { videoId } = await uploadVideo(
      yt,
      { title: "Lecture 1", description: "", privacy: "unlisted" },
      new Blob([bytes]).stream(),
      bytes.byteLength,
    );
    const video = await readyVideo(t.tenant.id, siteId, bytes, {
      youtube: { videoId, privacy: "unlisted" },
    });
    const order = await orderFor(video, t.tenant.id, siteId);
    const vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\nHello YouTube\n";
    await control(`/__threeplay/transcripts/${order.transcriptId}`, { status: "complete", vtt });
    const stored = await control<Stored>(`/__threeplay/transcripts/${order.transcriptId}`);
    const res = await fetchWorker(stored.callback, { method: "POST" });
    expect(res.status).toBe(200);
    const onYouTube = await control<{ captions: { language: string; body: string }[] }>(
      `/__youtube/videos/${videoId}`,
    );
    expect(onYouTube.captions).toEqual([expect.objectContaining({ language: "en", body: vtt })]);
    const item = await getMediaItem(db(), t.tenant.id, video.id);
    expect(item?.metadata.threeplay).toMatchObject({ youtubeCaptionId: expect.any(String) });
  });

  it("answers 409 when 3Play was removed, and 502 (retry) when 3Play fails", async () => {
    const { t, siteId } = await tenantWithSite();
    await configureThreePlay(t);
    const video = await readyVideo(t.tenant.id, siteId);
    await orderFor(video, t.tenant.id, siteId);
    const url = await threeplayCallbackUrl(env, {
      tenantId: t.tenant.id,
      siteId,
      mediaId: video.id,
    });
    await control("/__faults", { method: "GET", path: "/v3/transcripts/", status: 503 });
    await expectProblem(await fetchWorker(url, { method: "POST" }), 502, "PROVIDER_UNAVAILABLE");
    await env.DB.prepare("DELETE FROM tenant_providers WHERE tenant_id = ?")
      .bind(t.tenant.id)
      .run();
    await expectProblem(await fetchWorker(url, { method: "POST" }), 409, "CONFLICT");
  });

  it("refreshes on demand (site editors): the status now, captions attached once complete", async () => {
    const { t, siteId } = await tenantWithSite();
    await configureThreePlay(t);
    const video = await readyVideo(t.tenant.id, siteId);
    const path = `/tenants/${t.tenant.id}/sites/${siteId}/media/${video.id}/transcript/refresh`;
    const before = await call(path, { method: "POST", cookie: t.roles.admin.cookie });
    expect(await before.json()).toEqual({ ordered: false, status: null, attached: false });

    const order = await orderFor(video, t.tenant.id, siteId);
    const waiting = await call(path, { method: "POST", cookie: t.roles.admin.cookie });
    expect(await waiting.json()).toEqual({ ordered: true, status: "in_progress", attached: false });
    const vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\nNow\n";
    await control(`/__threeplay/transcripts/${order.transcriptId}`, { status: "complete", vtt });
    const done = await call(path, { method: "POST", cookie: t.roles.admin.cookie });
    expect(await done.json()).toEqual({ ordered: true, status: "complete", attached: true });
    const item = await getMediaItem(db(), t.tenant.id, video.id);
    expect(item?.variants.map((v) => v.role)).toContain("captions");

    const other = await createTenant();
    await expectProblem(
      await call(path, { method: "POST", cookie: other.roles.owner.cookie }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(path, { method: "POST", cookie: t.roles.member.cookie }),
      404,
      "NOT_FOUND",
    );
  });
});
