import type { ApiClient } from "../lib/api.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/dashboard";

/** "12", or "100+" when there is more than one page. */
function count(items: unknown[], nextCursor: string | null) {
  return nextCursor ? `${items.length}+` : String(items.length);
}

async function memberCount(api: ApiClient, tenantId: string) {
  const res = await api.tenants[":tenantId"].members.$get({
    param: { tenantId },
    query: { limit: "100" },
  });
  if (!res.ok) return null;
  const page = await res.json();
  return count(page.items, page.nextCursor);
}

async function pendingInvitationCount(api: ApiClient, tenantId: string) {
  const res = await api.tenants[":tenantId"].invitations.$get({
    param: { tenantId },
    query: { limit: "100" },
  });
  if (!res.ok) return null;
  const page = await res.json();
  return count(
    page.items.filter((i) => i.status === "pending"),
    page.nextCursor,
  );
}

async function activeTokenCount(api: ApiClient, tenantId: string) {
  const res = await api.tenants[":tenantId"].tokens.$get({
    param: { tenantId },
    query: { limit: "100", scope: "mine" },
  });
  if (!res.ok) return null;
  const page = await res.json();
  const now = Date.now();
  const active = page.items.filter(
    (t) => !t.revokedAt && (!t.expiresAt || Date.parse(t.expiresAt) > now),
  );
  return count(active, page.nextCursor);
}

/** Sites the caller can see (the API lists only those), archived ones left out. */
async function siteCount(api: ApiClient, tenantId: string) {
  const res = await api.tenants[":tenantId"].sites.$get({
    param: { tenantId },
    query: { limit: "100" },
  });
  if (!res.ok) return null;
  const page = await res.json();
  return count(page.items, page.nextCursor);
}

/**
 * A failed build's message may be a whole Hugo log: its first line (what failed) and its last
 * lines (usually why) are enough here; the deploy's page has all of it.
 */
function shortReason(message: string | null): string | null {
  const text = message?.trim();
  if (!text) return null;
  const lines = text.split("\n");
  const short = lines.length <= 4 ? text : [lines[0], "…", ...lines.slice(-2)].join("\n");
  return short.length <= 600 ? short : `…${short.slice(-600)}`;
}

/** Publishes the caller asked for that failed lately (the API keeps 14 days), newest first. */
async function publishFailures(api: ApiClient, tenantId: string) {
  const res = await api.tenants[":tenantId"]["publish-failures"].$get({ param: { tenantId } });
  if (!res.ok) return [];
  const { items } = await res.json();
  return items.map(({ deploy, site }) => ({
    deployId: deploy.id,
    target: deploy.target,
    at: deploy.finishedAt ?? deploy.createdAt,
    reason: shortReason(deploy.message),
    fromRebuild: deploy.rebuildId !== null,
    site: { id: site.id, title: site.title },
  }));
}

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const access = await loadTenant(context.api, request, params.tenantId);
  const { tenantId } = params;
  const [sites, members, invitations, tokens, failures] = await Promise.all([
    siteCount(context.api, tenantId),
    access.can.readMembers ? memberCount(context.api, tenantId) : null,
    access.can.inviteMembers ? pendingInvitationCount(context.api, tenantId) : null,
    access.can.ownTokens ? activeTokenCount(context.api, tenantId) : null,
    publishFailures(context.api, tenantId),
  ]);
  return { ...access, counts: { sites, members, invitations, tokens }, failures };
}
