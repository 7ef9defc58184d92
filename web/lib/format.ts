// Display helpers shared by server and browser. Times are shown in UTC so the server-rendered
// page and the hydrated one agree, whatever the viewer's time zone.
import type { SiteRole, TenantRole } from "#schemas/roles";

export const roleLabels: Record<TenantRole, string> = {
  owner: "Owner",
  admin: "Admin",
  author: "Author",
  member: "Member",
};

export const siteRoleLabels: Record<SiteRole, string> = {
  admin: "Site admin",
  editor: "Editor",
  viewer: "Viewer",
};

export function roleOptions(roles: readonly TenantRole[]) {
  return roles.map((role) => ({ value: role, label: roleLabels[role] }));
}

/** "2026-11-23 14:05 UTC" */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "2026-11-23" */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}

/** "Members · Acme University · Lectern" */
export function pageTitle(...parts: Array<string | null | undefined>): { title: string }[] {
  return [{ title: [...parts.filter(Boolean), "Lectern"].join(" · ") }];
}

type PublishState = { liveVersion: number | null; previewVersion: number | null };

/** "Live", "Preview only" or "Not published yet", for a site's publish state. */
export function publishLabel(publish: PublishState): string {
  if (publish.liveVersion !== null) return "Live";
  if (publish.previewVersion !== null) return "Preview only";
  return "Not published yet";
}
