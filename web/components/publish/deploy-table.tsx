// The site's deploy history: who asked, when, for which target, how big and how long, which
// one each target serves, and (for site admins) rolling a target back to an earlier build.
import { Link } from "react-router";
import type { Deploy } from "#schemas/publish";
import { formatDateTime } from "../../lib/format.ts";
import { ConfirmAction } from "../confirm-action.tsx";
import {
  deployStateLabels,
  formatBytes,
  formatCount,
  formatDuration,
  shortDeployId,
  stateTagClass,
  targetLabels,
} from "./labels.ts";

/** "2 broken links · 5 content issues": what the build report of a deploy found. */
function reportSummary(links: number, issues: number): string {
  const parts: string[] = [];
  if (links > 0) parts.push(links === 1 ? "1 broken link" : `${links} broken links`);
  if (issues > 0) parts.push(issues === 1 ? "1 content issue" : `${issues} content issues`);
  return parts.join(" · ");
}

export function DeployTable({
  deploys,
  detailBase,
  canRollBack,
  rowError,
}: {
  deploys: Deploy[];
  /** Path the deploy id is appended to for its detail page. */
  detailBase: string;
  canRollBack: (d: Deploy) => boolean;
  rowError: (deployId: string) => string | null | undefined;
}) {
  if (deploys.length === 0) return <p className="muted">Nothing was published yet.</p>;
  const withActions = deploys.some(canRollBack);
  return (
    // Many columns: the table scrolls sideways inside its panel rather than spilling out, and
    // the scrolling box is focusable so keyboard users can scroll it.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="table-scroll" tabIndex={0} aria-label="Deploy history table">
      <table className="data-table deploy-table">
        <thead>
          <tr>
            <th scope="col">Deploy</th>
            <th scope="col">Target</th>
            <th scope="col">State</th>
            <th scope="col">Requested by</th>
            <th scope="col">When</th>
            <th scope="col">Content version</th>
            <th scope="col">Duration</th>
            <th scope="col">Files</th>
            <th scope="col">Uploaded</th>
            <th scope="col">Report</th>
            {withActions ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {deploys.map((d) => {
            const short = shortDeployId(d.id);
            const error = rowError(d.id);
            return (
              <tr key={d.id}>
                <th scope="row" data-label="Deploy">
                  <Link to={`${detailBase}/${d.id}`}>
                    <code>{short}</code>
                    <span className="visually-hidden"> details</span>
                  </Link>
                  {d.current ? <span className="tag tag-current">Current</span> : null}
                </th>
                <td data-label="Target">{targetLabels[d.target]}</td>
                <td data-label="State">
                  <span className={stateTagClass(d.state)}>{deployStateLabels[d.state]}</span>
                  {d.state === "failed" && d.message ? (
                    <span className="block small">{d.message}</span>
                  ) : null}
                </td>
                <td data-label="Requested by">
                  {d.requestedBy?.name ?? (d.rebuildId ? "Mass rebuild" : "Schedule")}
                </td>
                <td data-label="When" className="nowrap">
                  {formatDateTime(d.createdAt)}
                </td>
                <td data-label="Content version">{d.contentVersion ?? "—"}</td>
                <td data-label="Duration">{formatDuration(d.durationMs)}</td>
                <td data-label="Files">{formatCount(d.files)}</td>
                <td data-label="Uploaded">{formatBytes(d.bytesUploaded)}</td>
                <td data-label="Report">
                  {d.brokenLinkCount === null ? (
                    "—"
                  ) : d.brokenLinkCount + (d.contentIssueCount ?? 0) === 0 ? (
                    "Clean"
                  ) : (
                    <Link to={`${detailBase}/${d.id}`}>
                      {reportSummary(d.brokenLinkCount, d.contentIssueCount ?? 0)}
                      <span className="visually-hidden"> in deploy {short}</span>
                    </Link>
                  )}
                </td>
                {withActions ? (
                  <td data-label="Actions" className="actions">
                    {canRollBack(d) ? (
                      <ConfirmAction
                        summary={
                          <>
                            Roll back to this<span className="visually-hidden"> ({short})</span>
                          </>
                        }
                        question={`Serve deploy ${short} (content version ${d.contentVersion ?? "unknown"}) on ${targetLabels[d.target].toLowerCase()} again? It switches at once.`}
                        confirmLabel={`Roll back ${targetLabels[d.target].toLowerCase()} to ${short}`}
                        fields={{ intent: "rollback", target: d.target, deployId: d.id }}
                      />
                    ) : null}
                    {error ? <p className="field-error">{error}</p> : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
