import { describe, expect, it } from "vitest";
import { call, createTenant, json } from "../../factories.ts";

describe("smoke", () => {
  it("me works for a signed-in owner", async () => {
    const t = await createTenant();
    const res = await call("/me", { cookie: t.roles.owner.cookie });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.memberships[0].role).toBe("owner");
  });
});
