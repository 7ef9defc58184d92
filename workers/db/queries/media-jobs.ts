// Media jobs (the steps of a media item's pipeline) and the lookups the pipeline needs in the
// media library. Every function takes the tenant first (ADR 005). Written by the item's
// MediaPipeline Durable Object only (its lock orders the writes); read by the API.
import { and, asc, desc, eq, gt, isNotNull, ne, sql } from "drizzle-orm";
import type { MediaJobView } from "#schemas/media-jobs";
import type { Db } from "../client.ts";
import { mediaItems, mediaJobs } from "../schema.ts";

export type MediaJobRow = typeof mediaJobs.$inferSelect;
export type NewMediaJob = typeof mediaJobs.$inferInsert;

/**
 * Creates the item's jobs that do not exist yet (one per kind) and returns all of the item's
 * jobs: planning twice (a duplicate start message) changes nothing.
 */
export async function ensureMediaJobs(
  db: Db,
  tenantId: string,
  rows: NewMediaJob[],
): Promise<MediaJobRow[]> {
  if (rows.length > 0) {
    await db
      .insert(mediaJobs)
      .values(rows.map((r) => ({ ...r, tenantId })))
      .onConflictDoNothing({ target: [mediaJobs.mediaId, mediaJobs.kind] });
  }
  const mediaId = rows[0]?.mediaId;
  return mediaId ? listMediaJobs(db, tenantId, mediaId) : [];
}

export function listMediaJobs(db: Db, tenantId: string, mediaId: string): Promise<MediaJobRow[]> {
  return db
    .select()
    .from(mediaJobs)
    .where(and(eq(mediaJobs.tenantId, tenantId), eq(mediaJobs.mediaId, mediaId)))
    .orderBy(asc(mediaJobs.createdAt), asc(mediaJobs.id));
}

export async function getMediaJob(
  db: Db,
  tenantId: string,
  jobId: string,
): Promise<MediaJobRow | undefined> {
  const [row] = await db
    .select()
    .from(mediaJobs)
    .where(and(eq(mediaJobs.tenantId, tenantId), eq(mediaJobs.id, jobId)))
    .limit(1);
  return row;
}

export function updateMediaJob(
  db: Db,
  tenantId: string,
  jobId: string,
  patch: Partial<
    Pick<
      MediaJobRow,
      | "state"
      | "attempts"
      | "maxAttempts"
      | "lastError"
      | "nextAttemptAt"
      | "startedAt"
      | "finishedAt"
      | "output"
    >
  >,
) {
  return db
    .update(mediaJobs)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(mediaJobs.tenantId, tenantId), eq(mediaJobs.id, jobId)));
}

/**
 * The video a caption file belongs to: the newest video of the site (not deleted or failed)
 * whose file name without its extension is `stem`.
 */
export async function findVideoByStem(db: Db, tenantId: string, siteId: string, stem: string) {
  const rows = await db
    .select({ id: mediaItems.id, filename: mediaItems.filename, status: mediaItems.status })
    .from(mediaItems)
    .where(
      and(
        eq(mediaItems.tenantId, tenantId),
        eq(mediaItems.siteId, siteId),
        eq(mediaItems.kind, "video"),
        ne(mediaItems.status, "deleted"),
        ne(mediaItems.status, "failed"),
      ),
    )
    .orderBy(desc(mediaItems.id))
    .limit(500);
  const want = stem.toLowerCase();
  return rows.find((r) => r.filename.replace(/\.[^.]*$/, "").toLowerCase() === want) ?? null;
}

/**
 * A page of the site's ready media items that back a resource, by id, after `afterId`:
 * `limit + 1` rows, so the caller knows whether there is more.
 */
export function siteMediaWithVariants(
  db: Db,
  tenantId: string,
  siteId: string,
  afterId: string | null,
  limit: number,
) {
  return db
    .select({
      id: mediaItems.id,
      resourceUid: mediaItems.resourceUid,
      metadata: mediaItems.metadata,
      variants: mediaItems.variants,
    })
    .from(mediaItems)
    .where(
      and(
        eq(mediaItems.tenantId, tenantId),
        eq(mediaItems.siteId, siteId),
        eq(mediaItems.status, "ready"),
        isNotNull(mediaItems.resourceUid),
        ne(mediaItems.variants, sql`'[]'`),
        afterId ? gt(mediaItems.id, afterId) : undefined,
      ),
    )
    .orderBy(asc(mediaItems.id))
    .limit(limit + 1);
}

/** Marks an item that its pipeline could not even start (a dead-lettered start message). */
export function setMediaItemError(db: Db, tenantId: string, mediaId: string, error: string) {
  return db
    .update(mediaItems)
    .set({ error: error.slice(0, 2000), updatedAt: new Date() })
    .where(and(eq(mediaItems.tenantId, tenantId), eq(mediaItems.id, mediaId)));
}

/** Clears the item's error when it was left by this step (`<kind>: …`), now done. */
export function clearStepError(db: Db, tenantId: string, mediaId: string, kind: string) {
  return db
    .update(mediaItems)
    .set({ error: null, updatedAt: new Date() })
    .where(
      and(
        eq(mediaItems.tenantId, tenantId),
        eq(mediaItems.id, mediaId),
        sql`substr(${mediaItems.error}, 1, ${kind.length + 2}) = ${`${kind}: `}`,
      ),
    );
}

export function toMediaJobView(row: MediaJobRow): MediaJobView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    mediaId: row.mediaId,
    kind: row.kind,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    lastError: row.lastError,
    nextAttemptAt: iso(row.nextAttemptAt),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    output: row.output ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
