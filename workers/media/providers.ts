// The optional provider steps of a video's pipeline: `youtube_upload` (the original, unlisted,
// to the tenant's YouTube channel) and `transcript_order` (a 3Play Media transcript order),
// planned only when the tenant has that provider configured. The adapters are PROVIDERS'
// (workers/providers/*); this module turns their outcomes into step results: a retryable
// ProviderError is a failed attempt the pipeline retries, any other is final.
import type { MediaJobKind, MediaQueueMessage } from "#schemas/media-jobs";
import type { Db } from "#workers/db/client";
import type { StepResult } from "#workers/objects/media-pipeline";
import { ProviderError } from "#workers/providers/errors";
import { uploadVideo, type YouTubeConfig } from "#workers/providers/youtube";

type RunMessage = Extract<MediaQueueMessage, { kind: "run" }>;

export type ProviderConfigs = { youtube: YouTubeConfig | null; threeplay: unknown | null };

/**
 * The tenant's provider configurations. PROVIDERS' loader (workers/providers/settings.ts) is
 * not on this branch yet: until it is, no tenant has a provider and no provider step is planned.
 */
export async function loadProviderConfigs(
  _env: Env,
  _db: Db,
  _tenantId: string,
): Promise<ProviderConfigs> {
  return { youtube: null, threeplay: null };
}

export async function providersConfigured(env: Env, db: Db, tenantId: string) {
  const configs = await loadProviderConfigs(env, db, tenantId);
  return { youtube: configs.youtube !== null, threeplay: configs.threeplay !== null };
}

export async function runProviderStep(
  env: Env,
  db: Db,
  msg: RunMessage,
  kind: Extract<MediaJobKind, "youtube_upload" | "transcript_order">,
  item: { filename: string; r2Key: string; size: number; sniffedType: string | null },
): Promise<StepResult> {
  const configs = await loadProviderConfigs(env, db, msg.tenantId);
  try {
    if (kind === "youtube_upload") {
      if (!configs.youtube)
        return {
          state: "failed",
          error: "YouTube is not configured for this tenant",
          permanent: true,
        };
      const object = await env.MEDIA.get(item.r2Key);
      if (!object)
        return { state: "failed", error: "The original is not in storage", permanent: true };
      const { videoId } = await uploadVideo(
        configs.youtube,
        {
          title: item.filename.replace(/\.[^.]*$/, ""),
          description: "",
          privacy: "unlisted",
          ...(item.sniffedType ? { contentType: item.sniffedType } : {}),
        },
        object.body,
        object.size,
      );
      return {
        state: "done",
        output: { metadata: { youtube: { videoId, privacy: "unlisted" } }, variants: [] },
      };
    }
    return {
      state: "failed",
      error: "3Play Media is not configured for this tenant",
      permanent: true,
    };
  } catch (error) {
    if (error instanceof ProviderError) {
      return { state: "failed", error: error.message, permanent: !error.retryable };
    }
    throw error;
  }
}
