// Who gets in: the session cookie, sign-in throttling, disabled users, session lifetimes and
// malformed credentials (workers/api/routes/auth.ts, workers/api/middleware/authenticate.ts).
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SIGN_IN_LIMITS } from "#workers/api/routes/auth";
import {
  call,
  cookieFrom,
  createOperator,
  createTenant,
  createUser,
  exec,
  expectProblem,
  issueToken,
  nextIp,
  PASSWORD,
  rows,
  sessionRowsOf,
  sessionTokenOf,
  setDisabled,
  startSession,
} from "../../factories.ts";

const WRONG = "definitely not the password";

function attempt(email: string, password: string, ip = nextIp()) {
  return call("/auth/sign-in", { body: { email, password }, headers: { "cf-connecting-ip": ip } });
}

describe("the session cookie", () => {
  it("is __Host-lectern_session: HttpOnly, Secure, SameSite=Lax, Path=/, no Domain", async () => {
    const user = await createUser();
    const res = await attempt(user.email, PASSWORD);
    expect(res.status).toBe(200);
    const [setCookie, ...others] = res.headers.getSetCookie();
    expect(others).toEqual([]);
    const [pair, ...attrs] = (setCookie ?? "").split(";").map((s) => s.trim());
    expect(pair).toMatch(/^__Host-lectern_session=[^;]+\.[^;]+$/);
    const lower = attrs.map((a) => a.toLowerCase());
    expect(lower).toContain("httponly");
    expect(lower).toContain("secure");
    expect(lower).toContain("samesite=lax");
    expect(lower).toContain("path=/");
    expect(lower.some((a) => a.startsWith("domain="))).toBe(false);
  });

  it("is refused when garbled, unsigned or signed with another secret", async () => {
    const user = await createUser();
    const good = await startSession(user.id);
    const token = sessionTokenOf(good);
    for (const cookie of [
      "__Host-lectern_session=garbage",
      `__Host-lectern_session=${token}`,
      `__Host-lectern_session=${encodeURIComponent(`${token}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`)}`,
    ]) {
      await expectProblem(await call("/me", { cookie }), 401, "UNAUTHENTICATED");
    }
    expect((await call("/me", { cookie: good })).status).toBe(200);
  });
});

describe("malformed bearer credentials", () => {
  it.each([
    ["not bearer", "Basic dXNlcjpwYXNz"],
    ["no lct_ prefix", "Bearer abcdef"],
    ["unknown token", "Bearer lct_this-token-was-never-issued"],
    ["empty", ""],
  ])("%s → 401", async (_label, authorization) => {
    const res = await call("/me", { headers: { authorization } });
    await expectProblem(res, 401, "UNAUTHENTICATED");
  });

  it("a bearer header wins over a valid cookie (no mixing of credentials)", async () => {
    const user = await createUser();
    const cookie = await startSession(user.id);
    const res = await call("/me", { cookie, headers: { authorization: "Bearer lct_nope" } });
    await expectProblem(res, 401, "UNAUTHENTICATED");
  });
});

describe("sign-in rate limits", () => {
  // The limits count in fixed 15-minute windows. Freeze the clock just after a window starts so
  // a run that straddles a window boundary cannot reset a counter halfway through a test. The
  // Worker runs in this isolate, so it reads the same clock.
  const WINDOW_MS = 15 * 60 * 1000;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Math.ceil(Date.now() / WINDOW_MS) * WINDOW_MS + 1_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const accountCount = async (email: string) =>
    (
      await rows<{ count: number }>(
        "SELECT count FROM rate_limits WHERE key = ?",
        `sign-in:account:${email}`,
      )
    )[0]?.count ?? 0;

  it(`locks an account after ${SIGN_IN_LIMITS.perAccount} failures, even for the right password`, async () => {
    const user = await createUser();
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) {
      // Every spelling of the address counts against the same account.
      const spelling = [user.email, user.email.toUpperCase(), ` ${user.email} `][i % 3] ?? "";
      await expectProblem(await attempt(spelling, WRONG), 401, "INVALID_CREDENTIALS");
    }
    // Each attempt came from a different IP, so this is the per-account limit.
    const locked = await attempt(user.email, PASSWORD);
    await expectProblem(locked, 429, "RATE_LIMITED");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(locked.headers.getSetCookie()).toEqual([]);
    expect(await sessionRowsOf(user.id)).toEqual([]);
    // The lock is per account: someone else signs in fine.
    const other = await createUser();
    expect((await attempt(other.email, PASSWORD)).status).toBe(200);
  });

  it("counts wrong current passwords on a password change against the same account budget", async () => {
    const user = await createUser();
    const cookie = await startSession(user.id);
    const change = (currentPassword: string) =>
      call("/me/password", {
        cookie,
        body: { currentPassword, newPassword: "a brand new passphrase" },
      });
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) {
      await expectProblem(await change(WRONG), 400, "VALIDATION_FAILED");
    }
    expect(await accountCount(user.email)).toBe(SIGN_IN_LIMITS.perAccount);
    // Now even the right current password is refused, and so is signing in.
    await expectProblem(await change(PASSWORD), 429, "RATE_LIMITED");
    await expectProblem(await attempt(user.email, PASSWORD), 429, "RATE_LIMITED");
  });

  it("forgets earlier failures after a successful sign-in", async () => {
    const user = await createUser();
    for (let i = 0; i < 3; i++) expect((await attempt(user.email, WRONG)).status).toBe(401);
    expect(await accountCount(user.email)).toBe(3);
    expect((await attempt(user.email, PASSWORD)).status).toBe(200);
    expect(await accountCount(user.email)).toBe(0);
  });

  it(`limits one IP (cf-connecting-ip, not a spoofable header) to ${SIGN_IN_LIMITS.perIp} attempts`, async () => {
    // Lock one account first (as ten failures would), so the IP's attempts below are answered
    // without hashing a password each time.
    const locked = await createUser();
    const windowStart = Math.floor(Date.now() / WINDOW_MS) * (WINDOW_MS / 1000);
    await exec(
      "INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, ?)",
      `sign-in:account:${locked.email}`,
      windowStart,
      SIGN_IN_LIMITS.perAccount,
    );
    expect((await attempt(locked.email, PASSWORD)).status).toBe(429);
    const ip = nextIp();
    const from = (email: string) =>
      call("/auth/sign-in", {
        body: { email, password: PASSWORD },
        headers: { "cf-connecting-ip": ip, "x-forwarded-for": nextIp(), "x-real-ip": nextIp() },
      });
    for (let i = 0; i < SIGN_IN_LIMITS.perIp; i++) {
      expect((await from(locked.email)).status).toBe(429);
    }
    // A different, healthy account with the right password is refused from that IP…
    const victim = await createUser();
    const res = await from(victim.email);
    await expectProblem(res, 429, "RATE_LIMITED");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await sessionRowsOf(victim.id)).toEqual([]);
    // …and accepted from any other.
    expect((await attempt(victim.email, PASSWORD)).status).toBe(200);
  });
});

describe("a disabled user", () => {
  it("loses every session, cannot sign in, and their API tokens stop working", async () => {
    const t = await createTenant();
    const operator = await createOperator();
    const victim = t.roles.admin;
    const second = await startSession(victim.id);
    const token = await issueToken(t.tenant.id, victim.id, "admin");
    expect((await call("/me", { token: token.secret })).status).toBe(200);

    await setDisabled(operator, victim.id, true);

    expect(await sessionRowsOf(victim.id)).toEqual([]);
    for (const cookie of [victim.cookie, second]) {
      await expectProblem(await call("/me", { cookie }), 401, "UNAUTHENTICATED");
    }
    const refused = await attempt(victim.email, PASSWORD);
    await expectProblem(refused, 403, "FORBIDDEN");
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect(await sessionRowsOf(victim.id)).toEqual([]);
    // A wrong password still answers as a wrong password (no hint the account exists).
    await expectProblem(await attempt(victim.email, WRONG), 401, "INVALID_CREDENTIALS");
    for (const path of ["/me", `/tenants/${t.tenant.id}`, `/tenants/${t.tenant.id}/members`]) {
      await expectProblem(await call(path, { token: token.secret }), 401, "UNAUTHENTICATED");
    }
    const [member] = await rows<{ disabled_at: number | null }>(
      "SELECT disabled_at FROM users WHERE id = ?",
      victim.id,
    );
    expect(member?.disabled_at).toBeGreaterThan(0);
    const list = await call(`/tenants/${t.tenant.id}/members`, { cookie: t.roles.owner.cookie });
    const listed = (await list.json()) as { items: { userId: string; disabled: boolean }[] };
    expect(listed.items.find((m) => m.userId === victim.id)?.disabled).toBe(true);

    await setDisabled(operator, victim.id, false);
    expect(cookieFrom(await attempt(victim.email, PASSWORD))).toMatch(/^__Host-lectern_session=/);
  });

  it("is refused even if a session row survived (defence in depth)", async () => {
    const user = await createUser();
    const cookie = await startSession(user.id);
    await exec("UPDATE users SET disabled_at = ? WHERE id = ?", Date.now(), user.id);
    await expectProblem(await call("/me", { cookie }), 401, "UNAUTHENTICATED");
    expect(await sessionRowsOf(user.id)).toEqual([]);
  });
});

describe("session lifetime", () => {
  const idleSeconds = Number(env.SESSION_IDLE_SECONDS ?? 28_800);
  const absoluteSeconds = Number(env.SESSION_ABSOLUTE_SECONDS ?? 604_800);

  it("an idle session past its expiry is refused and deleted", async () => {
    const user = await createUser();
    const cookie = await startSession(user.id);
    await exec(
      "UPDATE sessions SET expires_at = ? WHERE token = ?",
      Date.now() - 1_000,
      sessionTokenOf(cookie),
    );
    await expectProblem(await call("/me", { cookie }), 401, "UNAUTHENTICATED");
    expect(await sessionRowsOf(user.id)).toEqual([]);
  });

  it("using a session slides its idle expiry forward", async () => {
    const user = await createUser();
    const cookie = await startSession(user.id);
    const token = sessionTokenOf(cookie);
    // Ten minutes left, i.e. last used long enough ago to be due for a refresh.
    const soon = Date.now() + 600_000;
    await exec("UPDATE sessions SET expires_at = ? WHERE token = ?", soon, token);
    const res = await call("/me", { cookie });
    expect(res.status).toBe(200);
    const [row] = await sessionRowsOf(user.id);
    expect(row?.expires_at).toBeGreaterThan(Date.now() + (idleSeconds - 60) * 1000);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("__Host-lectern_session="))).toBe(
      true,
    );
  });

  it(`a session older than SESSION_ABSOLUTE_SECONDS is refused and deleted, however active`, async () => {
    const user = await createUser();
    const cookie = await startSession(user.id);
    await exec(
      "UPDATE sessions SET created_at = ? WHERE token = ?",
      Date.now() - (absoluteSeconds + 60) * 1000,
      sessionTokenOf(cookie),
    );
    await expectProblem(await call("/me", { cookie }), 401, "UNAUTHENTICATED");
    expect(await sessionRowsOf(user.id)).toEqual([]);
  });

  it("a session just inside the absolute limit still works", async () => {
    const user = await createUser();
    const cookie = await startSession(user.id);
    await exec(
      "UPDATE sessions SET created_at = ? WHERE token = ?",
      Date.now() - (absoluteSeconds - 600) * 1000,
      sessionTokenOf(cookie),
    );
    expect((await call("/me", { cookie })).status).toBe(200);
  });
});
