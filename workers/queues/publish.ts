// The publish queue's consumer. Mass rebuilds fan out page by page (a tenant may have thousands
// of sites: no request enqueues them all at once), and each site's share goes to its
// SitePublisher, which coalesces it with anything already waiting. Builder concurrency is the
// builder's own bound: a full builder answers 503 and the SitePublisher retries with backoff.
import { and, eq, sql } from "drizzle-orm";
import { type PublishMessage, publishMessage } from "#schemas/publish-queue";
import { createDb } from "#workers/db/client";
import { insertDeploy, publishedSitesPage } from "#workers/db/queries/deploys";
import { rebuilds } from "#workers/db/schema";
import { newId } from "#workers/domain/ids";
import { publisherOf } from "#workers/publishing/publisher";
import { consumeEach } from "./consume.ts";

const FANOUT_PAGE = 50;

export async function handlePublishBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  await consumeEach(
    batch,
    publishMessage,
    { name: "publish-queue", maxDelaySeconds: 60, describe: (msg) => msg.kind },
    (msg) => handle(msg, env),
  );
}

async function rebuildState(env: Env, rebuildId: string) {
  const db = createDb(env.DB);
  const row = await db
    .select({ state: rebuilds.state })
    .from(rebuilds)
    .where(eq(rebuilds.id, rebuildId))
    .limit(1);
  return row[0]?.state ?? null;
}

async function handle(msg: PublishMessage, env: Env) {
  const db = createDb(env.DB);
  if (msg.kind === "publish") {
    if (msg.rebuildId && (await rebuildState(env, msg.rebuildId)) !== "running") {
      // Cancelled: record the skipped share, so the rebuild's counts add up.
      await insertDeploy(db, {
        id: newId("dep"),
        tenantId: msg.tenantId,
        siteId: msg.siteId,
        target: msg.target,
        state: "cancelled",
        requestedBy: msg.requestedBy,
        rebuildId: msg.rebuildId,
        message: "Mass rebuild cancelled",
        finishedAt: new Date(),
      });
      return;
    }
    await publisherOf(env, msg.siteId).request({
      tenantId: msg.tenantId,
      siteId: msg.siteId,
      target: msg.target,
      requestedBy: msg.requestedBy,
      rebuildId: msg.rebuildId,
    });
    return;
  }
  // rebuild-fanout
  if ((await rebuildState(env, msg.rebuildId)) !== "running") return;
  const sitesPage = await publishedSitesPage(db, msg.tenantId, msg.afterId, FANOUT_PAGE);
  const shares: PublishMessage[] = [];
  for (const s of sitesPage) {
    for (const target of ["live", "preview"] as const) {
      if ((target === "live" ? s.liveDeployId : s.previewDeployId) === null) continue;
      shares.push({
        kind: "publish",
        tenantId: s.tenantId,
        siteId: s.id,
        target,
        requestedBy: msg.requestedBy,
        rebuildId: msg.rebuildId,
      });
    }
  }
  const last = sitesPage.at(-1);
  const more = sitesPage.length === FANOUT_PAGE && last;
  // Count first: a share may finish before the next page is counted, and the rebuild must not
  // look finished early (it is not "enqueued" until the last page).
  await db
    .update(rebuilds)
    .set({
      total: sql`${rebuilds.total} + ${shares.length}`,
      ...(more ? {} : { enqueued: true }),
      updatedAt: new Date(),
    })
    .where(and(eq(rebuilds.id, msg.rebuildId)));
  for (let i = 0; i < shares.length; i += 100) {
    await env.PUBLISH_QUEUE.sendBatch(shares.slice(i, i + 100).map((body) => ({ body })));
  }
  if (more) {
    await env.PUBLISH_QUEUE.send({ ...msg, afterId: last.id });
  } else if (shares.length === 0) {
    await settleEmptyRebuild(env, msg.rebuildId);
  }
}

/** A rebuild whose last page added nothing may already be complete (or had nothing at all). */
async function settleEmptyRebuild(env: Env, rebuildId: string) {
  const db = createDb(env.DB);
  await db
    .update(rebuilds)
    .set({ state: "finished", finishedAt: new Date(), updatedAt: new Date() })
    .where(
      and(
        eq(rebuilds.id, rebuildId),
        eq(rebuilds.state, "running"),
        sql`${rebuilds.total} <= (select count(*) from deploys where rebuild_id = ${rebuildId} and state in ('succeeded','failed','cancelled'))`,
      ),
    );
}
