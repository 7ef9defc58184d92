import { Form, Link } from "react-router";
import { ConfirmAction } from "../components/confirm-action.tsx";
import { ConflictPanel } from "../components/editor/conflict-panel.tsx";
import { ExtraFields } from "../components/editor/extra-fields.tsx";
import { ItemEditor } from "../components/editor/item-editor.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import type { EditorShape } from "../lib/content-form.ts";
import { formatDateTime, pageTitle } from "../lib/format.ts";
import type { Route } from "./+types/content-item";

export { action, loader } from "./content-item.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(
    error ? errorTitle(error) : loaderData?.item.title,
    loaderData?.site.title,
    loaderData?.tenant.name,
  );

export default function ContentItem({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, site, can, collection, collectionLabels, item, choices, created } = loaderData;
  // Starter fields arrive as JSON; their declared type is the starter schema's.
  const shape = loaderData.shape as EditorShape;
  const base = `/t/${tenant.id}/sites/${site.id}/content`;
  const conflict =
    actionData?.ok === false && actionData.intent === "conflict" ? actionData.conflict : null;
  const failed = actionData?.ok === false && actionData.intent === "save" ? actionData : null;
  const refused = actionData?.ok === false && actionData.intent === "delete" ? actionData : null;
  const message = actionData?.ok
    ? actionData.message
    : created
      ? "Created. Keep editing, or go back to the list."
      : null;
  const who = item.updatedBy ? item.updatedBy.name || item.updatedBy.email : null;

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={`/t/${tenant.id}/sites/${site.id}`}>{site.title}</Link> ·{" "}
          <Link to={base}>Content</Link>
          {collection.files ? null : (
            <>
              {" · "}
              <Link to={`${base}/collections/${collection.name}`}>{collection.label}</Link>
            </>
          )}
        </p>
        <h1>
          {item.title || item.filename}
          {item.deleted ? <span className="tag tag-warn">Deleted</span> : null}
          {item.fileMissing ? <span className="tag tag-revoked">File missing</span> : null}
        </h1>
        <p className="muted item-meta">
          Version {item.version} · updated {formatDateTime(item.updatedAt)}
          {who ? ` by ${who}` : ""} · <Link to={`${base}/items/${item.uid}/history`}>History</Link>
        </p>
      </div>
      <StatusMessage message={message} />
      {conflict ? <ConflictPanel key={conflict.version} conflict={conflict} /> : null}

      {item.deleted ? (
        <section className="panel" aria-labelledby="deleted-title">
          <h2 id="deleted-title">This item is deleted</h2>
          <p>It is not published. Its history is kept; restore it to edit it again.</p>
          {failed?.formError ? <p className="field-error">{failed.formError}</p> : null}
          {can.write ? (
            <Form method="post">
              <input type="hidden" name="intent" value="restore" />
              <button type="submit" className="button primary">
                Restore item
              </button>
            </Form>
          ) : null}
        </section>
      ) : (
        <section className="panel editor-panel" aria-label={`Edit ${item.title || item.filename}`}>
          {can.write ? null : (
            <p className="notice">
              {site.archived
                ? "The site is archived: restore it on the site page to edit its content."
                : "You can read this item but not change it."}
            </p>
          )}
          <ItemEditor
            key={item.version}
            shape={shape}
            initial={{ filename: item.filename, body: item.body, fields: item.fields }}
            restored={failed?.mine ?? null}
            creating={false}
            version={item.version}
            choices={{
              ...choices,
              searchUrl: `${base}/search`,
              collectionLabels,
              selfUid: item.uid,
              fileMissing: item.fileMissing,
              ...(can.write ? { media: { tenantId: tenant.id, siteId: site.id } } : {}),
            }}
            serverErrors={failed?.fieldErrors ?? null}
            formError={failed?.formError ?? null}
            submitLabel="Save"
            hiddenFields={{ intent: "save" }}
            readOnly={!can.write}
          />
        </section>
      )}

      <ExtraFields extra={item.extra} />

      {refused && can.write && !item.deleted ? (
        <section className="panel" aria-labelledby="refused-title" role="alert">
          <h2 id="refused-title">Not deleted: other items link it</h2>
          <p>{refused.message}</p>
          <ul>
            {refused.references.map((r) => (
              <li key={r.uid}>
                <Link to={`${base}/items/${r.uid}`}>{r.title || r.filename}</Link>
              </li>
            ))}
          </ul>
          <ConfirmAction
            summary="Delete anyway…"
            question="Those links will point at nothing once the site is next published. The item can still be restored."
            confirmLabel={`Delete ${item.title || item.filename} anyway`}
            fields={{ intent: "delete", version: String(item.version), force: "1" }}
          />
        </section>
      ) : null}

      {can.write && !item.deleted ? (
        <div className="danger-zone">
          <ConfirmAction
            summary="Delete item…"
            question={`Delete “${item.title || item.filename}”? It leaves the site when next published; it can be restored, with its history.`}
            confirmLabel={`Delete ${item.title || item.filename}`}
            fields={{ intent: "delete", version: String(item.version) }}
          />
        </div>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
