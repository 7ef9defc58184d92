// One webhook endpoint's delivery log: each event's state, attempts, last answer and latency;
// one delivery's attempts in detail; manual redelivery and a test event.

import { useEffect } from "react";
import { Form, Link, useRevalidator } from "react-router";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { formatDateTime, pageTitle } from "../lib/format.ts";
import type { Route } from "./+types/catalog-endpoint";

export { action, loader } from "./catalog-endpoint.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "Webhook deliveries", loaderData?.tenant.name);

const stateLabels = {
  pending: "Retrying",
  sending: "Sending",
  succeeded: "Delivered",
  failed: "Failed",
} as const;

export default function CatalogEndpoint({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, endpoint, deliveries, nextCursor, paged, detail } = loaderData;
  const base = `/t/${tenant.id}/catalog/webhooks/${endpoint.id}`;
  const message = actionData ? (actionData.ok ? actionData.message : actionData.formError) : null;
  const busy = deliveries.some((d) => d.state === "pending" || d.state === "sending");
  const revalidator = useRevalidator();
  // While something is on its way, the log refreshes itself (with JavaScript; reload without).
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [busy, revalidator]);

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={`/t/${tenant.id}/catalog`}>Catalog</Link>
        </p>
        <h1>Deliveries to {endpoint.url}</h1>
        <p className="muted">
          {endpoint.enabled
            ? "Enabled"
            : `Disabled${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ""}`}
          {" · "}events: {endpoint.events.join(", ")}
        </p>
      </div>
      <StatusMessage message={message ?? null} />
      {endpoint.enabled ? (
        <Form method="post">
          <input type="hidden" name="intent" value="test-endpoint" />
          <button type="submit" className="button">
            Send test event
          </button>
        </Form>
      ) : null}
      <section className="panel" aria-labelledby="log-title">
        <h2 id="log-title">Delivery log</h2>
        {deliveries.length === 0 ? (
          <p className="muted">Nothing sent yet.</p>
        ) : (
          <table className="data-table" data-testid="delivery-log">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Response</th>
                <th scope="col">Latency</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <th scope="row" data-label="Event">
                    <Link to={`?delivery=${d.id}`}>
                      <code>{d.eventType}</code>
                    </Link>
                  </th>
                  <td data-label="Status">
                    {stateLabels[d.state]}
                    {d.state === "pending" && d.nextAttemptAt
                      ? ` (next ${formatDateTime(d.nextAttemptAt)})`
                      : ""}
                  </td>
                  <td data-label="Attempts">{d.attempts}</td>
                  <td data-label="Response">
                    {d.lastStatus ?? "—"}
                    {d.lastError && d.state !== "succeeded" ? (
                      <span className="muted small"> {d.lastError}</span>
                    ) : null}
                  </td>
                  <td data-label="Latency">
                    {d.lastLatencyMs === null ? "—" : `${d.lastLatencyMs} ms`}
                  </td>
                  <td data-label="Created" className="nowrap">
                    {formatDateTime(d.createdAt)}
                  </td>
                  <td data-label="Actions" className="actions">
                    {(d.state === "succeeded" || d.state === "failed") && endpoint.enabled ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="redeliver" />
                        <input type="hidden" name="deliveryId" value={d.id} />
                        <button type="submit" className="button small">
                          Redeliver<span className="visually-hidden"> {d.eventType}</span>
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
          <nav className="pager" aria-label="Delivery pages">
            {paged ? <Link to={base}>First page</Link> : null}
            {nextCursor ? (
              <Link to={`?cursor=${encodeURIComponent(nextCursor)}`}>Next page</Link>
            ) : null}
          </nav>
        ) : null}
      </section>
      {detail ? (
        <section className="panel" aria-labelledby="attempts-title">
          <h2 id="attempts-title">
            Attempts of <code>{detail.eventType}</code> ({detail.eventId})
          </h2>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Attempt</th>
                <th scope="col">Response</th>
                <th scope="col">Error</th>
                <th scope="col">Latency</th>
                <th scope="col">At</th>
              </tr>
            </thead>
            <tbody>
              {detail.attemptLog.map((a) => (
                <tr key={a.attempt}>
                  <th scope="row">{a.attempt}</th>
                  <td>{a.status ?? "—"}</td>
                  <td>{a.error ?? ""}</td>
                  <td>{a.latencyMs} ms</td>
                  <td className="nowrap">{formatDateTime(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
