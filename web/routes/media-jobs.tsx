// One media item's jobs: each step of its pipeline (thumbnails, transcode, poster, captions, …)
// with its state, attempts and why it failed, and a retry for failed ones. The page follows the
// jobs while any is queued or running (usePolledData); without JavaScript, "Refresh" does.
import { Form, Link, useNavigation } from "react-router";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { formatDateTime, pageTitle } from "../lib/format.ts";
import { usePolledData } from "../lib/use-polled-data.ts";
import type { Route } from "./+types/media-jobs";

export { action, loader } from "./media-jobs.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(
    error ? errorTitle(error) : `Jobs of ${loaderData?.item.filename ?? "a file"}`,
    loaderData?.site.title,
    loaderData?.tenant.name,
  );

const kindLabels: Record<string, string> = {
  image_metadata: "Image size",
  thumbnails: "Thumbnails",
  transcode: "Web video (MP4)",
  poster: "Poster frame",
  captions: "Captions (WebVTT)",
  youtube_upload: "YouTube upload",
  transcript_order: "3Play Media transcript",
};

const stateLabels: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  done: "Done",
  failed: "Failed",
};

const stateClass = (state: string) =>
  `tag ${state === "failed" ? "tag-failed" : state === "done" ? "tag-active" : "tag-running"}`;

type Jobs = Route.ComponentProps["loaderData"]["jobs"];

export default function MediaJobs({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, site, item } = loaderData;
  const jobs = usePolledData<Jobs>(
    loaderData.jobs,
    (d) => (d as { jobs?: Jobs }).jobs,
    (list) => list.some((j) => j.state === "queued" || j.state === "running"),
  );
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const siteBase = `/t/${tenant.id}/sites/${site.id}`;
  const message =
    actionData && "message" in actionData
      ? actionData.message
      : actionData && "formError" in actionData
        ? actionData.formError
        : null;
  const active = jobs.some((j) => j.state === "queued" || j.state === "running");
  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={siteBase}>{site.title}</Link>
        </p>
        <h1>
          Jobs of <span className="media-filename">{item.filename}</span>
        </h1>
        {item.error ? <p className="warning">{item.error}</p> : null}
      </div>
      <StatusMessage message={message} />
      <section className="panel" aria-labelledby="media-jobs-title">
        <h2 id="media-jobs-title">Processing</h2>
        {jobs.length === 0 ? (
          <p className="muted">This file needs no processing.</p>
        ) : (
          <table className="data-table media-jobs">
            <caption className="visually-hidden">The steps of this file's processing</caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Details</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id} data-kind={job.kind} data-state={job.state}>
                  <th scope="row">{kindLabels[job.kind] ?? job.kind}</th>
                  <td>
                    <span className={stateClass(job.state)}>
                      {stateLabels[job.state] ?? job.state}
                    </span>
                  </td>
                  <td>
                    {job.attempts} of {job.maxAttempts}
                  </td>
                  <td>
                    {job.lastError ? (
                      <p className={job.state === "failed" ? "warning" : "muted"}>
                        {job.lastError}
                      </p>
                    ) : null}
                    {job.state === "queued" && job.nextAttemptAt ? (
                      <p className="muted">Next attempt {formatDateTime(job.nextAttemptAt)}</p>
                    ) : null}
                    {job.finishedAt && job.state !== "queued" ? (
                      <p className="muted">Finished {formatDateTime(job.finishedAt)}</p>
                    ) : null}
                  </td>
                  <td>
                    {job.state === "failed" ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="retry" />
                        <input type="hidden" name="jobId" value={job.id} />
                        <button type="submit" className="button" disabled={busy}>
                          Retry
                          <span className="visually-hidden">
                            {" "}
                            {kindLabels[job.kind] ?? job.kind}
                          </span>
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {active ? (
          <noscript>
            <p>
              <a href="?">Refresh</a> to see the latest state.
            </p>
          </noscript>
        ) : null}
      </section>
      {item.variants.length > 0 ? (
        <section className="panel" aria-labelledby="media-variants-title">
          <h2 id="media-variants-title">Made from this file</h2>
          <ul>
            {item.variants.map((v) => (
              <li key={v.key}>
                {v.role}
                {v.width && v.height ? ` ${v.width}×${v.height}` : ""}
                {v.lang ? ` (${v.label ?? v.lang})` : ""} — {v.type}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
