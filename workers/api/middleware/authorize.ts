// Applies the permission a route declares (see route.ts), using the one policy module.
import { createMiddleware } from "hono/factory";
import { getSiteAccess } from "#workers/db/queries/sites";
import { getMembershipOfUser } from "#workers/db/queries/tenants";
import {
  effectiveSiteRole,
  type Permission,
  type SitePermission,
  scopeOf,
  siteRoleAllows,
  type TenantPermission,
  tenantRoleAllows,
  weakerTenantRole,
} from "#workers/domain/policy";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";

export function authorize(permission: Permission) {
  const scope = scopeOf(permission);
  return createMiddleware<AppEnv>(async (c, next) => {
    if (scope === "public") return next();
    const principal = c.get("principal");
    if (!principal) throw new ApiError("UNAUTHENTICATED");
    if (scope === "self") return next();
    if (scope === "platform") {
      if (principal.via !== "session" || !principal.user.isOperator) {
        throw new ApiError("FORBIDDEN", "Only the platform operator may do this");
      }
      return next();
    }
    // Tenant scope: a tenant the caller does not belong to does not exist, as far as they know.
    const tenantId = c.req.param("tenantId");
    const notFound = new ApiError("NOT_FOUND", "No such tenant");
    if (!tenantId) throw notFound;
    if (principal.token && principal.token.tenantId !== tenantId) throw notFound;
    // Site-scoped routes read membership and site in one query; tenant-scoped ones need less.
    const siteId = scope === "site" ? c.req.param("siteId") : undefined;
    const db = c.get("db");
    const access = siteId
      ? await getSiteAccess(db, tenantId, siteId, principal.user.id)
      : await getMembershipOfUser(db, tenantId, principal.user.id);
    if (!access) throw notFound;
    const role = principal.token
      ? weakerTenantRole(principal.token.role, access.role)
      : access.role;
    c.set("tenantContext", { tenant: access.tenant, role });
    if (scope === "tenant") {
      if (!tenantRoleAllows(role, permission as TenantPermission)) {
        throw new ApiError("FORBIDDEN", `Your role (${role}) does not allow ${permission}`);
      }
      return next();
    }
    // Site scope: a site the caller cannot see does not exist, as far as they know.
    const site = "site" in access ? access.site : null;
    const siteRole =
      site && "site" in access ? effectiveSiteRole(role, access.collaboratorRole) : null;
    if (!site || !siteRole) throw new ApiError("NOT_FOUND", "No such site");
    c.set("siteContext", { site, role: siteRole });
    if (!siteRoleAllows(siteRole, permission as SitePermission)) {
      throw new ApiError("FORBIDDEN", `Your site role (${siteRole}) does not allow ${permission}`);
    }
    return next();
  });
}
