// Media items (the media library) and the parts of their uploads. Every function takes the
// tenant first (ADR 005). See docs/decisions/012-media-uploads.md.
import { and, desc, eq, inArray, isNull, like, lt, ne, sql } from "drizzle-orm";
import type { MediaKind, MediaStatus } from "#schemas/media";
import type { Db } from "../client.ts";
import { type MediaVariantRow, mediaItems, mediaUploadParts, tenants, users } from "../schema.ts";
import { decodeCursor, toPage } from "./pagination.ts";

export type MediaItemRow = typeof mediaItems.$inferSelect;
export type NewMediaItem = typeof mediaItems.$inferInsert;
export type MediaItemWithCreator = MediaItemRow & {
  creatorName: string | null;
  creatorEmail: string | null;
};

const creator = { creatorName: users.name, creatorEmail: users.email };

function withCreator(
  rows: { item: MediaItemRow; creatorName: string | null; creatorEmail: string | null }[],
): MediaItemWithCreator[] {
  return rows.map((r) => ({ ...r.item, creatorName: r.creatorName, creatorEmail: r.creatorEmail }));
}

/** One media item of the tenant (any status, deleted included). */
export async function getMediaItem(
  db: Db,
  tenantId: string,
  id: string,
): Promise<MediaItemWithCreator | undefined> {
  const rows = await db
    .select({ item: mediaItems, ...creator })
    .from(mediaItems)
    .leftJoin(users, eq(users.id, mediaItems.createdBy))
    .where(and(eq(mediaItems.tenantId, tenantId), eq(mediaItems.id, id)))
    .limit(1);
  return withCreator(rows)[0];
}

/** One media item of a site (not deleted). */
export async function getSiteMediaItem(
  db: Db,
  tenantId: string,
  siteId: string,
  id: string,
): Promise<MediaItemWithCreator | undefined> {
  const item = await getMediaItem(db, tenantId, id);
  return item && item.siteId === siteId && item.status !== "deleted" ? item : undefined;
}

/** The live media item backing a resource, if the resource's file was uploaded here. */
export async function getMediaItemByResource(
  db: Db,
  tenantId: string,
  siteId: string,
  resourceUid: string,
): Promise<MediaItemRow | undefined> {
  const [row] = await db
    .select()
    .from(mediaItems)
    .where(
      and(
        eq(mediaItems.tenantId, tenantId),
        eq(mediaItems.siteId, siteId),
        eq(mediaItems.resourceUid, resourceUid),
        ne(mediaItems.status, "deleted"),
      ),
    )
    .orderBy(desc(mediaItems.id))
    .limit(1);
  return row;
}

export async function listMediaItems(
  db: Db,
  tenantId: string,
  siteId: string,
  q: { cursor?: string; limit: number; kind?: MediaKind; status?: MediaStatus; q?: string },
) {
  const before = decodeCursor(q.cursor);
  const rows = await db
    .select({ item: mediaItems, ...creator })
    .from(mediaItems)
    .leftJoin(users, eq(users.id, mediaItems.createdBy))
    .where(
      and(
        eq(mediaItems.tenantId, tenantId),
        eq(mediaItems.siteId, siteId),
        q.status ? eq(mediaItems.status, q.status) : ne(mediaItems.status, "deleted"),
        q.kind ? eq(mediaItems.kind, q.kind) : undefined,
        q.q ? like(mediaItems.filename, `%${q.q.replace(/[%_\\]/g, "\\$&")}%`) : undefined,
        before ? lt(mediaItems.id, before) : undefined,
      ),
    )
    .orderBy(desc(mediaItems.id))
    .limit(q.limit + 1);
  return toPage(withCreator(rows), q.limit);
}

/** The media items of a site with these resource uids (not deleted). */
export async function mediaItemsByResources(
  db: Db,
  tenantId: string,
  siteId: string,
  uids: string[],
): Promise<MediaItemRow[]> {
  if (uids.length === 0) return [];
  return db
    .select()
    .from(mediaItems)
    .where(
      and(
        eq(mediaItems.tenantId, tenantId),
        eq(mediaItems.siteId, siteId),
        inArray(mediaItems.resourceUid, uids),
        ne(mediaItems.status, "deleted"),
      ),
    );
}

/** A ready item of the site with this content hash (the same file uploaded before). */
export async function findMediaBySha256(
  db: Db,
  tenantId: string,
  siteId: string,
  sha256: string,
): Promise<MediaItemRow | undefined> {
  const [row] = await db
    .select()
    .from(mediaItems)
    .where(
      and(
        eq(mediaItems.tenantId, tenantId),
        eq(mediaItems.sha256, sha256),
        eq(mediaItems.siteId, siteId),
        eq(mediaItems.status, "ready"),
      ),
    )
    .orderBy(mediaItems.id)
    .limit(1);
  return row;
}

export function insertMediaItem(db: Db, row: NewMediaItem) {
  return db.insert(mediaItems).values(row);
}

/** Bytes the tenant's library holds (uploads in progress count at their declared size). */
export async function tenantMediaBytes(db: Db, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${mediaItems.size}), 0)` })
    .from(mediaItems)
    .where(
      and(eq(mediaItems.tenantId, tenantId), inArray(mediaItems.status, ["uploading", "ready"])),
    );
  return Number(row?.total ?? 0);
}

/** The tenant's own media limits (null = the platform default). */
export async function tenantMediaLimits(db: Db, tenantId: string) {
  const [row] = await db
    .select({ maxFileBytes: tenants.mediaMaxFileBytes, quotaBytes: tenants.mediaQuotaBytes })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
    .limit(1);
  return row;
}

export function setTenantMediaLimits(
  db: Db,
  tenantId: string,
  limits: { maxFileBytes: number | null; quotaBytes: number | null },
) {
  return db
    .update(tenants)
    .set({ mediaMaxFileBytes: limits.maxFileBytes, mediaQuotaBytes: limits.quotaBytes })
    .where(eq(tenants.id, tenantId));
}

// ---- Upload parts ----

export async function listUploadParts(db: Db, tenantId: string, mediaId: string) {
  return db
    .select({
      partNumber: mediaUploadParts.partNumber,
      etag: mediaUploadParts.etag,
      size: mediaUploadParts.size,
    })
    .from(mediaUploadParts)
    .where(and(eq(mediaUploadParts.tenantId, tenantId), eq(mediaUploadParts.mediaId, mediaId)))
    .orderBy(mediaUploadParts.partNumber);
}

/** Records a stored part (a part sent again replaces the one before, as R2 does). */
export function putUploadPart(
  db: Db,
  tenantId: string,
  mediaId: string,
  part: { partNumber: number; etag: string; size: number },
) {
  return db
    .insert(mediaUploadParts)
    .values({ tenantId, mediaId, ...part })
    .onConflictDoUpdate({
      target: [mediaUploadParts.mediaId, mediaUploadParts.partNumber],
      set: { etag: part.etag, size: part.size, createdAt: new Date() },
    });
}

export function deleteUploadParts(db: Db, tenantId: string, mediaId: string) {
  return db
    .delete(mediaUploadParts)
    .where(and(eq(mediaUploadParts.tenantId, tenantId), eq(mediaUploadParts.mediaId, mediaId)));
}

// ---- State changes ----

/** The upload finished: the item is ready (only from `uploading`; use expectChanged after). */
export function markMediaReady(
  db: Db,
  tenantId: string,
  id: string,
  set: { sniffedType: string; kind: MediaKind; sha256: string; resourceUid: string | null },
) {
  return db
    .update(mediaItems)
    .set({ ...set, status: "ready", uploadId: null, error: null, updatedAt: new Date() })
    .where(
      and(
        eq(mediaItems.tenantId, tenantId),
        eq(mediaItems.id, id),
        eq(mediaItems.status, "uploading"),
      ),
    );
}

export function markMediaFailed(db: Db, tenantId: string, id: string, error: string) {
  return db
    .update(mediaItems)
    .set({ status: "failed", error, uploadId: null, updatedAt: new Date() })
    .where(and(eq(mediaItems.tenantId, tenantId), eq(mediaItems.id, id)));
}

export function markMediaDeleted(db: Db, tenantId: string, id: string) {
  const now = new Date();
  return db
    .update(mediaItems)
    .set({ status: "deleted", uploadId: null, deletedAt: now, updatedAt: now })
    .where(
      and(eq(mediaItems.tenantId, tenantId), eq(mediaItems.id, id), isNull(mediaItems.deletedAt)),
    );
}

export function deleteMediaRow(db: Db, tenantId: string, id: string) {
  return db.delete(mediaItems).where(and(eq(mediaItems.tenantId, tenantId), eq(mediaItems.id, id)));
}

/** What the pipeline found and made (PIPELINE). Merges metadata; replaces variants by role+key. */
export async function updateMediaMetadata(
  db: Db,
  tenantId: string,
  id: string,
  patch: { metadata?: Record<string, unknown>; variants?: MediaVariantRow[] },
): Promise<MediaItemRow | undefined> {
  const [current] = await db
    .select()
    .from(mediaItems)
    .where(and(eq(mediaItems.tenantId, tenantId), eq(mediaItems.id, id)))
    .limit(1);
  if (!current) return undefined;
  const metadata = patch.metadata ? { ...current.metadata, ...patch.metadata } : current.metadata;
  let variants = current.variants;
  if (patch.variants) {
    const incoming = new Set(patch.variants.map((v) => `${v.role}\u0000${v.key}`));
    variants = [
      ...current.variants.filter((v) => !incoming.has(`${v.role}\u0000${v.key}`)),
      ...patch.variants,
    ];
  }
  const [row] = await db
    .update(mediaItems)
    .set({ metadata, variants, updatedAt: new Date() })
    .where(and(eq(mediaItems.tenantId, tenantId), eq(mediaItems.id, id)))
    .returning();
  return row;
}

/** Deleted items whose files may still be in R2 (the orphan sweep looks at these). */
export async function deletedMediaItems(db: Db, tenantId: string, siteId: string, limit = 200) {
  return db
    .select()
    .from(mediaItems)
    .where(
      and(
        eq(mediaItems.tenantId, tenantId),
        eq(mediaItems.siteId, siteId),
        eq(mediaItems.status, "deleted"),
      ),
    )
    .orderBy(mediaItems.id)
    .limit(limit);
}

/** Uploads left `uploading` since before `before` (abandoned; the sweep aborts them). */
export async function staleUploads(db: Db, tenantId: string, before: Date, limit = 100) {
  return db
    .select()
    .from(mediaItems)
    .where(
      and(
        eq(mediaItems.tenantId, tenantId),
        eq(mediaItems.status, "uploading"),
        lt(mediaItems.updatedAt, before),
      ),
    )
    .limit(limit);
}
