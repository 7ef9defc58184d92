import { Link } from "react-router";
import { ItemEditor } from "../components/editor/item-editor.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import type { EditorShape } from "../lib/content-form.ts";
import { pageTitle } from "../lib/format.ts";
import type { Route } from "./+types/content-new";

export { action, loader } from "./content-new.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(
    error ? errorTitle(error) : `New: ${loaderData?.file?.label ?? loaderData?.collection.label}`,
    loaderData?.site.title,
    loaderData?.tenant.name,
  );

export default function ContentNew({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, site, can, collection, collectionLabels, file, initial, choices } = loaderData;
  const shape = loaderData.shape as EditorShape;
  const base = `/t/${tenant.id}/sites/${site.id}/content`;
  const failed = actionData && !actionData.ok ? actionData : null;
  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={`/t/${tenant.id}/sites/${site.id}`}>{site.title}</Link> ·{" "}
          <Link to={base}>Content</Link>
          {file ? null : (
            <>
              {" · "}
              <Link to={`${base}/collections/${collection.name}`}>{collection.label}</Link>
            </>
          )}
        </p>
        <h1>{file ? file.label : `New item in ${collection.label}`}</h1>
        {file ? <p className="muted">Not filled in yet: saving creates it.</p> : null}
      </div>
      <section className="panel editor-panel" aria-label="New item">
        {can.write ? null : (
          <p className="notice">
            {site.archived
              ? "The site is archived: restore it on the site page to add content."
              : "You can read this site's content but not add to it."}
          </p>
        )}
        <ItemEditor
          shape={shape}
          initial={initial}
          restored={failed?.mine ?? null}
          creating
          version={null}
          choices={{
            ...choices,
            searchUrl: `${base}/search`,
            collectionLabels,
            selfUid: null,
            fileMissing: false,
          }}
          serverErrors={failed?.fieldErrors ?? null}
          formError={failed?.formError ?? null}
          submitLabel={file ? "Save" : "Create item"}
          hiddenFields={{ intent: "create" }}
          readOnly={!can.write}
        />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
