// Content items of a site: the API contract (bodies, queries, responses) for the content,
// revision, export and import routes. Runtime-neutral: zod only.
import { z } from "zod";
import { cursorQuery, isoDateTime } from "./common.ts";
import { slug } from "./tenants.ts";

/** A content item's stable id: a UUID, as OCW Studio uses (kept on import). */
export const contentUid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    message: "must be a lowercase UUID",
  });

/**
 * A folder item's file name (its URL slug): lowercase letters, digits, `-` and `_`, no dots,
 * no slashes, so it can never leave its folder. For singletons (collections with `files`) the
 * filename is the file entry's `name` from the starter.
 */
export const contentFilename = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, {
    message: "must be lowercase letters, digits, '-' or '_' (no dots or slashes)",
  });

export const collectionName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, { message: "must be a collection name" });

/** Field values, as the starter declares them (validated server-side against the starter). */
export const contentFields = z.record(z.string(), z.unknown());

export const userRef = z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable();

export const contentSummary = z
  .object({
    uid: contentUid,
    collection: z.string(),
    filename: z.string(),
    title: z.string(),
    /** `resourcetype` of resources (Document, Video, Image, Other), null otherwise. */
    resourcetype: z.string().nullable(),
    /** A resource imported with a reference to a file the archive did not contain. */
    fileMissing: z.boolean(),
    version: z.number().int(),
    deleted: z.boolean(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    updatedBy: userRef,
  })
  .meta({ id: "ContentSummary" });
export type ContentSummary = z.infer<typeof contentSummary>;

export const contentItem = contentSummary
  .extend({
    /** Markdown body (for collections with a `body` markdown field; "" otherwise). */
    body: z.string(),
    /** Values of the starter's fields, except `body`. */
    fields: contentFields,
    /**
     * Front-matter keys an import carried that the starter does not declare (OCW's legacy
     * fields, values its exporter derives). Kept verbatim and exported; not editable.
     */
    extra: contentFields,
    createdBy: userRef,
  })
  .meta({ id: "ContentItem" });
export type ContentItem = z.infer<typeof contentItem>;

export const contentListQuery = cursorQuery.extend({
  collection: collectionName.optional(),
  filename: z.string().max(120).optional().meta({ description: "Exact filename" }),
  q: z.string().trim().max(200).optional().meta({ description: "Search in title and filename" }),
  text: z
    .string()
    .trim()
    .max(200)
    .optional()
    .meta({ description: "Search in the body and fields" }),
  resourcetype: z.string().max(40).optional(),
  fileMissing: z.enum(["true", "false"]).optional(),
  deleted: z.enum(["exclude", "only", "include"]).default("exclude"),
  sort: z
    .enum(["title", "-title", "updated", "-updated", "filename", "-filename"])
    .default("title"),
});
export type ContentListQuery = z.infer<typeof contentListQuery>;

export const createContentBody = z.strictObject({
  collection: collectionName,
  /** Derived from the title when left out (folder collections); required for singletons. */
  filename: contentFilename.optional(),
  /** Generated when left out. */
  uid: contentUid.optional(),
  body: z
    .string()
    .max(200 * 1024)
    .optional(),
  fields: contentFields.default({}),
});
export type CreateContentBody = z.infer<typeof createContentBody>;

/** A patch: `fields` keys replace the stored values (top level); `null` clears a field. */
export const updateContentBody = z
  .strictObject({
    filename: contentFilename.optional(),
    body: z
      .string()
      .max(200 * 1024)
      .optional(),
    fields: contentFields.optional(),
  })
  .refine((b) => b.filename !== undefined || b.body !== undefined || b.fields !== undefined, {
    message: "give filename, body or fields",
  });
export type UpdateContentBody = z.infer<typeof updateContentBody>;

export const revisionAction = z.enum([
  "created",
  "updated",
  "deleted",
  "restored",
  "reverted",
  "imported",
]);

export const revisionSummary = z
  .object({
    version: z.number().int(),
    action: revisionAction,
    title: z.string(),
    /** For `reverted`: the version whose content was brought back. */
    revertedFrom: z.number().int().nullable(),
    createdAt: isoDateTime,
    createdBy: userRef,
  })
  .meta({ id: "RevisionSummary" });

export const revision = revisionSummary
  .extend({
    filename: z.string(),
    body: z.string(),
    fields: contentFields,
    deleted: z.boolean(),
  })
  .meta({ id: "Revision" });
export type Revision = z.infer<typeof revision>;

export const diffQuery = z.strictObject({
  from: z.coerce.number().int().min(1),
  to: z.coerce.number().int().min(1),
});

export const fieldChange = z.object({
  /** Dotted path, as field errors use: `image_metadata.caption`, `topics[0]`. */
  path: z.string(),
  kind: z.enum(["added", "removed", "changed"]),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

export const lineChange = z.object({
  op: z.enum(["equal", "insert", "delete"]),
  text: z.string(),
});

export const contentDiff = z
  .object({
    from: revisionSummary,
    to: revisionSummary,
    /** Changes to title, filename and fields (body excluded). */
    fields: z.array(fieldChange),
    /** Line diff of the markdown body. */
    body: z.array(lineChange),
  })
  .meta({ id: "ContentDiff" });
export type ContentDiff = z.infer<typeof contentDiff>;

export const importQuery = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  slug: slug.optional(),
  starterId: z.string().min(1).max(64).default("course"),
});

export const importIssue = z.object({
  path: z.string(),
  field: z.string().optional(),
  message: z.string(),
});

export const importReport = z
  .object({
    files: z.number().int(),
    items: z.number().int(),
    byCollection: z.record(z.string(), z.number().int()),
    missingFiles: z.array(z.object({ uid: z.string(), path: z.string(), file: z.string() })),
    /** Files in the archive that are not content (layouts, media…), skipped. */
    skipped: z.array(z.string()),
    errors: z.array(importIssue),
    /** What the import left out without failing (e.g. menu entries pointing at no item). */
    warnings: z.array(importIssue).optional(),
    /** Resource files found in the archive and stored with the site (R2 keys). */
    media: z.array(z.object({ uid: z.string(), path: z.string(), key: z.string() })).optional(),
  })
  .meta({ id: "ImportReport" });
export type ImportReport = z.infer<typeof importReport>;
