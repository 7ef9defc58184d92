// A library video's caption files, sent to its YouTube copy (ADR 014): the pipeline calls this
// after `youtube_upload` (captions already attached go up with the video) and whenever captions
// are attached to a video that is already on YouTube. Each WebVTT variant becomes one caption
// track, named by its label or language.
import type { MediaVariantRow } from "#workers/db/schema";
import { insertCaptions, type YouTubeConfig } from "./youtube.ts";

/** At most this many tracks per call (a video has one per language, in practice). */
const MAX_TRACKS = 20;
const MAX_CAPTION_BYTES = 5 * 1024 * 1024;

/**
 * Inserts the WebVTT `captions` variants among `variants` as caption tracks of `videoId`.
 * Returns the created caption ids by variant key; throws ProviderError like the adapter.
 */
export async function sendCaptionsToYouTube(
  env: Env,
  cfg: YouTubeConfig,
  videoId: string,
  variants: readonly MediaVariantRow[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const tracks = variants
    .filter((v) => v.role === "captions" && v.type.startsWith("text/vtt"))
    .slice(0, MAX_TRACKS);
  for (const v of tracks) {
    if (v.size > MAX_CAPTION_BYTES) continue;
    const object = await env.MEDIA.get(v.key);
    if (!object) continue;
    const lang = v.lang ?? "en";
    const { captionId } = await insertCaptions(cfg, videoId, {
      language: lang,
      name: v.label ?? lang,
      vtt: await object.text(),
    });
    out[v.key] = captionId;
  }
  return out;
}
