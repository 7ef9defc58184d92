// What a build found wrong with the content, page by page: broken internal links and missing
// resources, then content issues (alt text, captions, heading order). Shown on a deploy's page.
import type { BuildReport } from "#schemas/build-job";
import { formatCount } from "./labels.ts";

const issueLabels: Record<BuildReport["contentIssues"][number]["kind"], string> = {
  "image-alt": "Image without alt text",
  "video-captions": "Video without captions",
  "heading-order": "Heading level skipped",
};

const linkKinds: Record<string, string> = {
  resource_link: "Link to a resource",
  resource: "Embedded resource",
  link: "Link",
  file: "Resource file not uploaded",
  instructor: "Instructor",
  course_image: "Course image",
};

function More({ shown, total }: { shown: number; total: number }) {
  return total > shown ? (
    <p className="muted small">
      {formatCount(total - shown)} more are not listed; fix these and publish again to see them.
    </p>
  ) : null;
}

export function BuildReportView({ report }: { report: BuildReport }) {
  return (
    <>
      <h3 className="subheading">
        Broken links and missing resources <span className="count">{report.brokenLinkCount}</span>
      </h3>
      {report.brokenLinks.length === 0 ? (
        <p className="muted">None: every internal link leads somewhere.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Page</th>
              <th scope="col">What</th>
              <th scope="col">Points at</th>
            </tr>
          </thead>
          <tbody>
            {report.brokenLinks.map((l) => (
              <tr key={`${l.page}:${l.kind}:${l.target}`}>
                <th scope="row" data-label="Page">
                  <code>{l.page}</code>
                </th>
                <td data-label="What">{linkKinds[l.kind] ?? l.kind}</td>
                <td data-label="Points at">
                  <code className="break-anywhere">{l.target}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More shown={report.brokenLinks.length} total={report.brokenLinkCount} />
      <h3 className="subheading">
        Content issues <span className="count">{report.contentIssueCount}</span>
      </h3>
      {report.contentIssues.length === 0 ? (
        <p className="muted">None found.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Page</th>
              <th scope="col">Issue</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {report.contentIssues.map((i, n) => (
              // The same issue may repeat on a page (two images without alt text).
              // biome-ignore lint/suspicious/noArrayIndexKey: rows never reorder
              <tr key={`${i.page}:${i.kind}:${n}`}>
                <th scope="row" data-label="Page">
                  <code>{i.page}</code>
                </th>
                <td data-label="Issue">{issueLabels[i.kind]}</td>
                <td data-label="Detail">{i.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More shown={report.contentIssues.length} total={report.contentIssueCount} />
    </>
  );
}
