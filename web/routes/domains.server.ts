import { data } from "react-router";
import { domainForm } from "../components/publish/forms.ts";
import type { ApiClient } from "../lib/api.server.ts";
import { echo, parseForm } from "../lib/forms.ts";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/domains";

/** Enough for the site picker of any real tenant, without paging through thousands. */
const MAX_SITE_PAGES = 5;

type SiteChoice = { id: string; title: string; archived: boolean; live: boolean };

/** The tenant's sites by title (archived ones too: a domain may still point at one). */
async function tenantSites(api: ApiClient, request: Request, tenantId: string) {
  const sites: SiteChoice[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_SITE_PAGES; page++) {
    const res = await api.tenants[":tenantId"].sites.$get({
      param: { tenantId },
      query: { limit: "100", sort: "title", archived: "include", ...(cursor ? { cursor } : {}) },
    });
    if (!res.ok) return failLoader(res, request);
    const body = await res.json();
    for (const s of body.items) {
      sites.push({
        id: s.id,
        title: s.title,
        archived: s.archived,
        live: s.publish.liveVersion !== null,
      });
    }
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return { sites, complete: cursor === null };
}

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId } = params;
  const access = await loadTenant(context.api, request, tenantId);
  const tenantApi = context.api.tenants[":tenantId"];
  // The API answers 403 to those who may not manage domains; the page shows that as its error.
  const domainsRes = await tenantApi.domains.$get({ param: { tenantId } });
  if (!domainsRes.ok) return failLoader(domainsRes, request);
  const { items } = await domainsRes.json();
  const { sites, complete } = await tenantSites(context.api, request, tenantId);
  const byId = new Map(sites.map((s) => [s.id, s]));
  // A domain of a site beyond the picker's pages: ask for that site by itself.
  const missing = [...new Set(items.map((d) => d.siteId))].filter((id) => !byId.has(id));
  await Promise.all(
    missing.map(async (siteId) => {
      const res = await tenantApi.sites[":siteId"].$get({ param: { tenantId, siteId } });
      if (!res.ok) return;
      const s = await res.json();
      byId.set(s.id, {
        id: s.id,
        title: s.title,
        archived: s.archived,
        live: s.publish.liveVersion !== null,
      });
    }),
  );
  return {
    tenant: access.tenant,
    domains: items.map((d) => ({ ...d, site: byId.get(d.siteId) ?? null })),
    siteChoices: sites.filter((s) => !s.archived),
    complete,
  };
}

type Done = { ok: true; intent: "add-domain" | "remove-domain"; message: string };

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId } = params;
  const tenantApi = context.api.tenants[":tenantId"];
  const form = await request.formData();
  const intent = form.get("intent");

  if (intent === "add-domain") {
    const values = echo(form, ["hostname", "siteId"]);
    const parsed = parseForm(domainForm, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
    const res = await tenantApi.domains.$post({ param: { tenantId }, json: parsed.data });
    if (!res.ok) return failForm(res, request, { intent, labels: domainForm.labels, values });
    const domain = await res.json();
    const siteRes = await tenantApi.sites[":siteId"].$get({
      param: { tenantId, siteId: domain.siteId },
    });
    const title = siteRes.ok ? `“${(await siteRes.json()).title}”` : "the site";
    return data<Done>({
      ok: true,
      intent,
      message: `${domain.hostname} now serves ${title}.`,
    });
  }

  if (intent === "remove-domain") {
    const hostname = String(form.get("hostname") ?? "");
    const res = await tenantApi.domains[":hostname"].$delete({ param: { tenantId, hostname } });
    if (!res.ok) return failForm(res, request, { intent, target: hostname, labels: {} });
    return data<Done>({
      ok: true,
      intent,
      message: `${hostname} was removed; the site no longer answers there.`,
    });
  }

  return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
}
