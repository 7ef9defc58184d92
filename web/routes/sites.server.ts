import { data } from "react-router";
import type { Starter } from "#schemas/starters";
import { createSiteForm, echo, parseForm, siteFilterForm } from "../lib/forms.ts";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/sites";

const PAGE_SIZE = "25";
const filterNames = ["q", "starter", "published", "archived", "sort"] as const;

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId } = params;
  const query = new URL(request.url).searchParams;
  const access = await loadTenant(context.api, request, tenantId);
  const tenants = context.api.tenants[":tenantId"];
  // What the person chose, to refill the form and to build the "Next page" link.
  const filters: Record<string, string> = {};
  for (const name of filterNames) {
    const value = query.get(name)?.trim();
    if (value) filters[name] = value;
  }
  const parsed = parseForm(siteFilterForm, query);
  const [sitesRes, startersRes, membersRes] = await Promise.all([
    parsed.ok
      ? tenants.sites.$get({ param: { tenantId }, query: { ...parsed.data, limit: PAGE_SIZE } })
      : null,
    tenants.starters.$get({ param: { tenantId }, query: { status: "all" } }),
    access.can.createSites && access.can.administerAllSites
      ? tenants.members.$get({ param: { tenantId }, query: { limit: "100" } })
      : null,
  ]);
  if (!startersRes.ok) return failLoader(startersRes, request);
  const starters: Starter[] = (await startersRes.json()).items;
  let members: { userId: string; label: string }[] = [];
  if (membersRes) {
    if (!membersRes.ok) return failLoader(membersRes, request);
    members = (await membersRes.json()).items
      .filter((m) => !m.disabled)
      .map((m) => ({ userId: m.userId, label: m.name ? `${m.name} (${m.email})` : m.email }));
  }
  if (!sitesRes) {
    return {
      ...access,
      filters,
      fieldErrors: parsed.ok ? null : parsed.fieldErrors,
      sites: [],
      nextCursor: null,
      paged: false,
      starters,
      members,
    };
  }
  if (!sitesRes.ok) return failLoader(sitesRes, request);
  const page = await sitesRes.json();
  return {
    ...access,
    filters,
    fieldErrors: null,
    sites: page.items,
    nextCursor: page.nextCursor,
    paged: Boolean(query.get("cursor")),
    starters,
    members,
  };
}

type Done = { ok: true; intent: "create"; message: string; siteId: string; title: string };

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId } = params;
  const form = await request.formData();
  const intent = "create";
  const values = echo(form, ["title", "slug", "starterId", "ownerUserId"]);
  const parsed = parseForm(createSiteForm, form);
  if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
  const res = await context.api.tenants[":tenantId"].sites.$post({
    param: { tenantId },
    json: parsed.data,
  });
  if (!res.ok) return failForm(res, request, { intent, labels: createSiteForm.labels, values });
  const site = await res.json();
  return data<Done>({
    ok: true,
    intent,
    message: `Site “${site.title}” was created from ${site.starter.name}.`,
    siteId: site.id,
    title: site.title,
  });
}
