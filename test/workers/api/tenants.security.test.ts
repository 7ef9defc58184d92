// Another tenant's resource does not exist as far as the caller knows: 404, never 403.
import { describe, expect, it } from "vitest";
import {
  addMember,
  call,
  createTenant,
  expectProblem,
  issueToken,
  rows,
  TENANT_ROLES,
} from "../../factories.ts";

describe("tenant isolation", () => {
  it.each(TENANT_ROLES)("a %s of tenant B cannot read or rename tenant A (404)", async (role) => {
    const a = await createTenant();
    const b = await createTenant();
    const caller = b.roles[role];
    await expectProblem(
      await call(`/tenants/${a.tenant.id}`, { cookie: caller.cookie }),
      404,
      "NOT_FOUND",
    );
    const rename = await call(`/tenants/${a.tenant.id}`, {
      method: "PATCH",
      cookie: caller.cookie,
      body: { name: "Pwned" },
    });
    await expectProblem(rename, 404, "NOT_FOUND");
    expect(await rows("SELECT name FROM tenants WHERE id = ?", a.tenant.id)).toEqual([
      { name: a.tenant.name },
    ]);
  });

  it("a token of tenant B is 404 on tenant A, even when its owner belongs to both", async () => {
    const a = await createTenant();
    const b = await createTenant();
    // B's owner is also A's owner, but the token was issued in B.
    await addMember(a.tenant.id, "owner", { userId: b.roles.owner.id, email: b.roles.owner.email });
    const token = await issueToken(b.tenant.id, b.roles.owner.id, "owner");
    expect((await call(`/tenants/${b.tenant.id}`, { token: token.secret })).status).toBe(200);
    await expectProblem(
      await call(`/tenants/${a.tenant.id}`, { token: token.secret }),
      404,
      "NOT_FOUND",
    );
    expect((await call(`/tenants/${a.tenant.id}`, { cookie: b.roles.owner.cookie })).status).toBe(
      200,
    );
  });

  it("an unknown or malformed tenant id is 404 (same answer as someone else's)", async () => {
    const t = await createTenant();
    for (const id of [`ten_${"0".repeat(26)}`, "not-a-tenant", "ten_"]) {
      await expectProblem(
        await call(`/tenants/${id}`, { cookie: t.roles.owner.cookie }),
        404,
        "NOT_FOUND",
      );
    }
  });

  it("an anonymous caller is 401", async () => {
    const t = await createTenant();
    await expectProblem(await call(`/tenants/${t.tenant.id}`), 401, "UNAUTHENTICATED");
  });
});
