// The media library: uploads (R2 multipart through the Worker), media items and their derived
// files. Runtime-neutral: zod only. See docs/decisions/012-media-uploads.md.
import { z } from "zod";
import { cursorQuery, isoDateTime, prefixedId } from "./common.ts";
import { contentUid, userRef } from "./content.ts";

export const mediaKinds = ["document", "image", "video", "other"] as const;
export const mediaKind = z.enum(mediaKinds);
export type MediaKind = z.infer<typeof mediaKind>;

export const mediaStatuses = ["uploading", "ready", "failed", "deleted"] as const;
export const mediaStatus = z.enum(mediaStatuses);
export type MediaStatus = z.infer<typeof mediaStatus>;

export const mediaId = prefixedId("med");

/** The resource type (OCW's `resourcetype`) a media kind becomes. */
export const RESOURCETYPE_OF_KIND: Record<MediaKind, "Document" | "Image" | "Video" | "Other"> = {
  document: "Document",
  image: "Image",
  video: "Video",
  other: "Other",
};

/** One derived file of a media item (PIPELINE fills these). */
export const mediaVariant = z
  .object({
    /** What it is: `thumbnail`, `web_mp4`, `poster`, `captions`, `hls`, … */
    role: z.string(),
    /** R2 MEDIA key, under the item's prefix. */
    key: z.string(),
    type: z.string(),
    size: z.number().int().nonnegative(),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    lang: z.string().optional(),
    label: z.string().optional(),
  })
  .meta({ id: "MediaVariant" });
export type MediaVariant = z.infer<typeof mediaVariant>;

export const mediaMetadata = z
  .object({
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    duration_seconds: z.number().nonnegative().optional(),
  })
  .catchall(z.unknown());
export type MediaMetadata = z.infer<typeof mediaMetadata>;

export const mediaItem = z
  .object({
    id: mediaId,
    siteId: z.string(),
    /** The resource content item this file backs. */
    resourceUid: contentUid.nullable(),
    filename: z.string(),
    declaredType: z.string(),
    sniffedType: z.string().nullable(),
    kind: mediaKind,
    size: z.number().int().nonnegative(),
    sha256: z.string().nullable(),
    status: mediaStatus,
    error: z.string().nullable(),
    partSize: z.number().int().positive(),
    partCount: z.number().int().positive(),
    metadata: mediaMetadata,
    variants: z.array(mediaVariant),
    /** Where the app serves the original (auth'd). */
    url: z.string(),
    createdBy: userRef,
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: "MediaItem" });
export type MediaItem = z.infer<typeof mediaItem>;

/** A file name as a client declares it: no paths, no control characters. */
export const uploadFilename = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .refine((s) => ![...s].some((ch) => ch === "/" || ch === "\\" || ch.charCodeAt(0) < 32), {
    message: "must be a file name, without slashes or control characters",
  })
  .refine((s) => s !== "." && s !== "..", { message: "must be a file name" });

export const mimeType = z
  .string()
  .trim()
  .toLowerCase()
  .max(127)
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/, {
    message: "must be a MIME type like image/png",
  });

export const createUploadBody = z
  .strictObject({
    filename: uploadFilename,
    /** The type the browser declares (File.type); empty means unknown (from the extension). */
    type: z.union([mimeType, z.literal("")]).default(""),
    size: z.number().int().min(0),
    /** Hex SHA-256 the client computed, if any: a known file is answered without uploading. */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { message: "must be 64 lowercase hex digits" })
      .optional(),
    resourceUid: contentUid.optional().meta({
      description:
        "An existing resource without a file (its file field) that the file is for; otherwise the upload makes a new resource",
    }),
  })
  .meta({ id: "CreateUpload" });
export type CreateUploadBody = z.infer<typeof createUploadBody>;

export const uploadPart = z.object({
  partNumber: z.number().int().min(1).max(10_000),
  size: z.number().int().nonnegative(),
  etag: z.string(),
});
export type UploadPart = z.infer<typeof uploadPart>;

export const uploadView = z
  .object({
    item: mediaItem,
    /** Bytes per part (every part but the last). */
    partSize: z.number().int().positive(),
    partCount: z.number().int().positive(),
    /** Parts stored so far (resume sends only the others). */
    parts: z.array(uploadPart),
  })
  .meta({ id: "Upload" });
export type UploadView = z.infer<typeof uploadView>;

export const createUploadResponse = z.object({
  upload: uploadView.nullable(),
  /** Set when the declared SHA-256 is a file the site already has: nothing to upload. */
  duplicateOf: mediaItem.nullable(),
});

export const completeUploadResponse = z.object({
  item: mediaItem,
  /** The file was already in the library: this is the existing item; the upload was dropped. */
  duplicate: z.boolean(),
});

export const mediaListQuery = cursorQuery.extend({
  kind: mediaKind.optional(),
  status: mediaStatus.optional(),
  q: z.string().trim().max(200).optional().meta({ description: "Search in file names" }),
});
export type MediaListQuery = z.infer<typeof mediaListQuery>;

export const deleteMediaQuery = z.strictObject({
  force: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1"),
});

/** A page that links a resource (answered with a refused delete). */
export const mediaReference = z.object({
  uid: contentUid,
  collection: z.string(),
  filename: z.string(),
  title: z.string(),
});
export type MediaReference = z.infer<typeof mediaReference>;

/** What a zip import did with each entry. */
export const mediaImportEntry = z.object({
  path: z.string(),
  status: z.enum(["imported", "duplicate", "captions", "skipped", "failed"]),
  /** The item created (or the existing one, for a duplicate). */
  mediaId: mediaId.optional(),
  resourceUid: contentUid.optional(),
  kind: mediaKind.optional(),
  message: z.string().optional(),
});
export type MediaImportEntry = z.infer<typeof mediaImportEntry>;

export const mediaImportReport = z
  .object({
    imported: z.number().int(),
    duplicates: z.number().int(),
    captions: z.number().int(),
    failed: z.number().int(),
    entries: z.array(mediaImportEntry),
  })
  .meta({ id: "MediaImportReport" });
export type MediaImportReport = z.infer<typeof mediaImportReport>;

export const mediaLimits = z.object({
  maxFileBytes: z.number().int().positive(),
  quotaBytes: z.number().int().positive(),
  usedBytes: z.number().int().nonnegative(),
});
export type MediaLimits = z.infer<typeof mediaLimits>;

/** Something to know before publishing (never a refusal). */
export const mediaWarning = z
  .object({
    kind: z.enum(["video_without_captions", "image_without_alt", "job_running"]),
    resourceUid: contentUid.optional(),
    mediaId: mediaId.optional(),
    title: z.string(),
    message: z.string(),
  })
  .meta({ id: "MediaWarning" });
export type MediaWarning = z.infer<typeof mediaWarning>;

export const mediaWarnings = z
  .object({
    videosWithoutCaptions: z.number().int(),
    imagesWithoutAlt: z.number().int(),
    jobsRunning: z.number().int(),
    /** The first 50 of each kind. */
    items: z.array(mediaWarning),
  })
  .meta({ id: "MediaWarnings" });
