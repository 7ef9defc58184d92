import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "../client.ts";
import { memberships, tenants } from "../schema.ts";
import { decodeCursor, toPage } from "./pagination.ts";

export async function getTenant(db: Db, tenantId: string) {
  return db.query.tenants.findFirst({ where: eq(tenants.id, tenantId) });
}

export async function getTenantBySlug(db: Db, slug: string) {
  return db.query.tenants.findFirst({ where: eq(tenants.slug, slug) });
}

export function insertTenant(db: Db, row: { id: string; slug: string; name: string }) {
  return db.insert(tenants).values(row);
}

export function updateTenantName(db: Db, tenantId: string, name: string) {
  return db
    .update(tenants)
    .set({ name, updatedAt: new Date() })
    .where(eq(tenants.id, tenantId))
    .returning();
}

/** Platform operator listing: every tenant. */
export async function listTenants(db: Db, q: { cursor?: string; limit: number }) {
  const after = decodeCursor(q.cursor);
  const rows = await db
    .select()
    .from(tenants)
    .where(after ? gt(tenants.id, after) : undefined)
    .orderBy(asc(tenants.id))
    .limit(q.limit + 1);
  return toPage(rows, q.limit);
}

/** The tenants a user belongs to, with their role in each. */
export async function listMembershipsOfUser(db: Db, userId: string) {
  return db
    .select({
      tenantId: tenants.id,
      tenantSlug: tenants.slug,
      tenantName: tenants.name,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(tenants.name));
}

export async function getMembershipOfUser(db: Db, tenantId: string, userId: string) {
  const rows = await db
    .select({ tenant: tenants, role: memberships.role, membershipId: memberships.id })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
    .limit(1);
  return rows[0];
}
