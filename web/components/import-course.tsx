// "Import an OCW course": uploads a zip or tar.gz straight from the browser to the API, which
// streams it into R2 (the page's server never holds the archive), with a progress bar, then
// shows the import report: what was imported, which media files were missing, or every reason
// the archive was refused.
import { useId, useState } from "react";
import { Link, useRevalidator } from "react-router";
import type { ImportReport } from "#schemas/content";
import { useHydrated } from "../lib/use-hydrated.ts";

type Outcome =
  | { kind: "uploading"; sent: number; total: number }
  | { kind: "processing" }
  | { kind: "done"; siteId: string; title: string; report: ImportReport }
  | { kind: "failed"; detail: string; report?: ImportReport | undefined };

function upload(url: string, file: File, onProgress: (sent: number) => void) {
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("x-lectern-csrf", "1");
    xhr.setRequestHeader("content-type", file.type || "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON; reported by status below
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error("The upload was interrupted; check your connection"));
    xhr.send(file);
  });
}

export function ImportCourse({ tenantId }: { tenantId: string }) {
  const hydrated = useHydrated();
  const id = useId();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const revalidator = useRevalidator();
  const busy = outcome?.kind === "uploading" || outcome?.kind === "processing";

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get("archive");
    if (!(file instanceof File) || file.size === 0) {
      setOutcome({ kind: "failed", detail: "Choose a .zip or .tar.gz file to import." });
      return;
    }
    const query = new URLSearchParams();
    for (const key of ["title", "slug"]) {
      const v = String(form.get(key) ?? "").trim();
      if (v) query.set(key, v);
    }
    setOutcome({ kind: "uploading", sent: 0, total: file.size });
    try {
      const res = await upload(`/api/v1/tenants/${tenantId}/sites/import?${query}`, file, (sent) =>
        setOutcome(
          sent >= file.size
            ? { kind: "processing" }
            : { kind: "uploading", sent, total: file.size },
        ),
      );
      const body = res.body as {
        site?: { id: string; title: string };
        report?: ImportReport;
        detail?: string;
        title?: string;
        errors?: { field: string; message: string }[];
      } | null;
      if (res.status === 201 && body?.site && body.report) {
        setOutcome({
          kind: "done",
          siteId: body.site.id,
          title: body.site.title,
          report: body.report,
        });
        // The new site joins the list above.
        void revalidator.revalidate();
      } else {
        const fieldMessage = body?.errors?.[0]
          ? `${body.errors[0].field} ${body.errors[0].message}`
          : "";
        setOutcome({
          kind: "failed",
          detail:
            body?.detail ?? body?.title ?? (fieldMessage || `The import failed (${res.status})`),
          report: body?.report,
        });
      }
    } catch (err) {
      setOutcome({ kind: "failed", detail: (err as Error).message });
    }
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Import an OCW course</h2>
      <p className="muted">
        Upload a course exported from OCW Studio (its Hugo content tree, as .zip or .tar.gz). Every
        page, resource, menu entry and the course metadata become content of a new site, with their
        ids kept. Nothing is created if the archive has a problem.
      </p>
      <form className="field-row" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-archive`}>Archive</label>
          <input
            id={`${id}-archive`}
            name="archive"
            type="file"
            accept=".zip,.tar.gz,.tgz,application/zip,application/gzip"
            required
            disabled={busy}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-title-input`}>Imported site title</label>
          <p className="field-hint" id={`${id}-title-hint`}>
            Optional; the course title by default.
          </p>
          <input
            id={`${id}-title-input`}
            name="title"
            maxLength={200}
            aria-describedby={`${id}-title-hint`}
            disabled={busy}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-slug`}>Imported site slug</label>
          <input
            id={`${id}-slug`}
            name="slug"
            spellCheck={false}
            autoCapitalize="none"
            disabled={busy}
          />
        </div>
        <div>
          <button type="submit" className="button primary" disabled={!hydrated || busy}>
            {busy ? "Importing…" : "Import"}
          </button>
        </div>
      </form>
      {!hydrated ? (
        <p className="muted">
          Importing uploads the archive from your browser and needs JavaScript.
        </p>
      ) : null}
      <div aria-live="polite">
        {outcome?.kind === "uploading" ? (
          <p>
            <label htmlFor={`${id}-progress`}>Uploading… </label>
            <progress id={`${id}-progress`} max={outcome.total} value={outcome.sent} />{" "}
            {Math.round((outcome.sent / Math.max(1, outcome.total)) * 100)}%
          </p>
        ) : null}
        {outcome?.kind === "processing" ? <p>Uploaded; reading and checking the course…</p> : null}
        {outcome?.kind === "done" ? <ImportDone tenantId={tenantId} outcome={outcome} /> : null}
        {outcome?.kind === "failed" ? (
          <div className="error-summary" role="alert">
            <h3>Nothing was imported</h3>
            <p>{outcome.detail}</p>
            {outcome.report?.errors.length ? (
              <ul>
                {outcome.report.errors.slice(0, 50).map((e) => (
                  <li key={`${e.path}#${e.field ?? ""}#${e.message}`}>
                    <code>{e.path}</code>
                    {e.field ? (
                      <>
                        {" "}
                        field <code>{e.field}</code>
                      </>
                    ) : null}
                    : {e.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}

function ImportDone({
  tenantId,
  outcome,
}: {
  tenantId: string;
  outcome: Extract<Outcome, { kind: "done" }>;
}) {
  const { report } = outcome;
  return (
    <div className="notice">
      <p>
        Imported <strong>{outcome.title}</strong>: {report.items} items (
        {Object.entries(report.byCollection)
          .map(([name, n]) => `${n} ${name}`)
          .join(", ")}
        ). <Link to={`/t/${tenantId}/sites/${outcome.siteId}`}>Open the site</Link>
      </p>
      {report.missingFiles.length ? (
        <details>
          <summary>
            {report.missingFiles.length} resources refer to files the archive did not contain
          </summary>
          <ul>
            {report.missingFiles.map((m) => (
              <li key={m.uid}>
                <code>{m.path}</code>: <code>{m.file}</code>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {report.warnings?.length ? (
        <details>
          <summary>
            {report.warnings.length} {report.warnings.length === 1 ? "note" : "notes"}
          </summary>
          <ul>
            {report.warnings.map((w) => (
              <li key={`${w.path}#${w.message}`}>
                <code>{w.path}</code>: {w.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
