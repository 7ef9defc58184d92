// Custom hostnames mapped to a site's live deploy (site_domains). Hostnames are unique across
// all tenants (the primary key), so `domainOwner` looks across tenants on purpose: it only
// answers whether a name is taken, never what it maps to.
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { siteDomains } from "../schema.ts";

export async function listDomains(db: Db, tenantId: string) {
  return db
    .select()
    .from(siteDomains)
    .where(eq(siteDomains.tenantId, tenantId))
    .orderBy(asc(siteDomains.hostname));
}

export async function getDomain(db: Db, tenantId: string, hostname: string) {
  return db.query.siteDomains.findFirst({
    where: and(eq(siteDomains.tenantId, tenantId), eq(siteDomains.hostname, hostname)),
  });
}

/** Whether any tenant has mapped `hostname`. */
export async function isDomainTaken(db: Db, hostname: string): Promise<boolean> {
  const rows = await db
    .select({ hostname: siteDomains.hostname })
    .from(siteDomains)
    .where(eq(siteDomains.hostname, hostname))
    .limit(1);
  return rows.length > 0;
}

export function insertDomain(db: Db, row: typeof siteDomains.$inferInsert) {
  return db.insert(siteDomains).values(row);
}

export function deleteDomain(db: Db, tenantId: string, hostname: string) {
  return db
    .delete(siteDomains)
    .where(and(eq(siteDomains.tenantId, tenantId), eq(siteDomains.hostname, hostname)));
}
