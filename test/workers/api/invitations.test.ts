// Inviting people, previewing and accepting links (workers/api/routes/invitations.ts).
import { describe, expect, it } from "vitest";
import { sha256Hex } from "#workers/domain/ids";
import {
  addMember,
  auditOf,
  call,
  cookieFrom,
  countRows,
  createTenant,
  createUser,
  exec,
  expectProblem,
  freshEmail,
  invite,
  issueInvitation,
  json,
  PASSWORD,
  rows,
  secretOf,
  signIn,
  startSession,
} from "../../factories.ts";

type InvitationRow = {
  id: string;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string | null;
  accepted_at: number | null;
  accepted_by: string | null;
  revoked_at: number | null;
};

const invitationRow = async (id: string) =>
  (await rows<InvitationRow>("SELECT * FROM invitations WHERE id = ?", id))[0];

const membershipsOf = (tenantId: string, email: string) =>
  rows<{ id: string; role: string; user_id: string }>(
    "SELECT m.id, m.role, m.user_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ? AND u.email = ?",
    tenantId,
    email,
  );

describe("POST /tenants/{tenantId}/invitations", () => {
  it("invites by email; the link is returned once and only its hash is stored", async () => {
    const t = await createTenant();
    const email = freshEmail("new");
    const res = await call(`/tenants/${t.tenant.id}/invitations`, {
      cookie: t.roles.admin.cookie,
      body: { email: `  ${email.toUpperCase()}  `, role: "author" },
    });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.invitation).toMatchObject({ email, role: "author", status: "pending" });
    expect(new Date(body.invitation.expiresAt).getTime()).toBeGreaterThan(
      Date.now() + 6 * 86_400_000,
    );
    expect(body.url).toMatch(/^http:\/\/lectern\.test\/invite\/[A-Za-z0-9_-]{40,}$/);
    const secret = secretOf(body.url);

    const row = await invitationRow(body.invitation.id);
    expect(row).toMatchObject({ email, role: "author", invited_by: t.roles.admin.id });
    expect(row?.token_hash).toBe(await sha256Hex(secret));
    const dump = JSON.stringify(
      await rows("SELECT * FROM invitations WHERE tenant_id = ?", t.tenant.id),
    );
    expect(dump).not.toContain(secret);
    // Listing never shows the link again.
    const list = await call(`/tenants/${t.tenant.id}/invitations`, {
      cookie: t.roles.owner.cookie,
    });
    const listed = await list.text();
    expect(listed).not.toContain(secret);
    expect(JSON.parse(listed).items).toEqual([body.invitation]);

    const [event] = await auditOf(res);
    expect(event).toMatchObject({
      tenant_id: t.tenant.id,
      action: "member.invited",
      target_type: "invitation",
      target_id: body.invitation.id,
      actor_user_id: t.roles.admin.id,
    });
    expect(JSON.parse(event?.data ?? "{}")).toEqual({ email, role: "author" });
    expect(JSON.stringify(event)).not.toContain(secret);
  });

  it("refuses a second pending invitation for the same email (409), allows one after revoking", async () => {
    const t = await createTenant();
    const first = await invite(t.tenant.id, t.roles.owner);
    const again = await call(`/tenants/${t.tenant.id}/invitations`, {
      cookie: t.roles.owner.cookie,
      body: { email: first.invitation.email, role: "admin" },
    });
    const problem = await expectProblem(again, 409, "ALREADY_EXISTS");
    expect(problem.errors?.[0]?.field).toBe("email");
    expect(
      await countRows("SELECT count(*) AS n FROM invitations WHERE tenant_id = ?", t.tenant.id),
    ).toBe(1);
    await call(`/tenants/${t.tenant.id}/invitations/${first.invitation.id}`, {
      method: "DELETE",
      cookie: t.roles.owner.cookie,
    });
    const fresh = await invite(t.tenant.id, t.roles.owner, { email: first.invitation.email });
    expect(fresh.invitation.id).not.toBe(first.invitation.id);
  });

  it("refuses someone who is already a member (409)", async () => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}/invitations`, {
      cookie: t.roles.owner.cookie,
      body: { email: t.roles.member.email, role: "admin" },
    });
    const problem = await expectProblem(res, 409, "ALREADY_EXISTS");
    expect(problem.errors?.[0]).toEqual({ field: "email", message: "is already a member" });
    expect(
      await countRows("SELECT count(*) AS n FROM invitations WHERE tenant_id = ?", t.tenant.id),
    ).toBe(0);
  });

  it("does not let an admin invite an owner (403), but lets an owner", async () => {
    const t = await createTenant();
    const email = freshEmail();
    const res = await call(`/tenants/${t.tenant.id}/invitations`, {
      cookie: t.roles.admin.cookie,
      body: { email, role: "owner" },
    });
    const problem = await expectProblem(res, 403, "FORBIDDEN");
    expect(problem.errors?.[0]?.field).toBe("role");
    expect(await countRows("SELECT count(*) AS n FROM invitations WHERE email = ?", email)).toBe(0);
    expect((await invite(t.tenant.id, t.roles.admin, { email, role: "admin" })).url).toBeTruthy();
    const other = await invite(t.tenant.id, t.roles.owner, { role: "owner" });
    expect(other.invitation).toMatchObject({ role: "owner" });
  });

  it.each(["author", "member"] as const)("is closed to a %s (403)", async (role) => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}/invitations`, {
      cookie: t.roles[role].cookie,
      body: { email: freshEmail(), role: "member" },
    });
    await expectProblem(res, 403, "FORBIDDEN");
  });

  it.each([
    [{ email: "nope", role: "member" }, "email"],
    [{ email: "a@b", role: "member" }, "email"],
    [{ email: `${"x".repeat(250)}@example.test`, role: "member" }, "email"],
    [{ email: "a@example.test", role: "god" }, "role"],
    [{ email: "a@example.test" }, "role"],
    [{ email: "a@example.test", role: "member", expiresInDays: 30 }, "expiresInDays"],
  ])("rejects %j (field %s)", async (body, field) => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}/invitations`, {
      cookie: t.roles.owner.cookie,
      body,
    });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field)).toContain(field);
  });
});

describe("GET /tenants/{tenantId}/invitations", () => {
  it("lists newest first with each invitation's status, in pages", async () => {
    const t = await createTenant();
    const pending = await invite(t.tenant.id, t.roles.owner);
    const revoked = await invite(t.tenant.id, t.roles.owner);
    await call(`/tenants/${t.tenant.id}/invitations/${revoked.invitation.id}`, {
      method: "DELETE",
      cookie: t.roles.owner.cookie,
    });
    const expired = await invite(t.tenant.id, t.roles.owner);
    await call("/invitations/accept", {
      body: { token: pending.secret, name: "New", password: PASSWORD },
    });
    await exec(
      "UPDATE invitations SET expires_at = ? WHERE id = ?",
      Date.now() - 1,
      expired.invitation.id,
    );

    const res = await call(`/tenants/${t.tenant.id}/invitations`, {
      cookie: t.roles.admin.cookie,
      query: { limit: "2" },
    });
    const page1 = await json(res);
    expect(page1.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
      [expired.invitation.id, "expired"],
      [revoked.invitation.id, "revoked"],
    ]);
    const page2 = await json(
      await call(`/tenants/${t.tenant.id}/invitations`, {
        cookie: t.roles.admin.cookie,
        query: { limit: "2", cursor: page1.nextCursor },
      }),
    );
    expect(page2.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
      [pending.invitation.id, "accepted"],
    ]);
    expect(page2.nextCursor).toBeNull();
  });

  it.each(["author", "member"] as const)("is closed to a %s (403)", async (role) => {
    const t = await createTenant();
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/invitations`, { cookie: t.roles[role].cookie }),
      403,
      "FORBIDDEN",
    );
  });
});

describe("DELETE /tenants/{tenantId}/invitations/{invitationId}", () => {
  it("revokes a pending invitation: the link stops working", async () => {
    const t = await createTenant();
    const inv = await invite(t.tenant.id, t.roles.owner);
    const res = await call(`/tenants/${t.tenant.id}/invitations/${inv.invitation.id}`, {
      method: "DELETE",
      cookie: t.roles.admin.cookie,
    });
    expect(res.status).toBe(200);
    expect((await invitationRow(inv.invitation.id))?.revoked_at).toBeGreaterThan(0);
    const [event] = await auditOf(res);
    expect(event).toMatchObject({
      action: "invitation.revoked",
      target_type: "invitation",
      target_id: inv.invitation.id,
      actor_user_id: t.roles.admin.id,
    });
    await expectProblem(
      await call("/invitations/preview", { query: { token: inv.secret } }),
      410,
      "INVITATION_INVALID",
    );
    const accept = await call("/invitations/accept", {
      body: { token: inv.secret, name: "Late", password: PASSWORD },
    });
    await expectProblem(accept, 410, "INVITATION_INVALID");
    expect(
      await countRows("SELECT count(*) AS n FROM users WHERE email = ?", inv.invitation.email),
    ).toBe(0);
  });

  it("answers 409 for an invitation already revoked or accepted", async () => {
    const t = await createTenant();
    const inv = await invite(t.tenant.id, t.roles.owner);
    const path = `/tenants/${t.tenant.id}/invitations/${inv.invitation.id}`;
    expect((await call(path, { method: "DELETE", cookie: t.roles.owner.cookie })).status).toBe(200);
    await expectProblem(
      await call(path, { method: "DELETE", cookie: t.roles.owner.cookie }),
      409,
      "CONFLICT",
    );
    const used = await invite(t.tenant.id, t.roles.owner);
    await call("/invitations/accept", {
      body: { token: used.secret, name: "N", password: PASSWORD },
    });
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/invitations/${used.invitation.id}`, {
        method: "DELETE",
        cookie: t.roles.owner.cookie,
      }),
      409,
      "CONFLICT",
    );
  });

  it("answers 404 for another tenant's invitation and leaves it pending", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const inv = await invite(b.tenant.id, b.roles.owner);
    await expectProblem(
      await call(`/tenants/${a.tenant.id}/invitations/${inv.invitation.id}`, {
        method: "DELETE",
        cookie: a.roles.owner.cookie,
      }),
      404,
      "NOT_FOUND",
    );
    expect((await invitationRow(inv.invitation.id))?.revoked_at).toBeNull();
  });

  it.each(["author", "member"] as const)("is closed to a %s (403)", async (role) => {
    const t = await createTenant();
    const inv = await invite(t.tenant.id, t.roles.owner);
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/invitations/${inv.invitation.id}`, {
        method: "DELETE",
        cookie: t.roles[role].cookie,
      }),
      403,
      "FORBIDDEN",
    );
    expect((await invitationRow(inv.invitation.id))?.revoked_at).toBeNull();
  });
});

describe("GET /invitations/preview", () => {
  it("shows the tenant, email and role to anyone holding the link", async () => {
    const t = await createTenant();
    const inv = await invite(t.tenant.id, t.roles.owner, { role: "author" });
    const res = await call("/invitations/preview", { query: { token: inv.secret } });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      tenantName: t.tenant.name,
      email: inv.invitation.email,
      role: "author",
      expiresAt: expect.stringMatching(/Z$/),
      accountExists: false,
    });
  });

  it("says whether an account already exists", async () => {
    const t = await createTenant();
    const user = await createUser();
    const inv = await invite(t.tenant.id, t.roles.owner, { email: user.email });
    const body = await json(await call("/invitations/preview", { query: { token: inv.secret } }));
    expect(body.accountExists).toBe(true);
  });

  it("answers 404 for a token that was never issued, 400 for a malformed one", async () => {
    await expectProblem(
      await call("/invitations/preview", { query: { token: "x".repeat(43) } }),
      404,
      "NOT_FOUND",
    );
    const short = await call("/invitations/preview", { query: { token: "short" } });
    expect((await expectProblem(short, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe("token");
    const missing = await call("/invitations/preview");
    expect((await expectProblem(missing, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe(
      "token",
    );
  });
});

describe("POST /invitations/accept", () => {
  it("creates a new person's account, signs them in and makes them a member", async () => {
    const t = await createTenant();
    const inv = await invite(t.tenant.id, t.roles.owner, { role: "author" });
    const res = await call("/invitations/accept", {
      body: { token: inv.secret, name: "  Grace Hopper ", password: PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      tenantId: t.tenant.id,
      tenantSlug: t.tenant.slug,
      email: inv.invitation.email,
    });
    const cookie = cookieFrom(res);
    const me = await json(await call("/me", { cookie }));
    expect(me.user).toMatchObject({ email: inv.invitation.email, name: "Grace Hopper" });
    expect(me.memberships).toEqual([
      expect.objectContaining({ tenantId: t.tenant.id, role: "author" }),
    ]);

    const [member] = await membershipsOf(t.tenant.id, inv.invitation.email);
    expect(member?.role).toBe("author");
    const row = await invitationRow(inv.invitation.id);
    expect(row?.accepted_at).toBeGreaterThan(0);
    expect(row?.accepted_by).toBe(member?.user_id);
    const [event] = await auditOf(res);
    expect(event).toMatchObject({
      tenant_id: t.tenant.id,
      action: "member.joined",
      target_type: "member",
      target_id: member?.id,
      actor_user_id: null,
    });
    expect(JSON.parse(event?.data ?? "{}")).toMatchObject({
      userId: member?.user_id,
      invitationId: inv.invitation.id,
      role: "author",
    });
    // The password they chose works.
    expect(await signIn(inv.invitation.email)).toMatch(/^__Host-lectern_session=/);
  });

  it("needs a name and a password for a new person, and writes nothing without them", async () => {
    const t = await createTenant();
    const inv = await invite(t.tenant.id, t.roles.owner);
    const res = await call("/invitations/accept", { body: { token: inv.secret } });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(["name", "password"]);
    const weak = await call("/invitations/accept", {
      body: { token: inv.secret, name: "Someone", password: "short" },
    });
    expect((await expectProblem(weak, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe(
      "password",
    );
    expect(
      await countRows("SELECT count(*) AS n FROM users WHERE email = ?", inv.invitation.email),
    ).toBe(0);
    expect((await invitationRow(inv.invitation.id))?.accepted_at).toBeNull();
    // Still usable.
    const ok = await call("/invitations/accept", {
      body: { token: inv.secret, name: "Someone", password: PASSWORD },
    });
    expect(ok.status).toBe(200);
  });

  it("an existing user accepts while signed in as that email", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const person = a.roles.author;
    const inv = await invite(b.tenant.id, b.roles.owner, { email: person.email, role: "admin" });
    const res = await call("/invitations/accept", {
      cookie: person.cookie,
      body: { token: inv.secret },
    });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    // One person, two tenants, and both work.
    const me = await json(await call("/me", { cookie: person.cookie }));
    expect(
      me.memberships.map((m: { tenantId: string; role: string }) => [m.tenantId, m.role]).sort(),
    ).toEqual(
      [
        [a.tenant.id, "author"],
        [b.tenant.id, "admin"],
      ].sort(),
    );
    expect((await call(`/tenants/${a.tenant.id}/members`, { cookie: person.cookie })).status).toBe(
      200,
    );
    expect((await call(`/tenants/${b.tenant.id}/audit`, { cookie: person.cookie })).status).toBe(
      200,
    );
    expect((await invitationRow(inv.invitation.id))?.accepted_by).toBe(person.id);
    const [joined] = await membershipsOf(b.tenant.id, person.email);
    expect((await auditOf(res))[0]).toMatchObject({
      tenant_id: b.tenant.id,
      action: "member.joined",
      target_type: "member",
      target_id: joined?.id,
      actor_user_id: person.id,
    });
  });

  it("an existing user must be signed in (401), as themselves (403)", async () => {
    const t = await createTenant();
    const invitee = await createUser();
    const inv = await invite(t.tenant.id, t.roles.owner, { email: invitee.email });
    const anonymous = await call("/invitations/accept", {
      body: { token: inv.secret, name: "Hijack", password: "a brand new password" },
    });
    await expectProblem(anonymous, 401, "UNAUTHENTICATED");
    const someoneElse = await call("/invitations/accept", {
      cookie: t.roles.member.cookie,
      body: { token: inv.secret },
    });
    await expectProblem(someoneElse, 403, "FORBIDDEN");
    expect(await membershipsOf(t.tenant.id, invitee.email)).toEqual([]);
    expect((await invitationRow(inv.invitation.id))?.accepted_at).toBeNull();
    // The password was not replaced by the anonymous attempt.
    expect(await signIn(invitee.email)).toMatch(/^__Host-lectern_session=/);
    const own = await call("/invitations/accept", {
      cookie: await startSession(invitee.id),
      body: { token: inv.secret },
    });
    expect(own.status).toBe(200);
  });

  it("refuses someone who became a member meanwhile (409)", async () => {
    const t = await createTenant();
    const invitee = await createUser();
    const inv = await issueInvitation(t.tenant.id, { email: invitee.email });
    const joined = await addMember(t.tenant.id, "member", {
      userId: invitee.id,
      email: invitee.email,
    });
    const res = await call("/invitations/accept", {
      cookie: joined.cookie,
      body: { token: inv.secret },
    });
    await expectProblem(res, 409, "ALREADY_EXISTS");
    expect((await invitationRow(inv.id))?.accepted_at).toBeNull();
  });

  it("a used link answers 410", async () => {
    const t = await createTenant();
    const inv = await invite(t.tenant.id, t.roles.owner);
    const body = { token: inv.secret, name: "First", password: PASSWORD };
    expect((await call("/invitations/accept", { body })).status).toBe(200);
    await expectProblem(await call("/invitations/accept", { body }), 410, "INVITATION_INVALID");
    await expectProblem(
      await call("/invitations/preview", { query: { token: inv.secret } }),
      410,
      "INVITATION_INVALID",
    );
    expect(
      await countRows("SELECT count(*) AS n FROM users WHERE email = ?", inv.invitation.email),
    ).toBe(1);
  });

  it("an expired link answers 410 and creates nothing", async () => {
    const t = await createTenant();
    const inv = await invite(t.tenant.id, t.roles.owner);
    await exec(
      "UPDATE invitations SET expires_at = ? WHERE id = ?",
      Date.now() - 1_000,
      inv.invitation.id,
    );
    await expectProblem(
      await call("/invitations/preview", { query: { token: inv.secret } }),
      410,
      "INVITATION_INVALID",
    );
    const res = await call("/invitations/accept", {
      body: { token: inv.secret, name: "Late", password: PASSWORD },
    });
    await expectProblem(res, 410, "INVITATION_INVALID");
    expect(
      await countRows("SELECT count(*) AS n FROM users WHERE email = ?", inv.invitation.email),
    ).toBe(0);
    // An expired invitation no longer blocks a new one.
    expect(
      (await invite(t.tenant.id, t.roles.owner, { email: inv.invitation.email })).url,
    ).toBeTruthy();
  });

  it("a garbage link answers 404", async () => {
    const res = await call("/invitations/accept", {
      body: { token: "g".repeat(43), name: "X", password: PASSWORD },
    });
    await expectProblem(res, 404, "NOT_FOUND");
  });

  it.each([
    [{ token: "short", name: "X", password: PASSWORD }, "token"],
    [{ token: "t".repeat(43), name: "X", password: PASSWORD, role: "owner" }, "role"],
    [{ name: "X", password: PASSWORD }, "token"],
  ])("rejects %j (field %s)", async (body, field) => {
    const res = await call("/invitations/accept", { body });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field)).toContain(field);
  });
});
