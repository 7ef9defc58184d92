import { and, desc, eq, gte, lt, lte, or } from "drizzle-orm";
import type { Db } from "../client.ts";
import { auditEvents } from "../schema.ts";
import { decodeCursor, toPage } from "./pagination.ts";

export type AuditRow = typeof auditEvents.$inferInsert;

export function insertAuditEvent(db: Db, row: AuditRow) {
  return db.insert(auditEvents).values(row);
}

export async function listAuditEvents(
  db: Db,
  tenantId: string,
  q: {
    cursor?: string;
    limit: number;
    action?: string;
    actor?: string;
    targetType?: string;
    since?: string;
    until?: string;
  },
) {
  const before = decodeCursor(q.cursor);
  const rows = await db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.tenantId, tenantId),
        before ? lt(auditEvents.id, before) : undefined,
        q.action ? eq(auditEvents.action, q.action) : undefined,
        q.targetType ? eq(auditEvents.targetType, q.targetType) : undefined,
        q.actor
          ? or(
              eq(auditEvents.actorUserId, q.actor),
              eq(auditEvents.actorEmail, q.actor.toLowerCase()),
            )
          : undefined,
        q.since ? gte(auditEvents.createdAt, new Date(q.since)) : undefined,
        q.until ? lte(auditEvents.createdAt, new Date(q.until)) : undefined,
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(q.limit + 1);
  return toPage(rows, q.limit);
}
