// The media library's server side, independent of HTTP so the upload API, the zip import and
// the Google Drive import (PROVIDERS) share it: limits, turning a stored file into a ready item
// (sniffed, hashed, recognised when already there, backed by a resource content item, its
// pipeline started), importing many files with one report, deleting and sweeping. ADR 012.
import { and, eq, inArray, isNull, like, lt, ne, or, sql } from "drizzle-orm";
import { deployManifest, deployManifestKey, resourceMediaKey } from "#schemas/deploy";
import {
  type MediaImportEntry,
  type MediaImportReport,
  type MediaKind,
  type MediaReference,
  RESOURCETYPE_OF_KIND,
} from "#schemas/media";
import type { StarterConfig } from "#schemas/starter";
import type { Db } from "#workers/db/client";
import { insertAuditEvent } from "#workers/db/queries/audit";
import {
  bumpContentVersion,
  createItemStatements,
  getItemByFilename,
  insertRevision,
  updateItemAtVersion,
} from "#workers/db/queries/content";
import { expectChanged } from "#workers/db/queries/guards";
import {
  deletedMediaItems,
  deleteMediaRow,
  deleteUploadParts,
  findMediaBySha256,
  insertMediaItem,
  type MediaItemRow,
  markMediaDeleted,
  markMediaFailed,
  markMediaReady,
  staleUploads,
  tenantMediaBytes,
  tenantMediaLimits,
} from "#workers/db/queries/media";
import { getStarterVersionById } from "#workers/db/queries/starters";
import { contentItems, deploys, sites } from "#workers/db/schema";
import { firstFreeSlug, slugify } from "#workers/domain/accounts";
import { ArchiveError, safeEntryPath } from "#workers/domain/archive/index";
import { collectionShape, resourcetypeOf } from "#workers/domain/content";
import { validateContent } from "#workers/domain/content-validation";
import { newId } from "#workers/domain/ids";
import {
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_QUOTA_BYTES,
  identify,
  kindFromName,
  mediaVariantPrefix,
  partPlan,
  publishedFilePath,
  SNIFF_BYTES,
  safeFileName,
} from "#workers/domain/media";
import { startMediaPipeline } from "./pipeline.ts";

/** Who acts, where: everything a library operation needs, from a request or a job. */
export type MediaScope = {
  env: Env;
  db: Db;
  tenantId: string;
  siteId: string;
  userId: string | null;
  requestId?: string;
  ipAddress?: string | null;
};

/** One file to import: a relative path (checked here), its size and its bytes. */
export type MediaImportSource = {
  path: string;
  size: number;
  type?: string;
  stream(): ReadableStream<Uint8Array>;
  /** Set when the source already knows the file is refused (an unsafe name in a zip). */
  error?: string;
};

/** A problem with one file (its name is in the message); the others are not affected. */
export class MediaFileError extends Error {
  constructor(
    message: string,
    readonly status: 413 | 422 = 422,
  ) {
    super(message);
    this.name = "MediaFileError";
  }
}

// ---- Limits ----

export async function mediaLimitsOf(db: Db, tenantId: string) {
  const own = await tenantMediaLimits(db, tenantId);
  return {
    maxFileBytes: own?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    quotaBytes: own?.quotaBytes ?? DEFAULT_QUOTA_BYTES,
    usedBytes: await tenantMediaBytes(db, tenantId),
  };
}

/** Refuses a file that is empty, larger than the tenant allows, or over its quota. */
export async function checkNewFile(db: Db, tenantId: string, filename: string, size: number) {
  if (size === 0) throw new MediaFileError(`${filename} is empty (0 bytes)`);
  const limits = await mediaLimitsOf(db, tenantId);
  if (size > limits.maxFileBytes) {
    throw new MediaFileError(
      `${filename} is ${size} bytes; files are limited to ${limits.maxFileBytes} bytes`,
      413,
    );
  }
  if (limits.usedBytes + size > limits.quotaBytes) {
    throw new MediaFileError(
      `${filename} would exceed the media quota (${limits.usedBytes} of ${limits.quotaBytes} bytes used)`,
      413,
    );
  }
  return limits;
}

// ---- New items ----

/** A new item row for `filename`: its resource uid and server-generated key chosen now. */
export function newItemRow(
  scope: MediaScope,
  f: {
    filename: string;
    declaredType: string;
    size: number;
    uploadId: string | null;
    /** An existing resource the file is for (else a new resource is made for it). */
    resourceUid?: string;
  },
) {
  const id = newId("med");
  const resourceUid = f.resourceUid ?? crypto.randomUUID();
  const safeName = safeFileName(f.filename);
  const plan = partPlan(f.size);
  return {
    id,
    tenantId: scope.tenantId,
    siteId: scope.siteId,
    resourceUid,
    r2Key: resourceMediaKey(scope.tenantId, scope.siteId, resourceUid, safeName),
    filename: f.filename,
    declaredType: f.declaredType,
    sniffedType: null,
    kind: kindFromName(f.filename, f.declaredType),
    size: f.size,
    sha256: null,
    status: "uploading" as const,
    error: null,
    uploadId: f.uploadId,
    partSize: plan.partSize,
    partCount: plan.partCount,
    metadata: {},
    variants: [],
    createdBy: scope.userId,
  };
}

// ---- Finishing a stored file ----

/** Hex SHA-256 of an R2 object, streamed (never held in memory). */
export async function sha256OfObject(bucket: R2Bucket, key: string): Promise<string> {
  const object = await bucket.get(key);
  if (!object) throw new Error(`object ${key} vanished`);
  // workerd's incremental digest (crypto.DigestStream): native speed, constant memory.
  const Digest = (crypto as unknown as { DigestStream: typeof DigestStream }).DigestStream;
  const digest = new Digest("SHA-256");
  await object.body.pipeTo(digest);
  return [...new Uint8Array(await digest.digest)]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

async function configOf(db: Db, tenantId: string, siteId: string) {
  const [site] = await db
    .select({ starterVersionId: sites.starterVersionId })
    .from(sites)
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)))
    .limit(1);
  if (!site) return null;
  const version = await getStarterVersionById(db, tenantId, site.starterVersionId);
  return (version?.config as unknown as StarterConfig | undefined) ?? null;
}

function audit(scope: MediaScope, action: string, targetId: string, data: Record<string, unknown>) {
  return insertAuditEvent(scope.db, {
    id: newId("aud"),
    tenantId: scope.tenantId,
    action,
    targetType: "media",
    targetId,
    data: { siteId: scope.siteId, ...data },
    actorUserId: scope.userId,
    requestId: scope.requestId ?? null,
    ipAddress: scope.ipAddress ?? null,
  });
}

/** The resource collection a file becomes an item of: a folder collection with a file field. */
function resourceCollection(config: StarterConfig | null) {
  if (!config) return null;
  const shape = collectionShape(config, "resource");
  if (shape?.kind !== "folder") return null;
  if (!shape.fields.some((f) => f.name === "file" && f.widget === "file")) return null;
  return shape;
}

/** Removes the file and marks the item failed (kept, visible, with the reason); throws it. */
async function failItem(
  scope: MediaScope,
  item: MediaItemRow,
  message: string,
  status: 413 | 422 = 422,
): Promise<never> {
  await scope.env.MEDIA.delete(item.r2Key);
  await scope.db.batch([
    markMediaFailed(scope.db, scope.tenantId, item.id, message),
    deleteUploadParts(scope.db, scope.tenantId, item.id),
  ]);
  throw new MediaFileError(message, status);
}

/**
 * The file of an `uploading` item is in R2 at its key: checks it (size, type by its bytes),
 * hashes it, answers the existing item when the site already has the same bytes (dropping the
 * new copy), or else creates its resource, marks it ready and starts its pipeline.
 */
export async function finishStoredFile(
  scope: MediaScope,
  item: MediaItemRow,
): Promise<{ item: MediaItemRow; duplicate: boolean }> {
  const { env, db, tenantId, siteId } = scope;
  const head = await env.MEDIA.get(item.r2Key, { range: { offset: 0, length: SNIFF_BYTES } });
  if (!head) return failItem(scope, item, `${item.filename}: the upload is missing`);
  const bytes = new Uint8Array(await head.arrayBuffer());
  if (head.size === 0) return failItem(scope, item, `${item.filename} is empty (0 bytes)`);
  if (head.size !== item.size) {
    return failItem(
      scope,
      item,
      `${item.filename} is truncated: ${head.size} of ${item.size} bytes arrived`,
    );
  }
  const what = identify(item.filename, item.declaredType, bytes);
  if (!what.ok) return failItem(scope, item, what.message);

  const sha256 = await sha256OfObject(env.MEDIA, item.r2Key);
  // A file for an existing resource (its file field) is that resource's, even if the library
  // has the same bytes elsewhere.
  const target = item.resourceUid
    ? await liveResource(db, tenantId, siteId, item.resourceUid)
    : null;
  const existing = target ? undefined : await findMediaBySha256(db, tenantId, siteId, sha256);
  if (existing && existing.id !== item.id) {
    await env.MEDIA.delete(item.r2Key);
    await db.batch([
      deleteMediaRow(db, tenantId, item.id),
      audit(scope, "media.duplicate", existing.id, { filename: item.filename, sha256 }),
    ]);
    return { item: existing, duplicate: true };
  }

  const resourceUid = item.resourceUid ?? crypto.randomUUID();
  const statements = target
    ? attachStatements(scope, target, item, what.type)
    : await resourceStatements(scope, item, resourceUid, { type: what.type, kind: what.kind });
  await db.batch([
    markMediaReady(db, tenantId, item.id, {
      sniffedType: what.type,
      kind: what.kind,
      sha256,
      resourceUid: statements ? resourceUid : null,
    }),
    expectChanged(db),
    deleteUploadParts(db, tenantId, item.id),
    ...(statements ?? []),
    audit(scope, "media.uploaded", item.id, {
      filename: item.filename,
      size: item.size,
      type: what.type,
      resourceUid: statements ? resourceUid : null,
    }),
  ]);
  await startMediaPipeline(env, { tenantId, siteId, mediaId: item.id });
  const ready: MediaItemRow = {
    ...item,
    sniffedType: what.type,
    kind: what.kind,
    sha256,
    status: "ready",
    uploadId: null,
    resourceUid: statements ? resourceUid : null,
  };
  return { item: ready, duplicate: false };
}

/** A live resource of the site by uid (the target of an upload from its file field). */
export async function liveResource(db: Db, tenantId: string, siteId: string, uid: string) {
  const [row] = await db
    .select()
    .from(contentItems)
    .where(
      and(
        eq(contentItems.tenantId, tenantId),
        eq(contentItems.siteId, siteId),
        eq(contentItems.uid, uid),
        eq(contentItems.collection, "resource"),
        isNull(contentItems.deletedAt),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Whether a resource already has a stored file (uploaded, or kept from an import). */
export async function resourceHasFile(env: Env, tenantId: string, siteId: string, uid: string) {
  const listed = await env.MEDIA.list({
    prefix: resourceMediaKey(tenantId, siteId, uid, ""),
    limit: 1,
  });
  return listed.objects.length > 0;
}

/** The statements that give an existing resource the uploaded file (a new revision). */
function attachStatements(
  scope: MediaScope,
  resource: typeof contentItems.$inferSelect,
  item: MediaItemRow,
  type: string,
) {
  const { db, tenantId, siteId, userId } = scope;
  const safeName = item.r2Key.slice(item.r2Key.lastIndexOf("/") + 1);
  const data = {
    ...resource.data,
    file: publishedFilePath(resource.uid, safeName),
    file_type: type,
    file_size: item.size,
  };
  return [
    updateItemAtVersion(db, tenantId, siteId, resource.id, resource.version, {
      data,
      fileMissing: false,
      updatedBy: userId,
    }),
    expectChanged(db),
    insertRevision(db, {
      id: newId("rev"),
      tenantId,
      siteId,
      itemId: resource.id,
      version: resource.version + 1,
      action: "updated",
      filename: resource.filename,
      title: resource.title,
      body: resource.body,
      data,
      createdBy: userId,
    }),
    bumpContentVersion(db, tenantId, siteId),
  ] as const;
}

/** The statements that create the resource content item backing a file (null: no resources). */
async function resourceStatements(
  scope: MediaScope,
  item: MediaItemRow,
  uid: string,
  f: { type: string; kind: MediaKind },
) {
  const { db, tenantId, siteId, userId } = scope;
  const config = await configOf(db, tenantId, siteId);
  const shape = resourceCollection(config);
  if (!shape) return null;
  const dot = item.filename.lastIndexOf(".");
  const title = (dot > 0 ? item.filename.slice(0, dot) : item.filename).trim() || item.filename;
  const safeName = item.r2Key.slice(item.r2Key.lastIndexOf("/") + 1);
  const input: Record<string, unknown> = {
    title,
    resourcetype: RESOURCETYPE_OF_KIND[f.kind],
    file: publishedFilePath(uid, safeName),
    file_type: f.type,
    file_size: item.size,
  };
  const declared = new Set(shape.fields.map((x) => x.name));
  for (const k of Object.keys(input)) if (!declared.has(k)) delete input[k];
  const result = validateContent(shape.fields, input, {
    mode: "create",
    relationExists: () => false,
  });
  if (!result.ok) {
    throw new Error(
      `the resource for ${item.filename} is not valid: ${result.errors.map((e) => `${e.field} ${e.message}`).join("; ")}`,
    );
  }
  const { body: _body, ...data } = result.value as Record<string, unknown>;
  const base = slugify(title) || "resource";
  const filename = await firstFreeSlug(
    base,
    async (name) => (await getItemByFilename(db, tenantId, siteId, "resource", name)) !== undefined,
  );
  const id = newId("itm");

  return createItemStatements(db, {
    id,
    tenantId,
    siteId,
    uid,
    collection: "resource",
    filename,
    title,
    resourcetype: resourcetypeOf(data),
    body: "",
    data,
    userId,
    now: new Date(),
  });
}

// ---- One file in one go (imports) ----

/**
 * Stores one file (streamed into R2 with its declared length) and finishes it. Every problem
 * is a MediaFileError naming the file.
 */
export async function storeMediaFile(
  scope: MediaScope,
  source: MediaImportSource,
): Promise<{ item: MediaItemRow; duplicate: boolean }> {
  let path: string;
  try {
    path = safeEntryPath(source.path);
  } catch (e) {
    throw new MediaFileError(
      e instanceof ArchiveError ? e.message : `${source.path}: not a safe path`,
    );
  }
  const filename = path.slice(path.lastIndexOf("/") + 1);
  await checkNewFile(scope.db, scope.tenantId, filename, source.size);
  const row = newItemRow(scope, {
    filename,
    declaredType: source.type ?? "",
    size: source.size,
    uploadId: null,
  });
  await insertMediaItem(scope.db, row);
  const item = {
    ...row,
    createdAt: new Date(),
    updatedAt: new Date(),
    deletedAt: null,
  } as MediaItemRow;
  try {
    const fixed = new FixedLengthStream(source.size);
    await Promise.all([
      source.stream().pipeTo(fixed.writable),
      scope.env.MEDIA.put(item.r2Key, fixed.readable),
    ]);
  } catch (e) {
    return failItem(
      scope,
      item,
      `${filename} could not be stored (${e instanceof Error ? e.message : String(e)}); it may be truncated or damaged`,
    );
  }
  return finishStoredFile(scope, item);
}

// ---- Importing many files ----

const CAPTION = /\.(vtt|srt)$/i;
/** Caption files are held until the videos are in (they are small; beyond this they are not). */
const MAX_HELD_CAPTION_BYTES = 8 * 1024 * 1024;

/**
 * Imports files into the library, one report line per file: each file succeeds or fails on its
 * own. Caption files (.vtt, .srt) come last, after the videos their names match, so the
 * pipeline's captions step finds them. OCW's Drive layout (`videos_final/…`) needs nothing
 * special: a video is a video by its bytes.
 */
export async function importMediaFiles(
  scope: MediaScope,
  files: AsyncIterable<MediaImportSource>,
): Promise<MediaImportReport> {
  const entries: MediaImportEntry[] = [];
  const held: { source: MediaImportSource; bytes: Uint8Array<ArrayBuffer> }[] = [];
  let heldBytes = 0;
  const one = async (source: MediaImportSource, caption: boolean) => {
    try {
      const { item, duplicate } = await storeMediaFile(scope, source);
      entries.push({
        path: source.path,
        status: duplicate ? "duplicate" : caption ? "captions" : "imported",
        mediaId: item.id,
        ...(item.resourceUid ? { resourceUid: item.resourceUid } : {}),
        kind: item.kind,
        ...(duplicate ? { message: `the same file as ${item.filename}` } : {}),
      });
    } catch (e) {
      if (!(e instanceof MediaFileError)) throw e;
      entries.push({ path: source.path, status: "failed", message: e.message });
    }
  };
  for await (const source of files) {
    if (source.error !== undefined) {
      entries.push({ path: source.path, status: "failed", message: source.error });
      continue;
    }
    if (source.path.endsWith("/")) continue;
    const base = source.path.slice(source.path.lastIndexOf("/") + 1);
    if (base.startsWith(".") || base === "Thumbs.db" || source.path.includes("__MACOSX/")) {
      entries.push({ path: source.path, status: "skipped", message: "system file" });
      continue;
    }
    if (
      CAPTION.test(source.path) &&
      source.size <= 1024 * 1024 &&
      heldBytes + source.size <= MAX_HELD_CAPTION_BYTES
    ) {
      try {
        const bytes = new Uint8Array(await new Response(source.stream()).arrayBuffer());
        heldBytes += bytes.byteLength;
        held.push({ source, bytes });
      } catch (e) {
        entries.push({
          path: source.path,
          status: "failed",
          message: `${base} could not be read (${e instanceof Error ? e.message : String(e)})`,
        });
      }
      continue;
    }
    await one(source, CAPTION.test(source.path));
  }
  for (const h of held) {
    await one(
      {
        path: h.source.path,
        size: h.source.size,
        ...(h.source.type ? { type: h.source.type } : {}),
        stream: () => new Blob([h.bytes]).stream(),
      },
      true,
    );
  }
  const count = (s: MediaImportEntry["status"]) => entries.filter((e) => e.status === s).length;
  return {
    imported: count("imported"),
    duplicates: count("duplicate"),
    captions: count("captions"),
    failed: count("failed"),
    entries,
  };
}

// ---- Deleting ----

/** Live content items of the site that link the resource (relations, shortcodes, links). */
export async function pagesReferencing(
  db: Db,
  tenantId: string,
  siteId: string,
  uid: string,
): Promise<MediaReference[]> {
  const pattern = `%${uid}%`;
  return db
    .select({
      uid: contentItems.uid,
      collection: contentItems.collection,
      filename: contentItems.filename,
      title: contentItems.title,
    })
    .from(contentItems)
    .where(
      and(
        eq(contentItems.tenantId, tenantId),
        eq(contentItems.siteId, siteId),
        isNull(contentItems.deletedAt),
        ne(contentItems.uid, uid),
        or(like(contentItems.body, pattern), like(sql`${contentItems.data}`, pattern)),
      ),
    )
    .limit(100);
}

/**
 * Deletes an item and (softly, with a revision) its resource, in one batch. Its files stay in R2
 * until the sweep finds no deploy that could still serve them.
 */
export async function deleteMediaItem(scope: MediaScope, item: MediaItemRow) {
  const { db, tenantId, siteId, userId } = scope;
  const statements = [];
  if (item.resourceUid) {
    const [resource] = await db
      .select()
      .from(contentItems)
      .where(
        and(
          eq(contentItems.tenantId, tenantId),
          eq(contentItems.siteId, siteId),
          eq(contentItems.uid, item.resourceUid),
          isNull(contentItems.deletedAt),
        ),
      )
      .limit(1);
    if (resource) {
      statements.push(
        updateItemAtVersion(db, tenantId, siteId, resource.id, resource.version, {
          deletedAt: new Date(),
          updatedBy: userId,
        }),
        expectChanged(db),
        insertRevision(db, {
          id: newId("rev"),
          tenantId,
          siteId,
          itemId: resource.id,
          version: resource.version + 1,
          action: "deleted",
          filename: resource.filename,
          title: resource.title,
          body: resource.body,
          data: resource.data,
          deleted: true,
          createdBy: userId,
        }),
        bumpContentVersion(db, tenantId, siteId),
      );
    }
  }
  await db.batch([
    markMediaDeleted(db, tenantId, item.id),
    expectChanged(db),
    deleteUploadParts(db, tenantId, item.id),
    ...statements,
    audit(scope, "media.deleted", item.id, { filename: item.filename }),
  ]);
}

/** Aborts an upload that never completed and forgets it. */
export async function abortUpload(scope: MediaScope, item: MediaItemRow) {
  if (item.uploadId) {
    try {
      await scope.env.MEDIA.resumeMultipartUpload(item.r2Key, item.uploadId).abort();
    } catch {
      // Already completed or aborted: nothing to undo in R2.
    }
  }
  await scope.env.MEDIA.delete(item.r2Key);
  await scope.db.batch([
    deleteMediaRow(scope.db, scope.tenantId, item.id),
    audit(scope, "media.upload_aborted", item.id, { filename: item.filename }),
  ]);
}

/** An upload not completed this long after it started is abandoned. */
export const ABANDONED_UPLOAD_MS = 7 * 24 * 3600 * 1000;

/** Aborts the tenant's abandoned uploads (their parts in R2, their rows); returns how many. */
export async function abortAbandonedUploads(env: Env, db: Db, tenantId: string, now = Date.now()) {
  const stale = await staleUploads(db, tenantId, new Date(now - ABANDONED_UPLOAD_MS));
  for (const item of stale) {
    await abortUpload({ env, db, tenantId, siteId: item.siteId, userId: null }, item);
  }
  return stale.length;
}

/** Most deploys whose manifests one sweep reads; with more, files are kept (for a later sweep). */
const SWEEP_MAX_DEPLOYS = 100;

/**
 * Removes the R2 files of deleted items that no deploy of the site can serve any more: none
 * that could be (or become) current references them. A deploy made after the deletion cannot
 * (the resource was gone), so only builds from before it are read. Returns the items purged.
 */
export async function sweepDeletedMedia(env: Env, db: Db, tenantId: string, siteId: string) {
  const deleted = await deletedMediaItems(db, tenantId, siteId);
  if (deleted.length === 0) return 0;
  const latest = Math.max(...deleted.map((d) => (d.deletedAt ?? d.updatedAt).getTime()));
  const older = await db
    .select({ id: deploys.id, state: deploys.state })
    .from(deploys)
    .where(
      and(
        eq(deploys.tenantId, tenantId),
        eq(deploys.siteId, siteId),
        lt(deploys.createdAt, new Date(latest + 1)),
        inArray(deploys.state, ["queued", "building", "uploading", "activating", "succeeded"]),
      ),
    )
    .limit(SWEEP_MAX_DEPLOYS + 1);
  if (older.length > SWEEP_MAX_DEPLOYS) return 0;
  // A build still running may reference a file it listed before the deletion: wait for it.
  if (older.some((d) => d.state !== "succeeded")) return 0;
  const referenced = new Set<string>();
  for (const d of older.filter((x) => x.state === "succeeded")) {
    const object = await env.SITES.get(deployManifestKey(d.id));
    if (!object) continue;
    const parsed = deployManifest.safeParse(await object.json());
    if (!parsed.success) return 0;
    for (const m of Object.values(parsed.data.media ?? {})) referenced.add(m.key);
  }
  let purged = 0;
  for (const item of deleted) {
    if (referenced.has(item.r2Key)) continue;
    const prefix = mediaVariantPrefix(tenantId, siteId, item.id);
    const keys = [item.r2Key];
    let cursor: string | undefined;
    do {
      const listed = await env.MEDIA.list({ prefix, ...(cursor ? { cursor } : {}) });
      keys.push(...listed.objects.map((o) => o.key));
      cursor = listed.truncated ? listed.cursor : undefined;
    } while (cursor);
    for (let i = 0; i < keys.length; i += 1000) await env.MEDIA.delete(keys.slice(i, i + 1000));
    await deleteMediaRow(db, tenantId, item.id);
    purged++;
  }
  return purged;
}
