// Videos go public on YouTube when their site goes live: a live activation queues the site's
// "youtube_public" message, whose consumer makes each uploaded video public (fake YouTube) and
// records it on the item; preview publishes and tenants without YouTube leave videos alone.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "#workers/db/client";
import { getMediaItem } from "#workers/db/queries/media";
import { loadProvider } from "#workers/providers/settings";
import { uploadVideo, type YouTubeConfig } from "#workers/providers/youtube";
import { handleYouTubePublic, requestYouTubePublic } from "#workers/providers/youtube-public";
import { call, createTenant, json } from "../../factories.ts";
import { addPage, completeJob, makeSite, nth, waitFor, waitForJobs } from "../publish/support.ts";
import { configureGoogle, control, readyVideo, tenantWithSite } from "./support.ts";

const db = () => createDb(env.DB);

async function unlistedVideo(cfg: YouTubeConfig) {
  const bytes = new TextEncoder().encode(`video ${crypto.randomUUID()}`);
  const { videoId } = await uploadVideo(
    cfg,
    { title: "Lecture", description: "", privacy: "unlisted" },
    new Blob([bytes]).stream(),
    bytes.byteLength,
  );
  return { videoId, bytes };
}

const privacyOf = async (videoId: string) =>
  (await control<{ status: { privacyStatus: string } }>(`/__youtube/videos/${videoId}`)).status
    .privacyStatus;

describe("YouTube videos go public with the site", () => {
  it("makes the site's uploaded videos public, records it, skips them next time", async () => {
    const { t, siteId } = await tenantWithSite();
    await configureGoogle(t, "youtube");
    const cfg = (await loadProvider(env, db(), t.tenant.id, "youtube")) as YouTubeConfig;
    const one = await unlistedVideo(cfg);
    const a = await readyVideo(t.tenant.id, siteId, one.bytes, {
      youtube: { videoId: one.videoId, privacy: "unlisted" },
    });
    // A video id this account does not own: a permanent failure, recorded on the item.
    const b = await readyVideo(t.tenant.id, siteId, one.bytes, {
      youtube: { videoId: "not-ours-123", privacy: "unlisted" },
    });
    // A video never sent to YouTube is not touched.
    const c = await readyVideo(t.tenant.id, siteId);

    const out = await handleYouTubePublic(env, {
      kind: "youtube_public",
      tenantId: t.tenant.id,
      siteId,
    });
    expect(out).toEqual({ made: 1, skipped: 0, failed: 1 });
    expect(await privacyOf(one.videoId)).toBe("public");
    expect((await getMediaItem(db(), t.tenant.id, a.id))?.metadata.youtube).toMatchObject({
      videoId: one.videoId,
      privacy: "public",
      publishedAt: expect.any(String),
    });
    expect((await getMediaItem(db(), t.tenant.id, b.id))?.metadata.youtube).toMatchObject({
      privacy: "unlisted",
      error: expect.stringContaining("404"),
    });
    expect((await getMediaItem(db(), t.tenant.id, c.id))?.metadata.youtube).toBeUndefined();

    const again = await handleYouTubePublic(env, {
      kind: "youtube_public",
      tenantId: t.tenant.id,
      siteId,
    });
    expect(again).toEqual({ made: 0, skipped: 1, failed: 1 });
  });

  it("throws a retryable error (the queue tries again) when YouTube is down", async () => {
    const { t, siteId } = await tenantWithSite();
    await configureGoogle(t, "youtube");
    const cfg = (await loadProvider(env, db(), t.tenant.id, "youtube")) as YouTubeConfig;
    const v = await unlistedVideo(cfg);
    await readyVideo(t.tenant.id, siteId, v.bytes, { youtube: { videoId: v.videoId } });
    await control("/__faults", { method: "PUT", path: "/youtube/v3/videos", status: 503 });
    await expect(
      handleYouTubePublic(env, { kind: "youtube_public", tenantId: t.tenant.id, siteId }),
    ).rejects.toMatchObject({ retryable: true });
    expect(await privacyOf(v.videoId)).toBe("unlisted");
  });

  it("queues nothing for a tenant without YouTube", async () => {
    const { t, siteId } = await tenantWithSite();
    expect(await requestYouTubePublic(env, db(), { tenantId: t.tenant.id, siteId })).toBe(false);
  });

  it("a live publish makes them public; a preview publish does not", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    await addPage(base, t.roles.admin.cookie, "Syllabus");
    await configureGoogle(t, "youtube");
    const cfg = (await loadProvider(env, db(), t.tenant.id, "youtube")) as YouTubeConfig;
    const v = await unlistedVideo(cfg);
    await readyVideo(t.tenant.id, site.id, v.bytes, { youtube: { videoId: v.videoId } });

    const preview = await call(`${base}/publish/preview`, {
      cookie: t.roles.admin.cookie,
      body: {},
    });
    expect(preview.status).toBe(202);
    const [first] = await waitForJobs(site.id, 1);
    await completeJob(first.job);
    expect(await privacyOf(v.videoId)).toBe("unlisted");

    const live = await call(`${base}/publish/live`, { cookie: t.roles.admin.cookie, body: {} });
    expect(live.status, await live.clone().text()).toBe(202);
    expect((await json(live)).deploy.target).toBe("live");
    const jobs = await waitForJobs(site.id, 2);
    await completeJob(nth(jobs, 1).job);
    await waitFor(async () => ((await privacyOf(v.videoId)) === "public" ? true : null), 20_000);
  });
});
