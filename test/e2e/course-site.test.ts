// A real OCW course, end to end: OCW's test course (from shared/fixtures) with two media files
// added is imported through the API, published live by the real builder (Hugo, Pagefind), and
// read in Chromium on its own host. A live publish first stops at the course's broken links;
// confirmed, it goes out with its build report. The uploaded PDF and image are served from
// MEDIA by reference; the home, a page with a table, a video page and search results render,
// and axe-core finds no serious or critical violation on them.
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { tarWriter } from "../../workers/domain/archive/tar-write.ts";
import { api, demoTenantId } from "./app-api.ts";
import { browsersFor, type Person, signIn } from "./browser.ts";
import { fromSite, waitFor } from "./site-host.ts";

const appUrl = inject("appUrl");
const demoOwner = inject("demoOwner");
const open = browsersFor(appUrl);
const FIXTURE = resolve(import.meta.dirname, "../../../shared/fixtures/ocw/ocw-ci-test-course");
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const PDF = `%PDF-1.4\n% lecture notes for ${Date.now()}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`;

type Deploy = {
  id: string;
  state: string;
  message: string | null;
  report: {
    brokenLinks: { page: string; target: string; kind: string }[];
    brokenLinkCount: number;
    contentIssueCount: number;
  } | null;
};

async function fixtureFiles(): Promise<{ path: string; content: Uint8Array }[]> {
  const out: { path: string; content: Uint8Array }[] = [];
  for (const entry of await readdir(FIXTURE, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out.push({
      path: `ocw-ci-test-course/${relative(FIXTURE, full)}`,
      content: new Uint8Array(await readFile(full)),
    });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** A JPEG made by the browser itself (a real image for the <img> to decode). */
async function jpeg(page: Page): Promise<Uint8Array> {
  // Strings for the browser: this project's Node types have no DOM.
  const b64 = await page.evaluate<string>(`(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 96;
    canvas.height = 64;
    const g = canvas.getContext("2d");
    g.fillStyle = "#2a6f97";
    g.fillRect(0, 0, 96, 64);
    return canvas.toDataURL("image/jpeg").split(",")[1];
  })()`);
  return new Uint8Array(Buffer.from(b64, "base64"));
}

async function importCourse(owner: Person, tenantId: string) {
  const files = await fixtureFiles();
  files.push(
    { path: "ocw-ci-test-course/static/example_pdf.pdf", content: new TextEncoder().encode(PDF) },
    { path: "ocw-ci-test-course/static/example_jpg.jpg", content: await jpeg(owner.page) },
  );
  const gz = tarWriter(files).pipeThrough(new CompressionStream("gzip"));
  const body = Buffer.from(await new Response(gz).arrayBuffer());
  const res = await owner.page.request.fetch(`/api/v1/tenants/${tenantId}/sites/import`, {
    method: "POST",
    headers: { origin: appUrl, "x-lectern-csrf": "1", "content-type": "application/gzip" },
    data: body,
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { site: { id: string; slug: string }; report: { media: unknown[] } };
}

async function finished(owner: Person, base: string, deployId: string) {
  return waitFor(
    `deploy ${deployId}`,
    async () => {
      const d = await api<Deploy>(owner, "GET", `${base}/deploys/${deployId}`);
      return d.state === "succeeded" || d.state === "failed" ? d : null;
    },
    120_000,
  );
}

/** axe-core's serious and critical violations on the page (ids and where). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  type Violation = { id: string; impact: string | null; nodes: { target: string[] }[] };
  const violations = await page.evaluate<Violation[]>(
    "axe.run({ resultTypes: ['violations'] }).then((r) => r.violations)",
  );
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("an imported OCW course, published", () => {
  it("builds every page, reports what is broken, serves its media, and passes axe", async () => {
    const owner = await open();
    owner.context.setDefaultTimeout(30_000);
    await signIn(owner.page, demoOwner);
    const tenantId = await demoTenantId(owner);
    const imported = await importCourse(owner, tenantId);
    // Two of the course's resources share example_pdf.pdf: each keeps its own stored copy.
    const stored = imported.report.media as { path: string }[];
    expect(stored.map((m) => m.path).sort()).toEqual([
      "ocw-ci-test-course/static/example_jpg.jpg",
      "ocw-ci-test-course/static/example_pdf.pdf",
      "ocw-ci-test-course/static/example_pdf.pdf",
    ]);
    const base = `/tenants/${tenantId}/sites/${imported.site.id}`;

    // Live refuses the course's broken links until someone confirms them.
    const first = await api<{ deploy: { id: string } }>(owner, "POST", `${base}/publish/live`, {});
    const refused = await finished(owner, base, first.deploy.id);
    expect(refused.state).toBe("failed");
    expect(refused.message).toContain("broken internal link");
    const links = refused.report?.brokenLinks ?? [];
    // The course's own deliberate broken links, nothing else but files it does not include.
    expect(links.filter((l) => l.kind !== "file").map((l) => `${l.page} → ${l.target}`)).toEqual(
      expect.arrayContaining([
        "pages/external-resources-page.md → 3ee0856f-f641-4d3f-9cdc-79714fff907d",
      ]),
    );
    expect(links.filter((l) => l.kind === "file").length).toBeGreaterThan(10);
    expect(links.some((l) => l.target.endsWith("example_pdf.pdf"))).toBe(false);

    const second = await api<{ deploy: { id: string } }>(owner, "POST", `${base}/publish/live`, {
      confirmBrokenLinks: true,
    });
    const published = await finished(owner, base, second.deploy.id);
    expect(published.state, published.message ?? "").toBe("succeeded");
    expect(published.report?.brokenLinkCount).toBe(refused.report?.brokenLinkCount);
    const status = await api<{ live: { url: string } }>(owner, "GET", `${base}/publish`);
    const live = status.live.url.replace(/\/$/, "");

    // The uploaded files are served from MEDIA by reference.
    const pdf = await fromSite(`${live}/example_pdf.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.body).toBe(PDF);
    const page = owner.page;
    await page.goto(`${live}/resources/example_jpg/`, { waitUntil: "domcontentloaded" });
    const img = page.locator("main img").first();
    await img.waitFor();
    await expect
      .poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(96);

    // The home, a page with a table, a video page and search results.
    const views: [string, string][] = [
      ["cs01-home", "/"],
      ["cs02-table", "/pages/subscripts-and-superscripts/"],
      ["cs03-video", "/resources/ocw_test_course_mit8_01f16_l26v03_360p/"],
    ];
    for (const [name, path] of views) {
      await page.goto(`${live}${path}`, { waitUntil: "domcontentloaded" });
      await page.locator("main h1").first().waitFor();
      await owner.shot(name);
      expect(await axeViolations(page), `axe on ${path}`).toEqual([]);
    }
    await expect.poll(() => page.locator("main table").count()).toBe(0); // on the video page
    await page.goto(`${live}/pages/subscripts-and-superscripts/`, {
      waitUntil: "domcontentloaded",
    });
    expect(await page.locator("main table").count()).toBeGreaterThan(0);
    await page.goto(`${live}/resources/ocw_test_course_mit8_01f16_l26v03_360p/`, {
      waitUntil: "domcontentloaded",
    });
    expect(await page.locator('main iframe[src*="youtube-nocookie.com"]').count()).toBe(1);

    // Down to 320 px wide, nothing scrolls sideways (wide tables scroll inside their box).
    await page.setViewportSize({ width: 320, height: 640 });
    for (const [, path] of [...views, ["", "/search/?q=prerequisites"]] as const) {
      await page.goto(`${live}${path}`, { waitUntil: "domcontentloaded" });
      await page.locator("main h1").first().waitFor();
      const overflow = await page.evaluate<number>(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      );
      if (path.includes("subscripts")) await owner.shot("cs07-phone-table");
      expect(overflow, `sideways scroll at 320 px on ${path}`).toBeLessThanOrEqual(0);
    }
    await page.setViewportSize({ width: 1280, height: 860 });

    // Math is rendered in the browser (KaTeX from the site itself), on math pages only.
    await page.goto(`${live}/pages/mathjax-demo/`, { waitUntil: "domcontentloaded" });
    await page.locator("main .math .katex").first().waitFor();
    expect(await page.locator("main .math-display .katex-display").count()).toBe(1);
    await owner.shot("cs06-math");
    expect(await axeViolations(page), "axe on the math page").toEqual([]);

    await page.goto(`${live}/search/?q=prerequisites`, { waitUntil: "domcontentloaded" });
    const result = page.getByRole("link", { name: "Syllabus" }).first();
    await result.waitFor();
    await owner.shot("cs04-search");
    expect(await axeViolations(page), "axe on the search results").toEqual([]);
    await result.click();
    await page.waitForURL((u) => u.pathname === "/pages/syllabus/");

    // The offline copy, as a learner gets it: downloaded, unpacked, opened from file://.
    const offlineUrl = await waitFor(
      "the offline copy",
      async () =>
        (
          await api<{ offlineUrl: string | null }>(
            owner,
            "GET",
            `${base}/deploys/${second.deploy.id}`,
          )
        ).offlineUrl,
      120_000,
    );
    const zip = await owner.page.request.get(offlineUrl);
    expect(zip.status()).toBe(200);
    const dir = await mkdtemp(join(tmpdir(), "lectern-offline-"));
    try {
      await writeFile(join(dir, "course.zip"), await zip.body());
      execFileSync("unzip", ["-q", join(dir, "course.zip"), "-d", join(dir, "course")]);
      await page.goto(pathToFileURL(join(dir, "course/index.html")).href);
      await page.getByRole("heading", { level: 1, name: "OCW CI Test Course" }).waitFor();
      // Navigation: the menu's relative links lead to the pages' files.
      await page
        .getByRole("navigation", { name: "Course" })
        .getByRole("link", { name: "Subscripts and Superscripts" })
        .click();
      await page.waitForURL((u) => u.href.endsWith("/pages/subscripts-and-superscripts.html"));
      expect(await page.locator("main table").count()).toBeGreaterThan(0);
      // Search, from the bundled index (no fetch() on file://).
      await page.getByRole("link", { name: "Search this course" }).click();
      await page.getByRole("searchbox").fill("prerequisites");
      await page.getByRole("searchbox").press("Enter");
      const found = page.getByRole("link", { name: "Syllabus" }).last();
      await found.waitFor();
      await owner.shot("cs05-offline-search");
      await found.click();
      await page.waitForURL((u) => u.href.endsWith("/pages/syllabus.html"));
      await page.getByRole("heading", { level: 1, name: "Syllabus" }).waitFor();
      await page.goto(pathToFileURL(join(dir, "course/pages/mathjax-demo.html")).href);
      await page.locator("main .math .katex").first().waitFor();
      // The course's uploaded image is in the copy too.
      await page.goto(pathToFileURL(join(dir, "course/resources/example_jpg.html")).href);
      const offlineImg = page.locator("main img").first();
      await expect
        .poll(() =>
          offlineImg.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth),
        )
        .toBe(96);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
