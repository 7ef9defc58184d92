import { data, redirect } from "react-router";
import { problem as problemSchema } from "#schemas/common";
import type { StarterConfig } from "#schemas/starter";
import {
  collectionInfo,
  contentApi,
  editorChoices,
  editorShape,
  loadContentSite,
} from "../lib/content.server.ts";
import { placeApiErrors } from "../lib/content-form.ts";
import { readSubmission } from "../lib/content-submission.server.ts";
import { createFields, defaultValues, type EditorValues } from "../lib/content-values.ts";
import type { FieldErrors } from "../lib/forms.ts";
import { failLoader, messageOf, signInPath, statusOf } from "../lib/problem.server.ts";
import type { Route } from "./+types/content-new";

type Params = { tenantId: string; siteId: string; collection: string };

/** A folder item, or the file entry `?file=` names for a singleton collection. */
async function target(api: Parameters<typeof contentApi>[0], request: Request, params: Params) {
  const site = await loadContentSite(api, request, params);
  const collection = collectionInfo(site.config, params.collection);
  const asked = new URL(request.url).searchParams.get("file");
  const file = collection.files
    ? (collection.files.find((f) => f.name === asked) ?? collection.files[0])
    : undefined;
  const shape = editorShape(site.config, collection.name, file?.name);
  const { body: _body, ...fields } = defaultValues(shape.fields);
  const initial: EditorValues = { filename: "", body: "", fields };
  return { site, collection, file, shape, initial };
}

function itemPath(params: Params, uid: string) {
  return `/t/${params.tenantId}/sites/${params.siteId}/content/items/${uid}`;
}

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { site, collection, file, shape, initial } = await target(context.api, request, params);
  if (file) {
    // A singleton that exists already is edited, not created twice.
    const res = await contentApi(context.api).$get({
      param: params,
      query: { collection: collection.name, filename: file.name, limit: "1" },
    });
    if (!res.ok) return failLoader(res, request);
    const existing = (await res.json()).items[0];
    if (existing) throw redirect(itemPath(params, existing.uid));
  }
  const choices = await editorChoices(
    context.api,
    request,
    params,
    site.config as StarterConfig,
    shape,
    initial,
    null,
  );
  return {
    tenant: site.tenant,
    site: site.site,
    can: site.can,
    collection,
    collectionLabels: Object.fromEntries(site.config.collections.map((c) => [c.name, c.label])),
    file: file ?? null,
    shape,
    initial,
    choices,
  };
}

type Failed = {
  ok: false;
  fieldErrors: FieldErrors;
  formError: string | null;
  mine: EditorValues | null;
};

const failed = (
  formError: string | null,
  mine: EditorValues | null,
  fieldErrors: FieldErrors = {},
  status = 400,
) => data<Failed>({ ok: false, fieldErrors, formError, mine }, { status });

export async function action({ params, context, request }: Route.ActionArgs) {
  const form = await request.formData();
  const { collection, file, shape, initial } = await target(context.api, request, params);
  const mine = readSubmission(form, shape, initial);
  if (!mine) return failed("The form could not be read. Reload the page and try again.", null);
  const filename = file?.name ?? (mine.filename || undefined);
  const res = await contentApi(context.api).$post({
    param: params,
    json: {
      collection: collection.name,
      ...(filename ? { filename } : {}),
      ...(shape.hasBody ? { body: mine.body } : {}),
      fields: createFields(mine.fields),
    },
  });
  if (res.ok) {
    const item = await res.json();
    throw redirect(`${itemPath(params, item.uid)}?created=1`);
  }
  if (statusOf(res) === 401) throw redirect(signInPath(request));
  const problem = problemSchema.safeParse(await res.json().catch(() => null));
  if (!problem.success)
    return failed("The item could not be created. Try again.", mine, {}, res.status);
  const placed = placeApiErrors(shape, problem.data.errors ?? []);
  const formError =
    placed.formErrors.join(" ") ||
    (Object.keys(placed.fieldErrors).length > 0 ? null : messageOf(problem.data));
  return failed(formError, mine, placed.fieldErrors, res.status);
}
