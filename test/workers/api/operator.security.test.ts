// Only the platform operator, signed in with a session, may use /operator; the operator has no
// access inside a tenant without a membership.
import { describe, expect, it } from "vitest";
import {
  addMember,
  call,
  countRows,
  createOperator,
  createTenant,
  createUser,
  expectProblem,
  freshEmail,
  issueToken,
  rows,
  TENANT_ROLES,
  uniq,
} from "../../factories.ts";

const operatorCalls = (userId: string) => [
  { path: "/operator/tenants", method: "GET" },
  {
    path: "/operator/tenants",
    method: "POST",
    body: { name: uniq("Nope"), ownerEmail: freshEmail() },
  },
  { path: `/operator/users/${userId}/disable`, method: "POST" },
  { path: `/operator/users/${userId}/enable`, method: "POST" },
];

describe("operator routes", () => {
  it.each(TENANT_ROLES)("refuse a tenant %s (403) and write nothing", async (role) => {
    const t = await createTenant();
    const target = await createUser();
    for (const req of operatorCalls(target.id)) {
      const res = await call(req.path, { ...req, cookie: t.roles[role].cookie });
      await expectProblem(res, 403, "FORBIDDEN");
    }
    expect(await rows("SELECT disabled_at FROM users WHERE id = ?", target.id)).toEqual([
      { disabled_at: null },
    ]);
  });

  it("refuse API tokens, even one held by the operator", async () => {
    const t = await createTenant();
    const op = await createOperator();
    await addMember(t.tenant.id, "owner", { userId: op.id, email: op.email });
    const token = await issueToken(t.tenant.id, op.id, "owner");
    const target = await createUser();
    for (const req of operatorCalls(target.id)) {
      await expectProblem(await call(req.path, { ...req, token: token.secret }), 403, "FORBIDDEN");
    }
    expect(
      await countRows("SELECT count(*) AS n FROM audit_events WHERE actor_token_id = ?", token.id),
    ).toBe(0);
  });

  it("refuse anonymous callers (401)", async () => {
    const target = await createUser();
    for (const req of operatorCalls(target.id)) {
      await expectProblem(await call(req.path, req), 401, "UNAUTHENTICATED");
    }
  });

  it("refuse a disabled operator", async () => {
    const op = await createOperator();
    const other = await createOperator();
    await call(`/operator/users/${op.id}/disable`, { method: "POST", cookie: other.cookie });
    await expectProblem(
      await call("/operator/tenants", { cookie: op.cookie }),
      401,
      "UNAUTHENTICATED",
    );
  });
});

describe("the operator inside a tenant", () => {
  it("sees no tenant they do not belong to (404)", async () => {
    const t = await createTenant();
    const op = await createOperator();
    for (const path of [
      `/tenants/${t.tenant.id}`,
      `/tenants/${t.tenant.id}/members`,
      `/tenants/${t.tenant.id}/audit`,
    ]) {
      await expectProblem(await call(path, { cookie: op.cookie }), 404, "NOT_FOUND");
    }
    const invite = await call(`/tenants/${t.tenant.id}/invitations`, {
      cookie: op.cookie,
      body: { email: freshEmail(), role: "owner" },
    });
    await expectProblem(invite, 404, "NOT_FOUND");
  });

  it("acts with their membership role when they have one", async () => {
    const t = await createTenant();
    const op = await createOperator();
    await addMember(t.tenant.id, "member", { userId: op.id, email: op.email });
    expect((await call(`/tenants/${t.tenant.id}`, { cookie: op.cookie })).status).toBe(200);
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/members`, { cookie: op.cookie }),
      403,
      "FORBIDDEN",
    );
  });
});
