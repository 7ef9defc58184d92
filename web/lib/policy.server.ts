// What the UI offers each role, asked of the one policy module the API enforces, so a button
// is shown exactly when the API would allow it.
import type { SiteRole, TenantRole } from "#schemas/roles";
import { tenantRoles } from "#schemas/roles";
import {
  canAssignTenantRole,
  canIssueTokenWithRole,
  effectiveSiteRole,
  siteRoleAllows,
  tenantRoleAllows,
} from "#workers/domain/policy";

export function capabilities(role: TenantRole) {
  return {
    readMembers: tenantRoleAllows(role, "members:read"),
    manageMembers: tenantRoleAllows(role, "members:manage"),
    inviteMembers: tenantRoleAllows(role, "invitations:manage"),
    ownTokens: tenantRoleAllows(role, "tokens:own"),
    manageTokens: tenantRoleAllows(role, "tokens:manage"),
    readAudit: tenantRoleAllows(role, "audit:read"),
    createSites: tenantRoleAllows(role, "sites:create"),
    manageStarters: tenantRoleAllows(role, "starters:manage"),
    rebuildSites: tenantRoleAllows(role, "sites:rebuild"),
    manageDomains: tenantRoleAllows(role, "domains:manage"),
    manageProviders: tenantRoleAllows(role, "providers:manage"),
    /** Catalog access for Learn: signing keys and webhook endpoints. */
    manageCatalog:
      tenantRoleAllows(role, "keys:manage") && tenantRoleAllows(role, "webhooks:manage"),
    /** Owners and admins administer every site, so they may create one for someone else. */
    administerAllSites: effectiveSiteRole(role, null) === "admin",
  };
}

export type Capabilities = ReturnType<typeof capabilities>;

/** Roles `actor` may give someone (in an invitation or a role change). */
export function assignableRoles(actor: TenantRole): TenantRole[] {
  return tenantRoles.filter((role) => canAssignTenantRole(actor, role));
}

/** Whether `actor` may change or remove someone who is `current`. */
export function mayChangeMember(actor: TenantRole, current: TenantRole): boolean {
  return canAssignTenantRole(actor, current, current);
}

/** Roles a token created by `actor` may carry. */
export function tokenRoles(actor: TenantRole): TenantRole[] {
  return tenantRoles.filter((role) => canIssueTokenWithRole(actor, role));
}

/** What the UI offers on one site, from the caller's effective role there. */
export function siteCapabilities(role: SiteRole) {
  return {
    edit: siteRoleAllows(role, "site:edit"),
    settings: siteRoleAllows(role, "site:settings"),
    collaborators: siteRoleAllows(role, "site:collaborators"),
  };
}
