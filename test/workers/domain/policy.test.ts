// The one policy module (workers/domain/policy.ts), pinned. The isolation matrix derives its
// expectations from this module, so this file is what notices when the rules themselves move.
import { describe, expect, it } from "vitest";
import {
  canAssignTenantRole,
  canIssueTokenWithRole,
  effectiveSiteRole,
  permissions,
  scopeOf,
  siteRoleAllows,
  type TenantPermission,
  tenantRoleAllows,
  tenantRoles,
  weakerTenantRole,
} from "#workers/domain/policy";

const tenantPermissions = (Object.keys(permissions) as (keyof typeof permissions)[]).filter(
  (p) => scopeOf(p) === "tenant",
) as TenantPermission[];

describe("tenant grants", () => {
  const granted = (role: (typeof tenantRoles)[number]) =>
    tenantPermissions.filter((p) => tenantRoleAllows(role, p)).sort();

  it("owners and admins hold every tenant permission", () => {
    expect(granted("owner")).toEqual([...tenantPermissions].sort());
    expect(granted("admin")).toEqual([...tenantPermissions].sort());
  });

  it("authors read the tenant and its members, keep their own tokens and create sites", () => {
    expect(granted("author")).toEqual(
      ["members:read", "sites:create", "tenant:read", "tokens:own"].sort(),
    );
  });

  it("members read the tenant and keep their own tokens", () => {
    expect(granted("member")).toEqual(["tenant:read", "tokens:own"]);
  });

  it("every weaker role holds a subset of the stronger one's grants", () => {
    for (let i = 1; i < tenantRoles.length; i++) {
      const stronger = granted(tenantRoles[i - 1] ?? "owner");
      for (const p of granted(tenantRoles[i] ?? "member")) expect(stronger).toContain(p);
    }
  });

  it("scopes: public, self, platform, tenant", () => {
    expect(scopeOf("public")).toBe("public");
    expect(scopeOf("self")).toBe("self");
    expect(scopeOf("platform:tenants")).toBe("platform");
    expect(scopeOf("members:manage")).toBe("tenant");
  });
});

describe("role arithmetic", () => {
  it("weakerTenantRole picks the weaker of two roles, in either order", () => {
    expect(weakerTenantRole("owner", "member")).toBe("member");
    expect(weakerTenantRole("member", "owner")).toBe("member");
    expect(weakerTenantRole("admin", "author")).toBe("author");
    expect(weakerTenantRole("admin", "admin")).toBe("admin");
  });

  it("a token carries at most its creator's role", () => {
    expect(canIssueTokenWithRole("admin", "owner")).toBe(false);
    expect(canIssueTokenWithRole("admin", "admin")).toBe(true);
    expect(canIssueTokenWithRole("member", "member")).toBe(true);
    expect(canIssueTokenWithRole("member", "author")).toBe(false);
  });

  it("only owners touch owners; nobody grants above their own role", () => {
    expect(canAssignTenantRole("owner", "owner", "member")).toBe(true);
    expect(canAssignTenantRole("owner", "member", "owner")).toBe(true);
    expect(canAssignTenantRole("admin", "owner")).toBe(false);
    expect(canAssignTenantRole("admin", "member", "owner")).toBe(false);
    expect(canAssignTenantRole("admin", "admin", "member")).toBe(true);
    expect(canAssignTenantRole("admin", "member", "admin")).toBe(true);
    expect(canAssignTenantRole("author", "member", "member")).toBe(false);
    expect(canAssignTenantRole("member", "member")).toBe(false);
  });
});

describe("site roles", () => {
  it("tenant owners and admins administer every site; others hold only what they were given", () => {
    expect(effectiveSiteRole("owner", null)).toBe("admin");
    expect(effectiveSiteRole("admin", "viewer")).toBe("admin");
    expect(effectiveSiteRole("author", "editor")).toBe("editor");
    expect(effectiveSiteRole("member", null)).toBeNull();
  });

  it("grants by site role", () => {
    expect(siteRoleAllows("admin", "site:publish-live")).toBe(true);
    expect(siteRoleAllows("editor", "site:publish-live")).toBe(false);
    expect(siteRoleAllows("editor", "site:publish-preview")).toBe(true);
    expect(siteRoleAllows("viewer", "site:edit")).toBe(false);
    expect(siteRoleAllows(null, "site:read")).toBe(false);
  });
});
