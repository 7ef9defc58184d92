// Deploys (one build of a site for a target), the site pointers they switch, scheduled actions
// and mass rebuilds. Every function takes the tenant first (ADR 005) except the few the
// SitePublisher and the queue call with ids they were given by a tenant-scoped caller.
import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { BuildTarget } from "#schemas/build-job";
import type { DeployState } from "#schemas/publish";
import type { Db } from "../client.ts";
import { deploys, publishSchedules, rebuilds, sites, tenants, users } from "../schema.ts";
import { decodeCursor, toPage } from "./pagination.ts";

export type DeployRow = typeof deploys.$inferSelect;

const requester = {
  requesterName: users.name,
  requesterEmail: users.email,
};

export type DeployWithRequester = DeployRow & {
  requesterName: string | null;
  requesterEmail: string | null;
};

function withRequester(
  rows: { deploy: DeployRow; requesterName: string | null; requesterEmail: string | null }[],
) {
  return rows.map((r) => ({
    ...r.deploy,
    requesterName: r.requesterName,
    requesterEmail: r.requesterEmail,
  }));
}

export async function getDeploy(
  db: Db,
  tenantId: string,
  siteId: string,
  deployId: string,
): Promise<DeployWithRequester | undefined> {
  const rows = await db
    .select({ deploy: deploys, ...requester })
    .from(deploys)
    .leftJoin(users, eq(users.id, deploys.requestedBy))
    .where(
      and(eq(deploys.tenantId, tenantId), eq(deploys.siteId, siteId), eq(deploys.id, deployId)),
    )
    .limit(1);
  return withRequester(rows)[0];
}

export async function listDeploys(
  db: Db,
  tenantId: string,
  siteId: string,
  q: { cursor?: string; limit: number; target?: BuildTarget; state?: DeployState },
) {
  const before = decodeCursor(q.cursor);
  const rows = await db
    .select({ deploy: deploys, ...requester })
    .from(deploys)
    .leftJoin(users, eq(users.id, deploys.requestedBy))
    .where(
      and(
        eq(deploys.tenantId, tenantId),
        eq(deploys.siteId, siteId),
        q.target ? eq(deploys.target, q.target) : undefined,
        q.state ? eq(deploys.state, q.state) : undefined,
        before ? lt(deploys.id, before) : undefined,
      ),
    )
    .orderBy(desc(deploys.id))
    .limit(q.limit + 1);
  return toPage(withRequester(rows), q.limit);
}

/** The site's builds that are not finished (running and queued), oldest first. */
export async function activeDeploys(db: Db, tenantId: string, siteId: string) {
  const rows = await db
    .select({ deploy: deploys, ...requester })
    .from(deploys)
    .leftJoin(users, eq(users.id, deploys.requestedBy))
    .where(
      and(
        eq(deploys.tenantId, tenantId),
        eq(deploys.siteId, siteId),
        inArray(deploys.state, ["queued", "building", "uploading", "activating"]),
      ),
    )
    .orderBy(deploys.id);
  return withRequester(rows);
}

export function insertDeploy(db: Db, row: typeof deploys.$inferInsert) {
  return db.insert(deploys).values(row);
}

export function updateDeploy(
  db: Db,
  tenantId: string,
  deployId: string,
  patch: Partial<typeof deploys.$inferInsert>,
) {
  return db
    .update(deploys)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(deploys.tenantId, tenantId), eq(deploys.id, deployId)));
}

/** The pointer switch: one statement, so readers see the old deploy or the new, never a mix. */
export function setSitePointer(
  db: Db,
  tenantId: string,
  siteId: string,
  target: BuildTarget,
  deployId: string | null,
  contentVersion: number | null,
) {
  return db
    .update(sites)
    .set(
      target === "live"
        ? { liveDeployId: deployId, livePublishedVersion: contentVersion }
        : { previewDeployId: deployId, previewPublishedVersion: contentVersion },
    )
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)));
}

export async function getSiteWithTenant(db: Db, tenantId: string, siteId: string) {
  const rows = await db
    .select({ site: sites, tenantSlug: tenants.slug, tenantName: tenants.name })
    .from(sites)
    .innerJoin(tenants, eq(tenants.id, sites.tenantId))
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)))
    .limit(1);
  return rows[0];
}

/** Failed publishes `userId` asked for since `since`, newest first, with their site. */
export async function failedDeploysOf(db: Db, tenantId: string, userId: string, since: Date) {
  const rows = await db
    .select({ deploy: deploys, ...requester, siteTitle: sites.title, siteSlug: sites.slug })
    .from(deploys)
    .innerJoin(sites, eq(sites.id, deploys.siteId))
    .leftJoin(users, eq(users.id, deploys.requestedBy))
    .where(
      and(
        eq(deploys.tenantId, tenantId),
        eq(deploys.requestedBy, userId),
        eq(deploys.state, "failed"),
        gte(deploys.finishedAt, since),
      ),
    )
    .orderBy(desc(deploys.finishedAt))
    .limit(50);
  return rows.map((r) => ({
    deploy: { ...r.deploy, requesterName: r.requesterName, requesterEmail: r.requesterEmail },
    site: { id: r.deploy.siteId, title: r.siteTitle, slug: r.siteSlug },
  }));
}

// ---- Schedules ----

export type ScheduleRow = typeof publishSchedules.$inferSelect;

export async function listSchedules(
  db: Db,
  tenantId: string,
  siteId: string,
  opts: { pendingOnly?: boolean } = {},
) {
  const rows = await db
    .select({ schedule: publishSchedules, ...requester })
    .from(publishSchedules)
    .leftJoin(users, eq(users.id, publishSchedules.createdBy))
    .where(
      and(
        eq(publishSchedules.tenantId, tenantId),
        eq(publishSchedules.siteId, siteId),
        opts.pendingOnly ? eq(publishSchedules.state, "pending") : undefined,
      ),
    )
    .orderBy(publishSchedules.runAt, publishSchedules.id)
    .limit(200);
  return rows.map((r) => ({
    ...r.schedule,
    requesterName: r.requesterName,
    requesterEmail: r.requesterEmail,
  }));
}

export async function getSchedule(db: Db, tenantId: string, siteId: string, id: string) {
  const rows = await db
    .select({ schedule: publishSchedules, ...requester })
    .from(publishSchedules)
    .leftJoin(users, eq(users.id, publishSchedules.createdBy))
    .where(
      and(
        eq(publishSchedules.tenantId, tenantId),
        eq(publishSchedules.siteId, siteId),
        eq(publishSchedules.id, id),
      ),
    )
    .limit(1);
  const r = rows[0];
  return r
    ? { ...r.schedule, requesterName: r.requesterName, requesterEmail: r.requesterEmail }
    : undefined;
}

export async function nextScheduleAt(db: Db, tenantId: string, siteId: string) {
  const rows = await db
    .select({ runAt: sql<number>`min(${publishSchedules.runAt})` })
    .from(publishSchedules)
    .where(
      and(
        eq(publishSchedules.tenantId, tenantId),
        eq(publishSchedules.siteId, siteId),
        eq(publishSchedules.state, "pending"),
      ),
    );
  const v = rows[0]?.runAt;
  return typeof v === "number" ? v : null;
}

export async function dueSchedules(db: Db, tenantId: string, siteId: string, now: Date) {
  return db
    .select()
    .from(publishSchedules)
    .where(
      and(
        eq(publishSchedules.tenantId, tenantId),
        eq(publishSchedules.siteId, siteId),
        eq(publishSchedules.state, "pending"),
        lt(publishSchedules.runAt, new Date(now.getTime() + 1)),
      ),
    )
    .orderBy(publishSchedules.runAt)
    .limit(20);
}

/** Moves a pending schedule on; the WHERE makes it happen once (the guard checks changes). */
export function finishSchedule(
  db: Db,
  tenantId: string,
  id: string,
  state: "done" | "failed" | "cancelled",
  extra: { deployId?: string | null; message?: string | null } = {},
) {
  return db
    .update(publishSchedules)
    .set({ state, ...extra, updatedAt: new Date() })
    .where(
      and(
        eq(publishSchedules.tenantId, tenantId),
        eq(publishSchedules.id, id),
        eq(publishSchedules.state, "pending"),
      ),
    );
}

// ---- Mass rebuilds ----

export type RebuildRow = typeof rebuilds.$inferSelect;

/** Build outcomes of a rebuild, counted from its deploys. */
export async function rebuildCounts(db: Db, rebuildId: string) {
  const rows = await db
    .select({ state: deploys.state, n: sql<number>`count(*)` })
    .from(deploys)
    .where(eq(deploys.rebuildId, rebuildId))
    .groupBy(deploys.state);
  const by = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)])) as Partial<
    Record<DeployState, number>
  >;
  return { done: by.succeeded ?? 0, failed: by.failed ?? 0, cancelled: by.cancelled ?? 0 };
}

/** A rebuild of one tenant (tenantId given) or, for the operator, any (tenantId null). */
export async function getRebuild(db: Db, tenantId: string | null, rebuildId: string) {
  const rows = await db
    .select({ rebuild: rebuilds, ...requester })
    .from(rebuilds)
    .leftJoin(users, eq(users.id, rebuilds.createdBy))
    .where(
      and(
        eq(rebuilds.id, rebuildId),
        tenantId === null ? undefined : eq(rebuilds.tenantId, tenantId),
      ),
    )
    .limit(1);
  const r = rows[0];
  return r
    ? { ...r.rebuild, requesterName: r.requesterName, requesterEmail: r.requesterEmail }
    : undefined;
}

export async function listRebuilds(
  db: Db,
  scope: { tenantId: string } | { all: true },
  q: { cursor?: string; limit: number },
) {
  const before = decodeCursor(q.cursor);
  const rows = await db
    .select({ rebuild: rebuilds, ...requester })
    .from(rebuilds)
    .leftJoin(users, eq(users.id, rebuilds.createdBy))
    .where(
      and(
        "tenantId" in scope ? eq(rebuilds.tenantId, scope.tenantId) : undefined,
        before ? lt(rebuilds.id, before) : undefined,
      ),
    )
    .orderBy(desc(rebuilds.id))
    .limit(q.limit + 1);
  return toPage(
    rows.map((r) => ({
      ...r.rebuild,
      requesterName: r.requesterName,
      requesterEmail: r.requesterEmail,
    })),
    q.limit,
  );
}

/** Published, unarchived sites after `afterId` (by id), with the targets they serve. */
export async function publishedSitesPage(
  db: Db,
  tenantId: string | null,
  afterId: string | null,
  limit: number,
) {
  return db
    .select({
      id: sites.id,
      tenantId: sites.tenantId,
      previewDeployId: sites.previewDeployId,
      liveDeployId: sites.liveDeployId,
    })
    .from(sites)
    .where(
      and(
        tenantId ? eq(sites.tenantId, tenantId) : undefined,
        afterId ? sql`${sites.id} > ${afterId}` : undefined,
        isNull(sites.archivedAt),
        or(isNotNull(sites.liveDeployId), isNotNull(sites.previewDeployId)),
      ),
    )
    .orderBy(sites.id)
    .limit(limit);
}
