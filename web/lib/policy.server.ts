// What the UI offers each role, asked of the one policy module the API enforces, so a button
// is shown exactly when the API would allow it.
import { type TenantRole, tenantRoles } from "#schemas/roles";
import {
  canAssignTenantRole,
  canIssueTokenWithRole,
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
