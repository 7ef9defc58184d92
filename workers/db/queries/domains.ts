// Custom hostnames mapped to a site's live deploy (site_domains). Hostnames are unique across
// all tenants (the primary key), so `isDomainTaken` looks across tenants on purpose: it only
// answers whether a name is taken, never what it maps to.
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { siteDomains, users } from "../schema.ts";

/** A mapping with the name and email of who added it (null once that account is gone). */
function domainsWithCreator(db: Db) {
  return db
    .select({ domain: siteDomains, creatorName: users.name, creatorEmail: users.email })
    .from(siteDomains)
    .leftJoin(users, eq(users.id, siteDomains.createdBy));
}

type DomainRow = {
  domain: typeof siteDomains.$inferSelect;
  creatorName: string | null;
  creatorEmail: string | null;
};

const flatten = (r: DomainRow) => ({
  ...r.domain,
  creatorName: r.creatorName,
  creatorEmail: r.creatorEmail,
});

export async function listDomains(db: Db, tenantId: string) {
  const rows = await domainsWithCreator(db)
    .where(eq(siteDomains.tenantId, tenantId))
    .orderBy(asc(siteDomains.hostname));
  return rows.map(flatten);
}

export async function getDomain(db: Db, tenantId: string, hostname: string) {
  const rows = await domainsWithCreator(db)
    .where(and(eq(siteDomains.tenantId, tenantId), eq(siteDomains.hostname, hostname)))
    .limit(1);
  return rows[0] ? flatten(rows[0]) : undefined;
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
