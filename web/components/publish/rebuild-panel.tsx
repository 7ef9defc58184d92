// Mass rebuilds, for a tenant's admins and for the platform operator alike: start one (behind
// a confirmation), follow the running ones (counts and a progress bar, refreshed every few
// seconds while something runs; a Refresh link without JavaScript) and cancel them. Both pages'
// loaders return the list as `rebuilds`, which is what the refresh reads.
import { Link, useLocation } from "react-router";
import type { Rebuild } from "#schemas/publish";
import { formatDateTime } from "../../lib/format.ts";
import type { RebuildList } from "../../lib/rebuilds.server.ts";
import { useHydrated } from "../../lib/use-hydrated.ts";
import { usePolledData } from "../../lib/use-polled-data.ts";
import { ConfirmAction } from "../confirm-action.tsx";
import { ErrorSummary } from "../form-fields.tsx";
import { formatCount, rebuildStateLabels } from "./labels.ts";

export type RebuildFailure = {
  intent: string;
  target?: string;
  fieldErrors: Record<string, string>;
  formError: string | null;
};

const stateClass: Record<Rebuild["state"], string> = {
  running: "tag tag-running",
  finished: "tag tag-active",
  cancelled: "tag",
};

/** A sentence for the live region about the newest rebuild; it changes only with its state. */
function announcement(newest: Rebuild | undefined): string {
  if (!newest) return "";
  if (newest.state === "running") return "A rebuild is running.";
  if (newest.state === "cancelled") return "The rebuild was cancelled.";
  return `The rebuild finished: ${newest.done} done, ${newest.failed} failed.`;
}

function RebuildProgress({ rebuild: r }: { rebuild: Rebuild }) {
  const settled = r.done + r.failed + r.cancelled;
  if (r.total === 0) {
    return (
      <p className="muted small">
        {r.state === "running" ? "Finding the published sites…" : "There was nothing to rebuild."}
      </p>
    );
  }
  const progressId = `rebuild-progress-${r.id}`;
  return (
    <>
      <p className="rebuild-counts">
        <span>
          <strong>{formatCount(r.done)}</strong> done
        </span>
        <span className={r.failed > 0 ? "rebuild-failed" : undefined}>
          <strong>{formatCount(r.failed)}</strong> failed
        </span>
        {r.cancelled > 0 ? (
          <span>
            <strong>{formatCount(r.cancelled)}</strong> cancelled
          </span>
        ) : null}
        <span>
          <strong>{formatCount(r.remaining)}</strong> remaining
        </span>
        <span className="muted">
          of {formatCount(r.total)} {r.total === 1 ? "build" : "builds"}
        </span>
      </p>
      {r.state === "running" ? (
        <div className="progress-row">
          <label className="visually-hidden" htmlFor={progressId}>
            Rebuild started {formatDateTime(r.createdAt)}
          </label>
          <progress id={progressId} className="rebuild-progress" max={r.total} value={settled}>
            {settled} of {r.total}
          </progress>
          <span className="small nowrap">{Math.floor((settled / r.total) * 100)}&nbsp;%</span>
        </div>
      ) : null}
    </>
  );
}

export function RebuildPanel({
  list,
  scope,
  failure,
  tenantLabel,
  failedNote,
}: {
  list: RebuildList;
  /** What a rebuild here covers: "every published site of Demo University". */
  scope: string;
  /** The last rebuild action's failure, if it was one. */
  failure: RebuildFailure | null;
  /** For the operator: the tenant a rebuild covers (null: every tenant). Adds a column. */
  tenantLabel?: (tenantId: string | null) => string;
  /** Where to read why builds failed, said under the list when some did. */
  failedNote?: string;
}) {
  const { rebuilds, nextCursor, paged, running } = usePolledData(
    list,
    (data) => (data as { rebuilds?: RebuildList } | undefined)?.rebuilds,
    (fresh) => fresh.running,
  );
  const hydrated = useHydrated();
  const location = useLocation();
  const startFailure = failure?.intent === "start-rebuild" ? failure : null;
  const rowError = (id: string) =>
    failure?.target === id ? (failure.formError ?? Object.values(failure.fieldErrors)[0]) : null;
  const pageLink = (cursor: string | null) => {
    const query = new URLSearchParams(location.search);
    if (cursor) query.set("rebuilds", cursor);
    else query.delete("rebuilds");
    const search = query.toString();
    return `${location.pathname}${search ? `?${search}` : ""}`;
  };

  return (
    <>
      <section className="panel" aria-labelledby="rebuild-start-title">
        <h2 id="rebuild-start-title">Rebuild all published sites</h2>
        <p>
          Builds {scope} again, preview and live, for example after a theme change. Each site is
          built from its newest content, so changes not yet published go out too. Sites keep serving
          their current version until their new build is ready.
        </p>
        <ErrorSummary id="rebuild" formError={startFailure?.formError} labels={{}} />
        <ConfirmAction
          tone="primary"
          summary="Rebuild all published sites…"
          question={`Rebuild ${scope}? This can take a while; you can cancel it here.${running ? " A rebuild is already running: its sites are built again." : ""}`}
          confirmLabel="Start the rebuild"
          fields={{ intent: "start-rebuild" }}
        />
      </section>

      <section className="panel" aria-labelledby="rebuilds-title">
        <div className="panel-heading">
          <h2 id="rebuilds-title">Rebuilds</h2>
          {running ? (
            <p className="muted small">
              {hydrated ? "Counts update every few seconds. " : null}
              <Link to={`${location.pathname}${location.search}`}>
                Refresh<span className="visually-hidden"> the rebuild counts</span>
              </Link>
            </p>
          ) : null}
        </div>
        <p className="visually-hidden" role="status" aria-live="polite">
          {announcement(rebuilds[0])}
        </p>
        {rebuilds.length === 0 ? (
          <p className="muted">Nothing was rebuilt yet.</p>
        ) : (
          <table className="data-table rebuild-table">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">By</th>
                {tenantLabel ? <th scope="col">Tenant</th> : null}
                <th scope="col">State</th>
                <th scope="col">Progress</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rebuilds.map((r) => {
                const when = formatDateTime(r.createdAt);
                const error = rowError(r.id);
                return (
                  <tr key={r.id}>
                    <th scope="row" data-label="Started" className="nowrap">
                      {when}
                    </th>
                    <td data-label="By">{r.createdBy?.name ?? "—"}</td>
                    {tenantLabel ? <td data-label="Tenant">{tenantLabel(r.tenantId)}</td> : null}
                    <td data-label="State">
                      <span className={stateClass[r.state]}>{rebuildStateLabels[r.state]}</span>
                      {r.finishedAt ? (
                        <span className="block small muted">{formatDateTime(r.finishedAt)}</span>
                      ) : null}
                    </td>
                    <td data-label="Progress">
                      <RebuildProgress rebuild={r} />
                    </td>
                    <td data-label="Actions" className="actions">
                      {r.state === "running" ? (
                        <ConfirmAction
                          summary={
                            <>
                              Cancel…<span className="visually-hidden"> the rebuild of {when}</span>
                            </>
                          }
                          question="Cancel this rebuild? Builds already running finish; the others do not start."
                          confirmLabel="Cancel the rebuild"
                          fields={{ intent: "cancel-rebuild", rebuildId: r.id }}
                        />
                      ) : null}
                      {error ? <p className="field-error">{error}</p> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {failedNote && rebuilds.some((r) => r.failed > 0) ? (
          <p className="muted small panel-footer">{failedNote}</p>
        ) : null}
        {paged || nextCursor ? (
          <nav className="pager" aria-label="Rebuild pages">
            {paged ? <Link to={pageLink(null)}>Newest rebuilds</Link> : null}
            {nextCursor ? <Link to={pageLink(nextCursor)}>Older rebuilds</Link> : null}
          </nav>
        ) : null}
      </section>
    </>
  );
}
