// Content items and their revisions. Every function takes the tenant and the site; writes are
// statements for the caller's batch, so an item, its revision, the site's content version and
// the audit row change together or not at all.
import {
  and,
  asc,
  desc,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  lt,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { ContentListQuery } from "#schemas/content";
import { newId } from "#workers/domain/ids";
import type { Db } from "../client.ts";
import { contentItems, contentRevisions, sites, users } from "../schema.ts";
import { decodeKeyCursor, encodeKeyCursor } from "./pagination.ts";
import { contains } from "./search.ts";

export type ContentItemRow = typeof contentItems.$inferSelect;
export type NewContentItem = typeof contentItems.$inferInsert;
export type NewRevision = typeof contentRevisions.$inferInsert;

const createdByUser = alias(users, "created_by_user");
const updatedByUser = alias(users, "updated_by_user");

const userRef = (u: typeof createdByUser | typeof updatedByUser) => ({
  id: u.id,
  name: u.name,
  email: u.email,
});

/** One item by uid (deleted ones too), with who created and last changed it. */
export async function getItem(db: Db, tenantId: string, siteId: string, uid: string) {
  const rows = await db
    .select({
      item: contentItems,
      createdBy: userRef(createdByUser),
      updatedBy: userRef(updatedByUser),
    })
    .from(contentItems)
    .leftJoin(createdByUser, eq(createdByUser.id, contentItems.createdBy))
    .leftJoin(updatedByUser, eq(updatedByUser.id, contentItems.updatedBy))
    .where(
      and(
        eq(contentItems.tenantId, tenantId),
        eq(contentItems.siteId, siteId),
        eq(contentItems.uid, uid),
      ),
    )
    .limit(1);
  return rows[0];
}
export type ItemView = NonNullable<Awaited<ReturnType<typeof getItem>>>;

/** The live item of a collection with this filename, if any. */
export async function getItemByFilename(
  db: Db,
  tenantId: string,
  siteId: string,
  collection: string,
  filename: string,
) {
  return db.query.contentItems.findFirst({
    columns: { id: true, uid: true },
    where: and(
      eq(contentItems.tenantId, tenantId),
      eq(contentItems.siteId, siteId),
      eq(contentItems.collection, collection),
      eq(contentItems.filename, filename),
      isNull(contentItems.deletedAt),
    ),
  });
}

/** Whether a uid is taken in a site (by a live or deleted item). */
export async function uidExists(db: Db, tenantId: string, siteId: string, uid: string) {
  const row = await db.query.contentItems.findFirst({
    columns: { id: true },
    where: and(
      eq(contentItems.tenantId, tenantId),
      eq(contentItems.siteId, siteId),
      eq(contentItems.uid, uid),
    ),
  });
  return Boolean(row);
}

/** Live items with these uids: what relation checks need (collection and field values). */
export async function relationTargets(
  db: Db,
  tenantId: string,
  siteId: string,
  uids: string[],
): Promise<Map<string, { collection: string; data: Record<string, unknown> }>> {
  const out = new Map<string, { collection: string; data: Record<string, unknown> }>();
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < uids.length; i += 90) {
    const rows = await db
      .select({
        uid: contentItems.uid,
        collection: contentItems.collection,
        data: contentItems.data,
      })
      .from(contentItems)
      .where(
        and(
          eq(contentItems.tenantId, tenantId),
          eq(contentItems.siteId, siteId),
          inArray(contentItems.uid, uids.slice(i, i + 90)),
          isNull(contentItems.deletedAt),
        ),
      );
    for (const r of rows) out.set(r.uid, { collection: r.collection, data: r.data });
  }
  return out;
}

const sortKeys = {
  title: contentItems.title,
  updated: contentItems.updatedAt,
  filename: contentItems.filename,
} as const;

export async function listItems(db: Db, tenantId: string, siteId: string, q: ContentListQuery) {
  const after = decodeKeyCursor(q.cursor);
  const descending = q.sort.startsWith("-");
  const keyName = q.sort.replace(/^-/, "") as keyof typeof sortKeys;
  const keyCol = sortKeys[keyName];
  const cmp = descending ? lt : gt;
  const conditions: (SQL | undefined)[] = [
    eq(contentItems.tenantId, tenantId),
    eq(contentItems.siteId, siteId),
    q.collection ? eq(contentItems.collection, q.collection) : undefined,
    q.filename ? eq(contentItems.filename, q.filename) : undefined,
    q.resourcetype ? eq(contentItems.resourcetype, q.resourcetype) : undefined,
    q.fileMissing ? eq(contentItems.fileMissing, q.fileMissing === "true") : undefined,
    q.deleted === "exclude"
      ? isNull(contentItems.deletedAt)
      : q.deleted === "only"
        ? isNotNull(contentItems.deletedAt)
        : undefined,
    q.q ? or(contains(contentItems.title, q.q), contains(contentItems.filename, q.q)) : undefined,
    q.text
      ? or(contains(contentItems.body, q.text), contains(contentItems.data, q.text))
      : undefined,
  ];
  if (after) {
    const key = keyName === "updated" ? new Date(Number(after.key)) : String(after.key);
    conditions.push(or(cmp(keyCol, key), and(eq(keyCol, key), cmp(contentItems.id, after.id))));
  }
  const order = descending ? desc : asc;
  const rows = await db
    .select({
      id: contentItems.id,
      uid: contentItems.uid,
      collection: contentItems.collection,
      filename: contentItems.filename,
      title: contentItems.title,
      resourcetype: contentItems.resourcetype,
      fileMissing: contentItems.fileMissing,
      version: contentItems.version,
      deletedAt: contentItems.deletedAt,
      createdAt: contentItems.createdAt,
      updatedAt: contentItems.updatedAt,
      updatedBy: userRef(updatedByUser),
    })
    .from(contentItems)
    .leftJoin(updatedByUser, eq(updatedByUser.id, contentItems.updatedBy))
    .where(and(...conditions))
    .orderBy(order(keyCol), order(contentItems.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  const last = items.at(-1);
  const lastKey =
    last &&
    (keyName === "updated" ? last.updatedAt.getTime() : last[keyName as "title" | "filename"]);
  return {
    items,
    nextCursor:
      rows.length > q.limit && last && lastKey !== undefined
        ? encodeKeyCursor(lastKey, last.id)
        : null,
  };
}
export type ItemSummaryRow = Awaited<ReturnType<typeof listItems>>["items"][number];

export function insertItem(db: Db, row: NewContentItem) {
  return db.insert(contentItems).values(row);
}

export function insertRevision(db: Db, row: NewRevision) {
  return db.insert(contentRevisions).values(row);
}

/**
 * A new item at version 1, for one batch: the item, its "created" revision and the site's
 * content version (the API's create and the media library's resources both make items so).
 */
export function createItemStatements(
  db: Db,
  item: {
    id: string;
    tenantId: string;
    siteId: string;
    uid: string;
    collection: string;
    filename: string;
    title: string;
    resourcetype: string | null;
    body: string;
    data: Record<string, unknown>;
    userId: string | null;
    now: Date;
  },
) {
  const { id, tenantId, siteId, uid, collection, filename, title, body, data, userId, now } = item;
  return [
    insertItem(db, {
      id,
      tenantId,
      siteId,
      uid,
      collection,
      filename,
      title,
      resourcetype: item.resourcetype,
      body,
      data,
      extra: {},
      version: 1,
      createdBy: userId,
      updatedBy: userId,
      createdAt: now,
      updatedAt: now,
    }),
    insertRevision(db, {
      id: newId("rev"),
      tenantId,
      siteId,
      itemId: id,
      version: 1,
      action: "created",
      filename,
      title,
      body,
      data,
      createdBy: userId,
      createdAt: now,
    }),
    bumpContentVersion(db, tenantId, siteId),
  ] as const;
}

/**
 * Changes an item only if it is still at `expectedVersion` (follow with expectChanged): the
 * optimistic-concurrency check and the write are one statement, so two writers cannot both win.
 */
export function updateItemAtVersion(
  db: Db,
  tenantId: string,
  siteId: string,
  itemId: string,
  expectedVersion: number,
  set: Partial<NewContentItem>,
) {
  return db
    .update(contentItems)
    .set({ ...set, version: expectedVersion + 1, updatedAt: new Date() })
    .where(
      and(
        eq(contentItems.tenantId, tenantId),
        eq(contentItems.siteId, siteId),
        eq(contentItems.id, itemId),
        eq(contentItems.version, expectedVersion),
      ),
    );
}

/** Every content change bumps the site's content version: publishing compares against it. */
export function bumpContentVersion(db: Db, tenantId: string, siteId: string) {
  return db
    .update(sites)
    .set({ contentVersion: sql`${sites.contentVersion} + 1`, updatedAt: new Date() })
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)));
}

export async function listRevisions(
  db: Db,
  tenantId: string,
  itemId: string,
  q: { cursor?: string | undefined; limit: number },
) {
  const after = decodeKeyCursor(q.cursor);
  const rows = await db
    .select({
      id: contentRevisions.id,
      version: contentRevisions.version,
      action: contentRevisions.action,
      title: contentRevisions.title,
      revertedFrom: contentRevisions.revertedFrom,
      createdAt: contentRevisions.createdAt,
      createdBy: userRef(createdByUser),
    })
    .from(contentRevisions)
    .leftJoin(createdByUser, eq(createdByUser.id, contentRevisions.createdBy))
    .where(
      and(
        eq(contentRevisions.tenantId, tenantId),
        eq(contentRevisions.itemId, itemId),
        after ? lt(contentRevisions.version, Number(after.key)) : undefined,
      ),
    )
    .orderBy(desc(contentRevisions.version))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > q.limit && last ? encodeKeyCursor(last.version, last.id) : null,
  };
}

export async function getRevision(db: Db, tenantId: string, itemId: string, version: number) {
  const rows = await db
    .select({ revision: contentRevisions, createdBy: userRef(createdByUser) })
    .from(contentRevisions)
    .leftJoin(createdByUser, eq(createdByUser.id, contentRevisions.createdBy))
    .where(
      and(
        eq(contentRevisions.tenantId, tenantId),
        eq(contentRevisions.itemId, itemId),
        eq(contentRevisions.version, version),
      ),
    )
    .limit(1);
  return rows[0];
}
export type RevisionView = NonNullable<Awaited<ReturnType<typeof getRevision>>>;

/** The (small) index of a site's live items the export resolves uids against. */
export async function exportIndex(db: Db, tenantId: string, siteId: string) {
  return db
    .select({
      uid: contentItems.uid,
      collection: contentItems.collection,
      filename: contentItems.filename,
    })
    .from(contentItems)
    .where(
      and(
        eq(contentItems.tenantId, tenantId),
        eq(contentItems.siteId, siteId),
        isNull(contentItems.deletedAt),
      ),
    );
}

/** Live items with these uids (at most 90 per call: D1 binds 100 parameters per statement). */
export async function itemsByUid(db: Db, tenantId: string, siteId: string, uids: string[]) {
  if (uids.length > 90) throw new Error("itemsByUid: at most 90 uids per call");
  return db
    .select()
    .from(contentItems)
    .where(
      and(
        eq(contentItems.tenantId, tenantId),
        eq(contentItems.siteId, siteId),
        inArray(contentItems.uid, uids),
        isNull(contentItems.deletedAt),
      ),
    );
}

/** A statement for the raw D1 binding (see `rawBatch`). */
export type RawStatement = { sql: string; params: unknown[] };

/**
 * Runs drizzle queries and raw statements as one D1 batch (one transaction). Drizzle's own
 * batch cannot take raw SQL with bound parameters, which the bulk inserts need.
 */
export async function rawBatch(
  d1: D1Database,
  statements: ({ toSQL(): { sql: string; params: unknown[] } } | RawStatement)[],
) {
  return d1.batch(
    statements.map((s) => {
      const { sql: text, params } = "toSQL" in s ? s.toSQL() : s;
      return d1.prepare(text).bind(...params);
    }),
  );
}

/** Bytes of JSON per bulk statement: D1 caps a bound string at 1,000,000 bytes. */
const BULK_CHUNK_BYTES = 900_000;

export type BulkItem = {
  id: string;
  uid: string;
  collection: string;
  filename: string;
  title: string;
  resourcetype: string | null;
  body: string;
  data: Record<string, unknown>;
  extra: Record<string, unknown>;
  fileMissing: boolean;
};

/** Splits rows into JSON arrays of at most BULK_CHUNK_BYTES (a row alone may be larger). */
function jsonChunks(rows: unknown[]): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const row of rows) {
    const text = JSON.stringify(row);
    const bytes = new TextEncoder().encode(text).byteLength + 1;
    if (current.length > 0 && size + bytes > BULK_CHUNK_BYTES) {
      chunks.push(`[${current.join(",")}]`);
      current = [];
      size = 2;
    }
    current.push(text);
    size += bytes;
  }
  if (current.length > 0) chunks.push(`[${current.join(",")}]`);
  return chunks;
}

/**
 * Statements that insert many new items with their first revision (an import), a few hundred
 * rows per statement through `json_each`: D1 counts every statement of a batch against a
 * Worker invocation's query limit, so one INSERT per row would cap an import at a few hundred
 * items. Each item's `data`/`extra` travel as JSON text and are stored as they are.
 */
export function bulkInsertImported(
  tenantId: string,
  siteId: string,
  userId: string,
  at: Date,
  items: BulkItem[],
) {
  const rows = items.map((i) => ({
    id: i.id,
    uid: i.uid,
    collection: i.collection,
    filename: i.filename,
    title: i.title,
    resourcetype: i.resourcetype,
    body: i.body,
    data: JSON.stringify(i.data),
    extra: JSON.stringify(i.extra),
    fileMissing: i.fileMissing ? 1 : 0,
  }));
  const ms = at.getTime();
  const statements: RawStatement[] = [];
  for (const chunk of jsonChunks(rows)) {
    statements.push(
      {
        sql: `INSERT INTO content_items (id, tenant_id, site_id, uid, collection, filename,
        title, resourcetype, body, data, extra, file_missing, version, created_by, updated_by,
        created_at, updated_at)
        SELECT value->>'id', ?1, ?2, value->>'uid', value->>'collection',
          value->>'filename', value->>'title', value->>'resourcetype', value->>'body',
          value->>'data', value->>'extra', value->>'fileMissing', 1, ?3, ?3, ?4, ?4
        FROM json_each(?5)`,
        params: [tenantId, siteId, userId, ms, chunk],
      },
      {
        sql: `INSERT INTO content_revisions (id, tenant_id, site_id, item_id, version, action,
        filename, title, body, data, deleted, created_by, created_at)
        SELECT 'rev_' || substr(value->>'id', 5), ?1, ?2, value->>'id', 1,
          'imported', value->>'filename', value->>'title', value->>'body', value->>'data', 0,
          ?3, ?4
        FROM json_each(?5)`,
        params: [tenantId, siteId, userId, ms, chunk],
      },
    );
  }
  return statements;
}
