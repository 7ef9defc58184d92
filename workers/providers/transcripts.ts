// Transcripts from 3Play Media for a video in the library (ADR 014):
// - ordering (the pipeline's `transcript_order` step): 3Play fetches the original from a
//   signed, expiring URL (GET /internal/v1/providers/media/{token}); the order carries a signed
//   callback URL (POST /internal/v1/providers/threeplay/callback/{token}).
// - the callback: its token names the tenant, site and item (verified in constant time); the
//   call's body is not trusted — the Worker asks 3Play for the transcript's status with the
//   tenant's key and, once complete, downloads the WebVTT, stores it under the item's prefix
//   and attaches it as the video's captions through the item's MediaPipeline (under its lock).
//   When the video is on YouTube and the tenant has YouTube, the captions go there too.
import type { Db } from "#workers/db/client";
import { getSiteMediaItem } from "#workers/db/queries/media";
import { signToken, verifyToken } from "#workers/domain/signed-tokens";
import { config } from "#workers/env";
import { type PipelineItem, pipelineOf, variantPrefix } from "#workers/media/pipeline";
import { ProviderError } from "./errors.ts";
import { loadProvider } from "./settings.ts";
import { downloadCaptions, getTranscriptStatus, orderTranscript } from "./threeplay.ts";
import { insertCaptions } from "./youtube.ts";

export const MEDIA_TOKEN_PURPOSE = "provider-media";
export const CALLBACK_TOKEN_PURPOSE = "threeplay-callback";
/** 3Play may fetch the media some days after the order. */
const MEDIA_URL_TTL_MS = 14 * 86_400_000;
/** Transcripts can take weeks at the slowest turnaround. */
const CALLBACK_TTL_MS = 60 * 86_400_000;

type Claims = { t: string; s: string; m: string };

const claimsOf = (item: PipelineItem): Claims => ({
  t: item.tenantId,
  s: item.siteId,
  m: item.mediaId,
});

export async function providerMediaUrl(env: Env, item: PipelineItem, now = Date.now()) {
  const cfg = config(env);
  const token = await signToken(
    cfg.AUTH_SECRET,
    MEDIA_TOKEN_PURPOSE,
    claimsOf(item),
    now + MEDIA_URL_TTL_MS,
  );
  return `${cfg.appOrigin}/internal/v1/providers/media/${token}`;
}

export async function threeplayCallbackUrl(env: Env, item: PipelineItem, now = Date.now()) {
  const cfg = config(env);
  const token = await signToken(
    cfg.AUTH_SECRET,
    CALLBACK_TOKEN_PURPOSE,
    claimsOf(item),
    now + CALLBACK_TTL_MS,
  );
  return `${cfg.appOrigin}/internal/v1/providers/threeplay/callback/${token}`;
}

/** The item a provider token names, when the token is valid for `purpose`. */
export async function itemOfToken(
  env: Env,
  purpose: string,
  token: string,
): Promise<PipelineItem | null> {
  const claims = await verifyToken<Claims>(config(env).AUTH_SECRET, purpose, token);
  if (!claims || typeof claims.t !== "string" || typeof claims.m !== "string") return null;
  return { tenantId: claims.t, siteId: claims.s, mediaId: claims.m };
}

export type ThreePlayState = {
  fileId: string;
  transcriptId: string;
  status: string;
  orderedAt: string;
  completedAt?: string;
  captionsKey?: string;
  youtubeCaptionId?: string;
  youtubeCaptionsError?: string;
};

/**
 * Orders a transcript of a library video from the tenant's 3Play Media account. Returns the
 * metadata to merge into the item (`threeplay`). Throws ProviderError (retryable or not).
 */
export async function orderTranscriptForItem(
  env: Env,
  db: Db,
  item: PipelineItem & { filename: string },
): Promise<{ metadata: { threeplay: ThreePlayState } }> {
  const cfg = await loadProvider(env, db, item.tenantId, "threeplay");
  if (!cfg) {
    throw new ProviderError(
      "threeplay",
      "invalid",
      "3Play Media is not configured for this tenant",
    );
  }
  const { fileId, transcriptId } = await orderTranscript(cfg, {
    mediaUrl: await providerMediaUrl(env, item),
    name: item.filename,
    callbackUrl: await threeplayCallbackUrl(env, item),
    referenceId: item.mediaId,
  });
  return {
    metadata: {
      threeplay: { fileId, transcriptId, status: "ordered", orderedAt: new Date().toISOString() },
    },
  };
}

export type CallbackOutcome =
  | { ok: true; status: string; attached: boolean }
  | { ok: false; status: 404 | 409 | 502; message: string };

export const threeplayCaptionsKey = (item: PipelineItem) =>
  `${variantPrefix(item)}captions.en.3play.vtt`;

/** Handles 3Play's call for the item the (verified) token names. */
export async function completeTranscript(
  env: Env,
  db: Db,
  item: PipelineItem,
): Promise<CallbackOutcome> {
  const media = await getSiteMediaItem(db, item.tenantId, item.siteId, item.mediaId);
  if (!media) return { ok: false, status: 404, message: "The video is no longer in the library" };
  const metadata = (media.metadata ?? {}) as Record<string, unknown>;
  const state = metadata.threeplay as ThreePlayState | undefined;
  if (!state?.transcriptId) {
    return { ok: false, status: 409, message: "No transcript was ordered for this video" };
  }
  try {
    const cfg = await loadProvider(env, db, item.tenantId, "threeplay");
    if (!cfg) return { ok: false, status: 409, message: "3Play Media is no longer configured" };
    const status = await getTranscriptStatus(cfg, state.transcriptId);
    const pipeline = pipelineOf(env, item.mediaId);
    if (!status.complete) {
      if (status.status !== state.status) {
        await pipeline.attach(item, [], { threeplay: { ...state, status: status.status } });
      }
      return { ok: true, status: status.status, attached: false };
    }
    const vtt = await downloadCaptions(cfg, state.transcriptId, "vtt");
    const key = threeplayCaptionsKey(item);
    const bytes = new TextEncoder().encode(vtt);
    await env.MEDIA.put(key, bytes, { httpMetadata: { contentType: "text/vtt; charset=utf-8" } });
    const next: ThreePlayState = {
      ...state,
      status: "complete",
      completedAt: new Date().toISOString(),
      captionsKey: key,
    };
    const metaPatch: Record<string, unknown> = { threeplay: next };
    const youtube = metadata.youtube as { videoId?: string } | undefined;
    if (youtube?.videoId && !state.youtubeCaptionId) {
      const yt = await loadProvider(env, db, item.tenantId, "youtube").catch(() => null);
      if (yt) {
        try {
          const { captionId } = await insertCaptions(yt, youtube.videoId, {
            language: "en",
            name: "English",
            vtt,
          });
          next.youtubeCaptionId = captionId;
        } catch (err) {
          // The library keeps its captions either way; the reason is shown on the item.
          next.youtubeCaptionsError = err instanceof Error ? err.message : String(err);
        }
      }
    }
    await pipeline.attach(
      item,
      [
        {
          role: "captions",
          key,
          type: "text/vtt",
          size: bytes.byteLength,
          lang: "en",
          label: "English (3Play Media)",
        },
      ],
      metaPatch,
    );
    return { ok: true, status: "complete", attached: true };
  } catch (err) {
    if (err instanceof ProviderError) {
      // Not ours to fix now: answer 502 so 3Play calls again (its retries), say why.
      return { ok: false, status: 502, message: err.message };
    }
    throw err;
  }
}
