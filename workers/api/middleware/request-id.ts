import { createMiddleware } from "hono/factory";
import { newId } from "#workers/domain/ids";
import type { AppEnv } from "../context.ts";

const incoming = /^[A-Za-z0-9._-]{8,64}$/;

/** Every response carries X-Request-Id; a well-formed incoming one is kept for tracing. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const given = c.req.header("x-request-id");
  const id = given && incoming.test(given) ? given : newId("req");
  c.set("requestId", id);
  await next();
  c.header("X-Request-Id", id);
});
