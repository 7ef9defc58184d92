// Members of a tenant: list, change role, remove (workers/api/routes/members.ts).
import { describe, expect, it } from "vitest";
import {
  addMember,
  auditOf,
  call,
  countRows,
  createTenant,
  expectProblem,
  issueToken,
  json,
  rows,
  sessionRowsOf,
  TENANT_ROLES,
} from "../../factories.ts";

const roleOf = async (membershipId: string) =>
  (await rows<{ role: string }>("SELECT role FROM memberships WHERE id = ?", membershipId))[0]
    ?.role;

describe("GET /tenants/{tenantId}/members", () => {
  it("lists every member with their role", async () => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}/members`, { cookie: t.roles.author.cookie });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.nextCursor).toBeNull();
    expect(body.items).toHaveLength(4);
    for (const role of TENANT_ROLES) {
      const m = t.roles[role];
      expect(body.items).toContainEqual({
        id: m.membershipId,
        userId: m.id,
        email: m.email,
        name: m.email.split("@")[0],
        role,
        disabled: false,
        createdAt: expect.stringMatching(/Z$/),
      });
    }
  });

  it("pages with an opaque cursor", async () => {
    const t = await createTenant();
    const all: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string> = { limit: "3" };
      if (cursor) query.cursor = cursor;
      const res = await call(`/tenants/${t.tenant.id}/members`, {
        cookie: t.roles.owner.cookie,
        query,
      });
      const body = await json(res);
      all.push(...body.items.map((m: { id: string }) => m.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(all.sort()).toEqual(TENANT_ROLES.map((r) => t.roles[r].membershipId).sort());
  });

  it("rejects a bad cursor or limit", async () => {
    const t = await createTenant();
    for (const [query, field] of [
      [{ cursor: "not-a-cursor" }, "cursor"],
      [{ cursor: btoa("mem_123") }, "cursor"],
      [{ limit: "0" }, "limit"],
      [{ limit: "101" }, "limit"],
      [{ limit: "many" }, "limit"],
      [{ sort: "email" }, "sort"],
    ] as const) {
      const res = await call(`/tenants/${t.tenant.id}/members`, {
        cookie: t.roles.owner.cookie,
        query,
      });
      const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problem.errors?.map((e) => e.field)).toContain(field);
    }
  });

  it("is closed to plain members (403)", async () => {
    const t = await createTenant();
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/members`, { cookie: t.roles.member.cookie }),
      403,
      "FORBIDDEN",
    );
  });
});

describe("PATCH /tenants/{tenantId}/members/{memberId}", () => {
  const patch = (t: { tenant: { id: string } }, cookie: string, memberId: string, role: string) =>
    call(`/tenants/${t.tenant.id}/members/${memberId}`, {
      method: "PATCH",
      cookie,
      body: { role },
    });

  it("lets an owner change any role, and records it", async () => {
    const t = await createTenant();
    const res = await patch(t, t.roles.owner.cookie, t.roles.author.membershipId, "owner");
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: t.roles.author.membershipId, role: "owner" });
    expect(await roleOf(t.roles.author.membershipId)).toBe("owner");
    const [event] = await auditOf(res);
    expect(event).toMatchObject({
      tenant_id: t.tenant.id,
      action: "member.role_changed",
      target_type: "member",
      target_id: t.roles.author.membershipId,
      actor_user_id: t.roles.owner.id,
    });
    expect(JSON.parse(event?.data ?? "{}")).toEqual({
      email: t.roles.author.email,
      from: "author",
      to: "owner",
    });
  });

  it("lets an admin manage roles up to admin", async () => {
    const t = await createTenant();
    const admin = t.roles.admin.cookie;
    expect((await patch(t, admin, t.roles.member.membershipId, "author")).status).toBe(200);
    expect((await patch(t, admin, t.roles.author.membershipId, "admin")).status).toBe(200);
    const other = await addMember(t.tenant.id, "admin");
    expect((await patch(t, admin, other.membershipId, "member")).status).toBe(200);
    expect(await roleOf(other.membershipId)).toBe("member");
  });

  it("does not let an admin touch an owner or grant owner (403)", async () => {
    const t = await createTenant();
    const admin = t.roles.admin.cookie;
    const demote = await patch(t, admin, t.roles.owner.membershipId, "member");
    await expectProblem(demote, 403, "FORBIDDEN");
    const promote = await patch(t, admin, t.roles.author.membershipId, "owner");
    await expectProblem(promote, 403, "FORBIDDEN");
    const self = await patch(t, admin, t.roles.admin.membershipId, "owner");
    await expectProblem(self, 403, "FORBIDDEN");
    expect(await roleOf(t.roles.owner.membershipId)).toBe("owner");
    expect(await roleOf(t.roles.author.membershipId)).toBe("author");
    expect(await roleOf(t.roles.admin.membershipId)).toBe("admin");
    expect(await auditOf(demote)).toEqual([]);
  });

  it.each(["author", "member"] as const)("is closed to a %s (403)", async (role) => {
    const t = await createTenant();
    const res = await patch(t, t.roles[role].cookie, t.roles.member.membershipId, "member");
    await expectProblem(res, 403, "FORBIDDEN");
  });

  it("keeps the last owner an owner (409)", async () => {
    const t = await createTenant();
    const res = await patch(t, t.roles.owner.cookie, t.roles.owner.membershipId, "admin");
    const problem = await expectProblem(res, 409, "CONFLICT");
    expect(problem.errors?.[0]?.field).toBe("role");
    expect(await roleOf(t.roles.owner.membershipId)).toBe("owner");
    expect(await auditOf(res)).toEqual([]);
  });

  it("lets an owner step down when another owner remains", async () => {
    const t = await createTenant();
    const second = await addMember(t.tenant.id, "owner");
    const res = await patch(t, t.roles.owner.cookie, t.roles.owner.membershipId, "admin");
    expect(res.status).toBe(200);
    // Now `second` is the last owner.
    const res2 = await patch(t, second.cookie, second.membershipId, "admin");
    await expectProblem(res2, 409, "CONFLICT");
  });

  it("answers 404 for another tenant's member and 400 for a malformed id", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const res = await patch(a, a.roles.owner.cookie, b.roles.member.membershipId, "admin");
    await expectProblem(res, 404, "NOT_FOUND");
    expect(await roleOf(b.roles.member.membershipId)).toBe("member");
    const bad = await patch(a, a.roles.owner.cookie, "mem_nope", "admin");
    expect((await expectProblem(bad, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe(
      "memberId",
    );
  });

  it.each([
    [{ role: "superuser" }, "role"],
    [{ role: 1 }, "role"],
    [{}, "role"],
    [{ role: "member", userId: "usr_x" }, "userId"],
  ])("rejects %j (field %s)", async (body, field) => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}/members/${t.roles.member.membershipId}`, {
      method: "PATCH",
      cookie: t.roles.owner.cookie,
      body,
    });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field)).toContain(field);
  });
});

describe("DELETE /tenants/{tenantId}/members/{memberId}", () => {
  const remove = (tenantId: string, cookie: string, memberId: string) =>
    call(`/tenants/${tenantId}/members/${memberId}`, { method: "DELETE", cookie });

  it("removes the member, revokes their tokens here and ends their sessions", async () => {
    const t = await createTenant();
    const gone = t.roles.author;
    const token = await issueToken(t.tenant.id, gone.id, "author");
    const res = await remove(t.tenant.id, t.roles.owner.cookie, gone.membershipId);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true });
    expect(
      await countRows("SELECT count(*) AS n FROM memberships WHERE id = ?", gone.membershipId),
    ).toBe(0);
    const [tok] = await rows<{ revoked_at: number | null }>(
      "SELECT revoked_at FROM api_tokens WHERE id = ?",
      token.id,
    );
    expect(tok?.revoked_at).toBeGreaterThan(0);
    await expectProblem(await call("/me", { token: token.secret }), 401, "UNAUTHENTICATED");
    // They belonged nowhere else, so they are signed out.
    expect(await sessionRowsOf(gone.id)).toEqual([]);
    await expectProblem(await call("/me", { cookie: gone.cookie }), 401, "UNAUTHENTICATED");
    const [event] = await auditOf(res);
    expect(event).toMatchObject({
      tenant_id: t.tenant.id,
      action: "member.removed",
      target_type: "member",
      target_id: gone.membershipId,
      actor_user_id: t.roles.owner.id,
    });
    expect(JSON.parse(event?.data ?? "{}")).toEqual({ email: gone.email, role: "author" });
  });

  it("keeps someone who belongs elsewhere signed in, with their other tenant's tokens", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const person = a.roles.member;
    await addMember(b.tenant.id, "author", { userId: person.id, email: person.email });
    const tokenA = await issueToken(a.tenant.id, person.id, "member");
    const tokenB = await issueToken(b.tenant.id, person.id, "author");
    expect((await remove(a.tenant.id, a.roles.admin.cookie, person.membershipId)).status).toBe(200);
    await expectProblem(await call("/me", { token: tokenA.secret }), 401, "UNAUTHENTICATED");
    expect((await call(`/tenants/${b.tenant.id}`, { token: tokenB.secret })).status).toBe(200);
    expect((await call(`/tenants/${b.tenant.id}`, { cookie: person.cookie })).status).toBe(200);
    await expectProblem(
      await call(`/tenants/${a.tenant.id}`, { cookie: person.cookie }),
      404,
      "NOT_FOUND",
    );
    const me = await json(await call("/me", { cookie: person.cookie }));
    expect(me.memberships.map((m: { tenantId: string }) => m.tenantId)).toEqual([b.tenant.id]);
  });

  it("does not let an admin remove an owner (403)", async () => {
    const t = await createTenant();
    await addMember(t.tenant.id, "owner");
    const res = await remove(t.tenant.id, t.roles.admin.cookie, t.roles.owner.membershipId);
    await expectProblem(res, 403, "FORBIDDEN");
    expect(await roleOf(t.roles.owner.membershipId)).toBe("owner");
  });

  it("lets an admin remove another admin", async () => {
    const t = await createTenant();
    const other = await addMember(t.tenant.id, "admin");
    expect((await remove(t.tenant.id, t.roles.admin.cookie, other.membershipId)).status).toBe(200);
  });

  it("never removes the last owner (409), even by themselves", async () => {
    const t = await createTenant();
    const res = await remove(t.tenant.id, t.roles.owner.cookie, t.roles.owner.membershipId);
    await expectProblem(res, 409, "CONFLICT");
    expect(await roleOf(t.roles.owner.membershipId)).toBe("owner");
    expect(await sessionRowsOf(t.roles.owner.id)).toHaveLength(1);
  });

  it("lets an owner remove another owner", async () => {
    const t = await createTenant();
    const second = await addMember(t.tenant.id, "owner");
    expect((await remove(t.tenant.id, t.roles.owner.cookie, second.membershipId)).status).toBe(200);
  });

  it.each(["author", "member"] as const)("is closed to a %s (403)", async (role) => {
    const t = await createTenant();
    const res = await remove(t.tenant.id, t.roles[role].cookie, t.roles.member.membershipId);
    await expectProblem(res, 403, "FORBIDDEN");
    expect(await roleOf(t.roles.member.membershipId)).toBe("member");
  });

  it("answers 404 for another tenant's member, or one already removed", async () => {
    const a = await createTenant();
    const b = await createTenant();
    await expectProblem(
      await remove(a.tenant.id, a.roles.owner.cookie, b.roles.member.membershipId),
      404,
      "NOT_FOUND",
    );
    expect(await roleOf(b.roles.member.membershipId)).toBe("member");
    expect(
      (await remove(a.tenant.id, a.roles.owner.cookie, a.roles.member.membershipId)).status,
    ).toBe(200);
    await expectProblem(
      await remove(a.tenant.id, a.roles.owner.cookie, a.roles.member.membershipId),
      404,
      "NOT_FOUND",
    );
  });
});
