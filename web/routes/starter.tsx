import { useEffect, useRef } from "react";
import { Form, Link } from "react-router";
import { CollectionList } from "../components/collection-list.tsx";
import { ErrorSummary, FormScope, useClientValidation } from "../components/form-fields.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StarterSourceField, starterProblemsOf } from "../components/starter-source-field.tsx";
import { StarterStatusForm, StarterStatusTag } from "../components/starter-status-form.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { formatDateTime, pageTitle } from "../lib/format.ts";
import { starterVersionForm } from "../lib/forms.ts";
import type { Route } from "./+types/starter";

export { action, loader } from "./starter.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(
    error ? errorTitle(error) : `Starter ${loaderData?.starter.name ?? ""}`,
    loaderData?.tenant.name,
  );

export default function Starter({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, starter, collections, versions } = loaderData;
  const upload = useClientValidation(starterVersionForm);
  const uploadRef = useRef<HTMLFormElement>(null);
  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  const uploadFailure = failed?.intent === "version" ? failed : null;
  const uploadErrors = upload.clientErrors ?? uploadFailure?.fieldErrors;
  const problems = upload.clientErrors ? [] : starterProblemsOf(uploadFailure);
  const otherFailure = failed && !uploadFailure ? failed : null;

  useEffect(() => {
    if (done?.intent === "version") uploadRef.current?.reset();
  }, [done]);

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={`/t/${tenant.id}/starters`}>Starters</Link> · {tenant.name}
        </p>
        <h1>
          {starter.name}
          {starter.builtIn ? <span className="tag">Built-in</span> : null}
        </h1>
        <p className="muted">
          <code>{starter.slug}</code> · version {starter.currentVersion} ·{" "}
          <StarterStatusTag status={starter.status} />
        </p>
      </div>
      <StatusMessage
        message={
          done?.message ??
          (otherFailure
            ? (otherFailure.formError ?? Object.values(otherFailure.fieldErrors)[0])
            : null)
        }
      />

      <section className="panel" aria-labelledby="status-title">
        <h2 id="status-title">Status</h2>
        <p className="muted">
          {starter.status === "active"
            ? "Active: people can create new sites from it."
            : "Inactive: no new sites can use it. Sites already using it keep working."}
        </p>
        <StarterStatusForm starter={starter} />
      </section>

      <section className="panel" aria-labelledby="collections-title">
        <h2 id="collections-title">
          Collections in version {starter.currentVersion}{" "}
          <span className="count">{collections.length}</span>
        </h2>
        <CollectionList collections={collections} />
        <details className="source-view">
          <summary>Show the YAML of version {starter.currentVersion}</summary>
          <pre>
            <code>{starter.source}</code>
          </pre>
        </details>
      </section>

      <section className="panel" aria-labelledby="versions-title">
        <h2 id="versions-title">
          Versions <span className="count">{versions.length}</span>
        </h2>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Uploaded</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <th scope="row" data-label="Version">
                  v{v.version}
                  {v.version === starter.currentVersion ? (
                    <span className="tag tag-active">Current</span>
                  ) : null}
                </th>
                <td data-label="Uploaded" className="nowrap">
                  {formatDateTime(v.createdAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {starter.builtIn ? (
        <section className="panel panel-quiet" aria-labelledby="upload-title">
          <h2 id="upload-title">Upload a new version</h2>
          <p className="muted">
            Built-in starters come with Lectern and cannot be changed. To adapt one, copy its YAML
            above and upload it as your own starter.
          </p>
        </section>
      ) : (
        <section className="panel" aria-labelledby="upload-title">
          <h2 id="upload-title">Upload a new version</h2>
          <p className="muted">
            New sites get the new version; existing sites keep the version they were created with.
          </p>
          <ErrorSummary
            id="version"
            errors={uploadErrors}
            formError={upload.clientErrors ? null : uploadFailure?.formError}
            labels={starterVersionForm.labels}
          />
          <Form
            method="post"
            noValidate
            onSubmit={upload.onSubmit}
            className="stack"
            ref={uploadRef}
          >
            <input type="hidden" name="intent" value="version" />
            <FormScope id="version" errors={uploadErrors} values={uploadFailure?.values}>
              <StarterSourceField idPrefix="version" problems={problems} />
            </FormScope>
            <button type="submit" className="button primary">
              Upload version {starter.currentVersion + 1}
            </button>
          </Form>
        </section>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
