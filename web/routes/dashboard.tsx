import { Link } from "react-router";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { pageTitle, roleLabels } from "../lib/format.ts";
import type { Route } from "./+types/dashboard";

export { loader } from "./dashboard.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "Dashboard", loaderData?.tenant.name);

export default function Dashboard({ loaderData }: Route.ComponentProps) {
  const { tenant, role, can, counts } = loaderData;
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
