// The build report: the theme's broken-link warnings out of Hugo's log, and content issues out
// of the built pages' <main>.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  brokenLinksFromLog,
  buildReportOf,
  pageIssues,
  scanPages,
} from "../../builder/src/build-report.ts";

describe("broken links from Hugo's log", () => {
  it("reads each kind of warning once, in order", () => {
    const log = [
      "Start building sites …",
      "WARN 2026/12/01 21:25:22 LECTERN-BROKEN-LINK page=pages/a.md uid=1111 kind=resource_link",
      "WARN 2026/12/01 21:25:22 LECTERN-BROKEN-LINK page=pages/a.md path=/pages/gone kind=link",
      "WARN 2026/12/01 21:25:22 LECTERN-BROKEN-LINK page=pages/a.md uid=1111 kind=resource_link",
      "WARN 2026/12/01 21:25:22 LECTERN-MISSING-INSTRUCTOR page=data/course.json uid=2222",
      "WARN something else entirely",
    ].join("\n");
    expect(brokenLinksFromLog(log)).toEqual([
      { page: "pages/a.md", target: "1111", kind: "resource_link" },
      { page: "pages/a.md", target: "/pages/gone", kind: "link" },
      { page: "data/course.json", target: "2222", kind: "instructor" },
    ]);
    expect(brokenLinksFromLog("no warnings")).toEqual([]);
  });
});

describe("content issues in built pages", () => {
  const page = (main: string) =>
    `<html><body><header><img src="/logo.png"><h3>Frame</h3></header><main id="main">${main}</main><footer><img src="/x.png"></footer></body></html>`;

  it("finds images without alt text, videos without captions and skipped heading levels", () => {
    const issues = pageIssues(
      "pages/a/index.html",
      page(`<h1>Title</h1>
        <img src="/files/chart.png?v=2" alt="">
        <img src='/files/ok.png' alt='A chart of forces'>
        <img src=/files/none.png>
        <h3>Skipped a level</h3>
        <video controls src="/lecture.mp4"></video>
        <video controls><source src="/talk.mp4"><track kind="captions" src="/talk.vtt"></video>
        <h4>Fine</h4><h2>Back up is fine</h2>`),
    );
    expect(issues).toEqual([
      { page: "pages/a/index.html", kind: "image-alt", detail: "chart.png has no alt text" },
      { page: "pages/a/index.html", kind: "image-alt", detail: "none.png has no alt text" },
      { page: "pages/a/index.html", kind: "video-captions", detail: "lecture.mp4 has no captions" },
      {
        page: "pages/a/index.html",
        kind: "heading-order",
        detail: "a heading skips from h1 to h3",
      },
    ]);
  });

  it("ignores the theme's frame and pages without <main>", () => {
    expect(pageIssues("a.html", page("<h1>T</h1><h2>S</h2>"))).toEqual([]);
    expect(pageIssues("b.html", "<img src=x.png>")).toEqual([]);
  });

  it("walks a built site, leaving out the search index", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lectern-report-"));
    await mkdir(join(dir, "pages/b"), { recursive: true });
    await mkdir(join(dir, "pagefind"), { recursive: true });
    await writeFile(join(dir, "pages/b/index.html"), page("<h1>B</h1><img src=b.png>"));
    await writeFile(join(dir, "index.html"), page("<h1>Home</h1><h4>x</h4>"));
    await writeFile(join(dir, "pagefind/x.html"), page("<img src=p.png>"));
    const scanned = await scanPages(dir);
    expect(scanned.usesMath).toBe(false);
    expect(scanned.issues.map((i) => `${i.page} ${i.kind}`)).toEqual([
      "index.html heading-order",
      "pages/b/index.html image-alt",
    ]);
    await rm(dir, { recursive: true });
  });
});

describe("the report", () => {
  it("lists at most 100 of each kind and counts them all", () => {
    const links = Array.from({ length: 150 }, (_, i) => ({
      page: "p",
      target: `t${i}`,
      kind: "link",
    }));
    const report = buildReportOf(links, []);
    expect(report.brokenLinks).toHaveLength(100);
    expect(report.brokenLinkCount).toBe(150);
    expect(report.contentIssueCount).toBe(0);
  });
});
