import { data, redirect } from "react-router";
import { problem as problemSchema } from "#schemas/common";
import { type ContentItem, contentItem } from "#schemas/content";
import type { Conflict } from "../components/editor/conflict-panel.tsx";
import type { ApiClient } from "../lib/api.server.ts";
import {
  collectionInfo,
  contentApi,
  editorChoices,
  editorShape,
  loadContentSite,
  valuesOf,
} from "../lib/content.server.ts";
import {
  conflictRows,
  conflictUids,
  mergeValues,
  type Pick,
} from "../lib/content-conflict.server.ts";
import { placeApiErrors } from "../lib/content-form.ts";
import { readSubmission } from "../lib/content-submission.server.ts";
import { type EditorValues, patchOf } from "../lib/content-values.ts";
import type { FieldErrors } from "../lib/forms.ts";
import { failLoader, messageOf, signInPath, statusOf } from "../lib/problem.server.ts";
import type { Route } from "./+types/content-item";

type ItemParams = { tenantId: string; siteId: string; uid: string };

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const site = await loadContentSite(context.api, request, params);
  const res = await contentApi(context.api)[":uid"].$get({ param: params });
  if (!res.ok) return failLoader(res, request);
  const item = await res.json();
  const shape = editorShape(site.config, item.collection, item.filename);
  const choices = await editorChoices(
    context.api,
    request,
    params,
    site.config,
    shape,
    valuesOf(item),
    item.uid,
  );
  return {
    tenant: site.tenant,
    site: site.site,
    can: site.can,
    collection: collectionInfo(site.config, item.collection),
    collectionLabels: Object.fromEntries(site.config.collections.map((c) => [c.name, c.label])),
    shape,
    item,
    choices,
    created: new URL(request.url).searchParams.get("created") === "1",
  };
}

type Done = { ok: true; intent: string; message: string };
type Failed = {
  ok: false;
  intent: "save";
  fieldErrors: FieldErrors;
  formError: string | null;
  /** What was submitted, so a page rendered without scripts shows it again. */
  mine: EditorValues | null;
};
type Conflicted = { ok: false; intent: "conflict"; conflict: Conflict };
/** A resource that other items link, not deleted: who links it, and a way to delete anyway. */
type DeleteRefused = {
  ok: false;
  intent: "delete";
  message: string;
  references: { uid: string; title: string; filename: string }[];
};

const done = (intent: string, message: string) => data<Done>({ ok: true, intent, message });

function failed(
  formError: string | null,
  mine: EditorValues | null,
  fieldErrors: FieldErrors = {},
  status = 400,
) {
  return data<Failed>({ ok: false, intent: "save", fieldErrors, formError, mine }, { status });
}

const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

/** Titles of the items the conflicting relations point at, to show names, not uids. */
async function titlesFor(api: ApiClient, params: ItemParams, uids: string[]) {
  const titles: Record<string, string> = {};
  await Promise.all(
    uids.slice(0, 50).map(async (uid) => {
      const res = await contentApi(api)[":uid"].$get({ param: { ...params, uid } });
      if (res.ok) titles[uid] = (await res.json()).title;
    }),
  );
  return titles;
}

function picksOf(form: FormData): Record<string, Pick> {
  const all = form.get("all");
  const picks: Record<string, Pick> = {};
  for (const [name, value] of form.entries()) {
    if (!name.startsWith("pick.")) continue;
    const pick = all === "mine" || all === "theirs" ? all : value;
    if (pick === "mine" || pick === "theirs") picks[name.slice(5)] = pick;
  }
  return picks;
}

/**
 * A save: the submission over the revision it was based on, sent as a PATCH of what changed
 * with If-Match; a 412 turns into the conflict view. `resolve` is the conflict view's own
 * submission: its picks applied over the stored version it was shown.
 */
async function save(
  api: ApiClient,
  request: Request,
  params: ItemParams,
  form: FormData,
  resolving: boolean,
) {
  const version = Number(form.get("version"));
  if (!Number.isInteger(version) || version < 1) {
    return failed("The form is missing the version it was based on. Reload the page.", null);
  }
  const content = contentApi(api)[":uid"];
  const [site, itemRes, baseRes] = await Promise.all([
    loadContentSite(api, request, params),
    content.$get({ param: params }),
    content.revisions[":version"].$get({ param: { ...params, version: String(version) } }),
  ]);
  if (!itemRes.ok) return failLoader(itemRes, request);
  if (!baseRes.ok) return failLoader(baseRes, request);
  const item = await itemRes.json();
  const base = valuesOf(await baseRes.json());
  const shape = editorShape(site.config, item.collection, item.filename);
  const submitted = readSubmission(form, shape, base);
  if (!submitted) return failed("The form could not be read. Reload the page and try again.", null);
  const mine = resolving ? mergeValues(submitted, base, picksOf(form)) : submitted;
  const patch = patchOf(base, mine);
  if (!patch) return done("save", "Nothing to save: there are no changes.");

  const res = await content.$patch({ param: params, header: ifMatch(version), json: patch });
  if (res.ok) {
    const saved = await res.json();
    return done("save", `Saved. This is version ${saved.version}.`);
  }
  if (statusOf(res) === 401) throw redirect(signInPath(request));
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 412) {
    const current = contentItem.safeParse((body as { current?: unknown } | null)?.current);
    if (current.success) {
      const theirs = valuesOf(current.data);
      const titles = await titlesFor(api, params, conflictUids(shape.fields, [theirs, mine]));
      return data<Conflicted>(
        {
          ok: false,
          intent: "conflict",
          conflict: conflictOf(
            current.data,
            conflictRows(shape.fields, base, theirs, mine, titles),
            mine,
          ),
        },
        { status: 409 },
      );
    }
  }
  const problem = problemSchema.safeParse(body);
  if (!problem.success)
    return failed("The item could not be saved. Try again.", mine, {}, res.status);
  const placed = placeApiErrors(shape, problem.data.errors ?? []);
  const formError =
    placed.formErrors.join(" ") ||
    (Object.keys(placed.fieldErrors).length > 0 ? null : messageOf(problem.data));
  return failed(formError, mine, placed.fieldErrors, res.status);
}

function conflictOf(current: ContentItem, rows: Conflict["rows"], mine: EditorValues): Conflict {
  const who = current.updatedBy;
  return {
    version: current.version,
    rows,
    mine,
    savedBy: who ? who.name || who.email : "Someone",
    savedAt: current.updatedAt,
  };
}

export async function action({ params, context, request }: Route.ActionArgs) {
  const form = await request.formData();
  const intent = form.get("intent");
  const content = contentApi(context.api)[":uid"];

  if (intent === "save" || intent === "resolve") {
    return save(context.api, request, params, form, intent === "resolve");
  }

  if (intent === "delete") {
    const version = Number(form.get("version"));
    const force = form.get("force") === "1";
    const res = await content.$delete({
      param: params,
      header: ifMatch(version),
      query: force ? { force: "true" } : {},
    });
    if (res.ok) return done("delete", "The item was deleted. It can be restored from here.");
    if (res.status === 409) {
      const problem = (await res.json().catch(() => null)) as {
        detail?: string;
        references?: DeleteRefused["references"];
      } | null;
      if (problem?.references?.length) {
        return data<DeleteRefused>(
          {
            ok: false,
            intent: "delete",
            message: problem.detail ?? "Other items link this resource.",
            references: problem.references.map(({ uid, title, filename }) => ({
              uid,
              title,
              filename,
            })),
          },
          { status: 409 },
        );
      }
    }
    if (res.status === 412) {
      return failed(
        "Someone changed the item since you opened it. Check their changes, then delete it again.",
        null,
        {},
        409,
      );
    }
    return failLoader(res, request);
  }

  if (intent === "restore") {
    const res = await content.restore.$post({ param: params });
    if (res.ok) return done("restore", "The item was restored.");
    const problem = problemSchema.safeParse(await res.json().catch(() => null));
    return failed(
      problem.success ? messageOf(problem.data) : "The item could not be restored.",
      null,
      {},
      res.status,
    );
  }

  return failed("Unknown action.", null);
}
