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
import { OneTimeSecret } from "../components/one-time-secret.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { formatDate, formatDateTime, pageTitle, roleLabels, roleOptions } from "../lib/format.ts";
import { createTokenForm } from "../lib/forms.ts";
import type { Route } from "./+types/tokens";

export { action, loader } from "./tokens.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "API tokens", loaderData?.tenant.name);

const stateLabels = { active: "Active", expired: "Expired", revoked: "Revoked" } as const;

export default function Tokens({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, can, tokens, roles, scope, nextCursor, paged } = loaderData;
  const create = useClientValidation(createTokenForm);
  const formRef = useRef<HTMLFormElement>(null);
  const failed = actionData && !actionData.ok ? actionData : null;
  const created = actionData?.ok && actionData.intent === "create" ? actionData : null;
  const revoked = actionData?.ok && actionData.intent === "revoke" ? actionData : null;
  const createFailure = failed?.intent === "create" ? failed : null;
  const errors = create.clientErrors ?? createFailure?.fieldErrors;
  const revokeError = failed?.intent === "revoke" ? failed : null;

  useEffect(() => {
    if (created) formRef.current?.reset();
  }, [created]);

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">{tenant.name}</p>
        <h1>API tokens</h1>
        <p className="muted">
          A token lets a script or integration call the Lectern API as you, only in {tenant.name},
          with the role you choose (at most your own).
        </p>
      </div>
      <StatusMessage
        message={
          created
            ? `Token “${created.name}” created. Copy it now.`
            : (revoked?.message ?? revokeError?.formError ?? null)
        }
      />

      {created ? (
        <OneTimeSecret
          title={`Your new token: ${created.name}`}
          label="Token secret"
          value={created.secret}
          testId="token-secret"
        >
          <p className="warning">
            <strong>Copy this token now. It is shown only this once</strong> and cannot be
            recovered. Store it in a password manager or secret store; if you lose it, revoke it and
            create a new one. Send it as <code>Authorization: Bearer …</code>.
          </p>
        </OneTimeSecret>
      ) : null}

      <section className="panel" aria-labelledby="create-token-title">
        <h2 id="create-token-title">Create a token</h2>
        <ErrorSummary
          id="token"
          errors={errors}
          formError={create.clientErrors ? null : createFailure?.formError}
          labels={createTokenForm.labels}
        />
        <Form
          method="post"
          noValidate
          onSubmit={create.onSubmit}
          className="inline-fields"
          ref={formRef}
        >
          <input type="hidden" name="intent" value="create" />
          <FormScope id="token" errors={errors} values={createFailure?.values}>
            <TextField
              name="name"
              label="Token name"
              hint="What it is for, e.g. “Catalog sync”."
              autoComplete="off"
              maxLength={80}
              required
            />
            <SelectField
              name="role"
              label="Role"
              options={roleOptions(roles)}
              defaultValue={roles.at(-1)}
              hint="At most your own role."
            />
            <TextField
              name="expiresInDays"
              label="Expiry"
              type="number"
              inputMode="numeric"
              min={1}
              max={365}
              hint="Days, 1–365. Empty: until revoked."
            />
          </FormScope>
          <button type="submit" className="button primary">
            Create token
          </button>
        </Form>
      </section>

      <section className="panel" aria-labelledby="tokens-title">
        <div className="panel-heading">
          <h2 id="tokens-title">{scope === "all" ? "Everyone’s tokens" : "Your tokens"}</h2>
          {can.manageTokens ? (
            <nav aria-label="Whose tokens" className="segmented">
              <Link to="?" aria-current={scope === "mine" ? "page" : undefined}>
                Yours
              </Link>
              <Link to="?scope=all" aria-current={scope === "all" ? "page" : undefined}>
                Everyone’s
              </Link>
            </nav>
          ) : null}
        </div>
        {tokens.length === 0 ? (
          <p className="muted">No tokens yet.</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                {scope === "all" ? <th scope="col">Owner</th> : null}
                <th scope="col">Role</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} className={t.state === "active" ? undefined : "row-inactive"}>
                  <th scope="row" data-label="Name">
                    {t.name}
                  </th>
                  {scope === "all" ? <td data-label="Owner">{t.owner}</td> : null}
                  <td data-label="Role">{roleLabels[t.role]}</td>
                  <td data-label="Starts with">
                    <code>{t.prefix}…</code>
                  </td>
                  <td data-label="Created" className="nowrap">
                    {formatDate(t.createdAt)}
                  </td>
                  <td data-label="Expires" className="nowrap">
                    {t.expiresAt ? formatDate(t.expiresAt) : "Never"}
                  </td>
                  <td data-label="Last used" className="nowrap">
                    {t.lastUsedAt ? formatDateTime(t.lastUsedAt) : "Never"}
                  </td>
                  <td data-label="Status">
                    <span className={`tag tag-${t.state}`}>{stateLabels[t.state]}</span>
                  </td>
                  <td data-label="Actions" className="actions">
                    {t.state === "revoked" ? null : (
                      <ConfirmAction
                        summary={
                          <>
                            Revoke…<span className="visually-hidden"> {t.name}</span>
                          </>
                        }
                        question={`Revoke “${t.name}”? Anything using it stops working at once.`}
                        confirmLabel="Revoke token"
                        fields={{ intent: "revoke", tokenId: t.id, label: t.name }}
                      />
                    )}
                    {revokeError?.target === t.id ? (
                      <p className="field-error">{revokeError.formError}</p>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {paged || nextCursor ? (
          <nav className="pager" aria-label="Token pages">
            {paged ? <Link to={scope === "all" ? "?scope=all" : "?"}>First page</Link> : null}
            {nextCursor ? (
              <Link
                to={`?${new URLSearchParams({ ...(scope === "all" ? { scope } : {}), cursor: nextCursor })}`}
              >
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
