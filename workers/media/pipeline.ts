// The media pipeline's entry points and plan (docs/decisions/013-media-pipeline.md):
// - `startMediaPipeline`: the media library calls it when an item becomes ready; it queues a
//   "start" message, and the media queue's consumer starts the item's MediaPipeline.
// - `planSteps`: which steps an item gets, by what it is.
// - `pipelineOf`: the item's MediaPipeline Durable Object (one per item, named by its id).
import type { MediaJobKind } from "#schemas/media-jobs";
import { captionFileName } from "#workers/domain/captions";
import type { MediaPipeline } from "#workers/objects/media-pipeline";

export type PipelineItem = { tenantId: string; siteId: string; mediaId: string };

/** Queues the start of an item's pipeline. Safe to call again: a started pipeline ignores it. */
export async function startMediaPipeline(env: Env, item: PipelineItem): Promise<void> {
  await env.MEDIA_QUEUE.send({ kind: "start", ...item });
}

export function pipelineOf(env: Env, mediaId: string): DurableObjectStub<MediaPipeline> {
  const ns = env.MEDIA_PIPELINE as unknown as DurableObjectNamespace<MediaPipeline>;
  return ns.get(ns.idFromName(mediaId));
}

/** Images ffmpeg reads and browsers show: thumbnails and dimensions. (SVG scales by itself.) */
const RASTER_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const CAPTION_TYPES = new Set(["text/vtt", "application/x-subrip"]);

export type PlannableItem = {
  kind: "document" | "image" | "video" | "other";
  filename: string;
  declaredType: string;
  sniffedType: string | null;
};

/** Whether the item is a caption file (by its bytes' type, or its name when the type says text). */
export function isCaptionFile(item: PlannableItem): boolean {
  const type = item.sniffedType ?? item.declaredType;
  if (CAPTION_TYPES.has(type)) return true;
  return (
    (type === "text/plain" || type === "" || type === "application/octet-stream") &&
    captionFileName(item.filename) !== null
  );
}

/**
 * The steps of an item, in the order they are shown. Optional provider steps come last, when
 * the tenant has that provider configured.
 */
export function planSteps(
  item: PlannableItem,
  providers: { youtube: boolean; threeplay: boolean } = { youtube: false, threeplay: false },
): MediaJobKind[] {
  const type = item.sniffedType ?? item.declaredType;
  if (isCaptionFile(item)) return ["captions"];
  if (item.kind === "image" && RASTER_IMAGES.has(type)) return ["image_metadata", "thumbnails"];
  if (item.kind === "video") {
    const steps: MediaJobKind[] = ["transcode", "poster"];
    if (providers.youtube) steps.push("youtube_upload");
    if (providers.threeplay) steps.push("transcript_order");
    return steps;
  }
  return [];
}

/** Where an item's derived files live in R2 MEDIA (as workers/domain/media.ts says). */
export function variantPrefix(item: PipelineItem): string {
  return `t/${item.tenantId}/s/${item.siteId}/media/${item.mediaId}/`;
}
