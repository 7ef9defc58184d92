// What a build found wrong with the content, for the publish panel (schemas/build-job.ts,
// buildReport): broken internal links and missing resources, and content accessibility issues
// in the built pages. Reported with the activation, or with the failure of a live publish that
// nobody confirmed despite broken links.
//
// Decisions:
// - Broken links come from the theme, which resolves every link while Hugo renders and warns
//   in a fixed form ("LECTERN-BROKEN-LINK page=… uid=… kind=…", "… path=…",
//   "LECTERN-MISSING-INSTRUCTOR page=… uid=…"): the builder never re-implements link
//   resolution. A resource whose file the site does not have is a broken link of the resource
//   page (media-refs.ts knows which are stored).
// - Content issues are read from the built HTML inside <main> (what authors wrote, not the
//   theme's frame): images without alt text, <video> without a captions track, and heading
//   levels that skip (h2 → h4). The theme's own accessibility is checked by axe-core in the
//   test suite instead.
// - Bounded: the first BUILD_REPORT_ITEMS of each kind are listed, the counts say how many.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BUILD_REPORT_ITEMS, type BuildReport } from "#schemas/build-job";
import { linksMath } from "./math-assets.ts";
import { listFiles } from "./storage.ts";

type BrokenLink = BuildReport["brokenLinks"][number];
type ContentIssue = BuildReport["contentIssues"][number];

/** A build that refused to go live: "failed", with the report that says why. */
export class ContentRefused extends Error {
  readonly report: BuildReport;
  constructor(message: string, report: BuildReport) {
    super(message);
    this.name = "ContentRefused";
    this.report = report;
  }
}

const clip = (text: string) => (text.length > 500 ? `${text.slice(0, 499)}…` : text);

const WARNING =
  /LECTERN-(BROKEN-LINK|MISSING-INSTRUCTOR) page=(\S+) (?:uid|path)=(\S+)(?: kind=(\S+))?/g;

/** The theme's broken-link warnings in Hugo's output, once each, in order. */
export function brokenLinksFromLog(log: string): BrokenLink[] {
  const seen = new Set<string>();
  const out: BrokenLink[] = [];
  for (const m of log.matchAll(WARNING)) {
    const [, what, page = "", target = "", kind] = m;
    const link = {
      page: clip(page),
      target: clip(target),
      kind: what === "MISSING-INSTRUCTOR" ? "instructor" : (kind ?? "link").slice(0, 50),
    };
    const key = `${link.page}\u0000${link.target}\u0000${link.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(link);
  }
  return out;
}

const attr = (tag: string, name: string): string | null => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3] ?? "") : null;
};

const basename = (url: string) =>
  url
    .replace(/[?#].*$/, "")
    .split("/")
    .pop() || url;

/** The content issues of one page's HTML (only what is inside <main>). */
export function pageIssues(page: string, html: string): ContentIssue[] {
  const start = html.search(/<main[\s>]/i);
  const end = html.search(/<\/main>/i);
  if (start < 0) return [];
  const main = html.slice(start, end > start ? end : undefined);
  const issues: ContentIssue[] = [];
  for (const m of main.matchAll(/<img\b[^>]*>/gi)) {
    const alt = attr(m[0], "alt");
    if (alt === null || alt.trim() === "") {
      const src = attr(m[0], "src") ?? "an image";
      issues.push({ page, kind: "image-alt", detail: clip(`${basename(src)} has no alt text`) });
    }
  }
  for (const m of main.matchAll(/<video\b[^>]*>([\s\S]*?)<\/video>/gi)) {
    if (!/<track\b[^>]*\bkind\s*=\s*["']?(captions|subtitles)/i.test(m[1] ?? "")) {
      const src = attr(m[0], "src") ?? /<source\b[^>]*\bsrc\s*=\s*"([^"]*)"/i.exec(m[1] ?? "")?.[1];
      issues.push({
        page,
        kind: "video-captions",
        detail: clip(`${src ? basename(src) : "a video"} has no captions`),
      });
    }
  }
  let previous = 1;
  for (const m of main.matchAll(/<h([1-6])\b/gi)) {
    const level = Number(m[1]);
    if (level > previous + 1) {
      issues.push({
        page,
        kind: "heading-order",
        detail: `a heading skips from h${previous} to h${level}`,
      });
    }
    previous = level;
  }
  return issues;
}

/**
 * One read of every built page (Pagefind's folder aside): its content issues, and whether any
 * page links KaTeX (math-assets.ts), so the build reads its HTML once for both.
 */
export async function scanPages(
  siteDir: string,
): Promise<{ issues: ContentIssue[]; usesMath: boolean }> {
  const issues: ContentIssue[] = [];
  let usesMath = false;
  for (const path of await listFiles(siteDir)) {
    if (!path.endsWith(".html") || path.startsWith("pagefind/")) continue;
    const html = await readFile(join(siteDir, path), "utf8");
    issues.push(...pageIssues(path, html));
    usesMath ||= linksMath(html);
  }
  return { issues, usesMath };
}

/** The report from its parts, bounded. */
export function buildReportOf(brokenLinks: BrokenLink[], issues: ContentIssue[]): BuildReport {
  return {
    brokenLinks: brokenLinks.slice(0, BUILD_REPORT_ITEMS),
    brokenLinkCount: brokenLinks.length,
    contentIssues: issues.slice(0, BUILD_REPORT_ITEMS),
    contentIssueCount: issues.length,
  };
}
