// Member management across tenants and through tokens: another tenant's members do not exist,
// and a token never does more than its owner's current role allows.
import { describe, expect, it } from "vitest";
import {
  call,
  createTenant,
  expectProblem,
  issueToken,
  rows,
  TENANT_ROLES,
} from "../../factories.ts";

describe("members across tenants", () => {
  it.each(TENANT_ROLES)(
    "a %s of tenant B cannot list, change or remove A's members (404)",
    async (role) => {
      const a = await createTenant();
      const b = await createTenant();
      const caller = b.roles[role].cookie;
      const target = a.roles.member.membershipId;
      await expectProblem(
        await call(`/tenants/${a.tenant.id}/members`, { cookie: caller }),
        404,
        "NOT_FOUND",
      );
      await expectProblem(
        await call(`/tenants/${a.tenant.id}/members/${target}`, {
          method: "PATCH",
          cookie: caller,
          body: { role: "owner" },
        }),
        404,
        "NOT_FOUND",
      );
      await expectProblem(
        await call(`/tenants/${a.tenant.id}/members/${target}`, {
          method: "DELETE",
          cookie: caller,
        }),
        404,
        "NOT_FOUND",
      );
      // Nor through their own tenant's path with A's member id.
      await expectProblem(
        await call(`/tenants/${b.tenant.id}/members/${target}`, {
          method: "PATCH",
          cookie: b.roles.owner.cookie,
          body: { role: "owner" },
        }),
        404,
        "NOT_FOUND",
      );
      expect(await rows("SELECT role FROM memberships WHERE id = ?", target)).toEqual([
        { role: "member" },
      ]);
    },
  );
});

describe("members through tokens", () => {
  it("an admin token can manage members; a member-role token of an owner cannot", async () => {
    const t = await createTenant();
    const admin = await issueToken(t.tenant.id, t.roles.owner.id, "admin");
    const weak = await issueToken(t.tenant.id, t.roles.owner.id, "member");
    const target = t.roles.author.membershipId;
    const res = await call(`/tenants/${t.tenant.id}/members/${target}`, {
      method: "PATCH",
      token: admin.secret,
      body: { role: "member" },
    });
    expect(res.status).toBe(200);
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/members/${target}`, {
        method: "PATCH",
        token: weak.secret,
        body: { role: "author" },
      }),
      403,
      "FORBIDDEN",
    );
    // An admin-role token cannot act on owners, though its holder is an owner.
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/members/${t.roles.owner.membershipId}`, {
        method: "DELETE",
        token: admin.secret,
      }),
      403,
      "FORBIDDEN",
    );
  });
});
