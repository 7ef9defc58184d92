// Catalog access for Learn (or any catalog): signing keys for the signed /public/v1 URLs,
// webhook endpoints with their secrets, and signed URLs to hand out. Secrets show once.
import { Form, Link } from "react-router";
import { ConfirmAction } from "../components/confirm-action.tsx";
import { ErrorSummary, FormScope, TextField } from "../components/form-fields.tsx";
import { OneTimeSecret } from "../components/one-time-secret.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { endpointLabels, eventTypes, keyLabels } from "../lib/catalog-forms.ts";
import { formatDateTime, pageTitle } from "../lib/format.ts";
import type { Route } from "./+types/catalog";

export { action, loader } from "./catalog.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "Catalog", loaderData?.tenant.name);

const keyStates = {
  active: "Active",
  expiring: "Ending (rotated)",
  expired: "Expired",
  revoked: "Revoked",
} as const;

export default function Catalog({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, keys, endpoints, liveSites } = loaderData;
  const base = `/t/${tenant.id}/catalog`;
  const failed = actionData && !actionData.ok ? actionData : null;
  const ok = actionData?.ok ? actionData : null;
  const keyFailure = failed?.intent === "create-key" ? failed : null;
  const endpointFailure = failed?.intent === "create-endpoint" ? failed : null;
  const otherFailure =
    failed && failed.intent !== "create-key" && failed.intent !== "create-endpoint" ? failed : null;
  const secret = ok && "secret" in ok ? ok : null;
  const signed = ok && "url" in ok ? ok : null;

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">{tenant.name}</p>
        <h1>Catalog</h1>
        <p className="muted">
          A catalog such as Learn ingests {tenant.name}’s live sites without an account: it gets a
          signed webhook when a site goes live, changes or goes away, and reads each site’s JSON
          from a signed URL.
        </p>
      </div>
      <StatusMessage message={ok?.message ?? otherFailure?.formError ?? null} />

      {secret ? (
        <OneTimeSecret
          title={secret.intent.includes("key") ? "Signing key secret" : "Webhook signing secret"}
          label="Secret"
          value={secret.secret}
          testId="catalog-secret"
        >
          <p className="warning">
            <strong>Copy this secret now. It is shown only this once.</strong>{" "}
            {secret.intent.includes("key")
              ? "The catalog signs its URLs with it (HMAC-SHA256), naming the key by its id."
              : "The catalog verifies each webhook with it (Standard Webhooks)."}
          </p>
          {"keyId" in secret ? (
            <p>
              Key id: <code data-testid="catalog-key-id">{secret.keyId}</code>
            </p>
          ) : null}
        </OneTimeSecret>
      ) : null}
      {signed ? (
        <OneTimeSecret title="Signed URL" label="URL" value={signed.url} testId="signed-url">
          <p className="muted">Valid until {formatDateTime(signed.expiresAt)}.</p>
        </OneTimeSecret>
      ) : null}

      <section className="panel" aria-labelledby="keys-title">
        <h2 id="keys-title">Signing keys</h2>
        <p className="muted small">
          URLs under <code>/public/v1</code> must be signed with one of these keys. Rotating makes a
          new key and keeps the old one valid for 24 hours; revoking ends it at once.
        </p>
        <ErrorSummary
          id="key"
          errors={keyFailure?.fieldErrors}
          formError={keyFailure?.formError}
          labels={keyLabels}
        />
        <Form method="post" className="inline-fields">
          <input type="hidden" name="intent" value="create-key" />
          <FormScope id="key" errors={keyFailure?.fieldErrors} values={keyFailure?.values}>
            <TextField
              name="name"
              label="Key name"
              hint="Who uses it, e.g. “Learn”."
              maxLength={80}
              required
              autoComplete="off"
            />
          </FormScope>
          <button type="submit" className="button primary">
            Create key
          </button>
        </Form>
        {keys.length === 0 ? (
          <p className="muted">No keys yet.</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key id</th>
                <th scope="col">Status</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} className={k.state === "active" ? undefined : "row-inactive"}>
                  <th scope="row" data-label="Name">
                    {k.name}
                  </th>
                  <td data-label="Key id">
                    <code>{k.id}</code>
                  </td>
                  <td data-label="Status">
                    {keyStates[k.state]}
                    {k.state === "expiring" && k.expiresAt
                      ? ` until ${formatDateTime(k.expiresAt)}`
                      : ""}
                  </td>
                  <td data-label="Last used">
                    {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "Never"}
                  </td>
                  <td data-label="Actions" className="actions">
                    {k.state === "active" ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="rotate-key" />
                        <input type="hidden" name="target" value={k.id} />
                        <input type="hidden" name="overlapHours" value="24" />
                        <button type="submit" className="button small">
                          Rotate<span className="visually-hidden"> {k.name}</span>
                        </button>
                      </Form>
                    ) : null}
                    {k.state === "active" || k.state === "expiring" ? (
                      <ConfirmAction
                        summary={
                          <>
                            Revoke…<span className="visually-hidden"> {k.name}</span>
                          </>
                        }
                        question={`Revoke “${k.name}” (${k.id})? Every URL it signed stops working at once.`}
                        confirmLabel="Revoke key"
                        fields={{ intent: "revoke-key", target: k.id }}
                      />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="signed-title">
        <h2 id="signed-title">Signed URLs</h2>
        <p className="muted small">
          A URL signed with the newest active key: one live site’s JSON, or the listing of every
          live site (for a full re-ingestion).
        </p>
        <Form method="post" className="inline-fields">
          <input type="hidden" name="intent" value="signed-url" />
          <div className="field">
            <label htmlFor="signed-site">What to sign</label>
            <select id="signed-site" name="siteId" defaultValue="">
              <option value="">The catalog listing</option>
              {liveSites.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="signed-hours">Valid for (hours)</label>
            <input
              id="signed-hours"
              name="expiresInHours"
              type="number"
              min={1}
              max={8760}
              defaultValue={168}
            />
          </div>
          <button type="submit" className="button">
            Sign URL
          </button>
        </Form>
      </section>

      <section className="panel" aria-labelledby="hooks-title">
        <h2 id="hooks-title">Webhook endpoints</h2>
        <p className="muted small">
          Each event is sent with <code>webhook-id</code>, <code>webhook-timestamp</code> and{" "}
          <code>webhook-signature</code> headers (Standard Webhooks), retried for over a day when
          the endpoint fails. An endpoint answering 410 Gone is disabled.
        </p>
        <ErrorSummary
          id="endpoint"
          errors={endpointFailure?.fieldErrors}
          formError={endpointFailure?.formError}
          labels={endpointLabels}
        />
        <Form method="post">
          <input type="hidden" name="intent" value="create-endpoint" />
          <FormScope
            id="endpoint"
            errors={endpointFailure?.fieldErrors}
            values={endpointFailure?.values}
          >
            <TextField
              name="url"
              label="Endpoint URL"
              hint="https://…, reachable from the internet."
              type="url"
              required
              autoComplete="off"
            />
            <TextField name="description" label="Description" maxLength={200} autoComplete="off" />
            <fieldset className="field">
              <legend>Events</legend>
              <div className="check-grid">
                {eventTypes.map((e) => (
                  <label key={e} className="check-option">
                    <input type="checkbox" name="events" value={e} defaultChecked />
                    <code>{e}</code>
                  </label>
                ))}
              </div>
            </fieldset>
          </FormScope>
          <button type="submit" className="button primary">
            Add endpoint
          </button>
        </Form>
        {endpoints.length === 0 ? (
          <p className="muted">No endpoints yet.</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => (
                <tr key={e.id} className={e.enabled ? undefined : "row-inactive"}>
                  <th scope="row" data-label="URL">
                    <Link to={`${base}/webhooks/${e.id}`}>{e.url}</Link>
                    {e.description ? <span className="muted small"> — {e.description}</span> : null}
                  </th>
                  <td data-label="Events">{e.events.join(", ")}</td>
                  <td data-label="Status">
                    {e.enabled
                      ? "Enabled"
                      : `Disabled${e.disabledReason ? `: ${e.disabledReason}` : ""}`}
                    {e.secretRotating ? " (old secret still signing)" : ""}
                  </td>
                  <td data-label="Actions" className="actions">
                    <Link className="button small" to={`${base}/webhooks/${e.id}`}>
                      Delivery log<span className="visually-hidden"> of {e.url}</span>
                    </Link>
                    {e.enabled ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="test-endpoint" />
                        <input type="hidden" name="target" value={e.id} />
                        <button type="submit" className="button small">
                          Send test<span className="visually-hidden"> to {e.url}</span>
                        </button>
                      </Form>
                    ) : null}
                    <Form method="post">
                      <input type="hidden" name="intent" value="rotate-secret" />
                      <input type="hidden" name="target" value={e.id} />
                      <button type="submit" className="button small">
                        Rotate secret<span className="visually-hidden"> of {e.url}</span>
                      </button>
                    </Form>
                    <Form method="post">
                      <input type="hidden" name="intent" value="toggle-endpoint" />
                      <input type="hidden" name="target" value={e.id} />
                      <input type="hidden" name="enabled" value={e.enabled ? "false" : "true"} />
                      <button type="submit" className="button small">
                        {e.enabled ? "Disable" : "Enable"}
                        <span className="visually-hidden"> {e.url}</span>
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
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
