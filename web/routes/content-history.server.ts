import { data } from "react-router";
import { problem as problemSchema } from "#schemas/common";
import type { StarterField } from "#schemas/starter";
import { collectionInfo, contentApi, editorShape, loadContentSite } from "../lib/content.server.ts";
import { describeValue } from "../lib/content-conflict.server.ts";
import { fieldLabels } from "../lib/content-form.ts";
import { isPlainObject } from "../lib/content-values.ts";
import { failLoader, messageOf, statusOf } from "../lib/problem.server.ts";
import type { Route } from "./+types/content-history";

const PAGE_SIZE = "25";

/** The declared field a diff path (`image_metadata.caption`, `topics`) is about. */
function fieldAt(fields: StarterField[], path: string): StarterField | undefined {
  let list = fields;
  let found: StarterField | undefined;
  for (const name of path.split(".")) {
    found = list.find((f) => f.name === name);
    if (!found) return undefined;
    list = found.fields ?? [];
  }
  return found;
}

const plain = (v: unknown) =>
  v === undefined ? "(none)" : typeof v === "string" ? v || "(empty)" : JSON.stringify(v);

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const content = contentApi(context.api)[":uid"];
  const cursor = url.searchParams.get("cursor") ?? undefined;
  const [site, itemRes, revisionsRes] = await Promise.all([
    loadContentSite(context.api, request, params),
    content.$get({ param: params }),
    content.revisions.$get({
      param: params,
      query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
    }),
  ]);
  if (!itemRes.ok) return failLoader(itemRes, request);
  if (!revisionsRes.ok) return failLoader(revisionsRes, request);
  const item = await itemRes.json();
  const revisions = await revisionsRes.json();
  const shape = editorShape(site.config, item.collection, item.filename);
  const labels = fieldLabels(shape.fields);

  // The last change is shown unless two versions are asked for.
  const to = Number(url.searchParams.get("to") ?? item.version);
  const from = Number(url.searchParams.get("from") ?? to - 1);
  let diff = null;
  if (Number.isInteger(from) && Number.isInteger(to) && from >= 1 && to >= 1 && from !== to) {
    const res = await content.diff.$get({
      param: params,
      query: { from: String(from), to: String(to) },
    });
    if (!res.ok) return failLoader(res, request);
    const d = await res.json();
    diff = {
      from: d.from,
      to: d.to,
      body: d.body,
      fields: d.fields.map((c) => {
        const field = fieldAt(shape.fields, c.path);
        const show = (v: unknown) =>
          field && !isPlainObject(v) ? describeValue(field, v, {}) : plain(v);
        return {
          path: c.path,
          label:
            labels[c.path] ??
            (
              { title: "Title", filename: "Filename", deleted: "Deleted" } as Record<string, string>
            )[c.path] ??
            c.path,
          kind: c.kind,
          before: c.kind === "added" ? null : show(c.before),
          after: c.kind === "removed" ? null : show(c.after),
        };
      }),
    };
  }
  return {
    tenant: site.tenant,
    site: site.site,
    can: site.can,
    collection: collectionInfo(site.config, item.collection),
    item,
    revisions: revisions.items,
    nextCursor: revisions.nextCursor,
    paged: Boolean(cursor),
    compare: { from, to },
    diff,
  };
}

type Result = { ok: boolean; message: string };

export async function action({ params, context, request }: Route.ActionArgs) {
  const form = await request.formData();
  const version = String(form.get("version") ?? "");
  const current = String(form.get("current") ?? "");
  const res = await contentApi(context.api)[":uid"].revisions[":version"].restore.$post({
    param: { ...params, version },
    header: { "if-match": `"${current}"` },
  });
  if (res.ok) {
    const item = await res.json();
    return data<Result>({
      ok: true,
      message: `Version ${version} is current again, saved as version ${item.version}.`,
    });
  }
  if (statusOf(res) === 401 || statusOf(res) === 404) return failLoader(res, request);
  const problem = problemSchema.safeParse(await res.json().catch(() => null));
  const message =
    res.status === 412
      ? "Someone changed the item since this page was loaded. The history below is now up to date: check it, then restore again."
      : problem.success
        ? [
            messageOf(problem.data),
            ...(problem.data.errors ?? []).map((e) => `${e.field} ${e.message}.`),
          ].join(" ")
        : "The version could not be restored.";
  return data<Result>({ ok: false, message }, { status: res.status });
}
