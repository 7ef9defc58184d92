// Who may manage a tenant's catalog access: tenant owners and admins only (keys:manage,
// webhooks:manage); another tenant's keys, endpoints and deliveries are 404; secrets are
// returned once (creation, rotation) and appear in no list, no read, no audit entry.
import { describe, expect, it } from "vitest";
import { call, createTenant, expectProblem, json, rows } from "../../factories.ts";
import { makeSite } from "../publish/support.ts";
import { createKey, receiverEndpoint } from "./support.ts";

describe("signing keys and webhook endpoints", () => {
  it("are for owners and admins; authors and members get 403", async () => {
    const t = await createTenant();
    for (const role of ["author", "member"] as const) {
      const cookie = t.roles[role].cookie;
      await expectProblem(
        await call(`/tenants/${t.tenant.id}/signing-keys`, { cookie }),
        403,
        "FORBIDDEN",
      );
      await expectProblem(
        await call(`/tenants/${t.tenant.id}/signing-keys`, { cookie, body: { name: "x" } }),
        403,
        "FORBIDDEN",
      );
      await expectProblem(
        await call(`/tenants/${t.tenant.id}/webhooks`, { cookie }),
        403,
        "FORBIDDEN",
      );
      await expectProblem(
        await call(`/tenants/${t.tenant.id}/signed-urls`, { cookie, body: {} }),
        403,
        "FORBIDDEN",
      );
    }
    for (const role of ["owner", "admin"] as const) {
      const res = await call(`/tenants/${t.tenant.id}/signing-keys`, {
        cookie: t.roles[role].cookie,
      });
      expect(res.status).toBe(200);
    }
  });

  it("are 404 from another tenant, however the ids are combined", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const key = await createKey(a);
    const hook = await receiverEndpoint(a.tenant.id);
    const bCookie = b.roles.owner.cookie;
    const bBase = `/tenants/${b.tenant.id}`;
    await expectProblem(
      await call(`${bBase}/signing-keys/${key.key.id}`, { method: "DELETE", cookie: bCookie }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(`${bBase}/signing-keys/${key.key.id}/rotate`, { cookie: bCookie, body: {} }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(`${bBase}/webhooks/${hook.id}`, { cookie: bCookie }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(`${bBase}/webhooks/${hook.id}/test`, { cookie: bCookie, body: {} }),
      404,
      "NOT_FOUND",
    );
    // A's delivery, looked up under B's endpoint or another A endpoint: 404.
    const sent = await json(
      await call(`/tenants/${a.tenant.id}/webhooks/${hook.id}/test`, {
        cookie: a.roles.owner.cookie,
        body: {},
      }),
    );
    const bHook = await receiverEndpoint(b.tenant.id);
    await expectProblem(
      await call(`${bBase}/webhooks/${bHook.id}/deliveries/${sent.id}`, { cookie: bCookie }),
      404,
      "NOT_FOUND",
    );
    const other = await receiverEndpoint(a.tenant.id);
    await expectProblem(
      await call(`/tenants/${a.tenant.id}/webhooks/${other.id}/deliveries/${sent.id}`, {
        cookie: a.roles.owner.cookie,
      }),
      404,
      "NOT_FOUND",
    );
    // B's signed URL for A's site: no such site in B.
    await createKey(b);
    const { site } = await makeSite(a);
    await expectProblem(
      await call(`${bBase}/signed-urls`, { cookie: bCookie, body: { siteId: site.id } }),
      404,
      "NOT_FOUND",
    );
  });

  it("return a key's secret once: not in the list, not in the audit log", async () => {
    const t = await createTenant();
    const created = await createKey(t);
    expect(created.secret).toMatch(/^lsk_[A-Za-z0-9_-]{43}$/);
    const list = await (
      await call(`/tenants/${t.tenant.id}/signing-keys`, { cookie: t.roles.admin.cookie })
    ).text();
    expect(list).toContain(created.key.id);
    expect(list).not.toContain(created.secret);
    expect(list).not.toContain("lsk_");
    const audit = await rows<{ data: string }>(
      "SELECT data FROM audit_events WHERE tenant_id = ?",
      t.tenant.id,
    );
    expect(JSON.stringify(audit)).not.toContain(created.secret);
  });

  it("make signed URLs with the current key; none without a key", async () => {
    const t = await createTenant();
    const cookie = t.roles.admin.cookie;
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/signed-urls`, { cookie, body: {} }),
      409,
      "CONFLICT",
    );
    const key = await createKey(t);
    const res = await call(`/tenants/${t.tenant.id}/signed-urls`, {
      cookie,
      body: { expiresInHours: 2 },
    });
    expect(res.status).toBe(201);
    const signed = await json(res);
    expect(signed.keyId).toBe(key.key.id);
    const url = new URL(signed.url);
    expect(url.pathname).toBe(`/public/v1/tenants/${t.tenant.slug}/sites`);
    expect(Number(url.searchParams.get("exp")) * 1000).toBe(Date.parse(signed.expiresAt));
    // The listing answers (empty: nothing live yet).
    const listing = await call(signed.url);
    expect(listing.status).toBe(200);
    expect((await json(listing)).items).toEqual([]);
  });
});
