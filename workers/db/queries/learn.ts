// Queries of the Learn integration: signing keys, webhook endpoints, events, deliveries and
// their attempts. Every function takes the tenant (the consumer's too: messages carry it).
import { and, desc, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import {
  deploys,
  signingKeys,
  sites,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  webhookEvents,
} from "../schema.ts";
import { decodeCursor, toPage } from "./pagination.ts";

export type SigningKeyRow = typeof signingKeys.$inferSelect;
export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type EventRow = typeof webhookEvents.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

// ---- Signing keys ----

export function insertSigningKey(db: Db, row: typeof signingKeys.$inferInsert) {
  return db.insert(signingKeys).values(row);
}

export async function listSigningKeys(db: Db, tenantId: string) {
  return db
    .select()
    .from(signingKeys)
    .where(eq(signingKeys.tenantId, tenantId))
    .orderBy(desc(signingKeys.id))
    .limit(200);
}

export async function getSigningKey(db: Db, tenantId: string, keyId: string) {
  const rows = await db
    .select()
    .from(signingKeys)
    .where(and(eq(signingKeys.tenantId, tenantId), eq(signingKeys.id, keyId)))
    .limit(1);
  return rows[0] ?? null;
}

/** The key new signed URLs use: the newest one valid now with no end date set. */
export async function currentSigningKey(db: Db, tenantId: string, now: Date) {
  const rows = await db
    .select()
    .from(signingKeys)
    .where(
      and(
        eq(signingKeys.tenantId, tenantId),
        isNull(signingKeys.revokedAt),
        or(isNull(signingKeys.expiresAt), gt(signingKeys.expiresAt, now)),
      ),
    )
    .orderBy(sql`${signingKeys.expiresAt} IS NOT NULL`, desc(signingKeys.id))
    .limit(1);
  return rows[0] ?? null;
}

/** Ends a key's validity at `at` (a rotation's overlap), guarded: only a live key. */
export function expireSigningKey(db: Db, tenantId: string, keyId: string, at: Date, now: Date) {
  return db
    .update(signingKeys)
    .set({ expiresAt: at, updatedAt: now })
    .where(
      and(
        eq(signingKeys.tenantId, tenantId),
        eq(signingKeys.id, keyId),
        isNull(signingKeys.revokedAt),
        or(isNull(signingKeys.expiresAt), gt(signingKeys.expiresAt, now)),
      ),
    );
}

export function revokeSigningKey(db: Db, tenantId: string, keyId: string, now: Date) {
  return db
    .update(signingKeys)
    .set({ revokedAt: now, updatedAt: now })
    .where(
      and(
        eq(signingKeys.tenantId, tenantId),
        eq(signingKeys.id, keyId),
        isNull(signingKeys.revokedAt),
      ),
    );
}

export function touchSigningKey(db: Db, tenantId: string, keyId: string, now: Date) {
  return db
    .update(signingKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(signingKeys.tenantId, tenantId), eq(signingKeys.id, keyId)));
}

// ---- Live sites (what the public endpoints serve) ----

/** A tenant's live site by slug, with when its live deploy went live; null if not live. */
export async function liveSiteBySlug(db: Db, tenantId: string, slug: string) {
  const rows = await db
    .select({ site: sites, activatedAt: deploys.activatedAt })
    .from(sites)
    .innerJoin(deploys, eq(deploys.id, sites.liveDeployId))
    .where(
      and(
        eq(sites.tenantId, tenantId),
        eq(sites.slug, slug),
        isNull(sites.archivedAt),
        isNotNull(sites.liveDeployId),
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}

/** A page of a tenant's live sites by id, optionally only those updated since a time. */
export async function liveSitesPage(
  db: Db,
  tenantId: string,
  q: { cursor?: string | undefined; limit: number; updatedSince?: Date | undefined },
) {
  const after = decodeCursor(q.cursor);
  const rows = await db
    .select({ site: sites, activatedAt: deploys.activatedAt })
    .from(sites)
    .innerJoin(deploys, eq(deploys.id, sites.liveDeployId))
    .where(
      and(
        eq(sites.tenantId, tenantId),
        isNull(sites.archivedAt),
        isNotNull(sites.liveDeployId),
        after ? gt(sites.id, after) : undefined,
        q.updatedSince
          ? or(gt(sites.updatedAt, q.updatedSince), gt(deploys.activatedAt, q.updatedSince))
          : undefined,
      ),
    )
    .orderBy(sites.id)
    .limit(q.limit + 1);
  return toPage(
    rows.map((r) => ({ ...r, id: r.site.id })),
    q.limit,
  );
}

// ---- Endpoints ----

export function insertEndpoint(db: Db, row: typeof webhookEndpoints.$inferInsert) {
  return db.insert(webhookEndpoints).values(row);
}

export async function listEndpoints(db: Db, tenantId: string) {
  return db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.tenantId, tenantId))
    .orderBy(desc(webhookEndpoints.id))
    .limit(100);
}

export async function getEndpoint(db: Db, tenantId: string, endpointId: string) {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, endpointId)))
    .limit(1);
  return rows[0] ?? null;
}

export function updateEndpoint(
  db: Db,
  tenantId: string,
  endpointId: string,
  set: Partial<typeof webhookEndpoints.$inferInsert>,
) {
  return db
    .update(webhookEndpoints)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, endpointId)));
}

/** Enabled endpoints subscribed to an event type. */
export async function subscribedEndpoints(db: Db, tenantId: string, type: string) {
  const rows = await db
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), isNull(webhookEndpoints.disabledAt)));
  return rows.filter((r) => r.events.includes(type)).map((r) => r.id);
}

// ---- Events and deliveries ----

export function insertEvent(db: Db, row: typeof webhookEvents.$inferInsert) {
  return db.insert(webhookEvents).values(row);
}

export async function getEvent(db: Db, tenantId: string, eventId: string) {
  const rows = await db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.tenantId, tenantId), eq(webhookEvents.id, eventId)))
    .limit(1);
  return rows[0] ?? null;
}

/** One delivery row per (event, endpoint); a repeated fan-out adds nothing. */
export function insertDeliveries(db: Db, rows: (typeof webhookDeliveries.$inferInsert)[]) {
  return db.insert(webhookDeliveries).values(rows).onConflictDoNothing();
}

/** Deliveries of an event that were never attempted (to enqueue, again if need be). */
export async function unstartedDeliveries(db: Db, tenantId: string, eventId: string) {
  return db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.eventId, eventId),
        eq(webhookDeliveries.attempts, 0),
        eq(webhookDeliveries.state, "pending"),
      ),
    );
}

export async function getDelivery(db: Db, tenantId: string, deliveryId: string) {
  const rows = await db
    .select({ delivery: webhookDeliveries, event: webhookEvents, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, deliveryId)))
    .limit(1);
  return rows[0] ?? null;
}

/**
 * Claims attempt `attempt` of a delivery: from `pending` with the attempts before it recorded,
 * so a duplicated or stale queue message claims nothing and is dropped; or again, the same
 * attempt whose claim is older than `staleBefore` (the consumer died while sending it).
 */
export function claimAttempt(
  db: Db,
  tenantId: string,
  deliveryId: string,
  attempt: number,
  now: Date,
  staleBefore: Date,
) {
  return db
    .update(webhookDeliveries)
    .set({ state: "sending", attempts: attempt, nextAttemptAt: null, updatedAt: now })
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.id, deliveryId),
        or(
          and(eq(webhookDeliveries.state, "pending"), eq(webhookDeliveries.attempts, attempt - 1)),
          and(
            eq(webhookDeliveries.state, "sending"),
            eq(webhookDeliveries.attempts, attempt),
            lt(webhookDeliveries.updatedAt, staleBefore),
          ),
        ),
      ),
    );
}

export function updateDelivery(
  db: Db,
  tenantId: string,
  deliveryId: string,
  set: Partial<typeof webhookDeliveries.$inferInsert>,
) {
  return db
    .update(webhookDeliveries)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, deliveryId)));
}

/** Manual redelivery: a finished delivery goes back to pending (guarded on its state). */
export function reopenDelivery(db: Db, tenantId: string, deliveryId: string) {
  return db
    .update(webhookDeliveries)
    .set({ state: "pending", nextAttemptAt: new Date(), updatedAt: new Date() })
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.id, deliveryId),
        inArray(webhookDeliveries.state, ["succeeded", "failed"]),
      ),
    );
}

export function insertAttempt(db: Db, row: typeof webhookAttempts.$inferInsert) {
  return db.insert(webhookAttempts).values(row);
}

export async function listDeliveries(
  db: Db,
  tenantId: string,
  endpointId: string,
  q: { cursor?: string | undefined; limit: number },
) {
  const before = decodeCursor(q.cursor);
  const rows = await db
    .select({ delivery: webhookDeliveries, type: webhookEvents.type, siteId: webhookEvents.siteId })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.endpointId, endpointId),
        before ? lt(webhookDeliveries.id, before) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(q.limit + 1);
  return toPage(
    rows.map((r) => ({ ...r, id: r.delivery.id })),
    q.limit,
  );
}

export async function listAttempts(db: Db, tenantId: string, deliveryId: string) {
  return db
    .select()
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.tenantId, tenantId), eq(webhookAttempts.deliveryId, deliveryId)))
    .orderBy(webhookAttempts.attempt, webhookAttempts.id);
}

// ---- The sweep (workers/queues/events.ts: sweepEvents), across tenants ----

/** Marks an event's fan-out done (a repeated fan-out only refreshes the time). */
export function markFannedOut(db: Db, tenantId: string, eventId: string, at: Date) {
  return db
    .update(webhookEvents)
    .set({ fannedOutAt: at })
    .where(and(eq(webhookEvents.tenantId, tenantId), eq(webhookEvents.id, eventId)));
}

/** Site events whose fan-out never ran, created in [after, before): their message was lost. */
export async function unannouncedEvents(db: Db, after: Date, before: Date, limit: number) {
  return db
    .select({ id: webhookEvents.id, tenantId: webhookEvents.tenantId })
    .from(webhookEvents)
    .where(
      and(
        isNull(webhookEvents.fannedOutAt),
        lt(webhookEvents.createdAt, before),
        gt(webhookEvents.createdAt, after),
        sql`${webhookEvents.type} LIKE 'site.%'`,
      ),
    )
    .limit(limit);
}

/**
 * Deliveries whose next attempt is overdue by more than the grace period: pending ones whose
 * message never came (a lost send), and claims left by a consumer that died.
 */
export async function overdueDeliveries(db: Db, overdueBefore: Date, limit: number) {
  return db
    .select({
      id: webhookDeliveries.id,
      tenantId: webhookDeliveries.tenantId,
      state: webhookDeliveries.state,
      attempts: webhookDeliveries.attempts,
    })
    .from(webhookDeliveries)
    .where(
      or(
        and(
          eq(webhookDeliveries.state, "pending"),
          or(
            lt(webhookDeliveries.nextAttemptAt, overdueBefore),
            and(
              isNull(webhookDeliveries.nextAttemptAt),
              lt(webhookDeliveries.updatedAt, overdueBefore),
            ),
          ),
        ),
        and(eq(webhookDeliveries.state, "sending"), lt(webhookDeliveries.updatedAt, overdueBefore)),
      ),
    )
    .limit(limit);
}
