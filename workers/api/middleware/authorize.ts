// Applies the permission a route declares (see route.ts), using the one policy module.
import { createMiddleware } from "hono/factory";
import { getMembershipOfUser } from "#workers/db/queries/tenants";
import type { TenantPermission } from "#workers/domain/policy";
import {
  type Permission,
  scopeOf,
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
    if (!tenantRoleAllows(role, permission as TenantPermission)) {
      throw new ApiError("FORBIDDEN", `Your role (${role}) does not allow ${permission}`);
    }
    return next();
  });
}
