import { Form, Link } from "react-router";
import { ErrorSummary, FormScope, SelectField, TextField } from "../components/form-fields.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { contentFilterForm } from "../lib/content-filters.ts";
import { formatDateTime, pageTitle } from "../lib/format.ts";
import type { Route } from "./+types/content-list";

export { action, loader } from "./content-list.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(
    error ? errorTitle(error) : loaderData?.collection.label,
    loaderData?.site.title,
    loaderData?.tenant.name,
  );

const deletedOptions = [
  { value: "exclude", label: "Hide deleted" },
  { value: "only", label: "Only deleted" },
  { value: "include", label: "Show deleted too" },
];

const sortOptions = [
  { value: "title", label: "Title A–Z" },
  { value: "-title", label: "Title Z–A" },
  { value: "-updated", label: "Recently updated" },
  { value: "updated", label: "Least recently updated" },
  { value: "filename", label: "Filename A–Z" },
  { value: "-filename", label: "Filename Z–A" },
];

export default function ContentList({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, site, can, collection, filters, fieldErrors, items, nextCursor, paged } =
    loaderData;
  const siteBase = `/t/${tenant.id}/sites/${site.id}`;
  const base = `${siteBase}/content`;
  const filtered = Object.keys(filters).length > 0;
  const failed = actionData && !actionData.ok ? actionData : null;
  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={`${siteBase}`}>{site.title}</Link> · <Link to={base}>Content</Link>
        </p>
        <div className="heading-row">
          <h1>{collection.label}</h1>
          {can.write && !collection.files ? (
            <Link to={`${base}/collections/${collection.name}/new`} className="button primary">
              New item<span className="visually-hidden"> in {collection.label}</span>
            </Link>
          ) : null}
        </div>
      </div>
      <StatusMessage message={actionData?.ok ? actionData.message : (failed?.formError ?? null)} />

      <section className="panel" aria-labelledby="filter-title">
        <h2 id="filter-title">Find items</h2>
        <ErrorSummary id="filter" errors={fieldErrors} labels={contentFilterForm.labels} />
        <Form method="get" noValidate className="filter-form">
          <FormScope id="filter" errors={fieldErrors} values={filters}>
            <TextField name="q" label="Title or filename" type="search" />
            <TextField name="text" label="Text" type="search" hint="Words in the body or fields" />
            {collection.resourcetypes ? (
              <SelectField
                name="resourcetype"
                label="Resource type"
                options={[
                  { value: "", label: "Any" },
                  ...collection.resourcetypes.map((t) => ({ value: t, label: t })),
                ]}
              />
            ) : null}
            <SelectField
              name="deleted"
              label="Deleted items"
              options={deletedOptions}
              defaultValue="exclude"
            />
            <SelectField name="sort" label="Sort by" options={sortOptions} defaultValue="title" />
          </FormScope>
          <div className="filter-actions">
            <button type="submit" className="button primary">
              Apply
            </button>
            {filtered ? (
              <Link to="?" className="button">
                Clear
              </Link>
            ) : null}
          </div>
        </Form>
      </section>

      <section className="panel" aria-labelledby="items-title">
        <h2 id="items-title">
          {filtered ? "Matching items" : "Items"} <span className="count">{items.length}</span>
        </h2>
        {items.length === 0 ? (
          <p className="muted">
            {fieldErrors
              ? "Correct the filters above to see items."
              : filtered
                ? "No items match these filters."
                : "Nothing here yet."}
          </p>
        ) : (
          <table className="data-table content-table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Filename</th>
                {collection.resourcetypes ? <th scope="col">Type</th> : null}
                <th scope="col">Updated</th>
                <th scope="col">
                  <span className="visually-hidden">State and actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.uid} className={item.deleted ? "row-inactive" : undefined}>
                  <th scope="row" data-label="Title">
                    <Link to={`${base}/items/${item.uid}`}>{item.title || item.filename}</Link>
                  </th>
                  <td data-label="Filename">
                    <code>{item.filename}</code>
                  </td>
                  {collection.resourcetypes ? (
                    <td data-label="Type">{item.resourcetype ?? "—"}</td>
                  ) : null}
                  <td data-label="Updated">
                    <span className="nowrap">{formatDateTime(item.updatedAt)}</span>
                    {item.updatedBy ? (
                      <span className="muted small block">
                        by {item.updatedBy.name || item.updatedBy.email}
                      </span>
                    ) : null}
                  </td>
                  <td data-label="State" className="actions">
                    {item.deleted ? <span className="tag tag-warn">Deleted</span> : null}
                    {item.fileMissing ? (
                      <span className="tag tag-revoked">File missing</span>
                    ) : null}
                    {item.deleted && can.write ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="restore" />
                        <input type="hidden" name="uid" value={item.uid} />
                        <button type="submit" className="button small">
                          Restore<span className="visually-hidden"> {item.title}</span>
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {paged || nextCursor ? (
          <nav className="pager" aria-label="Item pages">
            {paged ? <Link to={`?${new URLSearchParams(filters)}`}>First page</Link> : null}
            {nextCursor ? (
              <Link to={`?${new URLSearchParams({ ...filters, cursor: nextCursor })}`}>
                Next page
              </Link>
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
