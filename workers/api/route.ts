// Every API route is declared here-style: its permission is part of the route, recorded in the
// OpenAPI document as `x-permission` and enforced by the authorize middleware. A route cannot
// be declared without one (the isolation matrix test also checks the document).
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { ZodType } from "zod";
import { problem } from "#schemas/common";
import type { Permission } from "#workers/domain/policy";
import type { AppContext, SiteContext, TenantContext } from "./context.ts";
import { ApiError } from "./errors.ts";
import { authorize } from "./middleware/authorize.ts";

const problemContent = { "application/problem+json": { schema: problem } } as const;

const errorResponses = {
  400: { description: "Invalid request (field errors in `errors`)", content: problemContent },
  401: { description: "Not signed in, or the token is not valid", content: problemContent },
  403: { description: "Not allowed for your role", content: problemContent },
  404: { description: "Not found (or in another tenant)", content: problemContent },
} as const;

type RouteDef = Omit<RouteConfig, "middleware"> & { permission: Permission };

export function defineRoute<const R extends RouteDef>(def: R) {
  const { permission, ...rest } = def;
  return createRoute({
    ...rest,
    "x-permission": permission,
    middleware: [authorize(permission)] as const,
    responses: { ...errorResponses, ...rest.responses },
  } as Omit<R, "permission"> & { middleware: [ReturnType<typeof authorize>] });
}

export function jsonBody<T extends ZodType>(schema: T, description?: string) {
  return {
    required: true,
    ...(description ? { description } : {}),
    content: { "application/json": { schema } },
  } as const;
}

export function jsonResponse<T extends ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

/** The tenant and effective role that authorize() resolved for a tenant-scoped route. */
export function tenantOf(c: AppContext): TenantContext {
  const t = c.get("tenantContext");
  if (!t) throw new Error("tenantOf() used on a route that is not tenant-scoped");
  return t;
}

/** The site and effective site role that authorize() resolved for a site-scoped route. */
export function siteOf(c: AppContext): SiteContext {
  const s = c.get("siteContext");
  if (!s) throw new Error("siteOf() used on a route that is not site-scoped");
  return s;
}

export function principalOf(c: AppContext) {
  const p = c.get("principal");
  if (!p) throw new ApiError("UNAUTHENTICATED");
  return p;
}

export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);
