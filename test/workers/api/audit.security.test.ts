// Who may read a tenant's audit log: owners and admins (and tokens acting as one), nobody else.
import { describe, expect, it } from "vitest";
import { call, createTenant, expectProblem, issueToken } from "../../factories.ts";

describe("GET /tenants/{tenantId}/audit access", () => {
  it("is readable by owners and admins, and their tokens", async () => {
    const t = await createTenant();
    expect(
      (await call(`/tenants/${t.tenant.id}/audit`, { cookie: t.roles.admin.cookie })).status,
    ).toBe(200);
    const token = await issueToken(t.tenant.id, t.roles.owner.id, "admin");
    expect((await call(`/tenants/${t.tenant.id}/audit`, { token: token.secret })).status).toBe(200);
  });

  it.each(["author", "member"] as const)(
    "is closed to a %s, and to their tokens (403)",
    async (role) => {
      const t = await createTenant();
      await expectProblem(
        await call(`/tenants/${t.tenant.id}/audit`, { cookie: t.roles[role].cookie }),
        403,
        "FORBIDDEN",
      );
      const token = await issueToken(t.tenant.id, t.roles.owner.id, role);
      await expectProblem(
        await call(`/tenants/${t.tenant.id}/audit`, { token: token.secret }),
        403,
        "FORBIDDEN",
      );
    },
  );

  it("is 404 to other tenants and 401 to anonymous callers", async () => {
    const a = await createTenant();
    const b = await createTenant();
    await expectProblem(
      await call(`/tenants/${a.tenant.id}/audit`, { cookie: b.roles.owner.cookie }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(await call(`/tenants/${a.tenant.id}/audit`), 401, "UNAUTHENTICATED");
  });
});
