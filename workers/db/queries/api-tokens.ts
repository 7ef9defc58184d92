import { and, desc, eq, isNull, lt } from "drizzle-orm";
import type { TenantRole } from "#schemas/roles";
import type { Db } from "../client.ts";
import { apiTokens, memberships, users } from "../schema.ts";
import { decodeCursor, toPage } from "./pagination.ts";

export function insertApiToken(
  db: Db,
  row: {
    id: string;
    tenantId: string;
    userId: string;
    name: string;
    role: TenantRole;
    prefix: string;
    tokenHash: string;
    expiresAt: Date | null;
    /** Defaults to the database clock; pass the time the response reports. */
    createdAt?: Date;
  },
) {
  return db.insert(apiTokens).values(row);
}

/** Tokens in a tenant; `userId` limits the list to one user's own tokens. */
export async function listApiTokens(
  db: Db,
  tenantId: string,
  q: { cursor?: string; limit: number; userId?: string },
) {
  const before = decodeCursor(q.cursor);
  const rows = await db
    .select()
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.tenantId, tenantId),
        q.userId ? eq(apiTokens.userId, q.userId) : undefined,
        before ? lt(apiTokens.id, before) : undefined,
      ),
    )
    .orderBy(desc(apiTokens.id))
    .limit(q.limit + 1);
  return toPage(rows, q.limit);
}

export async function getApiToken(db: Db, tenantId: string, tokenId: string) {
  return db.query.apiTokens.findFirst({
    where: and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, tokenId)),
  });
}

export function revokeApiToken(db: Db, tenantId: string, tokenId: string, now: Date) {
  return db
    .update(apiTokens)
    .set({ revokedAt: now, updatedAt: now })
    .where(
      and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)),
    );
}

export function revokeApiTokensOfUser(db: Db, tenantId: string, userId: string, now: Date) {
  return db
    .update(apiTokens)
    .set({ revokedAt: now, updatedAt: now })
    .where(
      and(
        eq(apiTokens.tenantId, tenantId),
        eq(apiTokens.userId, userId),
        isNull(apiTokens.revokedAt),
      ),
    );
}

/**
 * Resolve a bearer token to its user and current membership. The token hash identifies the
 * tenant, so this lookup takes none; the caller then scopes everything to `token.tenantId`.
 */
export async function findApiTokenByHash(db: Db, tokenHash: string) {
  const rows = await db
    .select({ token: apiTokens, user: users, membershipRole: memberships.role })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(
      memberships,
      and(eq(memberships.tenantId, apiTokens.tenantId), eq(memberships.userId, apiTokens.userId)),
    )
    .where(eq(apiTokens.tokenHash, tokenHash))
    .limit(1);
  return rows[0];
}

export function touchApiToken(db: Db, tokenId: string, now: Date) {
  return db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, tokenId));
}
