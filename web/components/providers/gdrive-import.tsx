// "Import from Google Drive folder" on a site's media library page (ADR 014): a folder id or
// link, and the per-file report of the last import. Works without JavaScript (a plain POST
// handled by gdriveImportAction); offered only when the tenant has Google Drive set up.
import { Form, useNavigation } from "react-router";
import type { MediaImportReport } from "#schemas/media";
import { ErrorSummary, FormScope, TextField, useClientValidation } from "../form-fields.tsx";
import { gdriveImportForm } from "./forms.ts";

const INTENT = "import-gdrive";

type ActionResult =
  | { ok: true; intent: string; message: string; report?: MediaImportReport }
  | {
      ok: false;
      intent: string;
      fieldErrors: Record<string, string>;
      formError: string | null;
      values: Record<string, string>;
    }
  | undefined;

export function GDriveImportSection({
  actionData,
  configured,
  providersHref,
}: {
  actionData: ActionResult;
  /** Whether the tenant has Google Drive set up (else the section says where to do it). */
  configured: boolean;
  /** The Media providers page, for those who may set it up; null for others. */
  providersHref: string | null;
}) {
  const client = useClientValidation(gdriveImportForm);
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === INTENT;
  const mine = actionData?.intent === INTENT ? actionData : undefined;
  const failure = mine && !mine.ok ? mine : null;
  const report = mine?.ok ? mine.report : undefined;
  const errors = client.clientErrors ?? failure?.fieldErrors;
  return (
    <section className="panel" aria-labelledby="gdrive-import-title">
      <h2 id="gdrive-import-title">Import from Google Drive folder</h2>
      {configured ? (
        <>
          <p className="muted">
            Every file in the folder (and its subfolders, such as <code>videos_final</code>) becomes
            a library item, as in a zip import. Google Docs files are skipped: export them as PDF
            first.
          </p>
          <ErrorSummary
            id="gdrive-import"
            errors={errors}
            formError={client.clientErrors ? null : failure?.formError}
            labels={gdriveImportForm.labels}
          />
          <Form method="post" noValidate onSubmit={client.onSubmit} className="inline-fields">
            <input type="hidden" name="intent" value={INTENT} />
            <FormScope id="gdrive-import" errors={errors} values={failure?.values}>
              <TextField
                name="folderId"
                label="Drive folder ID or link"
                hint="The folder must be shared with the account set up under Media providers."
                autoComplete="off"
                spellCheck={false}
                required
              />
            </FormScope>
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? "Importing…" : "Import from Google Drive folder"}
            </button>
          </Form>
          {mine?.ok ? (
            <p role="status" className="notice">
              {mine.message}
            </p>
          ) : null}
          {report && report.entries.length > 0 ? (
            <table className="data-table">
              <caption className="visually-hidden">Files of the imported folder</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {report.entries.map((e) => (
                  <tr key={e.path}>
                    <th scope="row" data-label="File" className="break-anywhere">
                      {e.path}
                    </th>
                    <td data-label="Result">
                      <span className={e.status === "failed" ? "tag tag-warn" : "tag"}>
                        {e.status}
                      </span>
                      {e.message ? <span className="block small muted">{e.message}</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      ) : (
        <p className="muted">
          Google Drive is not set up for this organisation.
          {providersHref ? (
            <>
              {" "}
              <a href={providersHref}>Set it up under Media providers</a>.
            </>
          ) : (
            " Ask an owner or admin to set it up under Media providers."
          )}
        </p>
      )}
    </section>
  );
}
