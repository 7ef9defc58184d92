// What delivery needs from D1, read only on a cache miss (workers/delivery caches every answer).
// The host lookups are cross-tenant by nature: a hostname names the tenant, so they return it.
import { and, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { siteDomains, sites, tenants } from "../schema.ts";

export type SiteHostRow = { tenantId: string; siteId: string; siteSlug: string };

/** The site at `<siteSlug>.<tenantSlug>.<domain>`, or undefined. */
export async function findSiteBySlugs(
  db: Db,
  tenantSlug: string,
  siteSlug: string,
): Promise<SiteHostRow | undefined> {
  const rows = await db
    .select({ tenantId: sites.tenantId, siteId: sites.id, siteSlug: sites.slug })
    .from(sites)
    .innerJoin(tenants, eq(tenants.id, sites.tenantId))
    .where(and(eq(tenants.slug, tenantSlug), eq(sites.slug, siteSlug)))
    .limit(1);
  return rows[0];
}

/** The site a custom hostname is mapped to, or undefined. */
export async function findSiteByDomain(db: Db, hostname: string): Promise<SiteHostRow | undefined> {
  const rows = await db
    .select({ tenantId: siteDomains.tenantId, siteId: siteDomains.siteId, siteSlug: sites.slug })
    .from(siteDomains)
    .innerJoin(
      sites,
      and(eq(sites.id, siteDomains.siteId), eq(sites.tenantId, siteDomains.tenantId)),
    )
    .where(eq(siteDomains.hostname, hostname))
    .limit(1);
  return rows[0];
}

/** The deploy each target of a site serves (null = not published there). */
export async function getSitePointers(db: Db, tenantId: string, siteId: string) {
  const rows = await db
    .select({
      slug: sites.slug,
      previewDeployId: sites.previewDeployId,
      liveDeployId: sites.liveDeployId,
    })
    .from(sites)
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)))
    .limit(1);
  return rows[0];
}
