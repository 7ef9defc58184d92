import { Form, Link } from "react-router";
import { ConfirmAction } from "../components/confirm-action.tsx";
import { LineDiff } from "../components/editor/line-diff.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { formatDateTime, pageTitle } from "../lib/format.ts";
import type { Route } from "./+types/content-history";

export { action, loader } from "./content-history.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(
    error ? errorTitle(error) : `History: ${loaderData?.item.title}`,
    loaderData?.site.title,
    loaderData?.tenant.name,
  );

const actionLabels: Record<string, string> = {
  created: "Created",
  updated: "Edited",
  deleted: "Deleted",
  restored: "Restored",
  reverted: "Went back",
  imported: "Imported",
};

const changeLabels = { added: "Added", removed: "Removed", changed: "Changed" };

export default function ContentHistory({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, site, can, collection, item, revisions, nextCursor, paged, compare, diff } =
    loaderData;
  const base = `/t/${tenant.id}/sites/${site.id}/content`;
  const itemUrl = `${base}/items/${item.uid}`;
  const versions = revisions.map((r) => r.version);
  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={base}>Content</Link>
          {collection.files ? null : (
            <>
              {" · "}
              <Link to={`${base}/collections/${collection.name}`}>{collection.label}</Link>
            </>
          )}
          {" · "}
          <Link to={itemUrl}>{item.title || item.filename}</Link>
        </p>
        <h1>History of {item.title || item.filename}</h1>
        <p className="muted">
          Current version: {item.version}. Going back to an earlier version saves it as a new
          version, so nothing is ever lost.
        </p>
      </div>
      <StatusMessage message={actionData?.message} />

      <section className="panel" aria-labelledby="compare-title">
        <h2 id="compare-title">Compare versions</h2>
        <Form method="get" className="inline-fields">
          <div className="field">
            <label htmlFor="compare-from">From version</label>
            <select id="compare-from" name="from" defaultValue={String(compare.from)}>
              {versions.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="compare-to">To version</label>
            <select id="compare-to" name="to" defaultValue={String(compare.to)}>
              {versions.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button">
            Compare
          </button>
        </Form>
        {diff ? (
          <div className="diff-view">
            <h3>
              Version {diff.from.version} → version {diff.to.version}
            </h3>
            {diff.fields.length === 0 ? (
              <p className="muted">No field changed.</p>
            ) : (
              <table className="data-table diff-table">
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Change</th>
                    <th scope="col">Before (v{diff.from.version})</th>
                    <th scope="col">After (v{diff.to.version})</th>
                  </tr>
                </thead>
                <tbody>
                  {diff.fields.map((c) => (
                    <tr key={c.path}>
                      <th scope="row" data-label="Field">
                        {c.label}
                      </th>
                      <td data-label="Change">{changeLabels[c.kind]}</td>
                      <td data-label="Before">
                        {c.before === null ? "—" : <del className="diff-value">{c.before}</del>}
                      </td>
                      <td data-label="After">
                        {c.after === null ? "—" : <ins className="diff-value">{c.after}</ins>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <h4>Body</h4>
            <LineDiff changes={diff.body} />
          </div>
        ) : (
          <p className="muted">Choose two different versions to see what changed between them.</p>
        )}
      </section>

      <section className="panel" aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">What</th>
              <th scope="col">Title</th>
              <th scope="col">When</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {revisions.map((r) => (
              <tr key={r.version}>
                <th scope="row" data-label="Version">
                  {r.version}
                  {r.version === item.version ? (
                    <span className="tag tag-active">Current</span>
                  ) : null}
                </th>
                <td data-label="What">
                  {actionLabels[r.action] ?? r.action}
                  {r.revertedFrom !== null ? ` to version ${r.revertedFrom}` : ""}
                </td>
                <td data-label="Title">{r.title}</td>
                <td data-label="When">
                  <span className="nowrap">{formatDateTime(r.createdAt)}</span>
                  {r.createdBy ? (
                    <span className="muted small block">
                      by {r.createdBy.name || r.createdBy.email}
                    </span>
                  ) : null}
                </td>
                <td data-label="Actions" className="actions">
                  {r.version > 1 ? (
                    <Link
                      to={`?from=${r.version - 1}&to=${r.version}`}
                      className="button small"
                      aria-label={`Changes in version ${r.version}`}
                    >
                      Changes
                    </Link>
                  ) : null}
                  {can.write && r.version !== item.version && !item.deleted ? (
                    <ConfirmAction
                      summary={
                        <>
                          Restore…<span className="visually-hidden"> version {r.version}</span>
                        </>
                      }
                      question={`Make version ${r.version} current again? It is saved as version ${item.version + 1}; later versions stay in the history.`}
                      confirmLabel={`Restore version ${r.version}`}
                      fields={{ version: String(r.version), current: String(item.version) }}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {paged || nextCursor ? (
          <nav className="pager" aria-label="Version pages">
            {paged ? <Link to="?">Newest versions</Link> : null}
            {nextCursor ? (
              <Link to={`?${new URLSearchParams({ cursor: nextCursor })}`}>Older versions</Link>
            ) : null}
          </nav>
        ) : null}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
