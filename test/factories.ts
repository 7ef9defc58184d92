// Test data. Every test makes its own tenant(s) and people, so no test depends on another.
// Everything here writes through the real D1 binding and the app's own query layer; requests go
// through the Worker's fetch, exactly as a client's would.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { TenantRole } from "#schemas/roles";
import worker from "#workers/api/index";
import { createDb } from "#workers/db/client";
import { insertApiToken } from "#workers/db/queries/api-tokens";
import { insertInvitation } from "#workers/db/queries/invitations";
import { insertMembership } from "#workers/db/queries/members";
import { insertTenant } from "#workers/db/queries/tenants";
import { hashPassword, newUserStatements } from "#workers/domain/accounts";
import { getAuth, SESSION_COOKIE } from "#workers/domain/auth";
import { newId, randomSecret, sha256Hex } from "#workers/domain/ids";

export const APP_ORIGIN = "http://lectern.test";
export const PASSWORD = "correct horse battery staple";
export const TENANT_ROLES = ["owner", "admin", "author", "member"] as const;

export const db = () => createDb(env.DB);

let passwordHash: Promise<string> | undefined;
function hashed() {
  passwordHash ??= hashPassword(getAuth(env, db()), PASSWORD);
  return passwordHash;
}

let seq = 0;
export function uniq(label = "x") {
  seq += 1;
  return `${label}-${Date.now().toString(36)}-${seq}-${Math.random().toString(36).slice(2, 7)}`;
}

export const freshEmail = (label = "person") => `${uniq(label)}@example.test`.toLowerCase();

/**
 * A client IP no other request in this isolate uses: sign-in is rate limited per IP, and a
 * request without `cf-connecting-ip` shares the "unknown" bucket with every other such request.
 */
let ipSeq = Math.floor(Math.random() * 1_000_000);
export function nextIp() {
  ipSeq += 1;
  return `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
}

export type Actor = { id: string; email: string; cookie: string };

export type RequestOptions = {
  method?: string;
  body?: unknown;
  rawBody?: BodyInit;
  cookie?: string;
  token?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** Leave out the Origin and CSRF headers a browser client would send. */
  noCsrf?: boolean;
};

/**
 * Call the Worker as a client would: a Request into the Worker's own fetch handler, in this
 * isolate, with the real bindings; waits for its waitUntil work (mail, token last-use) too.
 *
 * Not `exports.default.fetch`: in @cloudflare/vitest-pool-workers 0.15.1 every call through it
 * wraps the entrypoint's prototype in one more Proxy, so each call is slower than the last
 * (3 ms → 100 ms after ~2,000 calls), which made the isolation matrix quadratic.
 */
export async function call(path: string, opts: RequestOptions = {}) {
  const method =
    opts.method ?? (opts.body !== undefined || opts.rawBody !== undefined ? "POST" : "GET");
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] ??= "application/json";
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (!opts.noCsrf && !["GET", "HEAD"].includes(method)) {
    headers.origin ??= APP_ORIGIN;
    headers["x-lectern-csrf"] ??= "1";
  }
  const url = new URL(path.startsWith("http") ? path : `${APP_ORIGIN}/api/v1${path}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(url, {
      method,
      headers,
      body: opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
    }) as Request<unknown, IncomingRequestCfProperties>,
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON bodies
export async function json<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** Asserts the response is an RFC 9457 problem with our fields; returns the body. */
export async function expectProblem(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  // biome-ignore lint/suspicious/noExplicitAny: loosely typed JSON
  const body = JSON.parse(text) as any;
  expect(body).toMatchObject({ status, code });
  expect(body.type).toMatch(/^https:\/\//);
  expect(typeof body.title).toBe("string");
  expect(body.requestId).toMatch(/^[A-Za-z0-9._-]{8,64}$/);
  expect(res.headers.get("x-request-id")).toBe(body.requestId);
  // Internals never leak into a problem.
  expect(text).not.toMatch(/at .*\.(ts|js|mjs):\d+|D1_ERROR|SQLITE/);
  return body as {
    type: string;
    title: string;
    status: number;
    code: string;
    detail?: string;
    requestId: string;
    errors?: { field: string; message: string }[];
  };
}

export function cookieFrom(res: Response): string {
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0] ?? "");
  const session = cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`) && !c.endsWith("="));
  if (!session) throw new Error(`no session cookie in response (${res.status})`);
  return session;
}

/** Sign in through the API (verifies the password: slow on purpose, ~200 ms). */
export async function signIn(email: string, password = PASSWORD): Promise<string> {
  const res = await call("/auth/sign-in", {
    body: { email, password },
    headers: { "cf-connecting-ip": nextIp() },
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return cookieFrom(res);
}

/**
 * A fresh session for a user, made the way sign-in makes one (better-auth's session store,
 * cookie signed with the app secret) but without checking a password, so fixtures stay fast.
 */
export async function startSession(userId: string): Promise<string> {
  const ctx = await getAuth(env, db()).$context;
  const session = await ctx.internalAdapter.createSession(userId);
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(ctx.secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(session.token));
  const signature = btoa(String.fromCharCode(...new Uint8Array(mac)));
  return `${SESSION_COOKIE}=${encodeURIComponent(`${session.token}.${signature}`)}`;
}

/** A user with a password, optionally an operator; not signed in. */
export async function createUser(
  opts: { email?: string; name?: string; isOperator?: boolean } = {},
) {
  const d = db();
  const email = opts.email ?? freshEmail("user");
  const made = newUserStatements(d, {
    email,
    name: opts.name ?? email.split("@")[0] ?? "user",
    passwordHash: await hashed(),
    isOperator: opts.isOperator ?? false,
  });
  await d.batch([...made.statements]);
  return { id: made.id, email };
}

export async function createOperator(): Promise<Actor> {
  const user = await createUser({ isOperator: true });
  return { ...user, cookie: await startSession(user.id) };
}

export type Member = Actor & { membershipId: string; role: TenantRole };

/** A new person (or `userId`) who belongs to `tenantId` with `role`, signed in unless told not. */
export async function addMember(
  tenantId: string,
  role: TenantRole,
  opts: { email?: string; userId?: string; signedIn?: boolean } = {},
): Promise<Member> {
  const user = opts.userId
    ? { id: opts.userId, email: opts.email ?? "" }
    : await createUser({ email: opts.email ?? freshEmail(role) });
  const membershipId = newId("mem");
  await insertMembership(db(), { id: membershipId, tenantId, userId: user.id, role }).run();
  const cookie = opts.signedIn === false ? "" : await startSession(user.id);
  return { ...user, membershipId, role, cookie };
}

export type TenantFixture = {
  tenant: { id: string; slug: string; name: string };
  roles: Record<TenantRole, Member>;
};

/** A tenant with one signed-in person in each tenant role. */
export async function createTenant(name = uniq("Tenant")): Promise<TenantFixture> {
  const tenant = { id: newId("ten"), slug: uniq("t").toLowerCase(), name };
  await insertTenant(db(), tenant).run();
  const roles = {} as TenantFixture["roles"];
  for (const role of TENANT_ROLES) roles[role] = await addMember(tenant.id, role);
  return { tenant, roles };
}

/** Create an API token through the API as `actor` and return it with its secret. */
export async function createToken(
  tenantId: string,
  actor: Actor,
  role: TenantRole,
  extra: { expiresInDays?: number } = {},
) {
  const res = await call(`/tenants/${tenantId}/tokens`, {
    cookie: actor.cookie,
    body: { name: uniq("token"), role, ...extra },
  });
  if (res.status !== 201) throw new Error(`token create failed: ${res.status} ${await res.text()}`);
  return json<{ token: { id: string; prefix: string; role: TenantRole }; secret: string }>(res);
}

/** An API token written straight to D1 (as the create route stores it): fast, for fixtures. */
export async function issueToken(tenantId: string, userId: string, role: TenantRole) {
  const secret = `lct_${randomSecret(32)}`;
  const id = newId("tok");
  await insertApiToken(db(), {
    id,
    tenantId,
    userId,
    name: uniq("token"),
    role,
    prefix: secret.slice(0, 12),
    tokenHash: await sha256Hex(secret),
    expiresAt: null,
  }).run();
  return { id, secret };
}

/** Invite through the API as `actor`; returns the invitation and the secret from its link. */
export async function invite(
  tenantId: string,
  actor: Actor,
  opts: { email?: string; role?: TenantRole } = {},
) {
  const res = await call(`/tenants/${tenantId}/invitations`, {
    cookie: actor.cookie,
    body: { email: opts.email ?? freshEmail("invitee"), role: opts.role ?? "member" },
  });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${await res.text()}`);
  const body = await json<{ invitation: { id: string; email: string }; url: string }>(res);
  return { ...body, secret: secretOf(body.url) };
}

/** A pending invitation written straight to D1: fast, for fixtures. */
export async function issueInvitation(
  tenantId: string,
  opts: { email?: string; role?: TenantRole } = {},
) {
  const secret = randomSecret();
  const id = newId("inv");
  const email = opts.email ?? freshEmail("invitee");
  await insertInvitation(db(), {
    id,
    tenantId,
    email,
    role: opts.role ?? "member",
    tokenHash: await sha256Hex(secret),
    invitedBy: null,
    expiresAt: new Date(Date.now() + 86_400_000),
  }).run();
  return { id, email, secret };
}

export function secretOf(invitationUrl: string) {
  const secret = new URL(invitationUrl).pathname.split("/").pop();
  if (!secret) throw new Error(`no secret in ${invitationUrl}`);
  return secret;
}

// ---- Reading D1 directly (to check what was, or was not, written) ----

export async function rows<T = Record<string, unknown>>(
  sql: string,
  ...params: unknown[]
): Promise<T[]> {
  const result = await env.DB.prepare(sql)
    .bind(...params)
    .all<T>();
  return result.results;
}

export async function countRows(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export async function exec(sql: string, ...params: unknown[]) {
  await env.DB.prepare(sql)
    .bind(...params)
    .run();
}

export type AuditRow = {
  id: string;
  tenant_id: string | null;
  actor_user_id: string | null;
  actor_token_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  data: string | null;
  request_id: string | null;
};

/** Audit events written with this request id (every response carries it in X-Request-Id). */
export function auditOf(res: Response) {
  const requestId = res.headers.get("x-request-id");
  if (!requestId) throw new Error("response has no X-Request-Id");
  return rows<AuditRow>("SELECT * FROM audit_events WHERE request_id = ? ORDER BY id", requestId);
}

/** The session row's `token` behind a session cookie (the part before the signature). */
export function sessionTokenOf(cookie: string) {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));
  return value.slice(0, value.lastIndexOf("."));
}

export function sessionRowsOf(userId: string) {
  return rows<{ id: string; token: string; expires_at: number; created_at: number }>(
    "SELECT id, token, expires_at, created_at FROM sessions WHERE user_id = ?",
    userId,
  );
}

/** Operator action: disable (or enable) a user through the API. */
export async function setDisabled(operator: Actor, userId: string, disabled: boolean) {
  const res = await call(`/operator/users/${userId}/${disabled ? "disable" : "enable"}`, {
    method: "POST",
    cookie: operator.cookie,
  });
  if (res.status !== 200) throw new Error(`disable failed: ${res.status} ${await res.text()}`);
  return res;
}
