// Switching what a site's target serves outside a build: rollback to an earlier deploy and
// unpublish. One D1 batch each (pointer + audit); then delivery forgets its cached pointer.
import type { BuildTarget } from "#schemas/build-job";
import type { Db } from "#workers/db/client";
import { insertAuditEvent } from "#workers/db/queries/audit";
import { setSitePointer } from "#workers/db/queries/deploys";
import { invalidateSite } from "#workers/delivery/index";
import { newId } from "#workers/domain/ids";
import { announce, prepareSiteEvent } from "./site-events.ts";

export type Actor = { userId: string | null; email: string | null; requestId?: string | null };

export function auditRow(
  db: Db,
  actor: Actor,
  e: { tenantId: string; action: string; targetType: string; targetId: string; data?: object },
) {
  return insertAuditEvent(db, {
    id: newId("aud"),
    tenantId: e.tenantId,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    data: (e.data as Record<string, unknown>) ?? null,
    actorUserId: actor.userId,
    actorTokenId: null,
    actorEmail: actor.email,
    requestId: actor.requestId ?? null,
    ipAddress: null,
  });
}

/** Delivery's caches forget the site's pointers (this location at once, the CDN by tag). */
export async function afterPointerChange(env: Env, siteId: string): Promise<void> {
  try {
    await invalidateSite(env, siteId);
  } catch (err) {
    console.error(
      `[publish] cache invalidation for ${siteId} failed: ${err instanceof Error ? err.message : err}`,
    );
  }
}

export async function switchPointer(
  env: Env,
  db: Db,
  actor: Actor,
  p: {
    tenantId: string;
    siteId: string;
    target: BuildTarget;
    deployId: string | null;
    contentVersion: number | null;
    action: string;
  },
) {
  // The live target changing is news for catalogs: a rollback serves another deploy live
  // (site.published), an unpublish takes the site away (site.unpublished).
  const event =
    p.target === "live"
      ? await prepareSiteEvent(
          env,
          db,
          p.tenantId,
          p.siteId,
          p.deployId ? "site.published" : "site.unpublished",
        )
      : null;
  await db.batch([
    setSitePointer(db, p.tenantId, p.siteId, p.target, p.deployId, p.contentVersion),
    ...(event ? [event.statement] : []),
    auditRow(db, actor, {
      tenantId: p.tenantId,
      action: p.action,
      targetType: "site",
      targetId: p.siteId,
      data: { target: p.target, deployId: p.deployId },
    }),
  ]);
  await afterPointerChange(env, p.siteId);
  await announce(env, event);
}
