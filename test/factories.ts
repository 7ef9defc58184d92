// Test data. Every test makes its own tenant(s) and people, so no test depends on another.
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import type { TenantRole } from "#schemas/roles";
import { createDb } from "#workers/db/client";
import { insertMembership } from "#workers/db/queries/members";
import { insertTenant } from "#workers/db/queries/tenants";
import { hashPassword, newUserStatements } from "#workers/domain/accounts";
import { getAuth } from "#workers/domain/auth";
import { newId } from "#workers/domain/ids";

export const APP_ORIGIN = "http://lectern.test";
export const PASSWORD = "correct horse battery staple";

let passwordHash: Promise<string> | undefined;
function hashed() {
  passwordHash ??= hashPassword(getAuth(env, createDb(env.DB)), PASSWORD);
  return passwordHash;
}

let seq = 0;
export function uniq(label = "x") {
  seq += 1;
  return `${label}-${Date.now().toString(36)}-${seq}-${Math.random().toString(36).slice(2, 7)}`;
}

export type Actor = { id: string; email: string; cookie: string };

type RequestOptions = {
  method?: string;
  body?: unknown;
  rawBody?: BodyInit;
  cookie?: string;
  token?: string;
  headers?: Record<string, string>;
  /** Leave out the Origin and CSRF headers a browser client would send. */
  noCsrf?: boolean;
};

/** Call the Worker as a client would. */
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
  const url = path.startsWith("http") ? path : `${APP_ORIGIN}/api/v1${path}`;
  return exports.default.fetch(
    new Request(url, {
      method,
      headers,
      body: opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
    }),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON bodies
export async function json<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export function cookieFrom(res: Response): string {
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0] ?? "");
  const session = cookies.find((c) => c.startsWith("__Host-lectern_session=") && !c.endsWith("="));
  if (!session) throw new Error(`no session cookie in response (${res.status})`);
  return session;
}

export async function signIn(email: string, password = PASSWORD): Promise<string> {
  const res = await call("/auth/sign-in", {
    body: { email, password },
    headers: {
      "cf-connecting-ip": `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    },
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return cookieFrom(res);
}

/** A user with a password, optionally an operator; not signed in. */
export async function createUser(
  opts: { email?: string; name?: string; isOperator?: boolean } = {},
) {
  const db = createDb(env.DB);
  const email = opts.email ?? `${uniq("user")}@example.test`;
  const made = newUserStatements(db, {
    email,
    name: opts.name ?? email.split("@")[0] ?? "user",
    passwordHash: await hashed(),
    isOperator: opts.isOperator ?? false,
  });
  await db.batch([...made.statements]);
  return { id: made.id, email };
}

export async function createOperator(): Promise<Actor> {
  const user = await createUser({ isOperator: true });
  return { ...user, cookie: await signIn(user.email) };
}

export type TenantFixture = {
  tenant: { id: string; slug: string; name: string };
  roles: Record<TenantRole, Actor & { membershipId: string }>;
};

/** A tenant with one signed-in person in each tenant role. */
export async function createTenant(name = uniq("Tenant")): Promise<TenantFixture> {
  const db = createDb(env.DB);
  const tenant = { id: newId("ten"), slug: uniq("t").toLowerCase(), name };
  await insertTenant(db, tenant).run();
  const roles = {} as TenantFixture["roles"];
  for (const role of ["owner", "admin", "author", "member"] as const) {
    const user = await createUser({ email: `${role}.${uniq()}@example.test` });
    const membershipId = newId("mem");
    await insertMembership(db, {
      id: membershipId,
      tenantId: tenant.id,
      userId: user.id,
      role,
    }).run();
    roles[role] = { ...user, membershipId, cookie: await signIn(user.email) };
  }
  return { tenant, roles };
}

/** Create an API token through the API as `actor` and return its secret. */
export async function createToken(tenantId: string, actor: Actor, role: TenantRole) {
  const res = await call(`/tenants/${tenantId}/tokens`, {
    cookie: actor.cookie,
    body: { name: uniq("token"), role },
  });
  if (res.status !== 201) throw new Error(`token create failed: ${res.status} ${await res.text()}`);
  return json<{ token: { id: string }; secret: string }>(res);
}
