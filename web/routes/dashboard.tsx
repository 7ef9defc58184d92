import { Link } from "react-router";
import { targetLabels } from "../components/publish/labels.ts";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { formatDateTime, pageTitle, roleLabels } from "../lib/format.ts";
import type { Route } from "./+types/dashboard";

export { loader } from "./dashboard.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "Dashboard", loaderData?.tenant.name);

export default function Dashboard({ loaderData }: Route.ComponentProps) {
  const { tenant, role, can, counts, failures } = loaderData;
  const base = `/t/${tenant.id}`;
  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">Dashboard</p>
        <h1>{tenant.name}</h1>
        <p className="muted">
          Your role: <span className="role-badge">{roleLabels[role]}</span>
        </p>
      </div>

      {failures.length > 0 ? (
        <section className="failure-notice" aria-labelledby="failures-title">
          <h2 id="failures-title">
            {failures.length === 1
              ? "A publish you asked for failed"
              : `${failures.length} publishes you asked for failed`}
          </h2>
          <p>
            In the last 14 days. Each site kept serving what it served before; open one for all its
            details.
          </p>
          <ul className="failure-list">
            {failures.map((f) => (
              <li key={f.deployId} className="failure-item">
                <Link to={`${base}/sites/${f.site.id}/publish/deploys/${f.deployId}`}>
                  {f.site.title}, {targetLabels[f.target].toLowerCase()}{" "}
                  {f.fromRebuild ? "rebuild" : "publish"}
                </Link>{" "}
                <span className="muted small nowrap">failed {formatDateTime(f.at)}</span>
                <p className="failure-reason">{f.reason ?? "No reason was recorded."}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <ul className="card-grid">
        {counts.sites !== null ? (
          <li className="card">
            <h2>{can.administerAllSites ? "Sites" : "Your sites"}</h2>
            <p className="stat">{counts.sites}</p>
            <Link to={`${base}/sites`}>
              {can.createSites ? "Open or create sites" : "Open your sites"}
            </Link>
          </li>
        ) : null}
        {counts.members !== null ? (
          <li className="card">
            <h2>Members</h2>
            <p className="stat">{counts.members}</p>
            {can.manageMembers ? (
              <Link to={`${base}/members`}>Manage members</Link>
            ) : (
              <p className="muted small">People in {tenant.name}.</p>
            )}
          </li>
        ) : null}
        {counts.invitations !== null ? (
          <li className="card">
            <h2>Pending invitations</h2>
            <p className="stat">{counts.invitations}</p>
            <Link to={`${base}/members#invite-title`}>Invite someone</Link>
          </li>
        ) : null}
        {counts.tokens !== null ? (
          <li className="card">
            <h2>Your API tokens</h2>
            <p className="stat">{counts.tokens}</p>
            <Link to={`${base}/tokens`}>Create or revoke tokens</Link>
          </li>
        ) : null}
        {can.manageDomains ? (
          <li className="card">
            <h2>Custom domains</h2>
            <p className="muted small">Serve a site at a hostname of your own.</p>
            <Link to={`${base}/domains`}>Manage domains</Link>
          </li>
        ) : null}
        {can.manageCatalog ? (
          <li className="card">
            <h2>Catalog (Learn)</h2>
            <p className="muted small">Webhooks and signed URLs for a course catalog.</p>
            <Link to={`${base}/catalog`}>Manage catalog access</Link>
          </li>
        ) : null}
        {can.rebuildSites ? (
          <li className="card">
            <h2>Mass rebuilds</h2>
            <p className="muted small">Build every published site again.</p>
            <Link to={`${base}/rebuilds`}>Rebuild sites</Link>
          </li>
        ) : null}
        {can.readAudit ? (
          <li className="card">
            <h2>Audit log</h2>
            <p className="muted small">Who changed what, and when.</p>
            <Link to={`${base}/audit`}>View recent activity</Link>
          </li>
        ) : null}
      </ul>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
