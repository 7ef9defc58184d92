// The platform operator: tenants and users across the platform (workers/api/routes/operator.ts).
import { describe, expect, it } from "vitest";
import {
  auditOf,
  call,
  countRows,
  createOperator,
  createUser,
  expectProblem,
  freshEmail,
  json,
  PASSWORD,
  rows,
  secretOf,
  uniq,
} from "../../factories.ts";

describe("POST /operator/tenants", () => {
  it("invites the owner by email when they have no account", async () => {
    const op = await createOperator();
    const ownerEmail = freshEmail("owner");
    const name = uniq("Acme Academy");
    const res = await call("/operator/tenants", { cookie: op.cookie, body: { name, ownerEmail } });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.tenant).toMatchObject({ name, slug: expect.stringMatching(/^acme-academy-/) });
    expect(body.tenant.id).toMatch(/^ten_[0-9A-Z]{26}$/);
    expect(body.ownerInvitationUrl).toMatch(/^http:\/\/lectern\.test\/invite\/[A-Za-z0-9_-]{40,}$/);

    const tenantId = body.tenant.id;
    expect(
      await countRows("SELECT count(*) AS n FROM memberships WHERE tenant_id = ?", tenantId),
    ).toBe(0);
    expect(
      await rows("SELECT email, role, invited_by FROM invitations WHERE tenant_id = ?", tenantId),
    ).toEqual([{ email: ownerEmail, role: "owner", invited_by: null }]);
    const [event] = await auditOf(res);
    expect(event).toMatchObject({
      tenant_id: tenantId,
      action: "tenant.created",
      target_type: "tenant",
      target_id: tenantId,
      actor_user_id: op.id,
      actor_email: op.email,
    });
    expect(JSON.parse(event?.data ?? "{}")).toMatchObject({ name, ownerEmail });

    // The link makes its holder the owner.
    const token = secretOf(body.ownerInvitationUrl);
    const accepted = await call("/invitations/accept", {
      body: { token, name: "First Owner", password: PASSWORD },
    });
    expect(accepted.status).toBe(200);
    expect(
      await rows(
        "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ? AND u.email = ?",
        tenantId,
        ownerEmail,
      ),
    ).toEqual([{ role: "owner" }]);
  });

  it("makes an existing account the owner directly", async () => {
    const op = await createOperator();
    const owner = await createUser();
    const res = await call("/operator/tenants", {
      cookie: op.cookie,
      body: {
        name: uniq("Beta"),
        slug: uniq("beta").toLowerCase(),
        ownerEmail: owner.email.toUpperCase(),
      },
    });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.ownerInvitationUrl).toBeNull();
    expect(
      await rows("SELECT user_id, role FROM memberships WHERE tenant_id = ?", body.tenant.id),
    ).toEqual([{ user_id: owner.id, role: "owner" }]);
    expect(
      await countRows("SELECT count(*) AS n FROM invitations WHERE tenant_id = ?", body.tenant.id),
    ).toBe(0);
  });

  it("derives a unique slug from the name", async () => {
    const op = await createOperator();
    const name = `Zürich ${uniq("School")}`;
    const first = await json(
      await call("/operator/tenants", {
        cookie: op.cookie,
        body: { name, ownerEmail: freshEmail() },
      }),
    );
    const second = await json(
      await call("/operator/tenants", {
        cookie: op.cookie,
        body: { name, ownerEmail: freshEmail() },
      }),
    );
    expect(first.tenant.slug).toMatch(/^zurich-school-/);
    expect(second.tenant.slug).toBe(`${first.tenant.slug}-2`);
  });

  it("answers 409 for a taken slug and writes nothing", async () => {
    const op = await createOperator();
    const slug = uniq("taken").toLowerCase();
    const first = await call("/operator/tenants", {
      cookie: op.cookie,
      body: { name: "First", slug, ownerEmail: freshEmail() },
    });
    expect(first.status).toBe(201);
    const ownerEmail = freshEmail();
    const name = uniq("Second");
    const res = await call("/operator/tenants", {
      cookie: op.cookie,
      body: { name, slug, ownerEmail },
    });
    const problem = await expectProblem(res, 409, "ALREADY_EXISTS");
    expect(problem.errors).toEqual([{ field: "slug", message: "is taken" }]);
    expect(await countRows("SELECT count(*) AS n FROM tenants WHERE name = ?", name)).toBe(0);
    expect(
      await countRows("SELECT count(*) AS n FROM invitations WHERE email = ?", ownerEmail),
    ).toBe(0);
    expect(await auditOf(res)).toEqual([]);
  });

  it.each([
    [{ name: "X", ownerEmail: "not-an-email" }, "ownerEmail"],
    [{ name: "", ownerEmail: "a@example.test" }, "name"],
    [{ name: "X", slug: "Not A Slug", ownerEmail: "a@example.test" }, "slug"],
    [{ name: "X", slug: "-x-", ownerEmail: "a@example.test" }, "slug"],
    [{ ownerEmail: "a@example.test" }, "name"],
    [{ name: "X", ownerEmail: "a@example.test", plan: "gold" }, "plan"],
  ])("rejects %j (field %s)", async (body, field) => {
    const op = await createOperator();
    const res = await call("/operator/tenants", { cookie: op.cookie, body });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field)).toContain(field);
  });
});

describe("GET /operator/tenants", () => {
  it("lists every tenant, oldest first, in pages", async () => {
    const op = await createOperator();
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call("/operator/tenants", {
        cookie: op.cookie,
        body: { name: uniq("Paged"), ownerEmail: freshEmail() },
      });
      made.push((await json(res)).tenant.id);
    }
    const page = async (limit: number, cursor?: string | null) => {
      const query: Record<string, string> = { limit: String(limit) };
      if (cursor) query.cursor = cursor;
      const res = await call("/operator/tenants", { cookie: op.cookie, query });
      expect(res.status).toBe(200);
      return json<{ items: { id: string }[]; nextCursor: string | null }>(res);
    };
    // Pages of two follow on from each other without overlap.
    const first = await page(2);
    expect(first.items).toHaveLength(2);
    const second = await page(2, first.nextCursor);
    expect(second.items.length).toBeGreaterThan(0);
    expect((second.items[0]?.id ?? "") > (first.items[1]?.id ?? "")).toBe(true);
    // Walking every page sees each tenant once, in id order, ending with a null cursor.
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 1_000; pages++) {
      const body = await page(100, cursor);
      seen.push(...body.items.map((t) => t.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
    for (const id of made) expect(seen).toContain(id);
  });

  it("rejects a cursor it did not issue", async () => {
    const op = await createOperator();
    for (const cursor of ["garbage!", btoa("ten_short"), "x".repeat(201)]) {
      const res = await call("/operator/tenants", { cookie: op.cookie, query: { cursor } });
      const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problem.errors?.[0]?.field).toBe("cursor");
    }
  });
});

describe("POST /operator/users/{userId}/disable and /enable", () => {
  it("disables and enables, recording both", async () => {
    const op = await createOperator();
    const user = await createUser();
    const off = await call(`/operator/users/${user.id}/disable`, {
      method: "POST",
      cookie: op.cookie,
    });
    expect(off.status).toBe(200);
    expect(await json(off)).toEqual({ ok: true });
    expect((await auditOf(off))[0]).toMatchObject({
      tenant_id: null,
      action: "user.disabled",
      target_type: "user",
      target_id: user.id,
      actor_user_id: op.id,
    });
    const on = await call(`/operator/users/${user.id}/enable`, {
      method: "POST",
      cookie: op.cookie,
    });
    expect(on.status).toBe(200);
    expect((await auditOf(on))[0]).toMatchObject({ action: "user.enabled", target_id: user.id });
    expect(await rows("SELECT disabled_at FROM users WHERE id = ?", user.id)).toEqual([
      { disabled_at: null },
    ]);
  });

  it("answers 404 for an unknown user and 400 for a malformed id", async () => {
    const op = await createOperator();
    const unknown = `usr_${"0".repeat(26)}`;
    for (const action of ["disable", "enable"]) {
      await expectProblem(
        await call(`/operator/users/${unknown}/${action}`, { method: "POST", cookie: op.cookie }),
        404,
        "NOT_FOUND",
      );
      const bad = await call(`/operator/users/not-a-user/${action}`, {
        method: "POST",
        cookie: op.cookie,
      });
      expect((await expectProblem(bad, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe(
        "userId",
      );
    }
  });
});
