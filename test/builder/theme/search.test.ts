// Site search end to end: the golden OCW course built with Hugo and indexed with Pagefind as the
// builder does (builder/src/search-index.ts), then searched in headless Chromium: the online
// build over HTTP, the offline copy from file://, where browsers allow no fetch(). Screenshots
// of the results go to test-results/builder/.
import { access, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexSite, type SearchIndexResult } from "../../../builder/src/search-index.ts";
import { OFFLINE_SEARCH_BUNDLE } from "../../../builder/theme/site-config.ts";
import { openSiteBrowser, SCREENSHOTS, type SiteBrowser, serveSite } from "./browser.ts";
import { buildGolden, listFiles, type ThemeBuild } from "./build.ts";

const COURSE = "ocw-ci-test-course.course";
const extra = {
  "content/pages/markup-in-text.md": [
    "---",
    "content_type: page",
    "title: Markup In Text",
    "uid: 0b7a3c3e-8a59-4a3f-9a55-4f6f9c1d2e09",
    "---",
    "The tag `<img src=x onerror=alert(1)>` is zyzzyva text, not an image.",
    "",
  ].join("\n"),
};

let work: string;
let online: ThemeBuild;
let offline: ThemeBuild;
let onlineIndex: SearchIndexResult;
let offlineIndex: SearchIndexResult;
let site: { url: string; server: Server };
let browser: SiteBrowser;
/** The offline copy's folder as a file:// URL, with its trailing slash. */
let offlineRoot: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "lectern-search-test-"));
  [online, offline] = await Promise.all([
    buildGolden(COURSE, join(work, "online"), { extra }),
    buildGolden(COURSE, join(work, "offline"), { extra, offline: true }),
  ]);
  expect(online.hugo.ok, online.hugo.log).toBe(true);
  expect(offline.hugo.ok, offline.hugo.log).toBe(true);
  [onlineIndex, offlineIndex] = await Promise.all([
    indexSite({ siteDir: online.output, offline: false, timeoutMs: 60_000 }),
    indexSite({ siteDir: offline.output, offline: true, timeoutMs: 60_000 }),
  ]);
  site = await serveSite(online.output);
  offlineRoot = pathToFileURL(`${offline.output}/`).href;
  browser = await openSiteBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => site?.server.close(ok));
  await rm(work, { recursive: true, force: true });
});

/** Pages Pagefind should index: those whose content carries data-pagefind-body. */
async function searchablePages(b: ThemeBuild): Promise<string[]> {
  const pages: string[] = [];
  for (const path of await listFiles(b.output)) {
    if (!path.endsWith(".html")) continue;
    if ((await readFile(join(b.output, path), "utf8")).includes(" data-pagefind-body>")) {
      pages.push(path);
    }
  }
  return pages;
}

/** Waits for the search page to say what it found for `query`; returns that and the results. */
async function results(query: string) {
  const { page } = browser;
  const status = page.locator("#search-status");
  await expect
    .poll(async () => status.textContent(), { timeout: 15_000 })
    .toMatch(new RegExp(`found for “${query}”|could not`));
  const links = await page
    .locator("#search-results h2 a")
    .evaluateAll((as) => as.map((a) => ({ title: a.textContent, href: a.getAttribute("href") })));
  return { status: await status.textContent(), links };
}

describe("the online build's search", () => {
  it("indexes every content page, not the search page or the 404 page", async () => {
    expect(onlineIndex.ok, onlineIndex.log).toBe(true);
    const searchable = await searchablePages(online);
    expect(searchable).toContain("index.html");
    expect(searchable).toContain("pages/syllabus/index.html");
    expect(searchable).not.toContain("search/index.html");
    expect(searchable).not.toContain("404.html");
    expect(onlineIndex.pages).toBe(searchable.length);
    expect(onlineIndex.log).toContain("Running Pagefind v1.");
  });

  it("writes Pagefind's search module and index, and none of Pagefind's own UIs", async () => {
    const files = (await listFiles(online.output)).filter((p) => p.startsWith("pagefind/"));
    expect(files).toEqual(
      expect.arrayContaining([
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
        "pagefind/pagefind-worker.js",
      ]),
    );
    expect(files.some((p) => p.startsWith("pagefind/index/"))).toBe(true);
    expect(files.some((p) => p.startsWith("pagefind/fragment/"))).toBe(true);
    expect(
      files.filter((p) => /pagefind-(ui|modular-ui|component-ui|highlight)\./.test(p)),
    ).toEqual([]);
  });

  it("finds a page by a word of its text, titled and linked as the page", async () => {
    const { page, errors } = browser;
    await page.goto(`${site.url}search/?q=prerequisites`);
    expect(await page.title()).toBe("Search | OCW CI Test Course");
    const found = await results("prerequisites");
    expect(found.status).toBe("1 page found for “prerequisites”.");
    expect(found.links).toEqual([{ title: "Syllabus", href: `${site.url}pages/syllabus/` }]);
    await expect
      .poll(() => page.locator(".search-excerpt mark").first().textContent())
      .toMatch(/^prerequisites/i);
    await browser.shot("search-online");
    await page.locator("#search-results a").first().click();
    await page.waitForURL(`${site.url}pages/syllabus/`);
    expect(await page.locator("h1").textContent()).toBe("Syllabus");
    expect(errors).toEqual([]);
  });

  it("searches as you type, keeps the query in the address and finds the home page", async () => {
    const { page } = browser;
    await page.goto(`${site.url}pages/syllabus/`);
    await page.getByRole("link", { name: "Search this course" }).click();
    await page.waitForURL(`${site.url}search/`);
    await page.getByLabel("Search this course").fill("pipelines");
    const found = await results("pipelines");
    expect(found.links).toEqual([{ title: "OCW CI Test Course", href: site.url }]);
    expect(new URL(page.url()).searchParams.get("q")).toBe("pipelines");
    await page.getByLabel("Search this course").fill("qwertyuiopnothing");
    expect((await results("qwertyuiopnothing")).status).toBe(
      "No pages found for “qwertyuiopnothing”.",
    );
  });

  it("shows the text of a page as text, never as markup", async () => {
    const { page, errors } = browser;
    await page.goto(`${site.url}search/?q=zyzzyva`);
    const found = await results("zyzzyva");
    expect(found.links).toEqual([
      { title: "Markup In Text", href: `${site.url}pages/markup-in-text/` },
    ]);
    expect(await page.locator(".search-excerpt").first().textContent()).toContain(
      "<img src=x onerror=alert(1)>",
    );
    expect(await page.locator("#search-results img").count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("without JavaScript keeps the form and says that search needs JavaScript", async () => {
    const page = await browser.context.newPage();
    try {
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
      await page.goto(`${site.url}search/?q=prerequisites`);
      expect(await page.locator("#search-status").textContent()).toMatch(
        /^Search needs JavaScript/,
      );
      expect(await page.getByLabel("Search this course").isVisible()).toBe(true);
      expect(await page.getByRole("button", { name: "Search" }).isVisible()).toBe(true);
      expect(await page.locator("#search-results li").count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it("fits a phone, and lists many results ten at a time", async () => {
    const page = await browser.context.newPage();
    try {
      await page.setViewportSize({ width: 375, height: 740 });
      await page.goto(`${site.url}search/?q=course`);
      await expect.poll(() => page.locator("#search-results li").count()).toBeGreaterThan(2);
      const overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      );
      expect(overflow).toBe(0);
      // Ten at a time: the rest come with a button.
      expect(await page.locator("#search-results li").count()).toBe(10);
      await page.getByRole("button", { name: /^Show more results/ }).click();
      await expect.poll(() => page.locator("#search-results li").count()).toBeGreaterThan(10);
      await page.screenshot({ path: join(SCREENSHOTS, "search-online-phone.png"), fullPage: true });
    } finally {
      await page.close();
    }
  });
});

describe("the offline copy's search", () => {
  it("is one script in the copy, holding the whole index", async () => {
    expect(offlineIndex.ok, offlineIndex.log).toBe(true);
    expect(offlineIndex.pages).toBe((await searchablePages(offline)).length);
    expect(await readdir(join(offline.output, "pagefind"))).toEqual(["lectern-offline.js"]);
    const bundle = await readFile(join(offline.output, OFFLINE_SEARCH_BUNDLE), "utf8");
    expect(bundle).toMatch(/^\/\/ Pagefind's search index/);
    const data = JSON.parse(bundle.slice(bundle.indexOf("{"), bundle.lastIndexOf("}") + 1));
    expect(data.version).toMatch(/^1\./);
    expect(data.script).toContain("export{");
    expect(Object.keys(data.files)).toEqual(expect.arrayContaining(["pagefind-entry.json"]));
    expect(Object.keys(data.files).some((p) => p.startsWith("fragment/"))).toBe(true);
    const search = await readFile(join(offline.output, "search/index.html"), "utf8");
    expect(search).toContain('<script src="../pagefind/lectern-offline.js" defer></script>');
    await access(join(offline.output, "search/index.html"));
  });

  it("finds a page from file://, linking to its file", async () => {
    const { page, errors } = browser;
    await page.goto(`${offlineRoot}search/index.html?q=prerequisites`);
    const found = await results("prerequisites");
    expect(found.status).toBe("1 page found for “prerequisites”.");
    expect(found.links).toEqual([{ title: "Syllabus", href: `${offlineRoot}pages/syllabus.html` }]);
    await browser.shot("search-offline");
    await page.locator("#search-results a").first().click();
    await page.waitForURL(`${offlineRoot}pages/syllabus.html`);
    expect(await page.locator("h1").textContent()).toBe("Syllabus");
    expect(errors).toEqual([]);
  });

  it("is reached from every page's header, and its form searches", async () => {
    const { page, errors } = browser;
    await page.goto(`${offlineRoot}pages/section-1.html`);
    await page.getByRole("link", { name: "Search this course" }).click();
    await page.waitForURL(`${offlineRoot}search/index.html`);
    await page.getByLabel("Search this course").fill("pipelines");
    await page.getByRole("button", { name: "Search" }).click();
    const found = await results("pipelines");
    expect(found.links).toEqual([
      { title: "OCW CI Test Course", href: `${offlineRoot}index.html` },
    ]);
    expect(errors).toEqual([]);
  });
});
