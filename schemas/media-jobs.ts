// Media jobs: the steps the MediaPipeline Durable Object runs for one media item (thumbnails,
// transcode, poster, captions, …), as the API shows them, as the media queue carries them, and
// as the builder takes and answers them (POST /media-jobs, signed like build jobs; the result
// comes back signed to /internal/v1/media-jobs/{jobId}/result). See
// docs/decisions/013-media-pipeline.md.
//
// Decisions:
// - A job is one step of one item, keyed by (item, kind): re-running a step overwrites its own
//   outputs (fixed keys under the item's prefix), so a retry or a duplicate delivery is harmless.
// - Each attempt has a token; a result is accepted only for the attempt that is running, so a
//   late answer from an attempt that timed out cannot overwrite a newer one.
// - The builder never reads D1: the job names the original's key and where outputs go.
import { z } from "zod";
import { isoDateTime, prefixedId } from "./common.ts";

export const mediaJobKinds = [
  "image_metadata",
  "thumbnails",
  "transcode",
  "poster",
  "captions",
  "youtube_upload",
  "transcript_order",
] as const;
export const mediaJobKind = z.enum(mediaJobKinds);
export type MediaJobKind = z.infer<typeof mediaJobKind>;

/** The kinds the builder runs (ffmpeg/ffprobe); the others run in the Worker. */
export const builderJobKinds = ["thumbnails", "transcode", "poster"] as const;
export type BuilderJobKind = (typeof builderJobKinds)[number];

export const mediaJobStates = ["queued", "running", "done", "failed"] as const;
export const mediaJobState = z.enum(mediaJobStates);
export type MediaJobState = z.infer<typeof mediaJobState>;

export const mediaJobId = prefixedId("mjob");

/** A derived file as a step reports it (stored in the item's `variants`). */
export const jobVariant = z.strictObject({
  role: z.string().min(1).max(40),
  key: z.string().min(1).max(1024),
  type: z.string().min(1).max(127),
  size: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  lang: z.string().max(35).optional(),
  label: z.string().max(100).optional(),
});
export type JobVariant = z.infer<typeof jobVariant>;

/** What a step produced: metadata to merge into the item's, and its variants. */
export const jobOutput = z.strictObject({
  metadata: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  variants: z.array(jobVariant).max(50),
});
export type JobOutput = z.infer<typeof jobOutput>;

export const mediaJob = z
  .object({
    id: mediaJobId,
    mediaId: prefixedId("med"),
    kind: mediaJobKind,
    state: mediaJobState,
    attempts: z.number().int().min(0),
    maxAttempts: z.number().int().min(1),
    /** Why the last attempt failed (also kept while a retry waits). */
    lastError: z.string().nullable(),
    /** When a queued retry runs. */
    nextAttemptAt: isoDateTime.nullable(),
    startedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime.nullable(),
    /** What the step produced (a provider step's metadata may nest: `youtube`, `threeplay`). */
    output: z
      .object({ metadata: z.record(z.string(), z.unknown()), variants: z.array(jobVariant) })
      .nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: "MediaJob" });
export type MediaJobView = z.infer<typeof mediaJob>;

export const mediaJobList = z.object({ items: z.array(mediaJob) }).meta({ id: "MediaJobList" });

// ---- The media queue (lectern-media) ----

export const mediaQueueMessage = z.discriminatedUnion("kind", [
  /** Plan and start an item's pipeline (sent when an upload completes). */
  z.strictObject({
    kind: z.literal("start"),
    tenantId: prefixedId("ten"),
    siteId: prefixedId("site"),
    mediaId: prefixedId("med"),
  }),
  /** Run one attempt of a step (sent by the item's MediaPipeline). */
  z.strictObject({
    kind: z.literal("run"),
    tenantId: prefixedId("ten"),
    siteId: prefixedId("site"),
    mediaId: prefixedId("med"),
    jobId: mediaJobId,
    token: z.string().min(1).max(100),
  }),
  /** Make the site's YouTube videos public: sent when the site goes live (ADR 014). */
  z.strictObject({
    kind: z.literal("youtube_public"),
    tenantId: prefixedId("ten"),
    siteId: prefixedId("site"),
  }),
]);
export type MediaQueueMessage = z.infer<typeof mediaQueueMessage>;

// ---- The builder's media jobs ----

export const builderMediaJob = z.strictObject({
  jobId: mediaJobId,
  /** The attempt's token; the result must carry it back. */
  token: z.string().min(1).max(100),
  kind: z.enum(builderJobKinds),
  tenantId: prefixedId("ten"),
  siteId: prefixedId("site"),
  mediaId: prefixedId("med"),
  /** The original in R2 MEDIA. */
  sourceKey: z.string().min(1).max(1024),
  /** Outputs go under this MEDIA prefix (ends with "/"). */
  outputPrefix: z.string().min(2).max(1024).endsWith("/"),
  /** Signed POST of a mediaJobResult. */
  callbackUrl: z.url({ protocol: /^https?$/ }).max(2048),
  /** The builder gives up (and reports a failure) after this time. */
  deadline: isoDateTime,
});
export type BuilderMediaJob = z.infer<typeof builderMediaJob>;

export const mediaJobResult = z.strictObject({
  jobId: mediaJobId,
  token: z.string().min(1).max(100),
  /** "running": the builder started it (extends the deadline); then "done" or "failed". */
  state: z.enum(["running", "done", "failed"]),
  error: z.string().max(4000).optional(),
  /** A failure that would fail again (a corrupt file), not worth retrying. */
  permanent: z.boolean().optional(),
  output: jobOutput.optional(),
});
export type MediaJobResult = z.infer<typeof mediaJobResult>;

// ---- What a site build reads: the derived files of the site's media ----

/**
 * GET /internal/v1/exports/{deployId}/media-variants (the job's export token), page by page:
 * each published resource's media item with derived files, its facts (width, height,
 * duration) and the files, with their MEDIA etags (the deploy manifest references them).
 */
export const siteMediaVariantsPage = z.object({
  items: z.array(
    z.object({
      uid: z.string().min(1).max(100),
      mediaId: prefixedId("med"),
      metadata: z.record(z.string(), z.unknown()),
      variants: z.array(
        jobVariant.extend({
          /** The file's name in the item's folder ("w640.webp", "captions.en.vtt"). */
          name: z.string().min(1).max(200),
          etag: z.string().min(1).max(200),
        }),
      ),
    }),
  ),
  cursor: z.string().nullable(),
});
export type SiteMediaVariantsPage = z.infer<typeof siteMediaVariantsPage>;
