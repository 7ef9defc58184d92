import { and, desc, eq, gt, isNull, lt } from "drizzle-orm";
import type { TenantRole } from "#schemas/roles";
import type { Db } from "../client.ts";
import { invitations, tenants } from "../schema.ts";
import { decodeCursor, toPage } from "./pagination.ts";

export function insertInvitation(
  db: Db,
  row: {
    id: string;
    tenantId: string;
    email: string;
    role: TenantRole;
    tokenHash: string;
    invitedBy: string | null;
    expiresAt: Date;
    /** Defaults to the database clock; pass the time the response reports. */
    createdAt?: Date;
  },
) {
  return db.insert(invitations).values(row);
}

export async function listInvitations(
  db: Db,
  tenantId: string,
  q: { cursor?: string; limit: number },
) {
  const before = decodeCursor(q.cursor);
  const rows = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.tenantId, tenantId), before ? lt(invitations.id, before) : undefined))
    .orderBy(desc(invitations.id))
    .limit(q.limit + 1);
  return toPage(rows, q.limit);
}

export async function getInvitation(db: Db, tenantId: string, invitationId: string) {
  return db.query.invitations.findFirst({
    where: and(eq(invitations.tenantId, tenantId), eq(invitations.id, invitationId)),
  });
}

/** A pending (not accepted, not revoked, not expired) invitation for this email. */
export async function findPendingInvitation(db: Db, tenantId: string, email: string, now: Date) {
  return db.query.invitations.findFirst({
    where: and(
      eq(invitations.tenantId, tenantId),
      eq(invitations.email, email),
      isNull(invitations.acceptedAt),
      isNull(invitations.revokedAt),
      gt(invitations.expiresAt, now),
    ),
  });
}

/**
 * Resolve an invitation link. The secret itself identifies the tenant: this is the one
 * invitation lookup that does not take a tenant id, because the holder has no tenant yet.
 */
export async function getInvitationByTokenHash(db: Db, tokenHash: string) {
  const rows = await db
    .select({ invitation: invitations, tenant: tenants })
    .from(invitations)
    .innerJoin(tenants, eq(tenants.id, invitations.tenantId))
    .where(eq(invitations.tokenHash, tokenHash))
    .limit(1);
  return rows[0];
}

/** Marks accepted only if still pending; the WHERE makes a reused link a no-op. */
export function markInvitationAccepted(
  db: Db,
  tenantId: string,
  invitationId: string,
  userId: string,
  now: Date,
) {
  return db
    .update(invitations)
    .set({ acceptedAt: now, acceptedBy: userId, updatedAt: now })
    .where(
      and(
        eq(invitations.tenantId, tenantId),
        eq(invitations.id, invitationId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    );
}

export function revokeInvitation(db: Db, tenantId: string, invitationId: string, now: Date) {
  return db
    .update(invitations)
    .set({ revokedAt: now, updatedAt: now })
    .where(
      and(
        eq(invitations.tenantId, tenantId),
        eq(invitations.id, invitationId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    );
}
