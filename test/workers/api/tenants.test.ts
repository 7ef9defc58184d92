// A tenant as its members see it (workers/api/routes/tenants.ts).
import { describe, expect, it } from "vitest";
import {
  auditOf,
  call,
  createTenant,
  expectProblem,
  issueToken,
  json,
  rows,
  TENANT_ROLES,
} from "../../factories.ts";

describe("GET /tenants/{tenantId}", () => {
  it.each(TENANT_ROLES)("shows the tenant and the caller's role to a %s", async (role) => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}`, { cookie: t.roles[role].cookie });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toEqual({
      tenant: {
        id: t.tenant.id,
        slug: t.tenant.slug,
        name: t.tenant.name,
        createdAt: expect.stringMatching(/Z$/),
      },
      role,
    });
  });

  it("reports a token's effective role", async () => {
    const t = await createTenant();
    const token = await issueToken(t.tenant.id, t.roles.owner.id, "author");
    expect((await json(await call(`/tenants/${t.tenant.id}`, { token: token.secret }))).role).toBe(
      "author",
    );
  });
});

describe("PATCH /tenants/{tenantId}", () => {
  it.each(["owner", "admin"] as const)("renames the tenant as %s and records it", async (role) => {
    const t = await createTenant();
    const actor = t.roles[role];
    const res = await call(`/tenants/${t.tenant.id}`, {
      method: "PATCH",
      cookie: actor.cookie,
      body: { name: "  New Name  " },
    });
    expect(res.status).toBe(200);
    expect((await json(res)).tenant).toMatchObject({ id: t.tenant.id, name: "New Name" });
    expect(await rows("SELECT name, slug FROM tenants WHERE id = ?", t.tenant.id)).toEqual([
      { name: "New Name", slug: t.tenant.slug },
    ]);
    const [event] = await auditOf(res);
    expect(event).toMatchObject({
      tenant_id: t.tenant.id,
      action: "tenant.updated",
      target_type: "tenant",
      target_id: t.tenant.id,
      actor_user_id: actor.id,
    });
    expect(JSON.parse(event?.data ?? "{}")).toEqual({ from: t.tenant.name, to: "New Name" });
  });

  it.each(["author", "member"] as const)("refuses a %s (403) and keeps the name", async (role) => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}`, {
      method: "PATCH",
      cookie: t.roles[role].cookie,
      body: { name: "Taken Over" },
    });
    await expectProblem(res, 403, "FORBIDDEN");
    expect(await rows("SELECT name FROM tenants WHERE id = ?", t.tenant.id)).toEqual([
      { name: t.tenant.name },
    ]);
    expect(await auditOf(res)).toEqual([]);
  });

  it.each([
    [{ name: "" }, "name"],
    [{ name: "x".repeat(121) }, "name"],
    [{ name: 42 }, "name"],
    [{}, "name"],
    [{ name: "Ok", slug: "changed" }, "slug"],
  ])("rejects %j (field %s)", async (body, field) => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}`, {
      method: "PATCH",
      cookie: t.roles.owner.cookie,
      body,
    });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field)).toContain(field);
    expect(await rows("SELECT name, slug FROM tenants WHERE id = ?", t.tenant.id)).toEqual([
      { name: t.tenant.name, slug: t.tenant.slug },
    ]);
  });
});
