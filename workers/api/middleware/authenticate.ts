// Who is calling: a bearer API token or the session cookie (via better-auth), or nobody.
import { createMiddleware } from "hono/factory";
import type { TenantRole } from "#schemas/roles";
import { findApiTokenByHash, touchApiToken } from "#workers/db/queries/api-tokens";
import { deleteSession } from "#workers/db/queries/users";
import { getAuth, SESSION_COOKIE } from "#workers/domain/auth";
import { sha256Hex } from "#workers/domain/ids";
import { weakerTenantRole } from "#workers/domain/policy";
import { config } from "#workers/env";
import type { AppEnv, Principal } from "../context.ts";
import { ApiError } from "../errors.ts";

export const API_TOKEN_PREFIX = "lct_";
const TOUCH_EVERY_MS = 60_000;

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  c.set("principal", null);
  c.set("tenantContext", null);
  c.set("siteContext", null);
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    c.set("principal", await fromBearer(c, authorization));
    return next();
  }
  if (c.req.header("cookie")?.includes(SESSION_COOKIE)) {
    c.set("principal", await sessionOnce(c));
  }
  return next();
});

type Ctx = Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0];

/**
 * The UI's loaders call the API in-process several times per page, all with the incoming
 * request's ExecutionContext and cookie. Resolving the session once per (request, cookie)
 * saves a D1 round trip per call. Keyed by the ExecutionContext object, so nothing outlives
 * the request and no other request can see it; a changed cookie (sign-in, sign-out, password
 * change within one request) is a different key.
 */
const sessionMemo = new WeakMap<object, Map<string, Promise<Principal | null>>>();

function sessionOnce(c: Ctx): Promise<Principal | null> {
  let ctx: object | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    // No ExecutionContext (e.g. app.request in a script): nothing to share.
    return fromSession(c);
  }
  const cookie = c.req.header("cookie") ?? "";
  let byCookie = sessionMemo.get(ctx);
  if (!byCookie) {
    byCookie = new Map();
    sessionMemo.set(ctx, byCookie);
  }
  let principal = byCookie.get(cookie);
  if (!principal) {
    principal = fromSession(c);
    byCookie.set(cookie, principal);
  }
  return principal;
}

async function fromBearer(
  c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0],
  header: string,
) {
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const secret = match?.[1];
  if (!secret?.startsWith(API_TOKEN_PREFIX)) {
    throw new ApiError("UNAUTHENTICATED", "The Authorization header must be `Bearer lct_…`");
  }
  const db = c.get("db");
  const found = await findApiTokenByHash(db, await sha256Hex(secret));
  const now = new Date();
  // One answer for every way a token can be dead, so a caller learns nothing from the reason.
  const dead = new ApiError("UNAUTHENTICATED", "The API token is not valid");
  if (!found) throw dead;
  const { token, user, membershipRole } = found;
  if (token.revokedAt || (token.expiresAt && token.expiresAt <= now)) throw dead;
  if (user.disabledAt || membershipRole === null) throw dead;
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    c.executionCtx.waitUntil(touchApiToken(db, token.id, now).run());
  }
  const principal: Principal = {
    user: { id: user.id, email: user.email, name: user.name, isOperator: false },
    via: "token",
    session: null,
    token: {
      id: token.id,
      tenantId: token.tenantId,
      role: weakerTenantRole(token.role, membershipRole as TenantRole),
    },
  };
  return principal;
}

async function fromSession(c: Ctx) {
  const db = c.get("db");
  const auth = getAuth(c.env, db);
  const result = await auth.api.getSession({ headers: c.req.raw.headers, returnHeaders: true });
  const data = result.response;
  if (!data) return null;
  const cfg = config(c.env);
  const { session, user } = data;
  const absoluteEnd = new Date(session.createdAt).getTime() + cfg.SESSION_ABSOLUTE_SECONDS * 1000;
  if (user.disabledAt || Date.now() >= absoluteEnd) {
    await deleteSession(db, session.id).run();
    return null;
  }
  // better-auth slides the idle expiry and re-sets the cookie; pass that on.
  for (const cookie of result.headers.getSetCookie())
    c.header("Set-Cookie", cookie, { append: true });
  const principal: Principal = {
    user: { id: user.id, email: user.email, name: user.name, isOperator: Boolean(user.isOperator) },
    via: "session",
    session: {
      id: session.id,
      createdAt: new Date(session.createdAt),
      expiresAt: new Date(session.expiresAt),
    },
    token: null,
  };
  return principal;
}
