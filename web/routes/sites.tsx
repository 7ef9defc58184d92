import { useEffect, useRef } from "react";
import { Form, Link } from "react-router";
import {
  ErrorSummary,
  FormScope,
  SelectField,
  TextField,
  useClientValidation,
} from "../components/form-fields.tsx";
import { ImportCourse } from "../components/import-course.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { formatDateTime, pageTitle, publishLabel, siteRoleLabels } from "../lib/format.ts";
import { createSiteForm, siteFilterForm } from "../lib/forms.ts";
import type { Route } from "./+types/sites";

export { action, loader } from "./sites.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "Sites", loaderData?.tenant.name);

const publishedOptions = [
  { value: "any", label: "Any" },
  { value: "live", label: "Live" },
  { value: "preview", label: "Preview" },
  { value: "never", label: "Never published" },
];

const archivedOptions = [
  { value: "exclude", label: "Hide archived" },
  { value: "only", label: "Only archived" },
  { value: "include", label: "Show archived too" },
];

const sortOptions = [
  { value: "-updated", label: "Recently updated" },
  { value: "updated", label: "Least recently updated" },
  { value: "title", label: "Title A–Z" },
  { value: "-title", label: "Title Z–A" },
];

export default function Sites({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, can, filters, fieldErrors, sites, nextCursor, paged, starters, members } =
    loaderData;
  const base = `/t/${tenant.id}`;
  const filter = useClientValidation(siteFilterForm);
  const filterErrors = filter.clientErrors ?? fieldErrors;
  const create = useClientValidation(createSiteForm);
  const createRef = useRef<HTMLFormElement>(null);
  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  const createErrors = create.clientErrors ?? failed?.fieldErrors;
  const filtered = Object.keys(filters).length > 0;
  const activeStarters = starters.filter((s) => s.status === "active");

  useEffect(() => {
    if (done) createRef.current?.reset();
  }, [done]);

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">{tenant.name}</p>
        <h1>Sites</h1>
        <p className="muted">
          {can.administerAllSites
            ? "Every course site and website in this tenant."
            : "The sites you collaborate on."}
        </p>
        {can.rebuildSites ? (
          <p>
            <Link to={`${base}/rebuilds`}>Rebuild all published sites</Link>
          </p>
        ) : null}
      </div>
      <StatusMessage message={done?.message} />
      {done ? (
        <p className="notice">
          <Link to={`${base}/sites/${done.siteId}`}>Open {done.title}</Link>
        </p>
      ) : null}

      <section className="panel" aria-labelledby="filter-title">
        <h2 id="filter-title">Find sites</h2>
        <ErrorSummary id="filter" errors={filterErrors} labels={siteFilterForm.labels} />
        <Form method="get" noValidate onSubmit={filter.onSubmit} className="filter-form">
          <FormScope id="filter" errors={filterErrors} values={filters}>
            <TextField name="q" label="Search" type="search" placeholder="Title or slug" />
            <SelectField
              name="starter"
              label="Starter"
              options={[
                { value: "", label: "Any" },
                ...starters.map((s) => ({
                  value: s.id,
                  label: s.status === "active" ? s.name : `${s.name} (inactive)`,
                })),
              ]}
            />
            <SelectField
              name="published"
              label="Published"
              options={publishedOptions}
              defaultValue="any"
            />
            <SelectField
              name="archived"
              label="Archived"
              options={archivedOptions}
              defaultValue="exclude"
            />
            <SelectField
              name="sort"
              label="Sort by"
              options={sortOptions}
              defaultValue="-updated"
            />
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

      <section className="panel" aria-labelledby="sites-title">
        <h2 id="sites-title">
          {filtered ? "Matching sites" : "Sites"} <span className="count">{sites.length}</span>
        </h2>
        {sites.length === 0 ? (
          <p className="muted">
            {fieldErrors
              ? "Correct the filters above to see sites."
              : filtered
                ? "No sites match these filters."
                : can.createSites
                  ? "No sites to show; archived sites are hidden unless chosen under Archived. Create one below."
                  : "You do not collaborate on any site yet. Ask a site admin to add you."}
          </p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Slug</th>
                <th scope="col">Starter</th>
                <th scope="col">Your role</th>
                <th scope="col">Published</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {sites.map((s) => (
                <tr key={s.id} className={s.archived ? "row-inactive" : undefined}>
                  <th scope="row" data-label="Title">
                    <Link to={`${base}/sites/${s.id}`}>{s.title}</Link>
                    {s.archived ? <span className="tag tag-warn">Archived</span> : null}
                  </th>
                  <td data-label="Slug">
                    <code>{s.slug}</code>
                  </td>
                  <td data-label="Starter">{s.starter.name}</td>
                  <td data-label="Your role">{siteRoleLabels[s.role]}</td>
                  <td data-label="Published">{publishLabel(s.publish)}</td>
                  <td data-label="Updated" className="nowrap">
                    {formatDateTime(s.updatedAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {paged || nextCursor ? (
          <nav className="pager" aria-label="Site pages">
            {paged ? <Link to={`?${new URLSearchParams(filters)}`}>First page</Link> : null}
            {nextCursor ? (
              <Link to={`?${new URLSearchParams({ ...filters, cursor: nextCursor })}`}>
                Next page
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>

      {can.createSites ? (
        <section className="panel" aria-labelledby="new-site-heading">
          <h2 id="new-site-heading">New site</h2>
          <ErrorSummary
            id="create"
            errors={createErrors}
            formError={create.clientErrors ? null : failed?.formError}
            labels={createSiteForm.labels}
          />
          <Form
            method="post"
            noValidate
            onSubmit={create.onSubmit}
            className="field-row"
            ref={createRef}
          >
            <FormScope id="create" errors={createErrors} values={failed?.values}>
              <TextField name="title" label="Title" required maxLength={200} />
              <TextField
                name="slug"
                label="Slug"
                hint="Optional; made from the title when left empty."
                spellCheck={false}
                autoCapitalize="none"
              />
              <SelectField
                name="starterId"
                label="Starter"
                options={activeStarters.map((s) => ({
                  value: s.id,
                  label: `${s.name} · v${s.currentVersion}`,
                }))}
                required
              />
              {members.length > 0 ? (
                <SelectField
                  name="ownerUserId"
                  label="Owner"
                  hint="Administers the site; you by default."
                  options={[
                    { value: "", label: "Me" },
                    ...members.map((m) => ({
                      value: m.userId,
                      label: m.label,
                    })),
                  ]}
                />
              ) : null}
            </FormScope>
            <div>
              <button type="submit" className="button primary">
                Create site
              </button>
            </div>
          </Form>
        </section>
      ) : null}
      {can.createSites ? <ImportCourse tenantId={tenant.id} /> : null}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
