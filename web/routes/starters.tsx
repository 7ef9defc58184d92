import { useEffect, useRef } from "react";
import { Form, Link } from "react-router";
import {
  ErrorSummary,
  FormScope,
  TextField,
  useClientValidation,
} from "../components/form-fields.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StarterSourceField, starterProblemsOf } from "../components/starter-source-field.tsx";
import { StarterStatusForm, StarterStatusTag } from "../components/starter-status-form.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { formatDateTime, pageTitle } from "../lib/format.ts";
import { createStarterForm } from "../lib/forms.ts";
import type { Route } from "./+types/starters";

export { action, loader } from "./starters.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "Starters", loaderData?.tenant.name);

export default function Starters({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, starters } = loaderData;
  const base = `/t/${tenant.id}`;
  const upload = useClientValidation(createStarterForm);
  const uploadRef = useRef<HTMLFormElement>(null);
  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  const uploadFailure = failed?.intent === "upload" ? failed : null;
  const uploadErrors = upload.clientErrors ?? uploadFailure?.fieldErrors;
  const problems = upload.clientErrors ? [] : starterProblemsOf(uploadFailure);
  const rowFailure = failed && failed.intent !== "upload" ? failed : null;
  const rowMessage = rowFailure
    ? (rowFailure.formError ?? Object.values(rowFailure.fieldErrors)[0])
    : null;

  useEffect(() => {
    if (done?.intent === "upload") uploadRef.current?.reset();
  }, [done]);

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">{tenant.name}</p>
        <h1>Starters</h1>
        <p className="muted">
          A starter says which collections and fields a site has. New sites use an active starter;
          existing sites keep the version they were created with.
        </p>
      </div>
      <StatusMessage message={done?.message ?? rowMessage} />
      {done?.starterId ? (
        <p className="notice">
          <Link to={`${base}/starters/${done.starterId}`}>Open the new starter</Link>
        </p>
      ) : null}

      <section className="panel" aria-labelledby="starters-title">
        <h2 id="starters-title">
          All starters <span className="count">{starters.length}</span>
        </h2>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Slug</th>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {starters.map((s) => (
              <tr key={s.id} className={s.status === "inactive" ? "row-inactive" : undefined}>
                <th scope="row" data-label="Name">
                  <Link to={`${base}/starters/${s.id}`}>{s.name}</Link>
                  {s.builtIn ? <span className="tag">Built-in</span> : null}
                </th>
                <td data-label="Slug">
                  <code>{s.slug}</code>
                </td>
                <td data-label="Version">v{s.currentVersion}</td>
                <td data-label="Status">
                  <StarterStatusTag status={s.status} />
                </td>
                <td data-label="Updated" className="nowrap">
                  {formatDateTime(s.updatedAt)}
                </td>
                <td data-label="Actions" className="actions">
                  <StarterStatusForm starter={s} />
                  {rowFailure?.target === s.id ? <p className="field-error">{rowMessage}</p> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel" aria-labelledby="upload-title">
        <h2 id="upload-title">Upload starter</h2>
        <ErrorSummary
          id="upload"
          errors={uploadErrors}
          formError={upload.clientErrors ? null : uploadFailure?.formError}
          labels={createStarterForm.labels}
        />
        <Form method="post" noValidate onSubmit={upload.onSubmit} className="stack" ref={uploadRef}>
          <input type="hidden" name="intent" value="upload" />
          <FormScope id="upload" errors={uploadErrors} values={uploadFailure?.values}>
            <div className="field-row">
              <TextField name="name" label="Name" required maxLength={120} />
              <TextField
                name="slug"
                label="Slug"
                hint="Lowercase letters, digits and hyphens."
                required
                spellCheck={false}
                autoCapitalize="none"
              />
            </div>
            <StarterSourceField idPrefix="upload" problems={problems} />
          </FormScope>
          <button type="submit" className="button primary">
            Upload starter
          </button>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
