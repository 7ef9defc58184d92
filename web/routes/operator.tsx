import { useEffect, useRef } from "react";
import { Form, Link } from "react-router";
import {
  ErrorSummary,
  FormScope,
  TextField,
  useClientValidation,
} from "../components/form-fields.tsx";
import { OneTimeSecret } from "../components/one-time-secret.tsx";
import { RebuildPanel } from "../components/publish/rebuild-panel.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { formatDate, pageTitle } from "../lib/format.ts";
import { createTenantForm } from "../lib/forms.ts";
import type { Route } from "./+types/operator";

export { action, loader } from "./operator.server.ts";

export const meta: Route.MetaFunction = ({ error }) =>
  pageTitle(error ? errorTitle(error) : "Operator");

export default function Operator({ loaderData, actionData }: Route.ComponentProps) {
  const { tenants, nextCursor, paged } = loaderData;
  const { clientErrors, onSubmit } = useClientValidation(createTenantForm);
  const formRef = useRef<HTMLFormElement>(null);
  const failure = actionData && !actionData.ok ? actionData : null;
  const failed = failure?.intent === "create-tenant" ? failure : null;
  const rebuildFailure = failure && failure.intent !== "create-tenant" ? failure : null;
  const created = actionData?.ok && "tenant" in actionData ? actionData : null;
  const rebuildDone = actionData?.ok && !("tenant" in actionData) ? actionData : null;
  const errors = clientErrors ?? failed?.fieldErrors;
  const tenantNames = new Map(tenants.map((t) => [t.id, t.name]));

  useEffect(() => {
    if (created) formRef.current?.reset();
  }, [created]);

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">Platform</p>
        <h1>Operator</h1>
        <p className="muted">
          Create organisations (tenants) and give each its first owner; rebuild every tenant's
          sites.
        </p>
      </div>

      <StatusMessage
        message={
          created
            ? created.ownerInvitationUrl
              ? `Created ${created.tenant.name}. Send the owner invitation link below to ${created.ownerEmail}.`
              : `Created ${created.tenant.name}. ${created.ownerEmail} already had an account and is now its owner.`
            : (rebuildDone?.message ??
              (rebuildFailure?.target
                ? (rebuildFailure.formError ?? Object.values(rebuildFailure.fieldErrors)[0])
                : null))
        }
      />
      {created?.ownerInvitationUrl ? (
        <OneTimeSecret
          title={`Owner invitation for ${created.tenant.name}`}
          label="Invitation link"
          value={created.ownerInvitationUrl}
          testId="owner-invitation"
        >
          <p className="warning">
            This link is shown only once. Send it to {created.ownerEmail}; it works once and expires
            in 7 days.
          </p>
        </OneTimeSecret>
      ) : null}

      <section className="panel" aria-labelledby="create-tenant-title">
        <h2 id="create-tenant-title">Create a tenant</h2>
        <ErrorSummary
          id="tenant"
          errors={errors}
          formError={clientErrors ? null : failed?.formError}
          labels={createTenantForm.labels}
        />
        <Form method="post" noValidate onSubmit={onSubmit} className="stack" ref={formRef}>
          <input type="hidden" name="intent" value="create-tenant" />
          <FormScope id="tenant" errors={errors} values={failed?.values}>
            <div className="field-row">
              <TextField name="name" label="Tenant name" autoComplete="organization" required />
              <TextField
                name="slug"
                label="Slug (optional)"
                hint="Lowercase letters, digits and hyphens. Made from the name if left empty."
                spellCheck={false}
                autoCapitalize="none"
              />
            </div>
            <TextField
              name="ownerEmail"
              label="Owner email"
              type="email"
              autoComplete="off"
              spellCheck={false}
              hint="Someone without an account gets an invitation link to set their password."
              required
            />
          </FormScope>
          <div>
            <button type="submit" className="button primary">
              Create tenant
            </button>
          </div>
        </Form>
      </section>

      <section className="panel" aria-labelledby="tenants-title">
        <h2 id="tenants-title">Tenants</h2>
        {tenants.length === 0 ? (
          <p className="muted">No tenants yet.</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">ID</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {tenants.map((t) => (
                <tr key={t.id}>
                  <td data-label="Name">{t.name}</td>
                  <td data-label="Slug">
                    <code>{t.slug}</code>
                  </td>
                  <td data-label="ID">
                    <code>{t.id}</code>
                  </td>
                  <td data-label="Created" className="nowrap">
                    {formatDate(t.createdAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {paged || nextCursor ? (
          <nav className="pager" aria-label="Tenant pages">
            {paged ? <Link to="?">First page</Link> : null}
            {nextCursor ? (
              <Link to={`?cursor=${encodeURIComponent(nextCursor)}`}>Next page</Link>
            ) : null}
          </nav>
        ) : null}
      </section>

      <RebuildPanel
        list={loaderData.rebuilds}
        scope="every published site of every tenant"
        failure={rebuildFailure}
        tenantLabel={(id) => (id === null ? "All tenants" : (tenantNames.get(id) ?? id))}
      />
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
