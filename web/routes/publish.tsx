import { Form, Link } from "react-router";
import { activeDeployStates } from "#schemas/publish";
import { ConfirmAction } from "../components/confirm-action.tsx";
import { ErrorSummary, FormScope, SelectField } from "../components/form-fields.tsx";
import { OneTimeSecret } from "../components/one-time-secret.tsx";
import { DeployTable } from "../components/publish/deploy-table.tsx";
import { previewLinkForm } from "../components/publish/forms.ts";
import { useLivePublishStatus } from "../components/publish/live-status.ts";
import { PublishStatusView } from "../components/publish/publish-status.tsx";
import { ScheduleForm } from "../components/publish/schedule-form.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { formatDateTime, pageTitle, siteRoleLabels } from "../lib/format.ts";
import type { Route } from "./+types/publish";

export { action, loader } from "./publish.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(
    error ? errorTitle(error) : "Publishing",
    loaderData?.site.title,
    loaderData?.tenant.name,
  );

const connectionText = {
  static: "",
  live: "Updates live.",
  polling: "Updates every few seconds.",
} as const;

export default function Publish({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, site, can, deploys, nextCursor, paged } = loaderData;
  const { status, connection } = useLivePublishStatus(loaderData.status, tenant.id, site.id);
  const siteBase = `/t/${tenant.id}/sites/${site.id}`;
  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  const scheduleFailure = failed?.intent === "schedule" ? failed : null;
  const shareFailure = failed?.intent === "share-preview" ? failed : null;
  const rowFailure = failed?.target ? failed : null;
  const otherFailure = failed && !scheduleFailure && !shareFailure && !rowFailure ? failed : null;
  const lastFinished = deploys.find((d) => !activeDeployStates.includes(d.state)) ?? null;
  const pending = status.schedules.filter((s) => s.state === "pending");
  // The newest finished live build: did it stop at broken links nobody confirmed?
  const lastLive = deploys.find(
    (d) => d.target === "live" && !activeDeployStates.includes(d.state),
  );
  const refused =
    lastLive?.state === "failed" && (lastLive.brokenLinkCount ?? 0) > 0 && can.publishLive
      ? lastLive
      : null;

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={`/t/${tenant.id}/sites`}>Sites</Link> · <Link to={siteBase}>{site.title}</Link>
        </p>
        <h1>
          Publishing
          {site.archived ? <span className="tag tag-warn">Archived</span> : null}
        </h1>
        <p className="muted">
          Your role: <span className="role-badge">{siteRoleLabels[site.role]}</span>
          {connectionText[connection] ? ` · ${connectionText[connection]}` : ""}
        </p>
      </div>
      <StatusMessage message={done?.message ?? null} />
      {loaderData.mediaWarnings && loaderData.mediaWarnings.items.length > 0 ? (
        <section className="panel" aria-labelledby="media-warnings-title">
          <h2 id="media-warnings-title">Media to check before publishing</h2>
          <ul className="warning-list">
            {loaderData.mediaWarnings.videosWithoutCaptions > 0 ? (
              <li>{loaderData.mediaWarnings.videosWithoutCaptions} video(s) without captions</li>
            ) : null}
            {loaderData.mediaWarnings.imagesWithoutAlt > 0 ? (
              <li>{loaderData.mediaWarnings.imagesWithoutAlt} image(s) without alt text</li>
            ) : null}
            {loaderData.mediaWarnings.jobsRunning > 0 ? (
              <li>{loaderData.mediaWarnings.jobsRunning} media job(s) still running</li>
            ) : null}
          </ul>
          <p>
            <Link to={`${siteBase}/media`}>See them in the media library</Link>. Publishing is not
            blocked by these.
          </p>
        </section>
      ) : null}
      {otherFailure ? (
        <section className="error-summary" aria-labelledby="publish-problem-title" tabIndex={-1}>
          <h2 id="publish-problem-title">There is a problem</h2>
          <p>{otherFailure.formError ?? Object.values(otherFailure.fieldErrors)[0]}</p>
          {otherFailure.problems ? (
            <ul className="problem-list">
              {otherFailure.problems.map((p) => (
                <li key={`${p.field}:${p.message}`}>
                  <code>{p.field}</code> {p.message}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}
      {done?.previewLink ? (
        <OneTimeSecret
          title="Preview link"
          label="Preview link"
          value={done.previewLink.url}
          testId="preview-link"
        >
          <p>
            Anyone with this link can open the preview until{" "}
            {formatDateTime(done.previewLink.expiresAt)}.
          </p>
        </OneTimeSecret>
      ) : null}

      <section className="panel" aria-labelledby="serving-title">
        <h2 id="serving-title">What is published</h2>
        <p className="muted">Content version {status.contentVersion} is the newest.</p>
        <PublishStatusView
          status={status}
          tenantId={tenant.id}
          siteId={site.id}
          lastFinished={lastFinished}
        />
        {refused && !status.current ? (
          <div className="notice" role="note">
            <p>
              The last live publish stopped before going live: the site has{" "}
              {refused.brokenLinkCount === 1
                ? "1 broken internal link"
                : `${refused.brokenLinkCount} broken internal links`}
              . <Link to={`${siteBase}/publish/deploys/${refused.id}`}>See where they are</Link>,
              fix them and publish again, or publish anyway.
            </p>
            <Form method="post">
              <input type="hidden" name="intent" value="publish-live" />
              <input type="hidden" name="confirmBrokenLinks" value="1" />
              <button type="submit" className="button">
                Publish live anyway
              </button>
            </Form>
          </div>
        ) : null}
        {can.publishPreview || can.publishLive ? (
          <div className="publish-actions">
            {can.publishPreview ? (
              <Form method="post">
                <input type="hidden" name="intent" value="publish-preview" />
                <button type="submit" className="button">
                  Publish to preview
                </button>
              </Form>
            ) : null}
            {can.publishLive ? (
              <Form method="post">
                <input type="hidden" name="intent" value="publish-live" />
                <button type="submit" className="button primary">
                  Publish live
                </button>
              </Form>
            ) : null}
            {can.publishLive && status.live.deployId !== null ? (
              <ConfirmAction
                summary="Unpublish…"
                question={`Take the live ${site.title} down? Visitors get “not found” until it is published again. The preview stays.`}
                confirmLabel="Unpublish the live site"
                fields={{ intent: "unpublish" }}
              />
            ) : null}
          </div>
        ) : (
          <p className="muted small">
            Viewers can follow publishing; editors and site admins publish.
          </p>
        )}
      </section>

      {can.publishLive ? (
        <section className="panel" aria-labelledby="share-title">
          <h2 id="share-title">Share the preview</h2>
          <p className="muted">
            A link that opens the preview for anyone who has it, without signing in, until it
            expires.
          </p>
          <ErrorSummary
            id="share"
            errors={shareFailure?.fieldErrors}
            formError={shareFailure?.formError}
            labels={previewLinkForm.labels}
          />
          <Form method="post" className="inline-fields">
            <input type="hidden" name="intent" value="share-preview" />
            <FormScope id="share" errors={shareFailure?.fieldErrors} values={shareFailure?.values}>
              <SelectField
                name="expiresInHours"
                label="Valid for"
                defaultValue="72"
                options={[
                  { value: "24", label: "1 day" },
                  { value: "72", label: "3 days" },
                  { value: "168", label: "1 week" },
                  { value: "720", label: "30 days" },
                ]}
              />
            </FormScope>
            <button type="submit" className="button">
              Share preview link
            </button>
          </Form>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="schedules-title">
        <h2 id="schedules-title">
          Scheduled <span className="count">{pending.length}</span>
        </h2>
        {pending.length === 0 ? (
          <p className="muted">Nothing is scheduled.</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Scheduled by</th>
                {can.publishLive ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {pending.map((s) => {
                const what = s.action === "publish" ? "Publish live" : "Unpublish";
                const when = formatDateTime(s.runAt);
                return (
                  <tr key={s.id}>
                    <th scope="row" data-label="When" className="nowrap">
                      {when}
                    </th>
                    <td data-label="Action">{what}</td>
                    <td data-label="Scheduled by">{s.createdBy?.name ?? "—"}</td>
                    {can.publishLive ? (
                      <td data-label="Actions" className="actions">
                        <Form method="post">
                          <input type="hidden" name="intent" value="cancel-schedule" />
                          <input type="hidden" name="scheduleId" value={s.id} />
                          <button type="submit" className="button small">
                            Cancel
                            <span className="visually-hidden">
                              {" "}
                              {what.toLowerCase()} at {when}
                            </span>
                          </button>
                        </Form>
                        {rowFailure?.target === s.id ? (
                          <p className="field-error">{rowFailure.formError}</p>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {can.publishLive ? (
          <>
            <h3 className="subheading">Schedule a live publish or an unpublish</h3>
            <ScheduleForm failure={scheduleFailure} />
          </>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">Deploy history</h2>
        <DeployTable
          deploys={deploys}
          detailBase={`${siteBase}/publish/deploys`}
          canRollBack={(d) => can.publishLive && d.state === "succeeded" && !d.current}
          rowError={(id) =>
            rowFailure?.target === id
              ? (rowFailure.formError ?? Object.values(rowFailure.fieldErrors)[0])
              : null
          }
        />
        {paged || nextCursor ? (
          <nav className="pager" aria-label="Deploy pages">
            {paged ? <Link to="?">Newest deploys</Link> : null}
            {nextCursor ? (
              <Link to={`?cursor=${encodeURIComponent(nextCursor)}`}>Older deploys</Link>
            ) : null}
          </nav>
        ) : null}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
