// The media pipeline's optional steps and what a site build reads of its files, in workerd:
// - a tenant with YouTube and 3Play Media set up gets `youtube_upload` and `transcript_order`
//   steps for a video, run against the fake providers (test/support/fake-providers.ts);
// - /internal/v1/exports/{deployId}/media-variants lists the derived files of the site's
//   resources with their R2 etags, to the job's export token only.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { siteMediaVariantsPage } from "#schemas/media-jobs";
import { insertMediaItem } from "#workers/db/queries/media";
import { listMediaJobs } from "#workers/db/queries/media-jobs";
import { newId } from "#workers/domain/ids";
import { signToken } from "#workers/domain/signed-tokens";
import { startMediaPipeline } from "#workers/media/pipeline";
import { call, createTenant, db, expectProblem } from "../../factories.ts";
import {
  configureGoogle,
  configureThreePlay,
  control,
  readyVideo,
  tenantWithSite,
} from "../providers/support.ts";
import { makeSite, waitFor } from "../publish/support.ts";

describe("provider steps", () => {
  it("uploads a video to the tenant's YouTube channel, unlisted, and orders its transcript", async () => {
    const { t, siteId } = await tenantWithSite();
    await configureGoogle(t, "youtube");
    await configureThreePlay(t);
    const video = await readyVideo(t.tenant.id, siteId);
    const item = { tenantId: t.tenant.id, siteId, mediaId: video.id };
    await startMediaPipeline(env, item);
    const jobs = await waitFor(async () => {
      const list = await listMediaJobs(db(), t.tenant.id, video.id);
      const done = list.filter((j) => j.kind === "youtube_upload" || j.kind === "transcript_order");
      return done.length === 2 && done.every((j) => j.state === "done" || j.state === "failed")
        ? list
        : null;
    }, 15_000);
    expect(jobs.map((j) => j.kind)).toEqual([
      "transcode",
      "poster",
      "youtube_upload",
      "transcript_order",
    ]);
    const upload = jobs.find((j) => j.kind === "youtube_upload");
    expect(upload, upload?.lastError ?? "").toMatchObject({ state: "done", attempts: 1 });
    const youtube = (
      (upload?.output?.metadata ?? {}) as unknown as {
        youtube: { videoId: string; privacy: string };
      }
    ).youtube;
    expect(youtube.privacy).toBe("unlisted");
    const uploaded = await control<{ status?: { privacyStatus?: string } }>(
      `/__youtube/videos/${youtube.videoId}`,
    );
    expect(uploaded.status?.privacyStatus).toBe("unlisted");
    const order = jobs.find((j) => j.kind === "transcript_order");
    expect(order, order?.lastError ?? "").toMatchObject({ state: "done" });
    expect(order?.output?.metadata).toMatchObject({ threeplay: { status: "ordered" } });
  });

  it("sends a video's captions to its YouTube copy: those attached before the upload and after", async () => {
    const { t, siteId } = await tenantWithSite();
    await configureGoogle(t, "youtube");
    // A video whose English captions are attached already.
    const prefix = (id: string) => `t/${t.tenant.id}/s/${siteId}/media/${id}/`;
    const video = await readyVideo(t.tenant.id, siteId);
    const en = `${prefix(video.id)}captions.en.vtt`;
    await env.MEDIA.put(en, "WEBVTT\n\n00:00.000 --> 00:01.000\nHello.\n");
    await env.DB.prepare("UPDATE media_items SET variants = ? WHERE id = ?")
      .bind(
        JSON.stringify([
          { role: "captions", key: en, type: "text/vtt", size: 40, lang: "en", label: "English" },
        ]),
        video.id,
      )
      .run();
    await startMediaPipeline(env, { tenantId: t.tenant.id, siteId, mediaId: video.id });
    const upload = await waitFor(async () => {
      const list = await listMediaJobs(db(), t.tenant.id, video.id);
      const job = list.find((j) => j.kind === "youtube_upload");
      return job && job.state !== "queued" && job.state !== "running" ? job : null;
    }, 15_000);
    const youtube = upload.output?.metadata?.youtube as unknown as {
      videoId: string;
      captionIds: Record<string, string>;
    };
    expect(Object.keys(youtube.captionIds)).toEqual([en]);

    // French captions arrive later, as a caption file named after the video.
    const bytes = new TextEncoder().encode("WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour.\n");
    const fr = newId("med");
    const key = `t/${t.tenant.id}/s/${siteId}/files/${crypto.randomUUID()}/lecture-1.fr.vtt`;
    await env.MEDIA.put(key, bytes);
    await insertMediaItem(db(), {
      id: fr,
      tenantId: t.tenant.id,
      siteId,
      r2Key: key,
      filename: "lecture-1.fr.vtt",
      declaredType: "text/vtt",
      sniffedType: "text/vtt",
      kind: "other",
      size: bytes.byteLength,
      status: "ready",
      partSize: bytes.byteLength,
      partCount: 1,
      metadata: {},
      variants: [],
    }).run();
    await startMediaPipeline(env, { tenantId: t.tenant.id, siteId, mediaId: fr });
    await waitFor(async () => {
      const [job] = await listMediaJobs(db(), t.tenant.id, fr);
      return job?.state === "done" ? job : null;
    }, 15_000);
    const onYouTube = await control<{
      captions: { language?: string; snippet?: { language?: string } }[];
    }>(`/__youtube/videos/${youtube.videoId}`);
    expect(onYouTube.captions.map((c) => c.snippet?.language ?? c.language).sort()).toEqual([
      "en",
      "fr",
    ]);
    const row = await env.DB.prepare("SELECT metadata FROM media_items WHERE id = ?")
      .bind(video.id)
      .first<{ metadata: string }>();
    const stored = JSON.parse(row?.metadata ?? "{}").youtube;
    expect(Object.keys(stored.captionIds).sort()).toEqual(
      [en, `${prefix(video.id)}captions.fr.vtt`].sort(),
    );
  });

  it("plans no provider step for a tenant without providers", async () => {
    const { t, siteId } = await tenantWithSite();
    const video = await readyVideo(t.tenant.id, siteId);
    await startMediaPipeline(env, { tenantId: t.tenant.id, siteId, mediaId: video.id });
    const jobs = await waitFor(async () => {
      const list = await listMediaJobs(db(), t.tenant.id, video.id);
      return list.length > 0 ? list : null;
    });
    expect(jobs.map((j) => j.kind)).toEqual(["transcode", "poster"]);
  });
});

describe("the site build's list of derived media", () => {
  async function token(tenantId: string, siteId: string, deployId: string) {
    return signToken(
      env.AUTH_SECRET,
      "build-export",
      { d: deployId, s: siteId, t: tenantId },
      Date.now() + 60_000,
    );
  }

  it("lists each resource's derived files that are stored, with etags, to the export token only", async () => {
    const t = await createTenant();
    const { site } = await makeSite(t);
    const video = await readyVideo(t.tenant.id, site.id);
    const prefix = `t/${t.tenant.id}/s/${site.id}/media/${video.id}/`;
    const stored = await env.MEDIA.put(`${prefix}web.mp4`, "mp4 bytes");
    await env.DB.prepare("UPDATE media_items SET variants = ?, metadata = ? WHERE id = ?")
      .bind(
        JSON.stringify([
          {
            role: "web_mp4",
            key: `${prefix}web.mp4`,
            type: "video/mp4",
            size: 9,
            width: 640,
            height: 360,
          },
          // Listed but not in R2 (yet): left out.
          { role: "poster", key: `${prefix}poster.jpg`, type: "image/jpeg", size: 3 },
          // Not the item's own folder: left out whatever the row says.
          { role: "captions", key: `t/${t.tenant.id}/s/other/x.vtt`, type: "text/vtt", size: 3 },
        ]),
        JSON.stringify({ duration_seconds: 12.5 }),
        video.id,
      )
      .run();
    const deployId = newId("dep");
    const url = `http://lectern.test/internal/v1/exports/${deployId}/media-variants`;
    const res = await call(url, {
      headers: { authorization: `Bearer ${await token(t.tenant.id, site.id, deployId)}` },
    });
    expect(res.status).toBe(200);
    const page = siteMediaVariantsPage.parse(await res.json());
    const uid = (
      await env.DB.prepare("SELECT resource_uid FROM media_items WHERE id = ?")
        .bind(video.id)
        .first<{ resource_uid: string }>()
    )?.resource_uid;
    expect(page).toEqual({
      items: [
        {
          uid,
          mediaId: video.id,
          metadata: { duration_seconds: 12.5 },
          variants: [
            {
              role: "web_mp4",
              key: `${prefix}web.mp4`,
              name: "web.mp4",
              type: "video/mp4",
              size: 9,
              width: 640,
              height: 360,
              etag: stored?.httpEtag,
            },
          ],
        },
      ],
      cursor: null,
    });
    // Another deploy's token, or another tenant's site: refused.
    const other = await createTenant();
    await expectProblem(
      await call(url, {
        headers: { authorization: `Bearer ${await token(t.tenant.id, site.id, newId("dep"))}` },
      }),
      401,
      "UNAUTHENTICATED",
    );
    const foreign = await call(url, {
      headers: { authorization: `Bearer ${await token(other.tenant.id, site.id, deployId)}` },
    });
    expect(siteMediaVariantsPage.parse(await foreign.json()).items).toEqual([]);
  });
});
