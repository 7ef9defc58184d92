import { z } from "zod";

/** Roles inside a tenant, strongest first. */
export const tenantRoles = ["owner", "admin", "author", "member"] as const;
export const tenantRole = z.enum(tenantRoles);
export type TenantRole = z.infer<typeof tenantRole>;

/** Roles on one site, strongest first. */
export const siteRoles = ["admin", "editor", "viewer"] as const;
export const siteRole = z.enum(siteRoles);
export type SiteRole = z.infer<typeof siteRole>;
