import { Form, Link, useRevalidator } from "react-router";
import { MediaUploader } from "../components/media/uploader.tsx";
import { ZipImport } from "../components/media/zip-import.tsx";
import { GDriveImportSection } from "../components/providers/gdrive-import.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { formatDateTime, pageTitle } from "../lib/format.ts";
import { useHydrated } from "../lib/use-hydrated.ts";
import type { Route } from "./+types/media";

export { action, loader } from "./media.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(
    error ? errorTitle(error) : "Media library",
    loaderData?.site.title,
    loaderData?.tenant.name,
  );

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

const kindLabels = { document: "Document", image: "Image", video: "Video", other: "Other" };

function details(item: { metadata: Record<string, unknown> }) {
  const m = item.metadata;
  const out: string[] = [];
  if (typeof m.width === "number" && typeof m.height === "number") {
    out.push(`${m.width}×${m.height}`);
  }
  if (typeof m.duration_seconds === "number") {
    const s = Math.round(m.duration_seconds);
    out.push(`${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`);
  }
  return out.join(" · ");
}

export default function MediaLibrary({ loaderData, actionData }: Route.ComponentProps) {
  const {
    tenant,
    site,
    can,
    items,
    nextCursor,
    warnings,
    limits,
    maxFormUpload,
    gdriveConfigured,
  } = loaderData;
  const hydrated = useHydrated();
  const revalidator = useRevalidator();
  const siteBase = `/t/${tenant.id}/sites/${site.id}`;
  const mine = actionData && actionData.intent !== "import-gdrive" ? actionData : undefined;
  const failed = mine && !mine.ok && "message" in mine ? mine : null;
  const done = mine?.ok ? mine : null;

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={`/t/${tenant.id}/sites`}>Sites</Link> · <Link to={siteBase}>{site.title}</Link>
        </p>
        <h1>Media library</h1>
        <p className="muted">
          Files become resources of the site: edit their title, alt text and license in the{" "}
          <Link to={`${siteBase}/content/collections/resource`}>resources</Link>.
          {limits
            ? ` ${formatBytes(limits.usedBytes)} of ${formatBytes(limits.quotaBytes)} used; files up to ${formatBytes(limits.maxFileBytes)}.`
            : ""}
        </p>
      </div>
      <StatusMessage message={done?.message ?? null} />
      {failed ? (
        <section className="error-summary" aria-labelledby="media-problem" tabIndex={-1}>
          <h2 id="media-problem">There is a problem</h2>
          <p>{failed.message}</p>
          {failed.references?.length ? (
            <ul>
              {failed.references.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      {can.edit && !site.archived ? (
        <section className="panel" aria-labelledby="upload-title">
          <h2 id="upload-title">Upload</h2>
          {hydrated ? (
            <MediaUploader
              tenantId={tenant.id}
              siteId={site.id}
              onFinished={() => revalidator.revalidate()}
            />
          ) : (
            <Form method="post" encType="multipart/form-data">
              <input type="hidden" name="intent" value="upload" />
              <label htmlFor="media-file">File (up to {formatBytes(maxFormUpload)})</label>
              <input id="media-file" type="file" name="file" required />
              <button type="submit" className="button primary">
                Upload
              </button>
            </Form>
          )}
        </section>
      ) : null}

      {can.edit && !site.archived ? (
        <ZipImport
          tenantId={tenant.id}
          siteId={site.id}
          hydrated={hydrated}
          maxFormBytes={maxFormUpload}
          onFinished={() => revalidator.revalidate()}
          report={done && "report" in done && done.report ? done.report : null}
        />
      ) : null}

      {can.edit && !site.archived ? (
        <GDriveImportSection
          actionData={actionData as Parameters<typeof GDriveImportSection>[0]["actionData"]}
          configured={gdriveConfigured}
          providersHref={can.manageProviders ? `/t/${tenant.id}/providers` : null}
        />
      ) : null}

      {warnings.items.length > 0 ? (
        <section className="panel" aria-labelledby="warnings-title">
          <h2 id="warnings-title">Before publishing</h2>
          <p className="muted">
            {warnings.videosWithoutCaptions} video(s) without captions · {warnings.imagesWithoutAlt}{" "}
            image(s) without alt text · {warnings.jobsRunning} job(s) still running
          </p>
          <ul className="warning-list">
            {warnings.items.map((w) => (
              <li key={`${w.kind}:${w.resourceUid ?? ""}:${w.mediaId ?? ""}:${w.message}`}>
                {w.resourceUid ? (
                  <Link to={`${siteBase}/content/items/${w.resourceUid}`}>{w.message}</Link>
                ) : (
                  w.message
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="library-title">
        <h2 id="library-title">
          Files <span className="count">{items.length}</span>
        </h2>
        {items.length === 0 ? (
          <p className="muted">No files yet.</p>
        ) : (
          <table className="data-table" aria-label="Media files">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Type</th>
                <th scope="col">Size</th>
                <th scope="col">Details</th>
                <th scope="col">Jobs</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id} data-media-id={item.id}>
                  <th scope="row">
                    {item.status === "ready" ? (
                      <a href={item.url}>{item.filename}</a>
                    ) : (
                      item.filename
                    )}
                    {item.status !== "ready" ? (
                      <span className={`tag ${item.status === "failed" ? "tag-warn" : ""}`}>
                        {item.status}
                      </span>
                    ) : null}
                    {item.error ? <p className="field-error">{item.error}</p> : null}
                    {item.resourceUid ? (
                      <p>
                        <Link to={`${siteBase}/content/items/${item.resourceUid}`}>
                          Edit resource
                        </Link>
                      </p>
                    ) : null}
                  </th>
                  <td>
                    {kindLabels[item.kind]}
                    <br />
                    <small className="muted">{item.sniffedType ?? item.declaredType}</small>
                  </td>
                  <td>{formatBytes(item.size)}</td>
                  <td>
                    {details(item)}
                    {item.sha256 ? (
                      <>
                        <br />
                        <small className="muted" title={item.sha256}>
                          SHA-256 {item.sha256.slice(0, 12)}…
                        </small>
                      </>
                    ) : null}
                    <br />
                    <small className="muted">{formatDateTime(item.createdAt)}</small>
                  </td>
                  <td>
                    {item.status === "ready" ? (
                      <Link to={`${siteBase}/media/${item.id}/jobs`}>Processing</Link>
                    ) : null}
                    <ul className="job-list">
                      {item.jobs.map((j) => (
                        <li key={j.id} data-job-state={j.state}>
                          {j.kind.replaceAll("_", " ")}: {j.state}
                          {j.state === "failed" && j.lastError ? ` (${j.lastError})` : ""}
                          {j.state === "failed" && can.edit ? (
                            <Form method="post" className="inline-form">
                              <input type="hidden" name="intent" value="retry" />
                              <input type="hidden" name="mediaId" value={item.id} />
                              <input type="hidden" name="jobId" value={j.id} />
                              <button type="submit" className="button small">
                                Retry
                              </button>
                            </Form>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    {can.edit ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="delete" />
                        <input type="hidden" name="mediaId" value={item.id} />
                        {failed?.intent === "delete" && failed.target === item.id ? (
                          <label>
                            <input type="checkbox" name="force" value="1" /> Delete anyway
                          </label>
                        ) : null}
                        <button type="submit" className="button small danger">
                          Delete
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {nextCursor ? (
          <p className="panel-footer">
            <Link to={`?cursor=${encodeURIComponent(nextCursor)}`}>Older files</Link>
          </p>
        ) : null}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
