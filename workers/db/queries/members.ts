import { and, asc, count, eq, gt, sql } from "drizzle-orm";
import type { TenantRole } from "#schemas/roles";
import type { Db } from "../client.ts";
import { memberships, users } from "../schema.ts";
import { decodeCursor, toPage } from "./pagination.ts";

const memberColumns = {
  id: memberships.id,
  userId: memberships.userId,
  role: memberships.role,
  createdAt: memberships.createdAt,
  email: users.email,
  name: users.name,
  disabledAt: users.disabledAt,
};

export async function listMembers(db: Db, tenantId: string, q: { cursor?: string; limit: number }) {
  const after = decodeCursor(q.cursor);
  const rows = await db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenantId), after ? gt(memberships.id, after) : undefined))
    .orderBy(asc(memberships.id))
    .limit(q.limit + 1);
  return toPage(rows, q.limit);
}

export async function getMember(db: Db, tenantId: string, memberId: string) {
  const rows = await db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.id, memberId)))
    .limit(1);
  return rows[0];
}

export async function countOwners(db: Db, tenantId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, "owner")));
  return row?.n ?? 0;
}

export function insertMembership(
  db: Db,
  row: { id: string; tenantId: string; userId: string; role: TenantRole },
) {
  return db.insert(memberships).values(row);
}

/**
 * True for a membership that is not an owner, or an owner who is not the tenant's last one.
 * Evaluated inside the write itself, so two owners demoting each other at the same moment
 * cannot leave the tenant without one (pair with expectChanged()).
 */
function keepsAnOwner(tenantId: string) {
  return sql`(${memberships.role} <> 'owner' OR (SELECT count(*) FROM ${memberships} AS m WHERE m.tenant_id = ${tenantId} AND m.role = 'owner') > 1)`;
}

export function updateMemberRole(db: Db, tenantId: string, memberId: string, role: TenantRole) {
  return db
    .update(memberships)
    .set({ role, updatedAt: new Date() })
    .where(
      and(
        eq(memberships.tenantId, tenantId),
        eq(memberships.id, memberId),
        role === "owner" ? undefined : keepsAnOwner(tenantId),
      ),
    );
}

export function deleteMember(db: Db, tenantId: string, memberId: string) {
  return db
    .delete(memberships)
    .where(
      and(eq(memberships.tenantId, tenantId), eq(memberships.id, memberId), keepsAnOwner(tenantId)),
    );
}

export async function isMember(db: Db, tenantId: string, userId: string) {
  const row = await db.query.memberships.findFirst({
    where: and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)),
    columns: { id: true },
  });
  return row !== undefined;
}
