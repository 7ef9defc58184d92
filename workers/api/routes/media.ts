// The media library: uploads in R2 multipart parts through the Worker (create, send parts,
// list what arrived to resume, complete, abort), the library's items and their files, deleting
// (refused while pages link the resource unless forced), a zip of files imported in one go, and
// the tenant's media limits. The rules live in workers/media/library.ts. ADR 012.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { page, prefixedId } from "#schemas/common";
import {
  completeUploadResponse,
  createUploadBody,
  createUploadResponse,
  deleteMediaQuery,
  type MediaItem,
  mediaId,
  mediaImportReport,
  mediaItem,
  mediaLimits,
  mediaListQuery,
  mediaReference,
  mediaWarnings as mediaWarningsSchema,
  type UploadView,
  uploadView,
} from "#schemas/media";
import {
  findMediaBySha256,
  getSiteMediaItem,
  insertMediaItem,
  listMediaItems,
  listUploadParts,
  type MediaItemRow,
  type MediaItemWithCreator,
  putUploadPart,
  setTenantMediaLimits,
} from "#workers/db/queries/media";
import { parseRange } from "#workers/delivery/http";
import {
  SNIFF_BYTES as ARCHIVE_SNIFF_BYTES,
  ArchiveError,
  type ArchiveLimits,
  DEFAULT_IMPORT_LIMITS,
  openZip,
  r2Source,
  sniffArchive,
} from "#workers/domain/archive/index";
import { auditStatement } from "#workers/domain/audit";
import { expectedPartSize, MAX_PART_BYTES, mediaSafetyHeaders } from "#workers/domain/media";
import {
  abortAbandonedUploads,
  abortUpload,
  checkNewFile,
  deleteMediaItem,
  finishStoredFile,
  importMediaFiles,
  liveResource,
  MediaFileError,
  type MediaScope,
  mediaLimitsOf,
  newItemRow,
  pagesReferencing,
  resourceHasFile,
  sweepDeletedMedia,
} from "#workers/media/library";
import { mediaWarnings } from "#workers/media/warnings";
import { writable } from "../content-ops.ts";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import {
  defineRoute,
  iso,
  jsonBody,
  jsonResponse,
  principalOf,
  siteOf,
  tenantOf,
} from "../route.ts";

const tags = ["Media"];
const siteParam = z.object({ tenantId: prefixedId("ten"), siteId: prefixedId("site") });
const itemParam = siteParam.extend({ mediaId });
const partParam = itemParam.extend({
  partNumber: z.coerce.number().int().min(1).max(10_000),
});
const base = "/tenants/{tenantId}/sites/{siteId}/media";
/** Largest zip accepted by the import (it is staged in R2, never held in memory). */
export const MAX_MEDIA_ZIP_BYTES = 4 * 1024 * 1024 * 1024;
/**
 * A media zip holds large files (videos), unlike a course export: entries may be as large as
 * the zip; each file's own size is then checked against the tenant's limits, failing alone.
 */
const MEDIA_ZIP_LIMITS: ArchiveLimits = {
  ...DEFAULT_IMPORT_LIMITS,
  maxEntries: 5000,
  maxEntryBytes: 20 * MAX_MEDIA_ZIP_BYTES,
  maxTotalBytes: 20 * MAX_MEDIA_ZIP_BYTES,
};

// ---- Views ----

export function mediaItemView(r: MediaItemWithCreator | MediaItemRow, tenantId: string): MediaItem {
  const creator =
    "creatorName" in r && r.createdBy
      ? { id: r.createdBy, name: r.creatorName ?? "", email: r.creatorEmail ?? "" }
      : null;
  return {
    id: r.id,
    siteId: r.siteId,
    resourceUid: r.resourceUid,
    filename: r.filename,
    declaredType: r.declaredType,
    sniffedType: r.sniffedType,
    kind: r.kind,
    size: r.size,
    sha256: r.sha256,
    status: r.status,
    error: r.error,
    partSize: r.partSize,
    partCount: r.partCount,
    metadata: r.metadata,
    variants: r.variants,
    url: `/api/v1/tenants/${tenantId}/sites/${r.siteId}/media/${r.id}/file`,
    createdBy: creator,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

function scopeOf(c: AppContext): MediaScope {
  return {
    env: c.env,
    db: c.get("db"),
    tenantId: tenantOf(c).tenant.id,
    siteId: siteOf(c).site.id,
    userId: principalOf(c).user.id,
    requestId: c.get("requestId"),
    ipAddress: c.req.header("cf-connecting-ip") ?? null,
  };
}

function fileProblem(e: MediaFileError) {
  return new ApiError(e.status === 413 ? "PAYLOAD_TOO_LARGE" : "UNPROCESSABLE", e.message, {
    errors: [{ field: "file", message: e.message }],
  });
}

async function loadItem(c: AppContext, id: string) {
  const item = await getSiteMediaItem(c.get("db"), tenantOf(c).tenant.id, siteOf(c).site.id, id);
  if (!item) throw new ApiError("NOT_FOUND", "No such media item in this site");
  return item;
}

async function loadUpload(c: AppContext, id: string) {
  const item = await loadItem(c, id);
  if (item.status !== "uploading" || !item.uploadId) {
    throw new ApiError(
      "CONFLICT",
      `The upload of ${item.filename} is not in progress (${item.status})`,
    );
  }
  return item as MediaItemWithCreator & { uploadId: string };
}

async function uploadViewOf(c: AppContext, item: MediaItemWithCreator): Promise<UploadView> {
  const parts = await listUploadParts(c.get("db"), tenantOf(c).tenant.id, item.id);
  return {
    item: mediaItemView(item, tenantOf(c).tenant.id),
    partSize: item.partSize,
    partCount: item.partCount,
    parts,
  };
}

// ---- Route declarations ----

const listRoute = defineRoute({
  method: "get",
  path: base,
  permission: "site:read",
  tags,
  summary: "The site's media library (newest first)",
  request: { params: siteParam, query: mediaListQuery },
  responses: { 200: jsonResponse(page(mediaItem), "A page of media items") },
});

const getRoute = defineRoute({
  method: "get",
  path: `${base}/{mediaId}`,
  permission: "site:read",
  tags,
  summary: "One media item",
  request: { params: itemParam },
  responses: { 200: jsonResponse(mediaItem, "The item") },
});

const fileRoute = defineRoute({
  method: "get",
  path: `${base}/{mediaId}/file`,
  permission: "site:read",
  tags,
  summary: "The item's file (or one of its derived files, by `variant` key)",
  description:
    "Served with X-Content-Type-Options: nosniff; SVG, HTML and unknown types as attachments " +
    "with a sandboxing Content-Security-Policy.",
  request: {
    params: itemParam,
    query: z.strictObject({ variant: z.string().max(1024).optional() }),
  },
  responses: {
    200: { description: "The file" },
    206: { description: "The requested byte range" },
    416: { description: "The range is outside the file" },
  },
});

const createRoute = defineRoute({
  method: "post",
  path: `${base}/uploads`,
  permission: "site:edit",
  tags,
  summary: "Start an upload: the server picks the key and the part size",
  description:
    "Answers the parts to send (PUT …/parts/{n}, each exactly `partSize` bytes but the last). " +
    "With `sha256` of a file the site already has, answers that item as `duplicateOf` instead.",
  request: { params: siteParam, body: jsonBody(createUploadBody) },
  responses: {
    200: jsonResponse(createUploadResponse, "The site already has this file (duplicateOf)"),
    201: jsonResponse(createUploadResponse, "The upload, ready for its parts"),
    413: { description: "Larger than the tenant allows, or over its quota" },
    422: { description: "An empty file" },
  },
});

const getUploadRoute = defineRoute({
  method: "get",
  path: `${base}/uploads/{mediaId}`,
  permission: "site:edit",
  tags,
  summary: "An upload in progress and the parts stored so far (to resume)",
  request: { params: itemParam },
  responses: { 200: jsonResponse(uploadView, "The upload") },
});

const partRoute = defineRoute({
  method: "put",
  path: `${base}/uploads/{mediaId}/parts/{partNumber}`,
  permission: "site:edit",
  tags,
  summary: "Send one part (streamed to R2; Content-Length must be the part's size)",
  request: {
    params: partParam,
    body: {
      required: true,
      content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
    },
  },
  responses: {
    200: jsonResponse(
      z.object({ partNumber: z.number().int(), size: z.number().int(), etag: z.string() }),
      "Stored",
    ),
    409: { description: "The upload is not in progress" },
    422: { description: "The part has the wrong size or arrived incomplete" },
  },
});

const completeRoute = defineRoute({
  method: "post",
  path: `${base}/uploads/{mediaId}/complete`,
  permission: "site:edit",
  tags,
  summary: "Finish an upload: checks the file and makes it a resource",
  description:
    "Refused (422, naming the file) when parts are missing, the size differs, the file is " +
    "empty or its content is not what its name or declared type says. The same file as an " +
    "item the site has is answered with that item (`duplicate`), and the copy dropped.",
  request: { params: itemParam },
  responses: {
    200: jsonResponse(completeUploadResponse, "The ready item (or the existing duplicate)"),
    409: { description: "The upload is not in progress" },
    422: { description: "The file is refused" },
  },
});

const abortRoute = defineRoute({
  method: "delete",
  path: `${base}/uploads/{mediaId}`,
  permission: "site:edit",
  tags,
  summary: "Cancel an upload: the parts are dropped and the item forgotten",
  request: { params: itemParam },
  responses: { 204: { description: "Cancelled" } },
});

const deleteRoute = defineRoute({
  method: "delete",
  path: `${base}/{mediaId}`,
  permission: "site:edit",
  tags,
  summary: "Delete a media item and its resource",
  description:
    "Refused (409, with `references`) while pages link the resource, unless `force`. The " +
    "files stay in R2 while any deploy of the site may still serve them.",
  request: { params: itemParam, query: deleteMediaQuery },
  responses: {
    204: { description: "Deleted" },
    409: {
      description: "Pages link it; the problem's `references` lists them",
      content: {
        "application/problem+json": {
          schema: z.object({ references: z.array(mediaReference) }),
        },
      },
    },
  },
});

const importRoute = defineRoute({
  method: "post",
  path: `${base}/import`,
  permission: "site:edit",
  tags,
  summary: "Import a zip of files into the library, one report line per file",
  description:
    "Every file becomes an item and a resource like an upload (`videos_final/` videos, `.vtt`/" +
    "`.srt` captions matched to the video of the same name by the pipeline). A bad file (unsafe " +
    "path, empty, lying extension, over a limit) fails alone.",
  request: {
    params: siteParam,
    body: {
      required: true,
      content: {
        "application/zip": { schema: { type: "string", format: "binary" } },
        "application/octet-stream": { schema: { type: "string", format: "binary" } },
      },
    },
  },
  responses: {
    200: jsonResponse(mediaImportReport, "What happened to each file"),
    413: { description: "The zip is too large" },
    422: { description: "Not a zip archive" },
  },
});

const warningsRoute = defineRoute({
  method: "get",
  path: `${base}/warnings`,
  permission: "site:read",
  tags,
  summary:
    "What to know before publishing: videos without captions, images without alt text, media jobs still running",
  request: { params: siteParam },
  responses: { 200: jsonResponse(mediaWarningsSchema, "The warnings (never a refusal)") },
});

const limitsRoute = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/media-limits",
  permission: "tenant:read",
  tags,
  summary: "The tenant's media limits and the bytes its libraries use",
  request: { params: z.object({ tenantId: prefixedId("ten") }) },
  responses: { 200: jsonResponse(mediaLimits, "The limits") },
});

const setLimitsRoute = defineRoute({
  method: "put",
  path: "/tenants/{tenantId}/media-limits",
  permission: "tenant:update",
  tags,
  summary: "Set the tenant's media limits (null: the platform default)",
  request: {
    params: z.object({ tenantId: prefixedId("ten") }),
    body: jsonBody(
      z.strictObject({
        maxFileBytes: z.number().int().positive().nullable(),
        quotaBytes: z.number().int().positive().nullable(),
      }),
    ),
  },
  responses: { 200: jsonResponse(mediaLimits, "The limits") },
});

// ---- Handlers ----

export const mediaRoutes = new OpenAPIHono<AppEnv>()
  .openapi(limitsRoute, async (c) =>
    c.json(await mediaLimitsOf(c.get("db"), tenantOf(c).tenant.id), 200),
  )
  .openapi(setLimitsRoute, async (c) => {
    const db = c.get("db");
    const tenantId = tenantOf(c).tenant.id;
    const body = c.req.valid("json");
    await db.batch([
      setTenantMediaLimits(db, tenantId, body),
      auditStatement(c, {
        tenantId,
        action: "tenant.media_limits",
        targetType: "tenant",
        targetId: tenantId,
        data: body,
      }),
    ]);
    return c.json(await mediaLimitsOf(db, tenantId), 200);
  })
  .openapi(warningsRoute, async (c) =>
    c.json(await mediaWarnings(c.get("db"), tenantOf(c).tenant.id, siteOf(c).site.id), 200),
  )
  .openapi(listRoute, async (c) => {
    const tenantId = tenantOf(c).tenant.id;
    const siteId = siteOf(c).site.id;
    const result = await listMediaItems(c.get("db"), tenantId, siteId, c.req.valid("query"));
    // Files of deleted items that no deploy serves any more go now, off the request's path.
    c.executionCtx.waitUntil(
      Promise.all([
        sweepDeletedMedia(c.env, c.get("db"), tenantId, siteId),
        abortAbandonedUploads(c.env, c.get("db"), tenantId),
      ]).catch((e) =>
        console.error(JSON.stringify({ level: "error", msg: "media sweep", error: String(e) })),
      ),
    );
    return c.json(
      { items: result.items.map((r) => mediaItemView(r, tenantId)), nextCursor: result.nextCursor },
      200,
    );
  })
  .openapi(createRoute, async (c) => {
    writable(c);
    const body = c.req.valid("json");
    const scope = scopeOf(c);
    if (body.sha256 && !body.resourceUid) {
      const existing = await findMediaBySha256(scope.db, scope.tenantId, scope.siteId, body.sha256);
      if (existing) {
        return c.json({ upload: null, duplicateOf: mediaItemView(existing, scope.tenantId) }, 200);
      }
    }
    try {
      await checkNewFile(scope.db, scope.tenantId, body.filename, body.size);
    } catch (e) {
      if (e instanceof MediaFileError) {
        throw new ApiError(e.status === 413 ? "PAYLOAD_TOO_LARGE" : "UNPROCESSABLE", e.message, {
          errors: [{ field: "size", message: e.message }],
        });
      }
      throw e;
    }
    if (body.resourceUid) {
      const resource = await liveResource(scope.db, scope.tenantId, scope.siteId, body.resourceUid);
      if (!resource) {
        throw new ApiError("VALIDATION_FAILED", "No such resource in this site", {
          errors: [{ field: "resourceUid", message: "is not a resource of this site" }],
        });
      }
      if (await resourceHasFile(c.env, scope.tenantId, scope.siteId, body.resourceUid)) {
        throw new ApiError(
          "CONFLICT",
          `"${resource.title}" already has a file; delete it in the media library, or upload a new resource`,
          { errors: [{ field: "resourceUid", message: "already has a file" }] },
        );
      }
    }
    const row = newItemRow(scope, {
      filename: body.filename,
      declaredType: body.type,
      size: body.size,
      uploadId: null,
      ...(body.resourceUid ? { resourceUid: body.resourceUid } : {}),
    });
    const multipart = await c.env.MEDIA.createMultipartUpload(row.r2Key);
    row.uploadId = multipart.uploadId;
    await insertMediaItem(scope.db, row);
    const item = await loadItem(c, row.id);
    return c.json({ upload: await uploadViewOf(c, item), duplicateOf: null }, 201);
  })
  .openapi(getUploadRoute, async (c) => {
    const item = await loadItem(c, c.req.valid("param").mediaId);
    return c.json(await uploadViewOf(c, item), 200);
  })
  .openapi(partRoute, async (c) => {
    writable(c);
    const { mediaId: id, partNumber } = c.req.valid("param");
    const item = await loadUpload(c, id);
    if (partNumber > item.partCount) {
      throw new ApiError("VALIDATION_FAILED", `This upload has ${item.partCount} parts`, {
        errors: [{ field: "partNumber", message: `must be 1–${item.partCount}` }],
      });
    }
    const expected = expectedPartSize(item.size, item.partSize, partNumber);
    const length = Number(c.req.header("content-length"));
    if (!Number.isSafeInteger(length) || length !== expected) {
      throw new ApiError(
        "UNPROCESSABLE",
        `Part ${partNumber} of ${item.filename} must be ${expected} bytes`,
        { errors: [{ field: "Content-Length", message: `must be ${expected}` }] },
      );
    }
    if (length > MAX_PART_BYTES) throw new ApiError("PAYLOAD_TOO_LARGE", "The part is too large");
    const body = c.req.raw.body;
    if (!body) throw new ApiError("VALIDATION_FAILED", "The part's body is empty");
    const fixed = new FixedLengthStream(length);
    const multipart = c.env.MEDIA.resumeMultipartUpload(item.r2Key, item.uploadId);
    let uploaded: R2UploadedPart;
    try {
      [, uploaded] = await Promise.all([
        body.pipeTo(fixed.writable),
        multipart.uploadPart(partNumber, fixed.readable),
      ]);
    } catch (e) {
      throw new ApiError(
        "UNPROCESSABLE",
        `Part ${partNumber} of ${item.filename} did not arrive whole; send it again`,
        {
          errors: [{ field: "body", message: e instanceof Error ? e.message : "incomplete part" }],
        },
      );
    }
    const part = { partNumber, etag: uploaded.etag, size: length };
    await putUploadPart(c.get("db"), tenantOf(c).tenant.id, item.id, part);
    return c.json(part, 200);
  })
  .openapi(completeRoute, async (c) => {
    writable(c);
    const scope = scopeOf(c);
    const item = await loadUpload(c, c.req.valid("param").mediaId);
    const parts = await listUploadParts(scope.db, scope.tenantId, item.id);
    const have = new Set(parts.map((p) => p.partNumber));
    const missing: number[] = [];
    for (let n = 1; n <= item.partCount; n++) if (!have.has(n)) missing.push(n);
    if (missing.length > 0) {
      const list = missing.slice(0, 20).join(", ") + (missing.length > 20 ? ", …" : "");
      throw new ApiError(
        "UNPROCESSABLE",
        `${item.filename} is incomplete: part${missing.length > 1 ? "s" : ""} ${list} of ${item.partCount} missing`,
        { errors: [{ field: "parts", message: `missing: ${list}` }], members: { missing } },
      );
    }
    const total = parts.reduce((sum, p) => sum + p.size, 0);
    if (total !== item.size) {
      throw new ApiError(
        "UNPROCESSABLE",
        `${item.filename} is truncated: ${total} of ${item.size} bytes arrived`,
        { errors: [{ field: "file", message: "size does not match the declared size" }] },
      );
    }
    try {
      await c.env.MEDIA.resumeMultipartUpload(item.r2Key, item.uploadId).complete(
        parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
      );
    } catch (e) {
      throw new ApiError(
        "UNPROCESSABLE",
        `${item.filename} could not be assembled; cancel and upload it again`,
        { errors: [{ field: "parts", message: e instanceof Error ? e.message : String(e) }] },
      );
    }
    try {
      const done = await finishStoredFile(scope, item);
      return c.json(
        { item: mediaItemView(done.item, scope.tenantId), duplicate: done.duplicate },
        200,
      );
    } catch (e) {
      if (e instanceof MediaFileError) throw fileProblem(e);
      throw e;
    }
  })
  .openapi(abortRoute, async (c) => {
    const item = await loadItem(c, c.req.valid("param").mediaId);
    if (item.status !== "uploading") {
      throw new ApiError("CONFLICT", `${item.filename} is not being uploaded; delete it instead`);
    }
    await abortUpload(scopeOf(c), item);
    return c.body(null, 204);
  })
  .openapi(getRoute, async (c) => {
    const item = await loadItem(c, c.req.valid("param").mediaId);
    return c.json(mediaItemView(item, tenantOf(c).tenant.id), 200);
  })
  .openapi(fileRoute, async (c) => {
    const item = await loadItem(c, c.req.valid("param").mediaId);
    const { variant } = c.req.valid("query");
    if (item.status !== "ready") throw new ApiError("NOT_FOUND", `${item.filename} is not ready`);
    const chosen = variant ? item.variants.find((v) => v.key === variant) : undefined;
    if (variant && !chosen) throw new ApiError("NOT_FOUND", "No such file of this item");
    const key = chosen?.key ?? item.r2Key;
    const type = chosen?.type ?? item.sniffedType ?? "application/octet-stream";
    const name = chosen ? key.slice(key.lastIndexOf("/") + 1) : item.filename;
    const head = await c.env.MEDIA.head(key);
    if (!head) throw new ApiError("NOT_FOUND", "The file is no longer stored");
    // One byte range, for the browser's video and audio players (seeking).
    const range = parseRange(c.req.header("range") ?? null, head.size);
    const headers: Record<string, string> = {
      "content-type": type,
      etag: head.httpEtag,
      "accept-ranges": "bytes",
      "cache-control": "private, no-cache",
      ...mediaSafetyHeaders(type, name),
    };
    if (range.kind === "unsatisfiable") {
      return new Response(null, {
        status: 416,
        headers: { ...headers, "content-range": `bytes */${head.size}` },
      }) as never;
    }
    const object = await c.env.MEDIA.get(
      key,
      range.kind === "range" ? { range: { offset: range.offset, length: range.length } } : {},
    );
    if (!object) throw new ApiError("NOT_FOUND", "The file is no longer stored");
    if (range.kind === "range") {
      headers["content-range"] =
        `bytes ${range.offset}-${range.offset + range.length - 1}/${head.size}`;
      headers["content-length"] = String(range.length);
      return new Response(object.body, { status: 206, headers }) as never;
    }
    headers["content-length"] = String(head.size);
    return new Response(object.body, { headers }) as never;
  })
  .openapi(deleteRoute, async (c) => {
    writable(c);
    const scope = scopeOf(c);
    const item = await loadItem(c, c.req.valid("param").mediaId);
    const { force } = c.req.valid("query");
    if (item.status === "uploading") {
      await abortUpload(scope, item);
      return c.body(null, 204);
    }
    if (item.resourceUid && !force) {
      const references = await pagesReferencing(
        scope.db,
        scope.tenantId,
        scope.siteId,
        item.resourceUid,
      );
      if (references.length > 0) {
        throw new ApiError(
          "CONFLICT",
          `${item.filename} is linked from ${references.length} page${references.length > 1 ? "s" : ""}; remove the links or delete with force`,
          { members: { references } },
        );
      }
    }
    await deleteMediaItem(scope, item);
    c.executionCtx.waitUntil(
      sweepDeletedMedia(c.env, scope.db, scope.tenantId, scope.siteId).catch((e) =>
        console.error(JSON.stringify({ level: "error", msg: "media sweep", error: String(e) })),
      ),
    );
    return c.body(null, 204);
  })
  .openapi(importRoute, async (c) => {
    writable(c);
    const scope = scopeOf(c);
    const length = Number(c.req.header("content-length"));
    if (!Number.isSafeInteger(length) || length <= 0) {
      throw new ApiError("VALIDATION_FAILED", "Send the zip as the body, with Content-Length", {
        errors: [{ field: "Content-Length", message: "is required (and the body not empty)" }],
      });
    }
    if (length > MAX_MEDIA_ZIP_BYTES) {
      throw new ApiError("PAYLOAD_TOO_LARGE", `Zips are limited to ${MAX_MEDIA_ZIP_BYTES} bytes`);
    }
    const body = c.req.raw.body;
    if (!body) throw new ApiError("VALIDATION_FAILED", "The body is empty");
    const stagingKey = `staging/media-import/${scope.tenantId}/${crypto.randomUUID()}.zip`;
    try {
      const fixed = new FixedLengthStream(length);
      await Promise.all([body.pipeTo(fixed.writable), c.env.MEDIA.put(stagingKey, fixed.readable)]);
      const head = await c.env.MEDIA.get(stagingKey, {
        range: { offset: 0, length: ARCHIVE_SNIFF_BYTES },
      });
      const kind = sniffArchive(
        new Uint8Array(head ? await head.arrayBuffer() : new ArrayBuffer(0)),
      );
      if (kind !== "zip") {
        throw new ApiError("UNPROCESSABLE", "The upload is not a zip archive", {
          errors: [{ field: "body", message: "must be a zip archive" }],
        });
      }
      const rejected: { path: string; message: string }[] = [];
      const { entries } = await openZip(
        r2Source(c.env.MEDIA, stagingKey, length),
        MEDIA_ZIP_LIMITS,
        {
          rejected,
        },
      );
      async function* sources() {
        for (const r of rejected) {
          yield {
            path: r.path,
            size: 0,
            stream: () => new ReadableStream<Uint8Array>(),
            error: r.message,
          };
        }
        for (const e of entries) yield { path: e.path, size: e.size, stream: () => e.stream() };
      }
      const report = await importMediaFiles(scope, sources());
      return c.json(report, 200);
    } catch (e) {
      if (e instanceof ArchiveError) {
        throw new ApiError("UNPROCESSABLE", e.message, {
          errors: [{ field: e.path ? `body#${e.path}` : "body", message: e.message }],
        });
      }
      throw e;
    } finally {
      c.executionCtx.waitUntil(c.env.MEDIA.delete(stagingKey));
    }
  });
