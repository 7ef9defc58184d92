// What a token can reach: its own tenant only, never beyond its holder's current role, and
// nothing once expired, revoked or orphaned (workers/api/middleware/authenticate.ts).
import { describe, expect, it } from "vitest";
import {
  addMember,
  auditOf,
  call,
  countRows,
  createTenant,
  createToken,
  exec,
  expectProblem,
  freshEmail,
  issueToken,
  json,
} from "../../factories.ts";

describe("using a token", () => {
  it("an expired token answers 401", async () => {
    const t = await createTenant();
    const token = await issueToken(t.tenant.id, t.roles.owner.id, "owner");
    await exec("UPDATE api_tokens SET expires_at = ? WHERE id = ?", Date.now() - 1_000, token.id);
    for (const path of ["/me", `/tenants/${t.tenant.id}`]) {
      await expectProblem(await call(path, { token: token.secret }), 401, "UNAUTHENTICATED");
    }
  });

  it("a token of tenant A is 404 on tenant B, even for someone who belongs to both", async () => {
    const a = await createTenant();
    const b = await createTenant();
    await addMember(b.tenant.id, "owner", { userId: a.roles.owner.id, email: a.roles.owner.email });
    const token = await issueToken(a.tenant.id, a.roles.owner.id, "owner");
    for (const path of [
      `/tenants/${b.tenant.id}`,
      `/tenants/${b.tenant.id}/members`,
      `/tenants/${b.tenant.id}/tokens`,
      `/tenants/${b.tenant.id}/audit`,
    ]) {
      await expectProblem(await call(path, { token: token.secret }), 404, "NOT_FOUND");
    }
    const invite = await call(`/tenants/${b.tenant.id}/invitations`, {
      token: token.secret,
      body: { email: freshEmail(), role: "member" },
    });
    await expectProblem(invite, 404, "NOT_FOUND");
    expect(
      await countRows("SELECT count(*) AS n FROM invitations WHERE tenant_id = ?", b.tenant.id),
    ).toBe(0);
  });

  it("is capped by its owner's current role after a demotion", async () => {
    const t = await createTenant();
    const admin = t.roles.admin;
    const { secret } = await createToken(t.tenant.id, admin, "admin");
    expect(
      (
        await call(`/tenants/${t.tenant.id}`, {
          method: "PATCH",
          token: secret,
          body: { name: "By token" },
        })
      ).status,
    ).toBe(200);
    await call(`/tenants/${t.tenant.id}/members/${admin.membershipId}`, {
      method: "PATCH",
      cookie: t.roles.owner.cookie,
      body: { role: "member" },
    });
    await expectProblem(
      await call(`/tenants/${t.tenant.id}`, {
        method: "PATCH",
        token: secret,
        body: { name: "Still admin?" },
      }),
      403,
      "FORBIDDEN",
    );
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/audit`, { token: secret }),
      403,
      "FORBIDDEN",
    );
    const view = await json(await call(`/tenants/${t.tenant.id}`, { token: secret }));
    expect(view.role).toBe("member");
  });

  it("stops working when its owner is removed from the tenant", async () => {
    const t = await createTenant();
    const token = await issueToken(t.tenant.id, t.roles.author.id, "author");
    await call(`/tenants/${t.tenant.id}/members/${t.roles.author.membershipId}`, {
      method: "DELETE",
      cookie: t.roles.owner.cookie,
    });
    await expectProblem(await call("/me", { token: token.secret }), 401, "UNAUTHENTICATED");
  });

  it("stops working if the membership disappears even without a revocation", async () => {
    const t = await createTenant();
    const token = await issueToken(t.tenant.id, t.roles.author.id, "author");
    await exec("DELETE FROM memberships WHERE id = ?", t.roles.author.membershipId);
    await expectProblem(await call("/me", { token: token.secret }), 401, "UNAUTHENTICATED");
  });

  it("records what it did with its own id", async () => {
    const t = await createTenant();
    const token = await issueToken(t.tenant.id, t.roles.admin.id, "admin");
    const res = await call(`/tenants/${t.tenant.id}`, {
      method: "PATCH",
      token: token.secret,
      body: { name: "Via token" },
    });
    expect((await auditOf(res))[0]).toMatchObject({
      actor_user_id: t.roles.admin.id,
      actor_token_id: token.id,
      actor_email: t.roles.admin.email,
    });
  });
});
