import { auditFilterForm, parseForm } from "../lib/forms.ts";
import { failLoader } from "../lib/problem.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/audit";

const PAGE_SIZE = "50";
const filterNames = ["action", "actor", "targetType", "since", "until"] as const;

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId } = params;
  const query = new URL(request.url).searchParams;
  const access = await loadTenant(context.api, request, tenantId);
  // What the person typed, to refill the form and to build the "Older" link.
  const filters: Record<string, string> = {};
  for (const name of filterNames) {
    const value = query.get(name)?.trim();
    if (value) filters[name] = value;
  }
  const parsed = parseForm(auditFilterForm, query);
  if (!parsed.ok) {
    return { ...access, filters, fieldErrors: parsed.fieldErrors, events: [], nextCursor: null };
  }
  const res = await context.api.tenants[":tenantId"].audit.$get({
    param: { tenantId },
    query: { ...parsed.data, limit: PAGE_SIZE },
  });
  if (!res.ok) return failLoader(res, request);
  const page = await res.json();
  return {
    ...access,
    filters,
    fieldErrors: null,
    events: page.items,
    nextCursor: page.nextCursor,
    paged: Boolean(parsed.data.cursor),
  };
}
