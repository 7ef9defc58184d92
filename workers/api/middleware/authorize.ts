// Applies the permission a route declares (see route.ts), using the one policy module.
import { createMiddleware } from "hono/factory";
import { getSiteWithCollaboratorRole } from "#workers/db/queries/sites";
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
    const membership = await getMembershipOfUser(c.get("db"), tenantId, principal.user.id);
    if (!membership) throw notFound;
    const role = principal.token
      ? weakerTenantRole(principal.token.role, membership.role)
      : membership.role;
    c.set("tenantContext", { tenant: membership.tenant, role });
    if (scope === "tenant") {
      if (!tenantRoleAllows(role, permission as TenantPermission)) {
        throw new ApiError("FORBIDDEN", `Your role (${role}) does not allow ${permission}`);
      }
      return next();
    }
    // Site scope: a site the caller cannot see does not exist, as far as they know.
    const siteId = c.req.param("siteId");
    const found = siteId
      ? await getSiteWithCollaboratorRole(c.get("db"), tenantId, siteId, principal.user.id)
      : undefined;
    const siteRole = found ? effectiveSiteRole(role, found.collaboratorRole) : null;
    if (!found || !siteRole) throw new ApiError("NOT_FOUND", "No such site");
    c.set("siteContext", { site: found.site, role: siteRole });
    if (!siteRoleAllows(siteRole, permission as SitePermission)) {
      throw new ApiError("FORBIDDEN", `Your site role (${siteRole}) does not allow ${permission}`);
    }
    return next();
  });
}
