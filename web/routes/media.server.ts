import { data, redirect } from "react-router";
import type { MediaImportReport } from "#schemas/media";
import { siteRoleAllows } from "#workers/domain/policy";
import { ZIP_IMPORT_INTENT } from "../components/media/zip-import.tsx";
import {
  GDRIVE_IMPORT_INTENT,
  gdriveImportAction,
} from "../components/providers/gdrive-import.server.ts";
import { capabilities } from "../lib/policy.server.ts";
import { failLoader, messageOf, readProblem, signInPath } from "../lib/problem.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/media";

/** Items shown per page, each with its jobs. */
const PAGE = 50;
/** A file the no-JavaScript form may send through the page (the uploader has no limit). */
export const MAX_FORM_UPLOAD_BYTES = 20 * 1024 * 1024;

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId, siteId } = params;
  const cursor = new URL(request.url).searchParams.get("cursor") || undefined;
  const access = await loadTenant(context.api, request, tenantId);
  const siteApi = context.api.tenants[":tenantId"].sites[":siteId"];
  const param = { tenantId, siteId };
  const [siteRes, listRes, warningsRes, limitsRes] = await Promise.all([
    siteApi.$get({ param }),
    siteApi.media.$get({ param, query: { limit: String(PAGE), ...(cursor ? { cursor } : {}) } }),
    siteApi.media.warnings.$get({ param }),
    context.api.tenants[":tenantId"]["media-limits"].$get({ param: { tenantId } }),
  ]);
  if (!siteRes.ok) return failLoader(siteRes, request);
  if (!listRes.ok) return failLoader(listRes, request);
  if (!warningsRes.ok) return failLoader(warningsRes, request);
  const site = await siteRes.json();
  const list = await listRes.json();
  const canEdit = siteRoleAllows(site.role, "site:edit");
  const gdriveRes = canEdit ? await siteApi.media.import.gdrive.$get({ param }) : null;
  const gdriveConfigured = gdriveRes?.ok ? (await gdriveRes.json()).configured : false;
  const jobs = await Promise.all(
    list.items.map(async (item) => {
      if (item.status !== "ready") return [];
      const res = await siteApi.media[":mediaId"].jobs.$get({
        param: { ...param, mediaId: item.id },
      });
      return res.ok ? (await res.json()).items : [];
    }),
  );
  return {
    tenant: access.tenant,
    site: { id: site.id, title: site.title, archived: site.archived, role: site.role },
    can: { edit: canEdit, manageProviders: capabilities(access.role).manageProviders },
    gdriveConfigured,
    items: list.items.map((item, i) => ({ ...item, jobs: jobs[i] ?? [] })),
    nextCursor: list.nextCursor,
    warnings: await warningsRes.json(),
    limits: limitsRes.ok ? await limitsRes.json() : null,
    maxFormUpload: MAX_FORM_UPLOAD_BYTES,
  };
}

export type MediaActionData =
  | { ok: true; intent: string; message: string; report?: MediaImportReport }
  | { ok: false; intent: string; target?: string; message: string; references?: string[] };

const fail = (intent: string, message: string, status: number, extra = {}) =>
  data<MediaActionData>({ ok: false, intent, message, ...extra }, { status });

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId, siteId } = params;
  const param = { tenantId, siteId };
  const siteApi = context.api.tenants[":tenantId"].sites[":siteId"];
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === GDRIVE_IMPORT_INTENT) {
    return gdriveImportAction(context.api, request, { tenantId, siteId }, form);
  }

  if (intent === "retry") {
    const mediaId = String(form.get("mediaId") ?? "");
    const jobId = String(form.get("jobId") ?? "");
    const res = await siteApi.media[":mediaId"].jobs[":jobId"].retry.$post({
      param: { ...param, mediaId, jobId },
    });
    if ((res.status as number) === 401) throw redirect(signInPath(request));
    if (!res.ok) return fail(intent, messageOf(await readProblem(res)), res.status);
    return data<MediaActionData>({ ok: true, intent, message: "The job will run again." });
  }

  if (intent === "delete") {
    const mediaId = String(form.get("mediaId") ?? "");
    const force = form.get("force") === "1";
    const res = await siteApi.media[":mediaId"].$delete({
      param: { ...param, mediaId },
      query: force ? { force: "true" } : {},
    });
    if ((res.status as number) === 401) throw redirect(signInPath(request));
    if (!res.ok) {
      const problem = (await readProblem(res)) as { references?: { title: string }[] };
      return fail(intent, messageOf(problem as never), res.status, {
        target: mediaId,
        references: (problem.references ?? []).map((r) => r.title),
      });
    }
    return data<MediaActionData>({ ok: true, intent, message: "Deleted." });
  }

  if (intent === ZIP_IMPORT_INTENT) {
    // The no-JavaScript path: the page's uploader sends zips to the API directly.
    const zip = form.get("zip");
    if (!(zip instanceof File) || zip.name === "") return fail(intent, "Choose a zip.", 400);
    if (zip.size > MAX_FORM_UPLOAD_BYTES) {
      return fail(
        intent,
        `${zip.name} is too large for this form; use the page with JavaScript.`,
        413,
      );
    }
    const bytes = new Uint8Array(await zip.arrayBuffer());
    const res = await siteApi.media.import.$post(
      { param },
      {
        init: {
          body: bytes,
          headers: {
            "content-type": "application/zip",
            "content-length": String(bytes.byteLength),
          },
        },
      },
    );
    if ((res.status as number) === 401) throw redirect(signInPath(request));
    if (!res.ok) return fail(intent, messageOf(await readProblem(res)), res.status);
    const report = await res.json();
    return data<MediaActionData>({
      ok: true,
      intent,
      message: `Imported ${report.imported} files; ${report.failed} failed.`,
      report,
    });
  }

  if (intent === "upload") {
    // The no-JavaScript path: a small file through the page, the same three API steps.
    const file = form.get("file");
    if (!(file instanceof File) || file.name === "") {
      return fail(intent, "Choose a file to upload.", 400);
    }
    if (file.size > MAX_FORM_UPLOAD_BYTES) {
      return fail(
        intent,
        `${file.name} is too large for this form; use the uploader (needs JavaScript).`,
        413,
      );
    }
    const created = await siteApi.media.uploads.$post({
      param,
      json: { filename: file.name, type: file.type, size: file.size },
    });
    if (!created.ok) return fail(intent, messageOf(await readProblem(created)), created.status);
    const { upload, duplicateOf } = await created.json();
    if (!upload) {
      return data<MediaActionData>({
        ok: true,
        intent,
        message: `${file.name} is already in the library as ${duplicateOf?.filename}.`,
      });
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    for (let n = 1; n <= upload.partCount; n++) {
      const part = bytes.subarray((n - 1) * upload.partSize, n * upload.partSize);
      const res = await siteApi.media.uploads[":mediaId"].parts[":partNumber"].$put(
        { param: { ...param, mediaId: upload.item.id, partNumber: String(n) } },
        {
          init: {
            body: part,
            headers: {
              "content-type": "application/octet-stream",
              "content-length": String(part.byteLength),
            },
          },
        },
      );
      if (!res.ok) return fail(intent, messageOf(await readProblem(res)), res.status);
    }
    const done = await siteApi.media.uploads[":mediaId"].complete.$post({
      param: { ...param, mediaId: upload.item.id },
    });
    if (!done.ok) return fail(intent, messageOf(await readProblem(done)), done.status);
    const body = await done.json();
    return data<MediaActionData>({
      ok: true,
      intent,
      message: body.duplicate
        ? `${file.name} is already in the library as ${body.item.filename}.`
        : `${file.name} was uploaded.`,
    });
  }

  return fail(intent, "Unknown action.", 400);
}
