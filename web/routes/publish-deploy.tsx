import { Link } from "react-router";
import { BuildReportView } from "../components/publish/build-report.tsx";
import {
  deployStateLabels,
  formatBytes,
  formatCount,
  formatDuration,
  shortDeployId,
  stateTagClass,
  targetLabels,
} from "../components/publish/labels.ts";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { formatDateTime, pageTitle } from "../lib/format.ts";
import type { Route } from "./+types/publish-deploy";

export { loader } from "./publish-deploy.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(
    error ? errorTitle(error) : `Deploy ${shortDeployId(loaderData?.deploy.id ?? "")}`,
    loaderData?.site.title,
    loaderData?.tenant.name,
  );

export default function PublishDeploy({ loaderData }: Route.ComponentProps) {
  const { tenant, site, deploy } = loaderData;
  const siteBase = `/t/${tenant.id}/sites/${site.id}`;
  const facts: [string, string][] = [
    ["Target", targetLabels[deploy.target]],
    ["Requested by", deploy.requestedBy?.name ?? (deploy.rebuildId ? "Mass rebuild" : "Schedule")],
    ["Requested", formatDateTime(deploy.createdAt)],
    ["Finished", deploy.finishedAt ? formatDateTime(deploy.finishedAt) : "—"],
    ["Duration", formatDuration(deploy.durationMs)],
    ["Content version", deploy.contentVersion === null ? "—" : String(deploy.contentVersion)],
    ["Files", formatCount(deploy.files)],
    ["Files uploaded", formatCount(deploy.blobsUploaded)],
    ["Bytes uploaded", formatBytes(deploy.bytesUploaded)],
    ["Attempts", String(deploy.attempt)],
    ["Requests answered", String(deploy.requests)],
  ];
  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={siteBase}>{site.title}</Link> ·{" "}
          <Link to={`${siteBase}/publish`}>Publishing</Link>
        </p>
        <h1>
          Deploy <code>{shortDeployId(deploy.id)}</code>
          <span className={stateTagClass(deploy.state)}>{deployStateLabels[deploy.state]}</span>
          {deploy.current ? <span className="tag tag-current">Current</span> : null}
        </h1>
        {deploy.message ? (
          <p className={deploy.state === "failed" ? "warning" : "muted"}>{deploy.message}</p>
        ) : null}
      </div>

      <section className="panel" aria-labelledby="deploy-facts-title">
        <h2 id="deploy-facts-title">About this deploy</h2>
        <dl className="facts">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        {deploy.timings && Object.keys(deploy.timings).length > 0 ? (
          <>
            <h3 className="subheading">Time per phase</h3>
            <dl className="facts">
              {Object.entries(deploy.timings).map(([phase, ms]) => (
                <div key={phase}>
                  <dt>{phase}</dt>
                  <dd>{formatDuration(ms)}</dd>
                </div>
              ))}
            </dl>
          </>
        ) : null}
        {deploy.offlineUrl ? (
          <p className="panel-footer">
            <a href={deploy.offlineUrl} className="button" download>
              Download the offline copy (zip
              {deploy.offlineBytes !== null ? `, ${formatBytes(deploy.offlineBytes)}` : ""})
            </a>
          </p>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="deploy-report-title">
        <h2 id="deploy-report-title">Build report</h2>
        {deploy.report ? (
          <BuildReportView report={deploy.report} />
        ) : (
          <p className="muted">This build made no report.</p>
        )}
      </section>

      <section className="panel" aria-labelledby="deploy-log-title">
        <h2 id="deploy-log-title">Build log</h2>
        {deploy.log ? (
          // Focusable so keyboard users can scroll a long log sideways.
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
          <pre className="build-log" tabIndex={0}>
            {deploy.log}
          </pre>
        ) : (
          <p className="muted">No log was kept for this deploy.</p>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
