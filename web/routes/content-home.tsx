import { Link } from "react-router";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { pageTitle } from "../lib/format.ts";
import type { Route } from "./+types/content-home";

export { loader } from "./content-home.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "Content", loaderData?.site.title, loaderData?.tenant.name);

export default function ContentHome({ loaderData }: Route.ComponentProps) {
  const { tenant, site, can, collections, existing } = loaderData;
  const base = `/t/${tenant.id}/sites/${site.id}/content`;
  // Grouped as the starter groups them (Content, Settings…), in the starter's order.
  const categories = [...new Set(collections.map((c) => c.category ?? "Other"))];
  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={`/t/${tenant.id}/sites`}>Sites</Link> ·{" "}
          <Link to={`/t/${tenant.id}/sites/${site.id}`}>{site.title}</Link>
        </p>
        <h1>Content</h1>
        <p className="muted">
          Everything {site.title} holds, as its starter ({site.starter.name} v{site.starter.version}
          ) declares it.
          {can.write
            ? null
            : site.archived
              ? " The site is archived: restore it to edit."
              : " You can read, not edit."}
        </p>
      </div>
      {categories.map((category) => (
        <section className="panel" key={category} aria-labelledby={`category-${category}`}>
          <h2 id={`category-${category}`}>{category}</h2>
          <ul className="content-collections">
            {collections
              .filter((c) => (c.category ?? "Other") === category)
              .map((c) =>
                c.files ? (
                  c.files.map((file) => {
                    const uid = existing[`${c.name}/${file.name}`];
                    return (
                      <li key={`${c.name}/${file.name}`} className="collection-entry">
                        <Link
                          to={
                            uid
                              ? `${base}/items/${uid}`
                              : `${base}/collections/${c.name}/new?file=${file.name}`
                          }
                          className="collection-link"
                        >
                          {file.label}
                        </Link>
                        <span className="muted small">
                          {uid ? "Single page of settings" : "Not filled in yet"}
                        </span>
                      </li>
                    );
                  })
                ) : (
                  <li key={c.name} className="collection-entry">
                    <Link to={`${base}/collections/${c.name}`} className="collection-link">
                      {c.label}
                    </Link>
                    <span className="muted small">List of items</span>
                    {can.write ? (
                      <Link to={`${base}/collections/${c.name}/new`} className="button small">
                        New<span className="visually-hidden"> item in {c.label}</span>
                      </Link>
                    ) : null}
                  </li>
                ),
              )}
          </ul>
        </section>
      ))}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
