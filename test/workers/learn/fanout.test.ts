// 100 sites going live at once: 100 events, 100 deliveries to the tenant's endpoint, none lost
// and none doubled (each event's id is unique and arrives once).
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { insertDeploy } from "#workers/db/queries/deploys";
import { insertSite } from "#workers/db/queries/sites";
import { builtInStarterIds, ensureBuiltInStarters } from "#workers/domain/builtin-starters";
import { newId } from "#workers/domain/ids";
import { switchPointer } from "#workers/publishing/pointers";
import { countRows, createTenant, db } from "../../factories.ts";
import { received, receiverEndpoint, waitUntil } from "./support.ts";

it("publishes 100 sites at once: 100 deliveries, ids unique, nothing lost or doubled", async () => {
  const t = await createTenant();
  await ensureBuiltInStarters(db(), t.tenant.id);
  const course = builtInStarterIds(t.tenant.id, "course");
  const hook = await receiverEndpoint(t.tenant.id, ["site.published"]);
  const sites: { siteId: string; deployId: string }[] = [];
  for (let i = 0; i < 100; i++) {
    const siteId = newId("site");
    const deployId = newId("dep");
    sites.push({ siteId, deployId });
    await db().batch([
      insertSite(db(), {
        id: siteId,
        tenantId: t.tenant.id,
        slug: `bulk-${i}`,
        title: `Bulk ${i}`,
        starterId: course.starterId,
        starterVersionId: course.versionId,
      }),
      insertDeploy(db(), {
        id: deployId,
        tenantId: t.tenant.id,
        siteId,
        target: "live",
        state: "succeeded",
        contentVersion: 0,
        activatedAt: new Date(),
        finishedAt: new Date(),
      }),
    ]);
  }
  // All at once, through the one function that switches a live pointer.
  await Promise.all(
    sites.map((s) =>
      switchPointer(
        env,
        db(),
        { userId: t.roles.admin.id, email: null },
        {
          tenantId: t.tenant.id,
          siteId: s.siteId,
          target: "live",
          deployId: s.deployId,
          contentVersion: 0,
          action: "site.published",
        },
      ),
    ),
  );
  expect(
    await countRows("SELECT count(*) AS n FROM webhook_events WHERE tenant_id = ?", t.tenant.id),
  ).toBe(100);
  await waitUntil(
    "100 deliveries",
    async () =>
      (await countRows(
        "SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = ? AND state = 'succeeded'",
        hook.id,
      )) === 100,
    60_000,
  );
  expect(
    await countRows("SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?", hook.id),
  ).toBe(100);
  const got = await received(hook.name);
  expect(got).toHaveLength(100);
  const ids = new Set(got.map((r) => r.headers["webhook-id"]));
  expect(ids.size).toBe(100);
  const siteIds = new Set(got.map((r) => JSON.parse(r.body).data.site_id));
  expect(siteIds).toEqual(new Set(sites.map((s) => s.siteId)));
}, 120_000);
