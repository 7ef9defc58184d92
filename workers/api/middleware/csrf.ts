import { createMiddleware } from "hono/factory";
import { config } from "#workers/env";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";

export const CSRF_HEADER = "x-lectern-csrf";
const safe = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cookie-carrying mutations must come from our own origin AND carry a header a cross-site
 * form cannot send (a non-safelisted header forces a CORS preflight, which we never grant).
 * Bearer-token requests carry no ambient credentials and are exempt.
 */
export const csrf = createMiddleware<AppEnv>(async (c, next) => {
  if (safe.has(c.req.method) || c.req.header("authorization") !== undefined) return next();
  const origin = c.req.header("origin");
  const allowed = config(c.env).appOrigin;
  if (origin !== allowed && origin !== new URL(c.req.url).origin) {
    throw new ApiError("CSRF_REJECTED", "The Origin header is missing or is not this app's origin");
  }
  if (c.req.header(CSRF_HEADER) !== "1") {
    throw new ApiError("CSRF_REJECTED", `Send the header ${CSRF_HEADER}: 1 with this request`);
  }
  return next();
});
