// What the preview and the live site serve, and the build running now (with its progress while
// it uploads). Rendered from the loader's status first, then from live updates.
import type { Deploy, PublishStatus } from "#schemas/publish";
import { formatDateTime } from "../../lib/format.ts";
import {
  deployStateLabels,
  type PublishTarget,
  shortDeployId,
  stateTagClass,
  targetLabels,
} from "./labels.ts";

/** The app route that lets a collaborator's browser into the (private) preview site. */
export function previewAccessPath(tenantId: string, siteId: string, returnPath = "/") {
  const query = new URLSearchParams({ tenantId, siteId, return: returnPath });
  return `/preview-access?${query}`;
}

function TargetCard({
  target,
  status,
  openHref,
}: {
  target: PublishTarget;
  status: PublishStatus["preview"];
  openHref: string;
}) {
  const published = status.deployId !== null;
  return (
    <li className="card target-card" aria-labelledby={`target-${target}`}>
      <h3 id={`target-${target}`}>
        {targetLabels[target]}
        {status.changes && published ? (
          <span className="tag tag-warn">Unpublished changes</span>
        ) : null}
      </h3>
      {published ? (
        <p>
          Serving deploy <code>{shortDeployId(status.deployId ?? "")}</code>
          {status.contentVersion !== null ? ` · content version ${status.contentVersion}` : ""}
        </p>
      ) : (
        <p className="muted">Not published.</p>
      )}
      <p className="target-url">
        {published ? (
          <a href={openHref}>
            Open the {target === "live" ? "live site" : "preview"}
            <span className="visually-hidden"> ({status.url})</span>
          </a>
        ) : null}
        <span className="muted small block">{status.url}</span>
      </p>
    </li>
  );
}

function BuildProgress({ deploy }: { deploy: Deploy }) {
  const percent = deploy.progress === null ? null : Math.round(deploy.progress * 100);
  return (
    <div className="build-progress">
      <p>
        <span className={stateTagClass(deploy.state)}>{deployStateLabels[deploy.state]}</span>{" "}
        {targetLabels[deploy.target]} build <code>{shortDeployId(deploy.id)}</code>
        {deploy.contentVersion !== null ? ` of content version ${deploy.contentVersion}` : ""}
        {deploy.requestedBy ? ` for ${deploy.requestedBy.name}` : ""}
        {deploy.attempt > 1 ? ` (attempt ${deploy.attempt})` : ""}
      </p>
      {deploy.state === "uploading" ? (
        <div className="progress-row">
          <label htmlFor={`progress-${deploy.id}`}>Upload</label>
          <progress id={`progress-${deploy.id}`} max={1} value={deploy.progress ?? undefined}>
            {percent === null ? "" : `${percent} %`}
          </progress>
          {percent === null ? null : <span className="small">{percent} %</span>}
        </div>
      ) : null}
      {deploy.message ? <p className="muted small">{deploy.message}</p> : null}
      <p className="muted small">Requested {formatDateTime(deploy.createdAt)}</p>
    </div>
  );
}

/** A sentence for the live region: only the running build's state, so it is not chatty. */
export function buildAnnouncement(status: PublishStatus, last: Deploy | null): string {
  const d = status.current;
  if (d) return `${targetLabels[d.target]} build: ${deployStateLabels[d.state].toLowerCase()}.`;
  if (!last) return "";
  const reason = last.state === "failed" && last.message ? ` ${last.message}` : "";
  return `${targetLabels[last.target]} build ${deployStateLabels[last.state].toLowerCase()}.${reason}`;
}

export function PublishStatusView({
  status,
  tenantId,
  siteId,
  lastFinished,
}: {
  status: PublishStatus;
  tenantId: string;
  siteId: string;
  /** The newest finished deploy, said once the running build ends. */
  lastFinished: Deploy | null;
}) {
  return (
    <>
      <ul className="card-grid target-grid">
        <TargetCard
          target="preview"
          status={status.preview}
          openHref={previewAccessPath(tenantId, siteId)}
        />
        <TargetCard target="live" status={status.live} openHref={status.live.url} />
      </ul>
      <section className="build-status" aria-labelledby="build-title">
        <h3 id="build-title">Build</h3>
        <p className="visually-hidden" role="status" aria-live="polite">
          {buildAnnouncement(status, lastFinished)}
        </p>
        {status.current ? (
          <BuildProgress deploy={status.current} />
        ) : lastFinished?.state === "failed" ? (
          <p className="build-failed">
            <span className="tag tag-failed">Failed</span> The last{" "}
            {targetLabels[lastFinished.target].toLowerCase()} build (
            <code>{shortDeployId(lastFinished.id)}</code>) failed
            {lastFinished.message ? `: ${lastFinished.message}` : "."}
          </p>
        ) : (
          <p className="muted">No build is running.</p>
        )}
        {status.queued.length > 0 ? (
          <ul className="queued-builds">
            {status.queued.map((d) => (
              <li key={d.id}>
                <span className={stateTagClass(d.state)}>{deployStateLabels[d.state]}</span>{" "}
                {targetLabels[d.target]} build <code>{shortDeployId(d.id)}</code> waits for the
                running one
                {d.requests > 1 ? ` (${d.requests} requests)` : ""}.
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </>
  );
}
