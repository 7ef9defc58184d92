import { OpenAPIHono } from "@hono/zod-openapi";
import { APIError as BetterAuthError } from "better-auth/api";
import { eq } from "drizzle-orm";
import { changePasswordBody, me, signInBody, updateProfileBody } from "#schemas/auth";
import { ok } from "#schemas/common";
import { clearRateLimit, hitRateLimit, peekRateLimit } from "#workers/db/queries/rate-limits";
import { listMembershipsOfUser } from "#workers/db/queries/tenants";
import { deleteSession, getUserById } from "#workers/db/queries/users";
import { users } from "#workers/db/schema";
import { auditStatement } from "#workers/domain/audit";
import { getAuth } from "#workers/domain/auth";
import type { AppContext, AppEnv, Principal } from "../context.ts";
import { ApiError } from "../errors.ts";
import { defineRoute, iso, jsonBody, jsonResponse, principalOf } from "../route.ts";

const WINDOW_SECONDS = 15 * 60;
export const SIGN_IN_LIMITS = { perAccount: 10, perIp: 50 } as const;

async function meOf(c: AppContext, principal: Principal) {
  return {
    user: principal.user,
    via: principal.via,
    session: principal.session
      ? { createdAt: iso(principal.session.createdAt), expiresAt: iso(principal.session.expiresAt) }
      : null,
    memberships: (await listMembershipsOfUser(c.get("db"), principal.user.id)).filter(
      (m) => !principal.token || m.tenantId === principal.token.tenantId,
    ),
  };
}

function forwardCookies(c: AppContext, headers: Headers) {
  for (const cookie of headers.getSetCookie()) c.header("Set-Cookie", cookie, { append: true });
}

function rateLimited(retryAfter: number) {
  return new ApiError("RATE_LIMITED", "Too many sign-in attempts; wait and try again", {
    headers: { "Retry-After": String(retryAfter) },
  });
}

const signIn = defineRoute({
  method: "post",
  path: "/auth/sign-in",
  permission: "public",
  tags: ["Auth"],
  summary: "Sign in with email and password (sets the session cookie)",
  request: { body: jsonBody(signInBody) },
  responses: {
    200: jsonResponse(me, "Signed in"),
    429: { description: "Too many attempts" },
  },
});

const signOut = defineRoute({
  method: "post",
  path: "/auth/sign-out",
  permission: "self",
  tags: ["Auth"],
  summary: "End this session",
  responses: { 200: jsonResponse(ok, "Signed out") },
});

const getMe = defineRoute({
  method: "get",
  path: "/me",
  permission: "self",
  tags: ["Auth"],
  summary: "The signed-in user, how they are authenticated and their tenants",
  responses: { 200: jsonResponse(me, "The caller") },
});

const updateMe = defineRoute({
  method: "patch",
  path: "/me",
  permission: "self",
  tags: ["Auth"],
  summary: "Change your display name",
  request: { body: jsonBody(updateProfileBody) },
  responses: { 200: jsonResponse(me, "Updated") },
});

const changePassword = defineRoute({
  method: "post",
  path: "/me/password",
  permission: "self",
  tags: ["Auth"],
  summary: "Change your password (ends your other sessions)",
  request: { body: jsonBody(changePasswordBody) },
  responses: { 200: jsonResponse(ok, "Password changed") },
});

export const authRoutes = new OpenAPIHono<AppEnv>()
  .openapi(signIn, async (c) => {
    const { email, password } = c.req.valid("json");
    const db = c.get("db");
    const ip = c.req.header("cf-connecting-ip") ?? "unknown";
    if ((await hitRateLimit(db, `sign-in:ip:${ip}`, WINDOW_SECONDS)) > SIGN_IN_LIMITS.perIp) {
      throw rateLimited(WINDOW_SECONDS);
    }
    const accountKey = `sign-in:account:${email}`;
    if ((await peekRateLimit(db, accountKey, WINDOW_SECONDS)) >= SIGN_IN_LIMITS.perAccount) {
      throw rateLimited(WINDOW_SECONDS);
    }
    const auth = getAuth(c.env, db);
    const result = await auth.api
      .signInEmail({
        body: { email, password, rememberMe: true },
        headers: c.req.raw.headers,
        returnHeaders: true,
      })
      .catch(async (err: unknown) => {
        if (err instanceof BetterAuthError && err.statusCode < 500) {
          await hitRateLimit(db, accountKey, WINDOW_SECONDS);
          throw new ApiError("INVALID_CREDENTIALS");
        }
        throw err;
      });
    const user = await getUserById(db, result.response.user.id);
    if (!user || user.disabledAt) {
      // The password was right, but the account may not be used; undo the session.
      const sessionToken = result.response.token;
      const auth$ = await auth.$context;
      const session = await auth$.internalAdapter.findSession(sessionToken);
      if (session) await deleteSession(db, session.session.id).run();
      throw new ApiError("FORBIDDEN", "This account is disabled");
    }
    await clearRateLimit(db, accountKey).run();
    forwardCookies(c, result.headers);
    const session = await auth.$context.then((ctx) =>
      ctx.internalAdapter.findSession(result.response.token),
    );
    const principal: Principal = {
      user: { id: user.id, email: user.email, name: user.name, isOperator: user.isOperator },
      via: "session",
      session: session
        ? {
            id: session.session.id,
            createdAt: session.session.createdAt,
            expiresAt: session.session.expiresAt,
          }
        : null,
      token: null,
    };
    return c.json(await meOf(c, principal), 200);
  })
  .openapi(signOut, async (c) => {
    const principal = principalOf(c);
    if (principal.session) {
      await deleteSession(c.get("db"), principal.session.id).run();
    }
    const auth = getAuth(c.env, c.get("db"));
    const ctx = await auth.$context;
    c.header(
      "Set-Cookie",
      `${ctx.authCookies.sessionToken.name}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax`,
      { append: true },
    );
    return c.json({ ok: true as const }, 200);
  })
  .openapi(getMe, async (c) => c.json(await meOf(c, principalOf(c)), 200))
  .openapi(updateMe, async (c) => {
    const principal = principalOf(c);
    const { name } = c.req.valid("json");
    const db = c.get("db");
    await db.batch([
      db.update(users).set({ name, updatedAt: new Date() }).where(eq(users.id, principal.user.id)),
      auditStatement(c, {
        tenantId: null,
        action: "user.profile_updated",
        targetType: "user",
        targetId: principal.user.id,
      }),
    ]);
    return c.json(await meOf(c, { ...principal, user: { ...principal.user, name } }), 200);
  })
  .openapi(changePassword, async (c) => {
    const principal = principalOf(c);
    if (principal.via !== "session") {
      throw new ApiError(
        "FORBIDDEN",
        "Change your password from a signed-in session, not with a token",
      );
    }
    const { currentPassword, newPassword } = c.req.valid("json");
    const db = c.get("db");
    // A wrong current password is a password guess like a failed sign-in, and counts against
    // the same per-account budget, so a stolen session cannot be used to guess the password.
    const accountKey = `sign-in:account:${principal.user.email}`;
    if ((await peekRateLimit(db, accountKey, WINDOW_SECONDS)) >= SIGN_IN_LIMITS.perAccount) {
      throw rateLimited(WINDOW_SECONDS);
    }
    const auth = getAuth(c.env, db);
    let result: { headers: Headers };
    try {
      result = await auth.api.changePassword({
        body: { currentPassword, newPassword, revokeOtherSessions: true },
        headers: c.req.raw.headers,
        returnHeaders: true,
      });
    } catch (err) {
      if (err instanceof BetterAuthError && err.statusCode < 500) {
        await hitRateLimit(db, accountKey, WINDOW_SECONDS);
        throw new ApiError("VALIDATION_FAILED", "The current password is wrong", {
          errors: [{ field: "currentPassword", message: "is not your current password" }],
        });
      }
      throw err;
    }
    forwardCookies(c, result.headers);
    await clearRateLimit(db, accountKey).run();
    await auditStatement(c, {
      tenantId: null,
      action: "user.password_changed",
      targetType: "user",
      targetId: principal.user.id,
    }).run();
    return c.json({ ok: true as const }, 200);
  });
