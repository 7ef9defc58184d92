// One attempt of a media step, as the media queue's consumer runs it (workers/queues/media.ts):
// the Worker's own steps (image dimensions, caption files) run here; the builder's (ffmpeg) are
// sent to it, signed, and answered later through /internal/v1/media-jobs/{jobId}/result.
//
// A step's failure is a result ("failed", permanent or not), not an exception: exceptions are
// left for what the queue should retry (D1 or R2 unavailable), and a message the queue gives up
// on reaches the dead-letter consumer, which fails the step with the reason.
import type { BuilderMediaJob, MediaJobKind, MediaQueueMessage } from "#schemas/media-jobs";
import type { Db } from "#workers/db/client";
import { getMediaItem } from "#workers/db/queries/media";
import { findVideoByStem } from "#workers/db/queries/media-jobs";
import type { MediaVariantRow } from "#workers/db/schema";
import {
  captionFileName,
  MAX_CAPTION_BYTES,
  parseCaptionBytes,
  transcriptOf,
} from "#workers/domain/captions";
import { IMAGE_HEAD_BYTES, imageSize } from "#workers/domain/image-size";
import { config } from "#workers/env";
import type { StepResult } from "#workers/objects/media-pipeline";
import { dispatchDeadlineMs, runDeadlineMs } from "#workers/objects/media-pipeline";
import { dispatchToBuilder } from "#workers/publishing/builder-client";
import { pipelineOf, variantPrefix } from "./pipeline.ts";
import { newCaptionsToYouTube, runProviderStep } from "./providers.ts";

type RunMessage = Extract<MediaQueueMessage, { kind: "run" }>;

const failed = (error: string, permanent = true): StepResult => ({
  state: "failed",
  error,
  permanent,
});

/** Runs the attempt; null when the answer comes later (the builder's callback). */
export async function runStep(
  env: Env,
  db: Db,
  msg: RunMessage,
  kind: MediaJobKind,
): Promise<StepResult | null> {
  const item = await getMediaItem(db, msg.tenantId, msg.mediaId);
  if (!item || item.status === "deleted") return failed("The media item was deleted");
  switch (kind) {
    case "image_metadata": {
      const object = await env.MEDIA.get(item.r2Key, {
        range: { offset: 0, length: IMAGE_HEAD_BYTES },
      });
      if (!object) return failed(`The original is not in storage (${item.filename})`);
      const size = imageSize(new Uint8Array(await object.arrayBuffer()));
      if (!size) {
        return failed(
          `${item.filename}: cannot read the image's dimensions (not a PNG, JPEG, GIF or WebP image, or a damaged one)`,
        );
      }
      return {
        state: "done",
        output: {
          metadata: { width: size.width, height: size.height, format: size.format },
          variants: [],
        },
      };
    }
    case "captions":
      return captions(env, db, msg, item);
    case "thumbnails":
    case "transcode":
    case "poster":
      return sendToBuilder(env, msg, kind, item.r2Key);
    case "youtube_upload":
    case "transcript_order":
      return runProviderStep(env, db, msg, kind, item);
  }
}

async function captions(
  env: Env,
  db: Db,
  msg: RunMessage,
  item: { filename: string; r2Key: string; size: number },
): Promise<StepResult> {
  if (item.size > MAX_CAPTION_BYTES) {
    return failed(
      `${item.filename}: a caption file is at most ${MAX_CAPTION_BYTES / 1024 / 1024} MiB`,
    );
  }
  const object = await env.MEDIA.get(item.r2Key);
  if (!object) return failed(`The original is not in storage (${item.filename})`);
  const parsed = parseCaptionBytes(new Uint8Array(await object.arrayBuffer()));
  if (!parsed.ok) {
    return failed(
      `${item.filename}${parsed.line !== null ? `, line ${parsed.line}` : ""}: ${parsed.error}`,
    );
  }
  const name = captionFileName(item.filename) ?? {
    stem: item.filename.replace(/\.[^.]*$/, ""),
    lang: null,
  };
  const lang = name.lang ?? "en";
  const video = await findVideoByStem(db, msg.tenantId, msg.siteId, name.stem);
  if (!video) {
    return failed(
      `${item.filename}: no video named "${name.stem}.…" in this site's media library to attach the captions to. Upload the video (or rename the caption file to match it), then retry.`,
    );
  }
  const target = { tenantId: msg.tenantId, siteId: msg.siteId, mediaId: video.id };
  const prefix = variantPrefix(target);
  const vtt = new TextEncoder().encode(parsed.vtt);
  const transcript = new TextEncoder().encode(transcriptOf(parsed.cues));
  const label = languageLabel(lang);
  const variants: MediaVariantRow[] = [
    {
      role: "captions",
      key: `${prefix}captions.${lang}.vtt`,
      type: "text/vtt",
      size: vtt.byteLength,
      lang,
      label,
    },
    {
      role: "transcript",
      key: `${prefix}transcript.${lang}.txt`,
      type: "text/plain; charset=utf-8",
      size: transcript.byteLength,
      lang,
      label,
    },
  ];
  await env.MEDIA.put(variants[0]?.key as string, vtt, {
    httpMetadata: { contentType: "text/vtt" },
  });
  await env.MEDIA.put(variants[1]?.key as string, transcript, {
    httpMetadata: { contentType: "text/plain; charset=utf-8" },
  });
  const attached = await pipelineOf(env, video.id).attach(target, variants);
  if (!attached) return failed(`${item.filename}: the video ${video.filename} is gone`);
  // A video already on YouTube gets the new track there too (never failing this step).
  const videoRow = await getMediaItem(db, msg.tenantId, video.id);
  const youtube = videoRow
    ? await newCaptionsToYouTube(env, db, msg.tenantId, videoRow, variants.slice(0, 1))
    : null;
  if (youtube) await pipelineOf(env, video.id).attach(target, [], { youtube });
  return {
    state: "done",
    output: {
      metadata: { captionFor: video.id, lang, cues: parsed.cues.length, format: parsed.format },
      variants: [],
    },
  };
}

/** "English" for "en", the code itself when the runtime does not know it. */
export function languageLabel(lang: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(lang) ?? lang;
  } catch {
    return lang;
  }
}

async function sendToBuilder(
  env: Env,
  msg: RunMessage,
  kind: BuilderMediaJob["kind"],
  sourceKey: string,
): Promise<StepResult | null> {
  const cfg = config(env);
  if (cfg.builderSecrets.length === 0) {
    return failed("Media jobs are not configured here: BUILDER_JOB_SECRET is not set");
  }
  const job: BuilderMediaJob = {
    jobId: msg.jobId,
    token: msg.token,
    kind,
    tenantId: msg.tenantId,
    siteId: msg.siteId,
    mediaId: msg.mediaId,
    sourceKey,
    outputPrefix: variantPrefix(msg),
    callbackUrl: `${cfg.appOrigin}/internal/v1/media/${msg.mediaId}/jobs/${msg.jobId}/result`,
    deadline: new Date(Date.now() + dispatchDeadlineMs(kind) + runDeadlineMs(kind)).toISOString(),
  };
  const out = await dispatchToBuilder(
    { url: cfg.BUILDER_URL, secrets: cfg.builderSecrets },
    "/media-jobs",
    job,
  );
  if (out.ok) return null;
  // Busy or away: the attempt fails and is retried; a refused job fails for good.
  return failed(`The builder ${out.detail}`, out.status !== null && !out.transient);
}
