// What every content page loads: the tenant, the site (with the caller's role there) and the
// starter version the site was made with, parsed once per request, plus the choices an item
// editor offers (relation targets, menu pages) so its selects work before JavaScript loads.
import { data } from "react-router";
import type { ContentItem, ContentSummary } from "#schemas/content";
import { type StarterConfig, type StarterField, starterConfig } from "#schemas/starter";
import { collectionShape } from "#workers/domain/content";
import type { ApiClient } from "./api.server.ts";
import type { EditorShape } from "./content-form.ts";
import { type Choice, type EditorValues, isCrossSite, relationUids } from "./content-values.ts";
import { siteCapabilities } from "./policy.server.ts";
import { failLoader, type RouteProblem } from "./problem.server.ts";
import { loadTenant } from "./tenant.server.ts";

type SiteParams = { tenantId: string; siteId: string };

function notFound(detail: string): never {
  const problem = {
    type: "about:blank",
    title: "Not found",
    status: 404,
    code: "NOT_FOUND",
    detail,
  };
  throw data({ problem } satisfies RouteProblem, { status: 404 });
}

/** The typed client's calls for one site's content. */
export function contentApi(api: ApiClient) {
  return api.tenants[":tenantId"].sites[":siteId"].content;
}

export async function loadContentSite(api: ApiClient, request: Request, params: SiteParams) {
  const { tenantId, siteId } = params;
  const siteApi = api.tenants[":tenantId"].sites[":siteId"];
  const [access, siteRes, starterRes] = await Promise.all([
    loadTenant(api, request, tenantId),
    siteApi.$get({ param: { tenantId, siteId } }),
    siteApi.starter.$get({ param: { tenantId, siteId } }),
  ]);
  if (!siteRes.ok) return failLoader(siteRes, request);
  if (!starterRes.ok) return failLoader(starterRes, request);
  const site = await siteRes.json();
  const starter = await starterRes.json();
  const parsed = starterConfig.safeParse(starter.config);
  if (!parsed.success)
    notFound("The starter of this site cannot be read, so its content cannot be edited.");
  // Archived sites are read-only in the API; the editor says so instead of failing on save.
  const can = {
    ...siteCapabilities(site.role),
    write: siteCapabilities(site.role).edit && !site.archived,
  };
  return { tenant: access.tenant, site, can, config: parsed.data };
}

export type ContentSite = Awaited<ReturnType<typeof loadContentSite>>;

/** A collection as the content pages show it. */
export function collectionInfo(config: StarterConfig, name: string) {
  const c = config.collections.find((x) => x.name === name);
  if (!c) notFound(`This site's starter has no collection named “${name}”.`);
  const resourcetype = c.fields?.find((f) => f.name === "resourcetype" && f.widget === "select");
  return {
    name: c.name,
    label: c.label,
    category: c.category ?? null,
    folder: c.folder ?? null,
    files: c.files?.map((f) => ({ name: f.name, label: f.label })) ?? null,
    /** Choices for the list's "Resource type" filter, when the collection has one. */
    resourcetypes:
      resourcetype?.options?.map((o) => (typeof o === "object" ? o.value : String(o))) ?? null,
  };
}

export type CollectionInfo = ReturnType<typeof collectionInfo>;

/** The fields an item of `collection` (file entry `filename` for singletons) is edited with. */
export function editorShape(
  config: StarterConfig,
  collection: string,
  filename: string | undefined,
): EditorShape & { label: string } {
  const isFiles = Boolean(config.collections.find((c) => c.name === collection)?.files);
  const shape = collectionShape(config, collection, isFiles ? filename : undefined);
  if (!shape) notFound("The site's starter does not declare this kind of item any more.");
  return { kind: shape.kind, label: shape.label, fields: shape.fields, hasBody: shape.hasBody };
}

/** An item's values as the editor holds them. */
export function valuesOf(item: Pick<ContentItem, "filename" | "body" | "fields">): EditorValues {
  return { filename: item.filename, body: item.body, fields: item.fields };
}

/** Where each folder collection's items live, for menu links (`content/pages` → `/pages/x`). */
export function foldersOf(config: StarterConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of config.collections) if (c.folder !== undefined) out[c.name] = c.folder;
  return out;
}

type RelationNeed = { path: string; collection: string; resourcetype?: string };

function relationNeeds(fields: StarterField[], prefix = ""): RelationNeed[] {
  return fields.flatMap((f): RelationNeed[] => {
    const path = prefix ? `${prefix}.${f.name}` : f.name;
    if (f.widget === "object") return relationNeeds(f.fields ?? [], path);
    if (f.widget !== "relation" || !f.collection || isCrossSite(f)) return [];
    // The list API filters on resourcetype only; other filters are checked when saving.
    const byType = f.filter?.field === "resourcetype" ? String(f.filter.value) : undefined;
    return [{ path, collection: f.collection, ...(byType ? { resourcetype: byType } : {}) }];
  });
}

function relationValues(fields: StarterField[], values: Record<string, unknown>): string[] {
  return fields.flatMap((f) => {
    const v = values[f.name];
    if (f.widget === "object" && v && typeof v === "object") {
      return relationValues(f.fields ?? [], v as Record<string, unknown>);
    }
    return f.widget === "relation" && !isCrossSite(f) ? relationUids(v) : [];
  });
}

/** How many targets a relation's select offers before JavaScript (search finds the rest). */
const RELATION_CHOICES = "50";

export type PageChoice = { uid: string; title: string; collection: string; filename: string };

export type EditorChoices = {
  /** Relation field path → the first targets by title. */
  relations: Record<string, Choice[]>;
  /** Titles of every uid the item's relations hold (so a chosen one is named, not a uid). */
  titles: Record<string, string>;
  /** Items of folder collections, for adding menu entries without JavaScript. */
  pages: PageChoice[];
  folders: Record<string, string>;
};

/** The choices an item editor needs, in as few in-process calls as the fields allow. */
export async function editorChoices(
  api: ApiClient,
  request: Request,
  params: SiteParams,
  config: StarterConfig,
  shape: EditorShape,
  values: EditorValues,
  selfUid: string | null,
): Promise<EditorChoices> {
  const content = contentApi(api);
  const needs = relationNeeds(shape.fields);
  const hasMenu = shape.fields.some((f) => f.widget === "menu");
  const folders = foldersOf(config);
  const keyOf = (n: RelationNeed) => `${n.collection}|${n.resourcetype ?? ""}`;
  const lists = new Map<string, Promise<ContentSummary[]>>();
  const list = async (query: Record<string, string>) => {
    const res = await content.$get({ param: params, query: { sort: "title", ...query } });
    if (!res.ok) return failLoader(res, request);
    return (await res.json()).items;
  };
  for (const n of needs) {
    if (!lists.has(keyOf(n))) {
      lists.set(
        keyOf(n),
        list({
          collection: n.collection,
          limit: RELATION_CHOICES,
          ...(n.resourcetype ? { resourcetype: n.resourcetype } : {}),
        }),
      );
    }
  }
  const pagesPromise = hasMenu ? list({ limit: "100" }) : Promise.resolve([]);
  const relations: Record<string, Choice[]> = {};
  const titles: Record<string, string> = {};
  for (const n of needs) {
    const items = (await lists.get(keyOf(n))) ?? [];
    relations[n.path] = items
      .filter((i) => i.uid !== selfUid)
      .map((i) => ({ value: i.uid, label: i.title }));
    for (const i of items) titles[i.uid] = i.title;
  }
  const missing = [...new Set(relationValues(shape.fields, values.fields))].filter(
    (uid) => !(uid in titles) && /^[0-9a-f-]{36}$/.test(uid),
  );
  await Promise.all(
    missing.slice(0, 100).map(async (uid) => {
      const res = await content[":uid"].$get({ param: { ...params, uid } });
      if (res.ok) titles[uid] = (await res.json()).title;
    }),
  );
  const pages = (await pagesPromise)
    .filter((i) => i.collection in folders && i.uid !== selfUid)
    .map((i) => ({ uid: i.uid, title: i.title, collection: i.collection, filename: i.filename }));
  return { relations, titles, pages, folders };
}
