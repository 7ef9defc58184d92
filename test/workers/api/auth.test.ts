// Sign in, sign out, the caller's profile and password (workers/api/routes/auth.ts).
import { describe, expect, it } from "vitest";
import {
  addMember,
  auditOf,
  call,
  cookieFrom,
  countRows,
  createTenant,
  createUser,
  expectProblem,
  issueToken,
  json,
  nextIp,
  PASSWORD,
  rows,
  sessionRowsOf,
  sessionTokenOf,
  signIn,
  startSession,
} from "../../factories.ts";

const NEW_PASSWORD = "a different long passphrase";

describe("POST /auth/sign-in", () => {
  it("signs in, answers who you are and sets the session cookie", async () => {
    const t = await createTenant();
    const { email, id } = t.roles.author;
    const res = await call("/auth/sign-in", {
      body: { email, password: PASSWORD },
      headers: { "cf-connecting-ip": nextIp() },
    });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.user).toMatchObject({ id, email, isOperator: false });
    expect(body.via).toBe("session");
    expect(body.session.expiresAt).toMatch(/Z$/);
    expect(body.memberships).toEqual([
      {
        tenantId: t.tenant.id,
        tenantSlug: t.tenant.slug,
        tenantName: t.tenant.name,
        role: "author",
      },
    ]);
    const cookie = cookieFrom(res);
    const rows = await sessionRowsOf(id);
    expect(rows.map((r) => r.token)).toContain(sessionTokenOf(cookie));
    const me = await call("/me", { cookie });
    expect(me.status).toBe(200);
    expect((await json(me)).user.id).toBe(id);
  });

  it("accepts the email in any case and with surrounding spaces", async () => {
    const user = await createUser();
    const res = await call("/auth/sign-in", {
      body: { email: `  ${user.email.toUpperCase()} `, password: PASSWORD },
      headers: { "cf-connecting-ip": nextIp() },
    });
    expect(res.status).toBe(200);
    expect((await json(res)).user.id).toBe(user.id);
  });

  it("rejects a wrong password with 401 INVALID_CREDENTIALS and creates no session", async () => {
    const user = await createUser();
    const res = await call("/auth/sign-in", {
      body: { email: user.email, password: "not the password at all" },
      headers: { "cf-connecting-ip": nextIp() },
    });
    const problem = await expectProblem(res, 401, "INVALID_CREDENTIALS");
    expect(problem.detail).not.toMatch(/password is wrong for|no such user/i);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await sessionRowsOf(user.id)).toEqual([]);
  });

  it("answers an unknown email exactly like a wrong password", async () => {
    const known = await createUser();
    const a = await call("/auth/sign-in", {
      body: { email: known.email, password: "not the password at all" },
      headers: { "cf-connecting-ip": nextIp() },
    });
    const b = await call("/auth/sign-in", {
      body: { email: "nobody-here@example.test", password: "not the password at all" },
      headers: { "cf-connecting-ip": nextIp() },
    });
    const pa = await expectProblem(a, 401, "INVALID_CREDENTIALS");
    const pb = await expectProblem(b, 401, "INVALID_CREDENTIALS");
    expect({ ...pa, requestId: "" }).toEqual({ ...pb, requestId: "" });
  });

  it("validates the body", async () => {
    const res = await call("/auth/sign-in", {
      body: { email: "not-an-email", password: "" },
      headers: { "cf-connecting-ip": nextIp() },
    });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(["email", "password"]);
  });
});

describe("POST /auth/sign-out", () => {
  it("ends this session only and clears the cookie", async () => {
    const user = await createUser();
    const first = await signIn(user.email);
    const second = await startSession(user.id);
    const res = await call("/auth/sign-out", { method: "POST", cookie: first });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true });
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith("__Host-lectern_session="));
    expect(cleared).toMatch(/^__Host-lectern_session=;/);
    expect(cleared).toMatch(/Max-Age=0/);
    expect((await call("/me", { cookie: first })).status).toBe(401);
    expect((await sessionRowsOf(user.id)).map((r) => r.token)).toEqual([sessionTokenOf(second)]);
    expect((await call("/me", { cookie: second })).status).toBe(200);
  });

  it("needs a signed-in caller", async () => {
    await expectProblem(await call("/auth/sign-out", { method: "POST" }), 401, "UNAUTHENTICATED");
  });

  it("with an API token, leaves the token working", async () => {
    const t = await createTenant();
    const token = await issueToken(t.tenant.id, t.roles.member.id, "member");
    const res = await call("/auth/sign-out", { method: "POST", token: token.secret });
    expect(res.status).toBe(200);
    expect((await call("/me", { token: token.secret })).status).toBe(200);
  });
});

describe("GET /me", () => {
  it("needs a signed-in caller", async () => {
    await expectProblem(await call("/me"), 401, "UNAUTHENTICATED");
  });

  it("through an API token, says so and lists only the token's tenant", async () => {
    const a = await createTenant();
    const b = await createTenant();
    // The same person belongs to both tenants.
    const person = a.roles.admin;
    await addMember(b.tenant.id, "member", { userId: person.id, email: person.email });
    const bySession = await json(await call("/me", { cookie: person.cookie }));
    expect(bySession.memberships.map((m: { tenantId: string }) => m.tenantId).sort()).toEqual(
      [a.tenant.id, b.tenant.id].sort(),
    );
    const token = await issueToken(a.tenant.id, person.id, "author");
    const res = await call("/me", { token: token.secret });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.via).toBe("token");
    expect(body.session).toBeNull();
    expect(body.memberships).toEqual([expect.objectContaining({ tenantId: a.tenant.id })]);
  });
});

describe("PATCH /me", () => {
  it("changes the display name and records it", async () => {
    const t = await createTenant();
    const me = t.roles.member;
    const res = await call("/me", {
      method: "PATCH",
      cookie: me.cookie,
      body: { name: "  Ada  " },
    });
    expect(res.status).toBe(200);
    expect((await json(res)).user.name).toBe("Ada");
    expect((await json(await call("/me", { cookie: me.cookie }))).user.name).toBe("Ada");
    const [event] = await auditOf(res);
    expect(event).toMatchObject({
      tenant_id: null,
      action: "user.profile_updated",
      target_type: "user",
      target_id: me.id,
      actor_user_id: me.id,
      actor_email: me.email,
    });
  });

  it("rejects an empty name and unknown fields without writing", async () => {
    const t = await createTenant();
    const me = t.roles.member;
    const empty = await call("/me", { method: "PATCH", cookie: me.cookie, body: { name: "   " } });
    expect((await expectProblem(empty, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe("name");
    const extra = await call("/me", {
      method: "PATCH",
      cookie: me.cookie,
      body: { name: "Ok", isOperator: true },
    });
    const problem = await expectProblem(extra, 400, "VALIDATION_FAILED");
    expect(problem.errors).toContainEqual({ field: "isOperator", message: "is not a known field" });
    const [row] = await rows<{ name: string; is_operator: number }>(
      "SELECT name, is_operator FROM users WHERE id = ?",
      me.id,
    );
    expect(row).toEqual({ name: me.email.split("@")[0], is_operator: 0 });
    expect(
      await countRows("SELECT count(*) AS n FROM audit_events WHERE actor_user_id = ?", me.id),
    ).toBe(0);
  });
});

describe("POST /me/password", () => {
  it("changes the password, ends every other session and keeps this one signed in", async () => {
    const user = await createUser();
    const here = await signIn(user.email);
    const elsewhere = await signIn(user.email);
    const res = await call("/me/password", {
      cookie: here,
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(res.status).toBe(200);
    const renewed = cookieFrom(res);
    expect((await call("/me", { cookie: elsewhere })).status).toBe(401);
    expect((await call("/me", { cookie: renewed })).status).toBe(200);
    expect((await sessionRowsOf(user.id)).map((r) => r.token)).toEqual([sessionTokenOf(renewed)]);

    const old = await call("/auth/sign-in", {
      body: { email: user.email, password: PASSWORD },
      headers: { "cf-connecting-ip": nextIp() },
    });
    await expectProblem(old, 401, "INVALID_CREDENTIALS");
    expect(await signIn(user.email, NEW_PASSWORD)).toMatch(/^__Host-lectern_session=/);

    const [event] = await auditOf(res);
    expect(event).toMatchObject({
      action: "user.password_changed",
      target_type: "user",
      target_id: user.id,
      actor_user_id: user.id,
    });
  });

  it("rejects a wrong current password and changes nothing", async () => {
    const user = await createUser();
    const here = await signIn(user.email);
    const elsewhere = await startSession(user.id);
    const res = await call("/me/password", {
      cookie: here,
      body: { currentPassword: "not my password!", newPassword: NEW_PASSWORD },
    });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors).toEqual([
      { field: "currentPassword", message: "is not your current password" },
    ]);
    expect((await call("/me", { cookie: elsewhere })).status).toBe(200);
    expect(await signIn(user.email)).toMatch(/^__Host-lectern_session=/);
    expect(await auditOf(res)).toEqual([]);
  });

  it("enforces the password rules on the new password", async () => {
    const user = await createUser();
    const cookie = await startSession(user.id);
    const res = await call("/me/password", {
      cookie,
      body: { currentPassword: PASSWORD, newPassword: "short" },
    });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.field)).toEqual(["newPassword"]);
  });

  it("cannot be done with an API token", async () => {
    const t = await createTenant();
    const token = await issueToken(t.tenant.id, t.roles.owner.id, "owner");
    const res = await call("/me/password", {
      token: token.secret,
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    await expectProblem(res, 403, "FORBIDDEN");
    expect(await signIn(t.roles.owner.email)).toMatch(/^__Host-lectern_session=/);
  });

  it("needs a signed-in caller", async () => {
    const res = await call("/me/password", {
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    await expectProblem(res, 401, "UNAUTHENTICATED");
  });
});
