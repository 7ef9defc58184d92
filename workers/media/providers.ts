// The optional provider steps of a video's pipeline: `youtube_upload` (the original, unlisted,
// to the tenant's YouTube channel) and `transcript_order` (a 3Play Media transcript order),
// planned only when the tenant has that provider configured. The adapters are PROVIDERS'
// (workers/providers/*); this module turns their outcomes into step results: a retryable
// ProviderError is a failed attempt the pipeline retries, any other is final. 3Play's captions
// arrive later, through PROVIDERS' callback (workers/providers/transcripts.ts).
import type { MediaJobKind, MediaQueueMessage } from "#schemas/media-jobs";
import type { Db } from "#workers/db/client";
import { getTenantProvider } from "#workers/db/queries/providers";
import type { MediaVariantRow } from "#workers/db/schema";
import type { StepResult } from "#workers/objects/media-pipeline";
import { ProviderError } from "#workers/providers/errors";
import { loadProvider, ProviderSecretsUnreadable } from "#workers/providers/settings";
import { orderTranscriptForItem } from "#workers/providers/transcripts";
import { uploadVideo } from "#workers/providers/youtube";
import { sendCaptionsToYouTube } from "#workers/providers/youtube-captions";

type RunMessage = Extract<MediaQueueMessage, { kind: "run" }>;

/** Which providers the tenant has set up (their steps are planned only then). */
export async function providersConfigured(db: Db, tenantId: string) {
  const [youtube, threeplay] = await Promise.all([
    getTenantProvider(db, tenantId, "youtube"),
    getTenantProvider(db, tenantId, "threeplay"),
  ]);
  return {
    youtube: youtube != null,
    threeplay: threeplay != null,
  };
}

type YouTubeCfg = NonNullable<Awaited<ReturnType<typeof loadProvider<"youtube">>>>;

/** Sends caption variants to a YouTube video: their track ids, or why they could not go. */
async function captionsToYouTube(
  env: Env,
  cfg: YouTubeCfg,
  videoId: string,
  variants: readonly MediaVariantRow[],
): Promise<{ captionIds?: Record<string, string>; captionsError?: string }> {
  if (!variants.some((v) => v.role === "captions")) return {};
  try {
    return { captionIds: await sendCaptionsToYouTube(env, cfg, videoId, variants) };
  } catch (error) {
    if (error instanceof ProviderError) return { captionsError: error.message };
    throw error;
  }
}

/**
 * New captions of a video that is on YouTube already (the captions step): sent as tracks when
 * the tenant still has YouTube. Never fails the captions step: what happened is returned for
 * the video's metadata.
 */
export async function newCaptionsToYouTube(
  env: Env,
  db: Db,
  tenantId: string,
  video: { metadata: Record<string, unknown> },
  variants: readonly MediaVariantRow[],
): Promise<Record<string, unknown> | null> {
  const youtube = video.metadata.youtube as { videoId?: unknown } | undefined;
  if (!youtube || typeof youtube.videoId !== "string") return null;
  let cfg: YouTubeCfg | null;
  try {
    cfg = await loadProvider(env, db, tenantId, "youtube");
  } catch (error) {
    if (error instanceof ProviderSecretsUnreadable) {
      return { ...youtube, captionsError: `${error.message}: enter them again` };
    }
    throw error;
  }
  if (!cfg) return null;
  const sent = await captionsToYouTube(env, cfg, youtube.videoId, variants);
  const before = (youtube as { captionIds?: Record<string, string> }).captionIds ?? {};
  return {
    ...youtube,
    captionIds: { ...before, ...(sent.captionIds ?? {}) },
    ...(sent.captionsError ? { captionsError: sent.captionsError } : {}),
  };
}

export async function runProviderStep(
  env: Env,
  db: Db,
  msg: RunMessage,
  kind: Extract<MediaJobKind, "youtube_upload" | "transcript_order">,
  item: {
    filename: string;
    r2Key: string;
    size: number;
    sniffedType: string | null;
    variants: MediaVariantRow[];
  },
): Promise<StepResult> {
  try {
    if (kind === "youtube_upload") {
      const cfg = await loadProvider(env, db, msg.tenantId, "youtube");
      if (!cfg) {
        return {
          state: "failed",
          error: "YouTube is not configured for this tenant",
          permanent: true,
        };
      }
      const object = await env.MEDIA.get(item.r2Key);
      if (!object)
        return { state: "failed", error: "The original is not in storage", permanent: true };
      const { videoId } = await uploadVideo(
        cfg,
        {
          title: item.filename.replace(/\.[^.]*$/, ""),
          description: "",
          privacy: "unlisted",
          ...(item.sniffedType ? { contentType: item.sniffedType } : {}),
        },
        object.body,
        object.size,
      );
      // Captions already attached go up with it; their failure is noted, not the upload's.
      const captions = await captionsToYouTube(env, cfg, videoId, item.variants);
      return {
        state: "done",
        output: {
          metadata: { youtube: { videoId, privacy: "unlisted", ...captions } },
          variants: [],
        },
      };
    }
    const ordered = await orderTranscriptForItem(env, db, {
      tenantId: msg.tenantId,
      siteId: msg.siteId,
      mediaId: msg.mediaId,
      filename: item.filename,
    });
    return { state: "done", output: { metadata: ordered.metadata, variants: [] } };
  } catch (error) {
    if (error instanceof ProviderError) {
      return { state: "failed", error: error.message, permanent: !error.retryable };
    }
    if (error instanceof ProviderSecretsUnreadable) {
      return { state: "failed", error: `${error.message}: enter them again`, permanent: true };
    }
    throw error;
  }
}
