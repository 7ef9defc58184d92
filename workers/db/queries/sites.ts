import {
  and,
  asc,
  desc,
  eq,
  exists,
  gt,
  isNotNull,
  isNull,
  lt,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import type { SiteRole } from "#schemas/roles";
import type { SiteListQuery } from "#schemas/sites";
import type { Db } from "../client.ts";
import {
  memberships,
  siteCollaborators,
  sites,
  starters,
  starterVersions,
  tenants,
  users,
} from "../schema.ts";
import { decodeKeyCursor, encodeKeyCursor } from "./pagination.ts";
import { contains } from "./search.ts";

const siteColumns = {
  site: sites,
  starterSlug: starters.slug,
  starterName: starters.name,
  starterVersion: starterVersions.version,
};

export async function getSiteView(db: Db, tenantId: string, siteId: string) {
  const rows = await db
    .select(siteColumns)
    .from(sites)
    .innerJoin(starters, eq(starters.id, sites.starterId))
    .innerJoin(starterVersions, eq(starterVersions.id, sites.starterVersionId))
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)))
    .limit(1);
  return rows[0];
}

export async function getSiteBySlug(db: Db, tenantId: string, slug: string) {
  return db.query.sites.findFirst({
    where: and(eq(sites.tenantId, tenantId), eq(sites.slug, slug)),
  });
}

/**
 * Sites in a tenant. `visibleTo` limits the list to sites where that user collaborates (for
 * authors and members); owners and admins pass null and see every site.
 */
export async function listSites(
  db: Db,
  tenantId: string,
  q: SiteListQuery & { visibleTo: string | null },
) {
  const after = decodeKeyCursor(q.cursor);
  const byTitle = q.sort === "title" || q.sort === "-title";
  const ascending = q.sort === "title" || q.sort === "updated";
  const keyCol = byTitle ? sites.title : sites.updatedAt;
  const cmp = ascending ? gt : lt;
  let keyset: SQL | undefined;
  if (after) {
    const key = byTitle ? String(after.key) : new Date(Number(after.key));
    keyset = or(cmp(keyCol, key), and(eq(keyCol, key), cmp(sites.id, after.id)));
  }
  const rows = await db
    .select(siteColumns)
    .from(sites)
    .innerJoin(starters, eq(starters.id, sites.starterId))
    .innerJoin(starterVersions, eq(starterVersions.id, sites.starterVersionId))
    .where(
      and(
        eq(sites.tenantId, tenantId),
        keyset,
        q.visibleTo
          ? exists(
              db
                .select({ one: sql`1` })
                .from(siteCollaborators)
                .where(
                  and(
                    eq(siteCollaborators.siteId, sites.id),
                    eq(siteCollaborators.userId, q.visibleTo),
                  ),
                ),
            )
          : undefined,
        q.q ? or(contains(sites.title, q.q), contains(sites.slug, q.q)) : undefined,
        q.starter ? or(eq(starters.id, q.starter), eq(starters.slug, q.starter)) : undefined,
        q.published === "live" ? isNotNull(sites.livePublishedVersion) : undefined,
        q.published === "preview" ? isNotNull(sites.previewPublishedVersion) : undefined,
        q.published === "never"
          ? and(isNull(sites.livePublishedVersion), isNull(sites.previewPublishedVersion))
          : undefined,
        q.archived === "exclude" ? isNull(sites.archivedAt) : undefined,
        q.archived === "only" ? isNotNull(sites.archivedAt) : undefined,
      ),
    )
    .orderBy(ascending ? asc(keyCol) : desc(keyCol), ascending ? asc(sites.id) : desc(sites.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > q.limit && last
      ? encodeKeyCursor(byTitle ? last.site.title : last.site.updatedAt.getTime(), last.site.id)
      : null;
  return { items, nextCursor };
}

/** The caller's collaborator roles for a set of sites (one query for a whole page). */
export async function collaboratorRolesOf(db: Db, tenantId: string, userId: string) {
  const rows = await db
    .select({ siteId: siteCollaborators.siteId, role: siteCollaborators.role })
    .from(siteCollaborators)
    .where(and(eq(siteCollaborators.tenantId, tenantId), eq(siteCollaborators.userId, userId)));
  return new Map(rows.map((r) => [r.siteId, r.role]));
}

export function insertSite(db: Db, row: typeof sites.$inferInsert) {
  return db.insert(sites).values(row);
}

export function updateSite(
  db: Db,
  tenantId: string,
  siteId: string,
  set: Partial<Pick<typeof sites.$inferInsert, "title" | "slug" | "archivedAt">>,
) {
  return db
    .update(sites)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)));
}

// ---- Collaborators ----

const collaboratorColumns = {
  id: siteCollaborators.id,
  userId: siteCollaborators.userId,
  role: siteCollaborators.role,
  createdAt: siteCollaborators.createdAt,
  email: users.email,
  name: users.name,
};

export async function listCollaborators(db: Db, tenantId: string, siteId: string) {
  return db
    .select(collaboratorColumns)
    .from(siteCollaborators)
    .innerJoin(users, eq(users.id, siteCollaborators.userId))
    .where(and(eq(siteCollaborators.tenantId, tenantId), eq(siteCollaborators.siteId, siteId)))
    .orderBy(asc(siteCollaborators.id));
}

export async function getCollaborator(
  db: Db,
  tenantId: string,
  siteId: string,
  collaboratorId: string,
) {
  const rows = await db
    .select(collaboratorColumns)
    .from(siteCollaborators)
    .innerJoin(users, eq(users.id, siteCollaborators.userId))
    .where(
      and(
        eq(siteCollaborators.tenantId, tenantId),
        eq(siteCollaborators.siteId, siteId),
        eq(siteCollaborators.id, collaboratorId),
      ),
    )
    .limit(1);
  return rows[0];
}

export function insertCollaborator(
  db: Db,
  row: { id: string; tenantId: string; siteId: string; userId: string; role: SiteRole },
) {
  return db.insert(siteCollaborators).values(row);
}

export function updateCollaboratorRole(
  db: Db,
  tenantId: string,
  collaboratorId: string,
  role: SiteRole,
) {
  return db
    .update(siteCollaborators)
    .set({ role, updatedAt: new Date() })
    .where(and(eq(siteCollaborators.tenantId, tenantId), eq(siteCollaborators.id, collaboratorId)));
}

export function deleteCollaborator(db: Db, tenantId: string, collaboratorId: string) {
  return db
    .delete(siteCollaborators)
    .where(and(eq(siteCollaborators.tenantId, tenantId), eq(siteCollaborators.id, collaboratorId)));
}

export function deleteCollaboratorsOfUser(db: Db, tenantId: string, userId: string) {
  return db
    .delete(siteCollaborators)
    .where(and(eq(siteCollaborators.tenantId, tenantId), eq(siteCollaborators.userId, userId)));
}

/**
 * Everything a site-scoped request's authorization needs in one query: the caller's membership
 * of the tenant (with the tenant), and the site with the caller's collaborator role. `site` is
 * null when the tenant has no such site; no row at all when the caller is not a member.
 */
export async function getSiteAccess(db: Db, tenantId: string, siteId: string, userId: string) {
  const rows = await db
    .select({
      tenant: tenants,
      role: memberships.role,
      site: sites,
      collaboratorRole: siteCollaborators.role,
    })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .leftJoin(sites, and(eq(sites.tenantId, memberships.tenantId), eq(sites.id, siteId)))
    .leftJoin(
      siteCollaborators,
      and(eq(siteCollaborators.siteId, sites.id), eq(siteCollaborators.userId, userId)),
    )
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
    .limit(1);
  return rows[0];
}
