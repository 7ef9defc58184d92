import { useEffect, useRef } from "react";
import { Form, Link, useRouteLoaderData } from "react-router";
import { CollectionList } from "../components/collection-list.tsx";
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
import {
  formatDate,
  formatDateTime,
  pageTitle,
  publishLabel,
  siteRoleLabels,
} from "../lib/format.ts";
import { addCollaboratorForm, siteSettingsForm } from "../lib/forms.ts";
import type { Route } from "./+types/site";
import type { loader as shellLoader } from "./shell.server.ts";

export { action, loader } from "./site.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : loaderData?.site.title, loaderData?.tenant.name);

const siteRoleOptions = (["admin", "editor", "viewer"] as const).map((role) => ({
  value: role,
  label: siteRoleLabels[role],
}));

export default function Site({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, site, siteCan, canListMembers, canSignUrls, collaborators, candidates, starter } =
    loaderData;
  const me = useRouteLoaderData<typeof shellLoader>("routes/shell")?.user;
  const base = `/t/${tenant.id}`;
  const settings = useClientValidation(siteSettingsForm);
  const add = useClientValidation(addCollaboratorForm);
  const addRef = useRef<HTMLFormElement>(null);

  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  const settingsFailure = failed?.intent === "settings" ? failed : null;
  const settingsErrors = settings.clientErrors ?? settingsFailure?.fieldErrors;
  const addFailure = failed?.intent === "add-collaborator" ? failed : null;
  const addErrors = add.clientErrors ?? addFailure?.fieldErrors;
  const otherFailure = failed && !settingsFailure && !addFailure ? failed : null;
  const otherMessage = otherFailure
    ? (otherFailure.formError ?? Object.values(otherFailure.fieldErrors)[0])
    : null;
  const rowError = (id: string) => (otherFailure?.target === id ? otherMessage : undefined);

  useEffect(() => {
    if (done?.intent === "add-collaborator") addRef.current?.reset();
  }, [done]);

  const { publish } = site;

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={`${base}/sites`}>Sites</Link> · {tenant.name}
        </p>
        <h1>
          {site.title}
          {site.archived ? <span className="tag tag-warn">Archived</span> : null}
        </h1>
        <p className="muted">
          Your role: <span className="role-badge">{siteRoleLabels[site.role]}</span>
        </p>
      </div>
      <StatusMessage message={done?.message ?? (otherFailure?.target ? null : otherMessage)} />

      <section className="panel" aria-labelledby="about-title">
        <h2 id="about-title">About this site</h2>
        <dl className="facts">
          <div>
            <dt>Slug</dt>
            <dd>
              <code>{site.slug}</code>
            </dd>
          </div>
          <div>
            <dt>Starter</dt>
            <dd>
              {site.starter.name} <span className="muted">v{site.starter.version}</span>
            </dd>
          </div>
          <div>
            <dt>Published</dt>
            <dd>
              {publishLabel(publish)}{" "}
              <span className="muted">
                (content version {publish.contentVersion}
                {publish.previewVersion !== null ? `, preview v${publish.previewVersion}` : ""}
                {publish.liveVersion !== null ? `, live v${publish.liveVersion}` : ""})
              </span>
            </dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>{formatDate(site.createdAt)}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd>{formatDateTime(site.updatedAt)}</dd>
          </div>
        </dl>
        {canSignUrls && publish.liveVersion !== null ? (
          <Form method="post" className="inline-fields">
            <input type="hidden" name="intent" value="signed-url" />
            <button type="submit" className="button small">
              Copy signed URL
            </button>
            <span className="muted small">
              The site’s JSON for a catalog (signed with the tenant’s current key, valid 7 days).
            </span>
          </Form>
        ) : null}
      </section>
      {done?.url ? (
        <OneTimeSecret
          title="Signed URL of the site’s JSON"
          label="URL"
          value={done.url}
          testId="site-signed-url"
        />
      ) : null}

      <section className="panel" aria-labelledby="collections-title">
        <h2 id="collections-title">
          Collections <span className="count">{starter.collections.length}</span>
        </h2>
        <p className="muted">
          What {starter.name} (version {starter.version}, the one this site was made with) says this
          site holds.
        </p>
        <CollectionList collections={starter.collections} />
        <p className="panel-footer">
          <Link to={`${base}/sites/${site.id}/content`} className="button primary">
            {siteCan.edit ? "Edit content" : "Read content"}
          </Link>
          <Link to={`${base}/sites/${site.id}/media`} className="button">
            Media library
          </Link>
          <Link to={`${base}/sites/${site.id}/publish`} className="button">
            Publishing
          </Link>
        </p>
      </section>

      {siteCan.settings ? (
        <section className="panel" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Settings</h2>
          <ErrorSummary
            id="settings"
            errors={settingsErrors}
            formError={settings.clientErrors ? null : settingsFailure?.formError}
            labels={siteSettingsForm.labels}
          />
          <Form method="post" noValidate onSubmit={settings.onSubmit} className="field-row">
            <input type="hidden" name="intent" value="settings" />
            <FormScope id="settings" errors={settingsErrors} values={settingsFailure?.values}>
              <TextField name="title" label="Title" defaultValue={site.title} maxLength={200} />
              <TextField
                name="slug"
                label="Slug"
                defaultValue={site.slug}
                spellCheck={false}
                autoCapitalize="none"
              />
            </FormScope>
            <div>
              <button type="submit" className="button primary">
                Save settings
              </button>
            </div>
          </Form>
          <div className="danger-zone">
            {site.archived ? (
              <Form method="post">
                <input type="hidden" name="intent" value="restore" />
                <button type="submit" className="button">
                  Restore site
                </button>
              </Form>
            ) : (
              <ConfirmAction
                summary="Archive site…"
                question={`Archive ${site.title}? It leaves the site list (filter “Only archived” finds it) and can be restored here.`}
                confirmLabel={`Archive ${site.title}`}
                fields={{ intent: "archive" }}
              />
            )}
          </div>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="collaborators-title">
        <h2 id="collaborators-title">
          Collaborators <span className="count">{collaborators.length}</span>
        </h2>
        {siteCan.collaborators ? null : (
          <p className="muted">Tenant owners and admins also administer every site.</p>
        )}
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Site role</th>
              {siteCan.collaborators ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {collaborators.map((c) => {
              const who = c.name || c.email;
              const error = rowError(c.id);
              const self = c.userId === me?.id;
              return (
                <tr key={c.id}>
                  <th scope="row" data-label="Name">
                    {c.name}
                    {self ? <span className="tag">You</span> : null}
                  </th>
                  <td data-label="Email">{c.email}</td>
                  <td data-label="Site role">
                    {siteCan.collaborators ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="change-collaborator" />
                        <input type="hidden" name="collaboratorId" value={c.id} />
                        <label className="visually-hidden" htmlFor={`site-role-${c.id}`}>
                          Site role for {who}
                        </label>
                        <select
                          id={`site-role-${c.id}`}
                          name="role"
                          defaultValue={c.role}
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? `site-role-${c.id}-error` : undefined}
                        >
                          {siteRoleOptions.map((o) => (
                            <option key={o.value} value={o.value}>
                              {o.label}
                            </option>
                          ))}
                        </select>
                        <button type="submit" className="button small">
                          Save<span className="visually-hidden"> site role for {who}</span>
                        </button>
                      </Form>
                    ) : (
                      siteRoleLabels[c.role]
                    )}
                    {error ? (
                      <p className="field-error" id={`site-role-${c.id}-error`}>
                        {error}
                      </p>
                    ) : null}
                  </td>
                  {siteCan.collaborators ? (
                    <td data-label="Actions" className="actions">
                      <ConfirmAction
                        summary={
                          <>
                            Remove…<span className="visually-hidden"> {who}</span>
                          </>
                        }
                        question={
                          self
                            ? `Remove yourself from ${site.title}? You may lose access to it.`
                            : `Remove ${who} from ${site.title}? They keep their place in ${tenant.name}.`
                        }
                        confirmLabel={`Remove ${who}`}
                        fields={{
                          intent: "remove-collaborator",
                          collaboratorId: c.id,
                          label: who,
                          ...(self ? { self: "1" } : {}),
                        }}
                      />
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      {siteCan.collaborators ? (
        <section className="panel" aria-labelledby="add-title">
          <h2 id="add-title">Add a collaborator</h2>
          {!canListMembers ? (
            <p className="muted">
              Your tenant role cannot list members; ask a tenant admin to add collaborators.
            </p>
          ) : candidates.length === 0 ? (
            <p className="muted">
              Every member of {tenant.name} already collaborates on this site. Invite people on the
              Members page first.
            </p>
          ) : (
            <>
              <ErrorSummary
                id="add"
                errors={addErrors}
                formError={add.clientErrors ? null : addFailure?.formError}
                labels={addCollaboratorForm.labels}
              />
              <Form
                method="post"
                noValidate
                onSubmit={add.onSubmit}
                className="inline-fields"
                ref={addRef}
              >
                <input type="hidden" name="intent" value="add-collaborator" />
                <FormScope id="add" errors={addErrors} values={addFailure?.values}>
                  <SelectField
                    name="userId"
                    label="Member"
                    options={[
                      { value: "", label: "Choose a member" },
                      ...candidates.map((m) => ({ value: m.userId, label: m.label })),
                    ]}
                  />
                  <SelectField
                    name="role"
                    label="Site role"
                    options={siteRoleOptions}
                    defaultValue="editor"
                  />
                </FormScope>
                <button type="submit" className="button primary">
                  Add collaborator
                </button>
              </Form>
            </>
          )}
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
