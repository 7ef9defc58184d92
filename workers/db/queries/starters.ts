import { and, asc, count, desc, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { starters, starterVersions } from "../schema.ts";

export async function listStarters(
  db: Db,
  tenantId: string,
  status: "active" | "inactive" | "all",
) {
  return db
    .select()
    .from(starters)
    .where(
      and(
        eq(starters.tenantId, tenantId),
        status === "all" ? undefined : eq(starters.status, status),
      ),
    )
    .orderBy(desc(starters.builtIn), asc(starters.name));
}

export async function countBuiltInStarters(db: Db, tenantId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(starters)
    .where(and(eq(starters.tenantId, tenantId), eq(starters.builtIn, true)));
  return row?.n ?? 0;
}

export async function getStarter(db: Db, tenantId: string, starterId: string) {
  return db.query.starters.findFirst({
    where: and(eq(starters.tenantId, tenantId), eq(starters.id, starterId)),
  });
}

export async function getStarterBySlug(db: Db, tenantId: string, slug: string) {
  return db.query.starters.findFirst({
    where: and(eq(starters.tenantId, tenantId), eq(starters.slug, slug)),
  });
}

export async function getStarterVersion(
  db: Db,
  tenantId: string,
  starterId: string,
  version: number,
) {
  return db.query.starterVersions.findFirst({
    where: and(
      eq(starterVersions.tenantId, tenantId),
      eq(starterVersions.starterId, starterId),
      eq(starterVersions.version, version),
    ),
  });
}

export async function getStarterVersionById(db: Db, tenantId: string, versionId: string) {
  return db.query.starterVersions.findFirst({
    where: and(eq(starterVersions.tenantId, tenantId), eq(starterVersions.id, versionId)),
  });
}

export async function listStarterVersions(db: Db, tenantId: string, starterId: string) {
  return db
    .select({
      id: starterVersions.id,
      version: starterVersions.version,
      createdBy: starterVersions.createdBy,
      createdAt: starterVersions.createdAt,
    })
    .from(starterVersions)
    .where(and(eq(starterVersions.tenantId, tenantId), eq(starterVersions.starterId, starterId)))
    .orderBy(desc(starterVersions.version));
}

export function insertStarter(db: Db, row: typeof starters.$inferInsert) {
  return db.insert(starters).values(row);
}

/** Idempotent: used to give every tenant the built-in starters. */
export function insertStarterIfMissing(db: Db, row: typeof starters.$inferInsert) {
  return db.insert(starters).values(row).onConflictDoNothing();
}

export function insertStarterVersion(db: Db, row: typeof starterVersions.$inferInsert) {
  return db.insert(starterVersions).values(row);
}

export function insertStarterVersionIfMissing(db: Db, row: typeof starterVersions.$inferInsert) {
  return db.insert(starterVersions).values(row).onConflictDoNothing();
}

export function updateStarter(
  db: Db,
  tenantId: string,
  starterId: string,
  set: Partial<Pick<typeof starters.$inferInsert, "name" | "status" | "currentVersion">>,
) {
  return db
    .update(starters)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(starters.tenantId, tenantId), eq(starters.id, starterId)));
}
