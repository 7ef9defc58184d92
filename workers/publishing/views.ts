// API shapes of deploys, schedules, rebuilds and a site's publish status (schemas/publish.ts),
// from D1 rows. Shared by the API routes and the SitePublisher's live pushes, so both say the
// same thing.
import type { BuildTarget } from "#schemas/build-job";
import type { Deploy, PublishStatus, Rebuild, Schedule } from "#schemas/publish";
import type { Db } from "#workers/db/client";
import {
  activeDeploys,
  type DeployWithRequester,
  getSiteWithTenant,
  listSchedules,
  type RebuildRow,
  rebuildCounts,
} from "#workers/db/queries/deploys";
import { siteOrigin } from "#workers/domain/site-hosts";
import { config } from "#workers/env";

const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);

type Pointers = { previewDeployId: string | null; liveDeployId: string | null };

function person(id: string | null, name: string | null, email: string | null) {
  return id && email ? { id, name: name ?? email, email } : null;
}

export function deployView(env: Env, row: DeployWithRequester, pointers: Pointers): Deploy {
  const finished = row.finishedAt?.getTime();
  return {
    id: row.id,
    target: row.target,
    state: row.state,
    contentVersion: row.contentVersion,
    requestedBy: person(row.requestedBy, row.requesterName, row.requesterEmail),
    requests: row.requests,
    rebuildId: row.rebuildId,
    attempt: row.attempt,
    progress: row.progress === null ? null : row.progress / 1000,
    message: row.message,
    files: row.files,
    blobsUploaded: row.blobsUploaded,
    bytesUploaded: row.bytesUploaded,
    offlineUrl: row.offlineKey
      ? `${config(env).appOrigin}/api/v1/tenants/${row.tenantId}/sites/${row.siteId}/deploys/${row.id}/offline`
      : null,
    offlineBytes: row.offlineBytes,
    current: (row.target === "live" ? pointers.liveDeployId : pointers.previewDeployId) === row.id,
    createdAt: row.createdAt.toISOString(),
    startedAt: isoOrNull(row.startedAt),
    activatedAt: isoOrNull(row.activatedAt),
    finishedAt: isoOrNull(row.finishedAt),
    durationMs: finished === undefined ? null : finished - row.createdAt.getTime(),
    timings: row.timings ?? null,
    brokenLinkCount: row.report?.brokenLinkCount ?? null,
    contentIssueCount: row.report?.contentIssueCount ?? null,
  };
}

export function scheduleView(row: Awaited<ReturnType<typeof listSchedules>>[number]): Schedule {
  return {
    id: row.id,
    action: row.action,
    runAt: row.runAt.toISOString(),
    state: row.state,
    createdBy: person(row.createdBy, row.requesterName, row.requesterEmail),
    deployId: row.deployId,
    message: row.message,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function rebuildView(
  db: Db,
  row: RebuildRow & { requesterName: string | null; requesterEmail: string | null },
): Promise<Rebuild> {
  const counts = await rebuildCounts(db, row.id);
  const settled = counts.done + counts.failed + counts.cancelled;
  return {
    id: row.id,
    tenantId: row.tenantId,
    state: row.state,
    total: row.total,
    ...counts,
    remaining: Math.max(0, row.total - settled),
    createdBy: person(row.createdBy, row.requesterName, row.requesterEmail),
    createdAt: row.createdAt.toISOString(),
    finishedAt: isoOrNull(row.finishedAt),
  };
}

/** Everything the publish panel shows at the top, from D1 (no call to the Durable Object). */
export async function loadPublishStatus(
  env: Env,
  db: Db,
  tenantId: string,
  siteId: string,
): Promise<PublishStatus | null> {
  const [row, active, schedules] = await Promise.all([
    getSiteWithTenant(db, tenantId, siteId),
    activeDeploys(db, tenantId, siteId),
    listSchedules(db, tenantId, siteId, { pendingOnly: true }),
  ]);
  if (!row) return null;
  const { site } = row;
  const cfg = config(env);
  const target = (t: BuildTarget) => {
    const deployId = t === "live" ? site.liveDeployId : site.previewDeployId;
    const version = t === "live" ? site.livePublishedVersion : site.previewPublishedVersion;
    return {
      deployId,
      contentVersion: deployId ? version : null,
      url: `${siteOrigin(cfg, t, row.tenantSlug, site.slug)}/`,
      changes: !deployId || site.contentVersion !== version,
    };
  };
  const views = active.map((d) => deployView(env, d, site));
  return {
    siteId,
    contentVersion: site.contentVersion,
    preview: target("preview"),
    live: target("live"),
    current: views.find((d) => d.state !== "queued") ?? null,
    queued: views.filter((d) => d.state === "queued"),
    schedules: schedules.map(scheduleView),
  };
}
