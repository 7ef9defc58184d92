import { useEffect, useRef } from "react";
import { Form, Link } from "react-router";
import { ConfirmAction } from "../components/confirm-action.tsx";
import {
  ErrorSummary,
  FormScope,
  SelectField,
  TextField,
  useClientValidation,
} from "../components/form-fields.tsx";
import { domainForm } from "../components/publish/forms.ts";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { formatDate, pageTitle } from "../lib/format.ts";
import type { Route } from "./+types/domains";

export { action, loader } from "./domains.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "Custom domains", loaderData?.tenant.name);

export default function Domains({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, domains, siteChoices, complete } = loaderData;
  const base = `/t/${tenant.id}`;
  const add = useClientValidation(domainForm);
  const addRef = useRef<HTMLFormElement>(null);
  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  const addFailure = failed?.intent === "add-domain" ? failed : null;
  const addErrors = add.clientErrors ?? addFailure?.fieldErrors;
  const rowFailure = failed?.target ? failed : null;
  const rowError = (hostname: string) =>
    rowFailure?.target === hostname
      ? (rowFailure.formError ?? Object.values(rowFailure.fieldErrors)[0])
      : null;

  useEffect(() => {
    if (done?.intent === "add-domain") addRef.current?.reset();
  }, [done]);

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">{tenant.name}</p>
        <h1>Custom domains</h1>
        <p className="muted">
          A custom domain serves a site's live version at a hostname of your own, such as
          courses.example.edu. Visitors reach it there only once the hostname's DNS points at
          Lectern: ask your platform operator which record to create.
        </p>
      </div>
      <StatusMessage
        message={done?.message ?? (rowFailure ? rowError(rowFailure.target ?? "") : null)}
      />

      <section className="panel" aria-labelledby="add-domain-title">
        <h2 id="add-domain-title">Add a domain</h2>
        {siteChoices.length === 0 ? (
          <p className="muted">
            There are no sites yet. <Link to={`${base}/sites`}>Create a site</Link> first.
          </p>
        ) : (
          <>
            <ErrorSummary
              id="domain"
              errors={addErrors}
              formError={add.clientErrors ? null : addFailure?.formError}
              labels={domainForm.labels}
            />
            <Form
              method="post"
              noValidate
              onSubmit={add.onSubmit}
              className="inline-fields"
              ref={addRef}
            >
              <input type="hidden" name="intent" value="add-domain" />
              <FormScope id="domain" errors={addErrors} values={addFailure?.values}>
                <TextField
                  name="hostname"
                  label="Hostname"
                  hint="The full name, without https://"
                  placeholder="courses.example.edu"
                  autoComplete="off"
                  autoCapitalize="none"
                  spellCheck={false}
                  required
                />
                <SelectField
                  name="siteId"
                  label="Site"
                  hint={complete ? "Its live version is served." : "The first 500 sites by title."}
                  defaultValue=""
                  required
                  options={[
                    { value: "", label: "Choose a site" },
                    ...siteChoices.map((s) => ({
                      value: s.id,
                      label: s.live ? s.title : `${s.title} (not live yet)`,
                    })),
                  ]}
                />
              </FormScope>
              <button type="submit" className="button primary">
                Add domain
              </button>
            </Form>
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="domains-title">
        <h2 id="domains-title">
          Domains <span className="count">{domains.length}</span>
        </h2>
        {domains.length === 0 ? (
          <p className="muted">No custom domains yet.</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Hostname</th>
                <th scope="col">Site</th>
                <th scope="col">Added by</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {domains.map((d) => {
                const error = rowError(d.hostname);
                return (
                  <tr key={d.hostname}>
                    <th scope="row" data-label="Hostname" className="break-anywhere">
                      {d.hostname}
                    </th>
                    <td data-label="Site">
                      {d.site ? (
                        <Link to={`${base}/sites/${d.siteId}`}>{d.site.title}</Link>
                      ) : (
                        <code>{d.siteId}</code>
                      )}
                      {d.site?.archived ? <span className="tag tag-warn">Archived</span> : null}
                      {d.site && !d.site.live ? (
                        <span className="tag tag-warn">Not live yet</span>
                      ) : null}
                    </td>
                    <td data-label="Added by">
                      {d.createdBy?.name ?? "—"}
                      <span className="block small muted">{formatDate(d.createdAt)}</span>
                    </td>
                    <td data-label="Actions" className="actions">
                      <ConfirmAction
                        summary={
                          <>
                            Remove…<span className="visually-hidden"> {d.hostname}</span>
                          </>
                        }
                        question={`Stop serving ${d.site?.title ?? "the site"} at ${d.hostname}? Visitors there get “not found” at once.`}
                        confirmLabel={`Remove ${d.hostname}`}
                        fields={{ intent: "remove-domain", hostname: d.hostname }}
                      />
                      {error ? <p className="field-error">{error}</p> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
