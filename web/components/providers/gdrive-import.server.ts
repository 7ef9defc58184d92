// The media library page's "Import from Google Drive folder" action (ADR 014): the folder id (or
// a folder link) is checked with the API's schema, then the API imports the folder and answers
// the per-file report, which the section shows.
import { data } from "react-router";
import type { MediaImportReport } from "#schemas/media";
import type { ApiClient } from "../../lib/api.server.ts";
import { echo, parseForm } from "../../lib/forms.ts";
import { failForm, formFailure } from "../../lib/problem.server.ts";
import { gdriveImportForm } from "./forms.ts";

export const GDRIVE_IMPORT_INTENT = "import-gdrive";

export type GDriveImportDone = {
  ok: true;
  intent: typeof GDRIVE_IMPORT_INTENT;
  message: string;
  report: MediaImportReport;
};

export async function gdriveImportAction(
  api: ApiClient,
  request: Request,
  site: { tenantId: string; siteId: string },
  form: FormData,
) {
  const intent = GDRIVE_IMPORT_INTENT;
  const values = echo(form, ["folderId"]);
  const parsed = parseForm(gdriveImportForm, form);
  if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
  const res = await api.tenants[":tenantId"].sites[":siteId"].media.import.gdrive.$post({
    param: site,
    json: parsed.data,
  });
  if (!res.ok) return failForm(res, request, { intent, labels: gdriveImportForm.labels, values });
  const report = await res.json();
  const parts = [
    `${report.imported} imported`,
    report.duplicates ? `${report.duplicates} already in the library` : null,
    report.captions ? `${report.captions} caption files` : null,
    report.failed ? `${report.failed} failed` : null,
  ].filter(Boolean);
  return data<GDriveImportDone>({
    ok: true,
    intent,
    message: `Google Drive folder imported: ${parts.join(", ")}.`,
    report,
  });
}
