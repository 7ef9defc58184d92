// Site events for catalogs: what the live target of a site did (went live, went away, changed
// its catalog metadata). The event row is written in the same D1 batch as the change itself,
// so no change goes unannounced once the batch committed; the fan-out to endpoints then goes
// through the events queue (workers/queues/events.ts).

import { and, eq } from "drizzle-orm";
import type { SiteEventType } from "#schemas/learn";
import type { Db } from "#workers/db/client";
import { insertEvent } from "#workers/db/queries/learn";
import { sites, tenants } from "#workers/db/schema";
import { newId } from "#workers/domain/ids";
import { siteIdentity } from "#workers/public/site-json-loader";

export type PreparedEvent = {
  id: string;
  tenantId: string;
  statement: ReturnType<typeof insertEvent>;
};

/** The event row for a site (read before the batch it joins), or null if the site is gone. */
export async function prepareSiteEvent(
  env: Env,
  db: Db,
  tenantId: string,
  siteId: string,
  type: SiteEventType,
  /** What the batch the event joins changes about the site (a new slug moves its URLs). */
  change: { slug?: string } = {},
): Promise<PreparedEvent | null> {
  const rows = await db
    .select({ site: sites, tenantSlug: tenants.slug })
    .from(sites)
    .innerJoin(tenants, eq(tenants.id, sites.tenantId))
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const site = { ...row.site, ...change };
  const identity = await siteIdentity(env, db, row.tenantSlug, site);
  const id = newId("evt");
  return {
    id,
    tenantId,
    statement: insertEvent(db, {
      id,
      tenantId,
      siteId,
      type,
      data: {
        tenant: row.tenantSlug,
        site_id: siteId,
        site_uid: identity.siteUid,
        site_short_id: site.slug,
        site_url_path: identity.urlPath,
        url: identity.liveUrl,
      },
    }),
  };
}

/** After the batch: hand the event to the queue for its fan-out. Never throws. */
export async function announce(env: Env, event: PreparedEvent | null): Promise<void> {
  if (!event) return;
  try {
    await env.EVENTS_QUEUE.send({ kind: "fanout", tenantId: event.tenantId, eventId: event.id });
  } catch (err) {
    console.error(
      `[events] could not enqueue ${event.id}: ${err instanceof Error ? err.message : err}`,
    );
  }
}
