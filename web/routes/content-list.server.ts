import { data } from "react-router";
import { collectionInfo, contentApi, loadContentSite } from "../lib/content.server.ts";
import { contentFilterForm, contentFilterNames } from "../lib/content-filters.ts";
import { parseForm } from "../lib/forms.ts";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import type { Route } from "./+types/content-list";

const PAGE_SIZE = "25";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId, siteId } = params;
  const query = new URL(request.url).searchParams;
  const { tenant, site, can, config } = await loadContentSite(context.api, request, params);
  const collection = collectionInfo(config, params.collection);
  const filters: Record<string, string> = {};
  for (const name of contentFilterNames) {
    const value = query.get(name)?.trim();
    if (value) filters[name] = value;
  }
  const parsed = parseForm(contentFilterForm, query);
  const base = { tenant, site, can, collection, filters, paged: Boolean(query.get("cursor")) };
  if (!parsed.ok) return { ...base, fieldErrors: parsed.fieldErrors, items: [], nextCursor: null };
  const res = await contentApi(context.api).$get({
    param: { tenantId, siteId },
    query: { ...parsed.data, collection: collection.name, limit: PAGE_SIZE },
  });
  if (!res.ok) return failLoader(res, request);
  const page = await res.json();
  return { ...base, fieldErrors: null, items: page.items, nextCursor: page.nextCursor };
}

type Done = { ok: true; message: string };

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId, siteId } = params;
  const form = await request.formData();
  const uid = String(form.get("uid") ?? "");
  if (form.get("intent") !== "restore" || !uid) {
    return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
  }
  const res = await contentApi(context.api)[":uid"].restore.$post({
    param: { tenantId, siteId, uid },
  });
  if (!res.ok) return failForm(res, request, { intent: "restore", target: uid, labels: {} });
  const item = await res.json();
  return data<Done>({ ok: true, message: `“${item.title}” was restored.` });
}
