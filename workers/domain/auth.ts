// Credentials and sessions are better-auth's job (ADR 0004); tenancy, roles, invitations and
// tokens are ours. better-auth's HTTP handler is not mounted: our routes call `auth.api.*`
// so every endpoint is in our OpenAPI document and answers problem+json.
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import type { Db } from "#workers/db/client";
import { accounts, sessions, users, verifications } from "#workers/db/schema";
import { config } from "#workers/env";
import { type IdPrefix, newId } from "./ids.ts";

export const SESSION_COOKIE = "__Host-lectern_session";

const idPrefixByModel: Record<string, IdPrefix> = {
  user: "usr",
  session: "ses",
  account: "acc",
  verification: "ver",
};

function createAuth(env: Env, db: Db) {
  const cfg = config(env);
  return betterAuth({
    appName: "Lectern",
    baseURL: cfg.APP_URL,
    basePath: "/api/auth",
    secret: cfg.AUTH_SECRET,
    database: drizzleAdapter(db, {
      provider: "sqlite",
      schema: { user: users, session: sessions, account: accounts, verification: verifications },
    }),
    user: {
      additionalFields: {
        isOperator: { type: "boolean", input: false, defaultValue: false, required: false },
        disabledAt: { type: "date", input: false, required: false },
      },
    },
    emailAndPassword: {
      enabled: true,
      // Accounts are created by invitation only (see workers/domain/accounts.ts).
      disableSignUp: true,
      minPasswordLength: 12,
      maxPasswordLength: 128,
      revokeSessionsOnPasswordReset: true,
    },
    session: {
      // Idle timeout: every use within `updateAge` slides the expiry forward by `expiresIn`.
      // The absolute limit is enforced in middleware/auth.ts from the session's createdAt.
      expiresIn: cfg.SESSION_IDLE_SECONDS,
      updateAge: Math.min(300, Math.floor(cfg.SESSION_IDLE_SECONDS / 4)),
      cookieCache: { enabled: false },
    },
    rateLimit: { enabled: false },
    trustedOrigins: [cfg.appOrigin],
    telemetry: { enabled: false },
    advanced: {
      cookiePrefix: "lectern",
      // `__Host-` needs Secure, Path=/ and no Domain; localhost counts as secure in browsers.
      useSecureCookies: false,
      cookies: { session_token: { name: SESSION_COOKIE } },
      defaultCookieAttributes: { secure: true, httpOnly: true, sameSite: "lax", path: "/" },
      ipAddress: { ipAddressHeaders: ["cf-connecting-ip"] },
      database: {
        generateId: ({ model }) => newId(idPrefixByModel[model] ?? "req"),
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

const cache = new WeakMap<object, Auth>();

/** One better-auth instance per env object (per isolate), bound to the request's db. */
export function getAuth(env: Env, db: Db): Auth {
  let auth = cache.get(env);
  if (!auth) {
    auth = createAuth(env, db);
    cache.set(env, auth);
  }
  return auth;
}
