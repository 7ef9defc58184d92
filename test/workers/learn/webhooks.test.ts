// Webhooks to catalogs, end to end in workerd: the real publish path raises the events, the
// events queue fans them out and delivers them to a real HTTP endpoint (the fake receiver),
// and each delivery is verified with the `standardwebhooks` library, an independent
// implementation of the Standard Webhooks spec.
import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import { webhookPayload } from "#schemas/learn";
import { insertDeliveries, insertEvent } from "#workers/db/queries/learn";
import { newId } from "#workers/domain/ids";
import worker from "../../../workers/app.ts";
import { call, createTenant, db, expectProblem, json, rows } from "../../factories.ts";
import {
  createKey,
  liveCourse,
  type ReceivedWebhook,
  received,
  receiverEndpoint,
  script,
  waitUntil,
} from "./support.ts";

function verify(secret: string, r: ReceivedWebhook) {
  return new Webhook(secret).verify(r.body, r.headers) as unknown;
}

describe("webhook endpoints (admin API)", () => {
  it("shows the whsec_ secret once, never again, and lists the endpoint without it", async () => {
    const t = await createTenant();
    const cookie = t.roles.admin.cookie;
    const res = await call(`/tenants/${t.tenant.id}/webhooks`, {
      cookie,
      body: { url: "https://learn.example.org/hooks/lectern", events: ["site.published"] },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = await json(res);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created.endpoint).toMatchObject({ enabled: true, events: ["site.published"] });
    const list = await call(`/tenants/${t.tenant.id}/webhooks`, { cookie });
    const one = await call(`/tenants/${t.tenant.id}/webhooks/${created.endpoint.id}`, { cookie });
    for (const r of [list, one]) {
      const text = await r.text();
      expect(r.status).toBe(200);
      expect(text).toContain(created.endpoint.id);
      expect(text).not.toContain(created.secret.slice(6));
      expect(text).not.toContain("whsec_");
    }
    const rotated = await json(
      await call(`/tenants/${t.tenant.id}/webhooks/${created.endpoint.id}/rotate-secret`, {
        cookie,
        body: { overlapHours: 24 },
      }),
    );
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.endpoint.secretRotating).toBe(true);
  });

  it("refuses URLs that are not https or point at private or local hosts, naming the field", async () => {
    const t = await createTenant();
    for (const url of [
      "http://learn.example.org/hook",
      "https://127.0.0.1/hook",
      "https://10.1.2.3/hook",
      "https://192.168.0.10/hook",
      "https://169.254.169.254/latest",
      "https://[::1]/hook",
      "https://[fd00::1]/hook",
      "https://localhost/hook",
      "https://api.localhost/hook",
      "https://intranet/hook",
      "https://2130706433/hook",
      "https://user:pw@learn.example.org/hook",
      "not a url",
    ]) {
      const res = await call(`/tenants/${t.tenant.id}/webhooks`, {
        cookie: t.roles.admin.cookie,
        body: { url },
      });
      const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problem.errors?.[0]?.field, url).toBe("url");
    }
    const events = await call(`/tenants/${t.tenant.id}/webhooks`, {
      cookie: t.roles.admin.cookie,
      body: { url: "https://learn.example.org/h", events: ["site.deleted"] },
    });
    expect((await expectProblem(events, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toMatch(
      /^events/,
    );
  });
});

describe("webhook deliveries", () => {
  it("sends site.published, site.updated and site.unpublished, signed per Standard Webhooks, with a signed JSON URL", async () => {
    const t = await createTenant();
    await createKey(t);
    const hook = await receiverEndpoint(t.tenant.id);
    const course = await liveCourse(t);
    const [published] = await waitUntil("site.published", async () => {
      const got = await received(hook.name);
      return got.length >= 1 ? got : null;
    });
    if (!published) throw new Error("nothing received");
    const payload = webhookPayload.parse(verify(hook.secret, published));
    expect(payload).toMatchObject({
      type: "site.published",
      data: {
        tenant: t.tenant.slug,
        site_id: course.site.id,
        site_short_id: course.site.slug,
        site_url_path: `courses/${course.site.slug}`,
      },
    });
    expect(published.headers["webhook-id"]).toBe(payload.data.event_id);
    expect(published.headers["content-type"]).toBe("application/json");
    // The ready-signed URL serves the site's JSON, with the same ids.
    const site = await call(payload.data.json_url as string);
    expect(site.status).toBe(200);
    expect((await json(site)).site_uid).toBe(payload.data.site_uid);

    // A metadata change on the live site: site.updated.
    const patched = await call(`${course.base}/content/${course.metadata.uid}`, {
      method: "PATCH",
      cookie: course.cookie,
      headers: { "if-match": '"1"' },
      body: { fields: { course_title: "Mechanics, revised" } },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    // Other content changes are no catalog news.
    await call(`${course.base}/content/${course.syllabus.uid}`, {
      method: "PATCH",
      cookie: course.cookie,
      headers: { "if-match": '"1"' },
      body: { body: "New text" },
    });
    const updated = await waitUntil("site.updated", async () => (await received(hook.name))[1]);
    expect(webhookPayload.parse(verify(hook.secret, updated)).type).toBe("site.updated");

    const res = await call(`${course.base}/unpublish`, { cookie: course.cookie, body: {} });
    expect(res.status).toBe(200);
    const gone = await waitUntil("site.unpublished", async () => (await received(hook.name))[2]);
    const unpublished = webhookPayload.parse(verify(hook.secret, gone));
    expect(unpublished.type).toBe("site.unpublished");
    expect((await call(unpublished.data.json_url as string)).status).toBe(404);
    expect((await received(hook.name)).map((r) => JSON.parse(r.body).type)).toEqual([
      "site.published",
      "site.updated",
      "site.unpublished",
    ]);
    const ids = (await received(hook.name)).map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(3);
  });

  it("announces a live site's new slug with site.updated, whose JSON URL uses the new slug", async () => {
    const t = await createTenant();
    await createKey(t);
    const course = await liveCourse(t);
    const hook = await receiverEndpoint(t.tenant.id, ["site.updated"]);
    const res = await call(course.base, {
      method: "PATCH",
      cookie: course.cookie,
      body: { slug: "mechanics-renamed" },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const r = await waitUntil("site.updated", async () => (await received(hook.name))[0]);
    const payload = webhookPayload.parse(verify(hook.secret, r));
    expect(payload.data).toMatchObject({
      site_short_id: "mechanics-renamed",
      site_url_path: "courses/mechanics-renamed",
    });
    expect(payload.data.url).toContain("mechanics-renamed.");
    const site = await call(payload.data.json_url as string);
    expect(site.status).toBe(200);
    expect((await json(site)).site_short_id).toBe("mechanics-renamed");
  });

  it("signs with both secrets during a rotation; a replay past the tolerance fails verification", async () => {
    const t = await createTenant();
    const hook = await receiverEndpoint(t.tenant.id);
    const rotated = await json(
      await call(`/tenants/${t.tenant.id}/webhooks/${hook.id}/rotate-secret`, {
        cookie: t.roles.admin.cookie,
        body: { overlapHours: 1 },
      }),
    );
    const sent = await call(`/tenants/${t.tenant.id}/webhooks/${hook.id}/test`, {
      cookie: t.roles.admin.cookie,
      body: {},
    });
    expect(sent.status, await sent.clone().text()).toBe(202);
    const r = await waitUntil("the test event", async () => (await received(hook.name))[0]);
    expect(r.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(webhookPayload.parse(verify(rotated.secret, r)).type).toBe("webhook.test");
    expect(webhookPayload.parse(verify(hook.secret, r)).type).toBe("webhook.test");
    // Tampered body or a wrong secret: refused.
    expect(() =>
      verify(rotated.secret, { ...r, body: r.body.replace("webhook.test", "site.published") }),
    ).toThrow();
    // The same request replayed 6 minutes later: beyond the library's 5-minute tolerance.
    const later = Date.now() + 6 * 60_000;
    const spy = vi.spyOn(Date, "now").mockReturnValue(later);
    try {
      expect(() => verify(rotated.secret, r)).toThrow(/timestamp/i);
    } finally {
      spy.mockRestore();
    }
  });

  it("retries a 500, then delivers once; the log shows both attempts", async () => {
    const t = await createTenant();
    const hook = await receiverEndpoint(t.tenant.id);
    await script(hook.name, [500, 200]);
    const sent = await json(
      await call(`/tenants/${t.tenant.id}/webhooks/${hook.id}/test`, {
        cookie: t.roles.admin.cookie,
        body: {},
      }),
    );
    const path = `/tenants/${t.tenant.id}/webhooks/${hook.id}/deliveries/${sent.id}`;
    const done = await waitUntil("the retry", async () => {
      const d = await json(await call(path, { cookie: t.roles.admin.cookie }));
      return d.state === "succeeded" ? d : null;
    });
    expect(done).toMatchObject({ attempts: 2, lastStatus: 200, lastError: null });
    expect(done.attemptLog.map((a: { status: number }) => a.status)).toEqual([500, 200]);
    expect(done.attemptLog[0].latencyMs).toBeGreaterThanOrEqual(0);
    const got = await received(hook.name);
    expect(got).toHaveLength(2);
    expect(got[0]?.headers["webhook-id"]).toBe(got[1]?.headers["webhook-id"]);
    // The delivery log lists it.
    const log = await json(
      await call(`/tenants/${t.tenant.id}/webhooks/${hook.id}/deliveries`, {
        cookie: t.roles.admin.cookie,
      }),
    );
    expect(log.items).toEqual([expect.objectContaining({ id: sent.id, state: "succeeded" })]);
  });

  it("gives up after the last attempt when the endpoint stays down, without holding up others", async () => {
    const t = await createTenant();
    const down = await receiverEndpoint(t.tenant.id);
    const up = await receiverEndpoint(t.tenant.id);
    await script(down.name, [503]);
    await liveCourse(t);
    // The healthy endpoint has its delivery while the other is still being retried.
    await waitUntil("the healthy endpoint", async () => (await received(up.name)).length === 1);
    const [downRow] = await rows<{ state: string }>(
      "SELECT state FROM webhook_deliveries WHERE endpoint_id = ?",
      down.id,
    );
    expect(downRow?.state).not.toBe("failed");
    const failed = await waitUntil(
      "the delivery to fail",
      async () => {
        const [d] = await rows<{
          state: string;
          attempts: number;
          last_error: string;
          last_status: number;
        }>(
          "SELECT state, attempts, last_error, last_status FROM webhook_deliveries WHERE endpoint_id = ?",
          down.id,
        );
        return d?.state === "failed" ? d : null;
      },
      60_000,
    );
    expect(failed).toMatchObject({ attempts: 10, last_status: 503 });
    expect(failed.last_error).toMatch(/gave up after 10 attempts/);
    expect(await received(down.name)).toHaveLength(10);
    expect(await received(up.name)).toHaveLength(1);
    // Visible in the log with every attempt; a manual redelivery tries once more.
    const log = await json(
      await call(`/tenants/${t.tenant.id}/webhooks/${down.id}/deliveries`, {
        cookie: t.roles.admin.cookie,
      }),
    );
    const delivery = log.items[0];
    expect(delivery).toMatchObject({ state: "failed", attempts: 10, eventType: "site.published" });
    await script(down.name, [200]);
    const again = await call(
      `/tenants/${t.tenant.id}/webhooks/${down.id}/deliveries/${delivery.id}/redeliver`,
      { cookie: t.roles.admin.cookie, body: {} },
    );
    expect(again.status, await again.clone().text()).toBe(202);
    await waitUntil("the redelivery", async () => {
      const [d] = await rows<{ state: string; attempts: number }>(
        "SELECT state, attempts FROM webhook_deliveries WHERE id = ?",
        delivery.id,
      );
      return d?.state === "succeeded" && d.attempts === 11;
    });
    const all = await received(down.name);
    expect(all).toHaveLength(11);
    expect(new Set(all.map((r) => r.headers["webhook-id"])).size).toBe(1);
  }, 90_000);

  it("re-sends an attempt whose consumer died after claiming it, once the claim is stale", async () => {
    const t = await createTenant();
    const hook = await receiverEndpoint(t.tenant.id);
    const eventId = newId("evt");
    const deliveryId = newId("dlv");
    await db().batch([
      insertEvent(db(), {
        id: eventId,
        tenantId: t.tenant.id,
        siteId: null,
        type: "webhook.test",
        data: { tenant: t.tenant.slug },
      }),
      insertDeliveries(db(), [
        {
          id: deliveryId,
          tenantId: t.tenant.id,
          endpointId: hook.id,
          eventId,
          // Claimed a minute ago by a consumer that never finished.
          state: "sending",
          attempts: 1,
          updatedAt: new Date(Date.now() - 60_000),
        },
      ]),
    ]);
    await env.EVENTS_QUEUE.send({ kind: "deliver", tenantId: t.tenant.id, deliveryId, attempt: 1 });
    await waitUntil("the re-sent attempt", async () => {
      const [d] = await rows<{ state: string; attempts: number }>(
        "SELECT state, attempts FROM webhook_deliveries WHERE id = ?",
        deliveryId,
      );
      return d?.state === "succeeded" && d.attempts === 1;
    });
    expect(await received(hook.name)).toHaveLength(1);
    // The same message again: the attempt is done, nothing is sent.
    await env.EVENTS_QUEUE.send({ kind: "deliver", tenantId: t.tenant.id, deliveryId, attempt: 1 });
    await new Promise((r) => setTimeout(r, 2500));
    expect(await received(hook.name)).toHaveLength(1);
  });

  it("the cron sweep re-sends a lost fan-out and an overdue attempt, and leaves recent ones alone", async () => {
    const t = await createTenant();
    const hook = await receiverEndpoint(t.tenant.id);
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    const event = (id: string, createdAt: Date, fannedOutAt: Date | null) =>
      insertEvent(db(), {
        id,
        tenantId: t.tenant.id,
        siteId: null,
        type: "site.published",
        data: { tenant: t.tenant.slug },
        createdAt,
        fannedOutAt,
      });
    // Its fan-out message was lost 10 minutes ago; another's was sent a minute ago (in flight).
    const lost = newId("evt");
    const recent = newId("evt");
    // Fanned out; its second attempt was due 10 minutes ago and never came.
    const retried = newId("evt");
    const overdue = newId("dlv");
    await db().batch([
      event(lost, minutesAgo(10), null),
      event(recent, minutesAgo(1), null),
      event(retried, minutesAgo(30), minutesAgo(30)),
      insertDeliveries(db(), [
        {
          id: overdue,
          tenantId: t.tenant.id,
          endpointId: hook.id,
          eventId: retried,
          state: "pending",
          attempts: 1,
          lastStatus: 500,
          nextAttemptAt: minutesAgo(10),
        },
      ]),
    ]);
    const ctx = createExecutionContext();
    await worker.scheduled?.(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);
    await waitUntil("the lost fan-out and the overdue attempt", async () => {
      const delivered = await rows<{ event_id: string; state: string; attempts: number }>(
        "SELECT event_id, state, attempts FROM webhook_deliveries WHERE tenant_id = ? AND state = 'succeeded' ORDER BY event_id",
        t.tenant.id,
      );
      return delivered.length === 2 ? delivered : null;
    });
    const delivered = await rows<{ event_id: string; attempts: number }>(
      "SELECT event_id, attempts FROM webhook_deliveries WHERE tenant_id = ?",
      t.tenant.id,
    );
    expect(Object.fromEntries(delivered.map((d) => [d.event_id, d.attempts]))).toEqual({
      [lost]: 1,
      [retried]: 2,
    });
    const ids = (await received(hook.name)).map(
      (r) => (JSON.parse(r.body) as { data: { event_id: string } }).data.event_id,
    );
    expect(ids.sort()).toEqual([lost, retried].sort());
    const [fanned] = await rows<{ fanned_out_at: number | null }>(
      "SELECT fanned_out_at FROM webhook_events WHERE id = ?",
      lost,
    );
    expect(fanned?.fanned_out_at).toBeGreaterThan(0);
    // A second sweep finds nothing of this tenant's to send: no duplicate reaches the endpoint.
    const again = createExecutionContext();
    await worker.scheduled?.(createScheduledController(), env, again);
    await waitOnExecutionContext(again);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await received(hook.name)).toHaveLength(2);
  });

  it("disables an endpoint that answers 410 Gone, and does not follow redirects", async () => {
    const t = await createTenant();
    const gone = await receiverEndpoint(t.tenant.id);
    const moved = await receiverEndpoint(t.tenant.id);
    await script(gone.name, [410]);
    await script(moved.name, [302, 200]);
    const cookie = t.roles.admin.cookie;
    for (const h of [gone, moved]) {
      expect(
        (await call(`/tenants/${t.tenant.id}/webhooks/${h.id}/test`, { cookie, body: {} })).status,
      ).toBe(202);
    }
    const endpoint = await waitUntil("the endpoint to be disabled", async () => {
      const e = await json(await call(`/tenants/${t.tenant.id}/webhooks/${gone.id}`, { cookie }));
      return e.enabled ? null : e;
    });
    expect(endpoint.disabledReason).toMatch(/410/);
    expect(await received(gone.name)).toHaveLength(1);
    // Disabled: no test event, no redelivery.
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/webhooks/${gone.id}/test`, { cookie, body: {} }),
      409,
      "CONFLICT",
    );
    // The redirect was logged as a failure and retried; its target was never called.
    const [d] = await waitUntil("the redirected delivery", async () => {
      const r = await rows<{ state: string; attempts: number }>(
        "SELECT state, attempts FROM webhook_deliveries WHERE endpoint_id = ?",
        moved.id,
      );
      return r[0]?.state === "succeeded" ? r : null;
    });
    expect(d?.attempts).toBe(2);
    const [first] = await rows<{ status: number; error: string }>(
      "SELECT a.status, a.error FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = ? ORDER BY a.attempt",
      moved.id,
    );
    expect(first).toMatchObject({ status: 302, error: "Redirects are not followed" });
    expect(await received(`${moved.name}-redirected`)).toHaveLength(0);
    // Enabled again, it takes events again.
    const enabled = await call(`/tenants/${t.tenant.id}/webhooks/${gone.id}`, {
      method: "PATCH",
      cookie,
      body: { enabled: true },
    });
    expect((await json(enabled)).enabled).toBe(true);
  });
});
