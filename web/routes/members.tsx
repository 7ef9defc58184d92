import { useEffect, useRef } from "react";
import { Form, Link, useRouteLoaderData } from "react-router";
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
import { formatDate, pageTitle, roleLabels, roleOptions } from "../lib/format.ts";
import { inviteForm } from "../lib/forms.ts";
import type { Route } from "./+types/members";
import type { loader as shellLoader } from "./shell.server.ts";

export { action, loader } from "./members.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "Members", loaderData?.tenant.name);

export default function Members({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, can, members, invitations, assignable, nextCursor, paged } = loaderData;
  const me = useRouteLoaderData<typeof shellLoader>("routes/shell")?.user;
  const invite = useClientValidation(inviteForm);
  const inviteRef = useRef<HTMLFormElement>(null);

  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  const inviteFailure = failed?.intent === "invite" ? failed : null;
  const inviteErrors = invite.clientErrors ?? inviteFailure?.fieldErrors;
  const rowFailure = failed && failed.intent !== "invite" ? failed : null;
  const rowError = (id: string) =>
    rowFailure?.target === id
      ? (rowFailure.formError ?? Object.values(rowFailure.fieldErrors)[0])
      : undefined;

  useEffect(() => {
    if (done?.intent === "invite") inviteRef.current?.reset();
  }, [done]);

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">{tenant.name}</p>
        <h1>Members</h1>
      </div>
      <StatusMessage
        message={
          done?.message ??
          (rowFailure ? (rowFailure.formError ?? Object.values(rowFailure.fieldErrors)[0]) : null)
        }
      />

      {done?.invitationUrl ? (
        <OneTimeSecret
          title={`Invitation link for ${done.invitedEmail}`}
          label="Invitation link"
          value={done.invitationUrl}
          testId="invitation-link"
        >
          <p className="warning">
            This link is shown only once. Send it to {done.invitedEmail}; it works once and expires
            in 7 days. If it gets lost, revoke the invitation and create a new one.
          </p>
        </OneTimeSecret>
      ) : null}

      {can.inviteMembers ? (
        <section className="panel" aria-labelledby="invite-title">
          <h2 id="invite-title">Invite someone</h2>
          <ErrorSummary
            id="invite"
            errors={inviteErrors}
            formError={invite.clientErrors ? null : inviteFailure?.formError}
            labels={inviteForm.labels}
          />
          <Form
            method="post"
            noValidate
            onSubmit={invite.onSubmit}
            className="inline-fields"
            ref={inviteRef}
          >
            <input type="hidden" name="intent" value="invite" />
            <FormScope id="invite" errors={inviteErrors} values={inviteFailure?.values}>
              <TextField
                name="email"
                label="Email"
                type="email"
                autoComplete="off"
                spellCheck={false}
                required
              />
              <SelectField
                name="role"
                label="Role"
                options={roleOptions(assignable)}
                defaultValue={assignable.includes("author") ? "author" : assignable.at(-1)}
              />
            </FormScope>
            <button type="submit" className="button primary">
              Create invitation
            </button>
          </Form>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="members-title">
        <h2 id="members-title">
          People <span className="count">{members.length}</span>
        </h2>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              {can.manageMembers ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => {
              const error = rowError(m.id);
              const who = m.name || m.email;
              return (
                <tr key={m.id}>
                  <th scope="row" data-label="Name">
                    {m.name}
                    {m.userId === me?.id ? <span className="tag">You</span> : null}
                    {m.disabled ? <span className="tag tag-warn">Disabled</span> : null}
                  </th>
                  <td data-label="Email">{m.email}</td>
                  <td data-label="Role">
                    {m.changeable ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="change-role" />
                        <input type="hidden" name="memberId" value={m.id} />
                        <label className="visually-hidden" htmlFor={`role-${m.id}`}>
                          Role for {who}
                        </label>
                        <select
                          id={`role-${m.id}`}
                          name="role"
                          defaultValue={m.role}
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? `role-${m.id}-error` : undefined}
                        >
                          {roleOptions(assignable).map((o) => (
                            <option key={o.value} value={o.value}>
                              {o.label}
                            </option>
                          ))}
                        </select>
                        <button type="submit" className="button small">
                          Save<span className="visually-hidden"> role for {who}</span>
                        </button>
                      </Form>
                    ) : (
                      roleLabels[m.role]
                    )}
                    {error ? (
                      <p className="field-error" id={`role-${m.id}-error`}>
                        {error}
                      </p>
                    ) : null}
                  </td>
                  <td data-label="Joined" className="nowrap">
                    {formatDate(m.createdAt)}
                  </td>
                  {can.manageMembers ? (
                    <td data-label="Actions" className="actions">
                      {m.changeable ? (
                        <ConfirmAction
                          summary={
                            <>
                              Remove…<span className="visually-hidden"> {who}</span>
                            </>
                          }
                          question={`Remove ${who} from ${tenant.name}? Their API tokens here stop working at once.`}
                          confirmLabel={`Remove ${who}`}
                          fields={{ intent: "remove", memberId: m.id, label: who }}
                        />
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
        {paged || nextCursor ? (
          <nav className="pager" aria-label="Member pages">
            {paged ? <Link to="?">First page</Link> : null}
            {nextCursor ? (
              <Link to={`?cursor=${encodeURIComponent(nextCursor)}`}>Next page</Link>
            ) : null}
          </nav>
        ) : null}
      </section>

      {can.inviteMembers ? (
        <section className="panel" aria-labelledby="pending-title">
          <h2 id="pending-title">
            Pending invitations <span className="count">{invitations.length}</span>
          </h2>
          {invitations.length === 0 ? (
            <p className="muted">No invitations are waiting to be accepted.</p>
          ) : (
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((i) => (
                  <tr key={i.id}>
                    <th scope="row" data-label="Email">
                      {i.email}
                    </th>
                    <td data-label="Role">{roleLabels[i.role]}</td>
                    <td data-label="Expires" className="nowrap">
                      {formatDate(i.expiresAt)}
                    </td>
                    <td data-label="Actions" className="actions">
                      <Form method="post">
                        <input type="hidden" name="intent" value="revoke-invitation" />
                        <input type="hidden" name="invitationId" value={i.id} />
                        <input type="hidden" name="label" value={i.email} />
                        <button type="submit" className="button small subtle-danger">
                          Revoke<span className="visually-hidden"> invitation for {i.email}</span>
                        </button>
                      </Form>
                      {rowError(i.id) ? <p className="field-error">{rowError(i.id)}</p> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
