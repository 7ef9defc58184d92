// The one place that says who may do what. Routes declare a permission; the API's authorize
// middleware asks `allows()`. Sites arrive with the content issue; their rules live here too.
import type { SiteRole, TenantRole } from "#schemas/roles";
import { siteRoles, tenantRoles } from "#schemas/roles";

/** Permissions a route can require. */
export const permissions = {
  /** Anyone, signed in or not (sign-in, invitation preview). */
  public: "public",
  /** Any signed-in user, about themselves (profile, password, sign-out, accept invitation). */
  self: "self",
  /** Platform operator only. */
  "platform:tenants": "platform",
  // Tenant-scoped permissions (path carries {tenantId}).
  "tenant:read": "tenant",
  "tenant:update": "tenant",
  "members:read": "tenant",
  "members:manage": "tenant",
  "invitations:manage": "tenant",
  "tokens:own": "tenant",
  "tokens:manage": "tenant",
  "audit:read": "tenant",
  "sites:create": "tenant",
  "starters:manage": "tenant",
  "keys:manage": "tenant",
  "webhooks:manage": "tenant",
  /** Map custom hostnames to sites. */
  "domains:manage": "tenant",
  /** Start and cancel a mass rebuild of the tenant's published sites. */
  "sites:rebuild": "tenant",
  /** Set, replace and remove the tenant's media provider credentials (YouTube, 3Play, Drive). */
  "providers:manage": "tenant",
  // Site-scoped permissions (path carries {tenantId} and {siteId}).
  "site:read": "site",
  "site:edit": "site",
  "site:publish-preview": "site",
  "site:publish-live": "site",
  "site:settings": "site",
  "site:collaborators": "site",
} as const;

export type Permission = keyof typeof permissions;
export type PermissionScope = (typeof permissions)[Permission];
export type TenantPermission = {
  [K in Permission]: (typeof permissions)[K] extends "tenant" ? K : never;
}[Permission];

const tenantGrants: Record<TenantRole, ReadonlySet<TenantPermission>> = {
  owner: new Set<TenantPermission>([
    "tenant:read",
    "tenant:update",
    "members:read",
    "members:manage",
    "invitations:manage",
    "tokens:own",
    "tokens:manage",
    "audit:read",
    "sites:create",
    "starters:manage",
    "keys:manage",
    "webhooks:manage",
    "domains:manage",
    "sites:rebuild",
    "providers:manage",
  ]),
  admin: new Set<TenantPermission>([
    "tenant:read",
    "tenant:update",
    "members:read",
    "members:manage",
    "invitations:manage",
    "tokens:own",
    "tokens:manage",
    "audit:read",
    "sites:create",
    "starters:manage",
    "keys:manage",
    "webhooks:manage",
    "domains:manage",
    "sites:rebuild",
    "providers:manage",
  ]),
  author: new Set<TenantPermission>(["tenant:read", "members:read", "tokens:own", "sites:create"]),
  member: new Set<TenantPermission>(["tenant:read", "tokens:own"]),
};

export function scopeOf(permission: Permission): PermissionScope {
  return permissions[permission];
}

export function tenantRoleAllows(role: TenantRole, permission: TenantPermission): boolean {
  return tenantGrants[role].has(permission);
}

/** Lower rank = stronger role. */
export function tenantRoleRank(role: TenantRole): number {
  return tenantRoles.indexOf(role);
}

/** The weaker of two roles: what a token may do is capped by its owner's current role. */
export function weakerTenantRole(a: TenantRole, b: TenantRole): TenantRole {
  return tenantRoleRank(a) >= tenantRoleRank(b) ? a : b;
}

/**
 * Whether an actor with `actor` role may give someone the `target` role, or change or remove
 * someone who holds `current`. Only owners touch owners; nobody grants above their own role.
 */
export function canAssignTenantRole(
  actor: TenantRole,
  target: TenantRole,
  current?: TenantRole,
): boolean {
  if (!tenantRoleAllows(actor, "members:manage")) return false;
  if (tenantRoleRank(target) < tenantRoleRank(actor)) return false;
  if (current !== undefined && tenantRoleRank(current) < tenantRoleRank(actor)) return false;
  return true;
}

/** A token may carry at most its creator's role. */
export function canIssueTokenWithRole(actor: TenantRole, tokenRole: TenantRole): boolean {
  return tenantRoleRank(tokenRole) >= tenantRoleRank(actor);
}

// ---- Sites (used from the content issue on) ----

export type SitePermission = {
  [K in Permission]: (typeof permissions)[K] extends "site" ? K : never;
}[Permission];

const siteGrants: Record<SiteRole, ReadonlySet<SitePermission>> = {
  admin: new Set<SitePermission>([
    "site:read",
    "site:edit",
    "site:publish-preview",
    "site:publish-live",
    "site:settings",
    "site:collaborators",
  ]),
  editor: new Set<SitePermission>(["site:read", "site:edit", "site:publish-preview"]),
  viewer: new Set<SitePermission>(["site:read"]),
};

/**
 * The site role someone effectively holds: tenant owners and admins administer every site;
 * authors and members hold only the role they were given as collaborators.
 */
export function effectiveSiteRole(
  tenantRole: TenantRole,
  collaboratorRole: SiteRole | null,
): SiteRole | null {
  if (tenantRole === "owner" || tenantRole === "admin") return "admin";
  return collaboratorRole;
}

export function siteRoleAllows(role: SiteRole | null, permission: SitePermission): boolean {
  return role !== null && siteGrants[role].has(permission);
}

export { siteRoles, tenantRoles };
