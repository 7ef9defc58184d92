// "Import a zip of files" on the media library page: the zip goes straight to the API (staged in
// R2, never held by the page), each file becomes an item like an upload, and the report lists
// what happened to every file. Without JavaScript the form posts to the page's action instead
// (small zips only).
import { useState } from "react";
import { Form } from "react-router";
import type { MediaImportReport } from "#schemas/media";

export const ZIP_IMPORT_INTENT = "import-zip";

export function ZipImportReport({ report }: { report: MediaImportReport }) {
  return (
    <>
      <p role="status">
        {report.imported} imported, {report.captions} caption files, {report.duplicates} already in
        the library, {report.failed} failed.
      </p>
      <table className="data-table" aria-label="Zip import report">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {report.entries.map((e) => (
            <tr key={e.path} data-import-status={e.status}>
              <th scope="row">{e.path}</th>
              <td>
                {e.status}
                {e.message ? `: ${e.message}` : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function ZipImport({
  tenantId,
  siteId,
  hydrated,
  maxFormBytes,
  onFinished,
  report: serverReport,
}: {
  tenantId: string;
  siteId: string;
  hydrated: boolean;
  maxFormBytes: number;
  onFinished: () => void;
  /** The report of a no-JavaScript import (from the page's action). */
  report: MediaImportReport | null;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<MediaImportReport | null>(null);
  const shown = report ?? serverReport;

  const send = async (file: File) => {
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const res = await fetch(`/api/v1/tenants/${tenantId}/sites/${siteId}/media/import`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/zip", "x-lectern-csrf": "1" },
        body: file,
      });
      const body = (await res.json()) as { detail?: string; title?: string };
      if (!res.ok) setError(body.detail ?? body.title ?? `HTTP ${res.status}`);
      else {
        setReport(body as MediaImportReport);
        onFinished();
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="zip-import-title">
      <h2 id="zip-import-title">Import a zip of files</h2>
      <p className="muted">
        Every file in the zip becomes a library item, as if uploaded: videos (such as those in{" "}
        <code>videos_final/</code>), their <code>.vtt</code> or <code>.srt</code> captions (matched
        to the video of the same name), images, documents. A bad file fails alone.
      </p>
      {hydrated ? (
        <label className="drop-zone">
          <span>{busy ? "Importing…" : "Choose a zip"}</span>
          <input
            type="file"
            accept=".zip,application/zip"
            disabled={busy}
            data-testid="media-zip-input"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void send(file);
              e.currentTarget.value = "";
            }}
          />
        </label>
      ) : (
        <Form method="post" encType="multipart/form-data">
          <input type="hidden" name="intent" value={ZIP_IMPORT_INTENT} />
          <label htmlFor="media-zip">Zip (up to {Math.round(maxFormBytes / 1048576)} MB)</label>
          <input id="media-zip" type="file" name="zip" accept=".zip,application/zip" required />
          <button type="submit" className="button">
            Import
          </button>
        </Form>
      )}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {shown ? <ZipImportReport report={shown} /> : null}
    </section>
  );
}
