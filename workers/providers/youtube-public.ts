// Videos go public on YouTube when their site goes live (ADR 014). Uploads are unlisted (the
// course is not out yet); when a live deploy of the site is activated, the SitePublisher calls
// `requestYouTubePublic`, which queues one message on the media queue for the site when the
// tenant has YouTube set up; the consumer (`handleYouTubePublic`) makes each of the site's
// uploaded videos public and records it on the item. Idempotent: videos already public are
// skipped, so a second live publish costs one query.
import type { Db } from "#workers/db/client";
import { createDb } from "#workers/db/client";
import { hasTenantProvider, videosOnYouTube } from "#workers/db/queries/providers";
import { pipelineOf } from "#workers/media/pipeline";
import { ProviderError } from "./errors.ts";
import { loadProvider } from "./settings.ts";
import { setVideoPrivacy } from "./youtube.ts";

export type YouTubePublicMessage = { kind: "youtube_public"; tenantId: string; siteId: string };

type YouTubeMeta = { videoId: string; privacy?: string; publishedAt?: string; error?: string };

/** Best effort: the live publish has happened either way, so a failure here is only logged. */
export async function requestYouTubePublic(
  env: Env,
  db: Db,
  site: { tenantId: string; siteId: string },
): Promise<boolean> {
  try {
    if (!(await hasTenantProvider(db, site.tenantId, "youtube"))) return false;
    const msg: YouTubePublicMessage = { kind: "youtube_public", ...site };
    await env.MEDIA_QUEUE.send(msg);
    return true;
  } catch (err) {
    console.error(
      `[youtube] could not queue making ${site.siteId}'s videos public: ${err instanceof Error ? err.message : err}`,
    );
    return false;
  }
}

/**
 * Makes the site's unlisted YouTube videos public. Throws on a retryable provider failure (the
 * queue delivers the message again; videos done so far are skipped then); a permanent failure
 * for one video is recorded on that item (`metadata.youtube.error`) and the others go on.
 */
export async function handleYouTubePublic(
  env: Env,
  msg: YouTubePublicMessage,
): Promise<{ made: number; skipped: number; failed: number }> {
  const db = createDb(env.DB);
  const out = { made: 0, skipped: 0, failed: 0 };
  const cfg = await loadProvider(env, db, msg.tenantId, "youtube");
  if (!cfg) return out;
  for (const video of await videosOnYouTube(db, msg.tenantId, msg.siteId)) {
    const yt = (video.metadata as { youtube?: YouTubeMeta }).youtube;
    if (!yt?.videoId || yt.privacy === "public") {
      out.skipped += 1;
      continue;
    }
    const item = { tenantId: msg.tenantId, siteId: msg.siteId, mediaId: video.id };
    try {
      await setVideoPrivacy(cfg, yt.videoId, "public");
      const { error: _cleared, ...rest } = yt;
      await pipelineOf(env, video.id).attach(item, [], {
        youtube: { ...rest, privacy: "public", publishedAt: new Date().toISOString() },
      });
      out.made += 1;
    } catch (err) {
      if (err instanceof ProviderError && !err.retryable) {
        await pipelineOf(env, video.id).attach(item, [], {
          youtube: { ...yt, error: err.message },
        });
        out.failed += 1;
        continue;
      }
      throw err;
    }
  }
  return out;
}
