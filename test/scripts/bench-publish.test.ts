// The publish benchmark's pure parts (scripts/bench/): the generated course, the one-word edit,
// a deploy's phases, delivery against the static baseline, process trees, the report.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  frontMatterFile,
  GENERATED_FOLDER,
  generatedCourseFiles,
  seededUuid,
  slugify,
} from "../../scripts/bench/course-archive.mjs";
import { seededRandom } from "../../scripts/bench/course-content.mjs";
import { treeOf } from "../../scripts/bench/process-tree.mjs";
import {
  editOneWord,
  phasesFromMessage,
  publishSplit,
  shuffled,
  vsStatic,
} from "../../scripts/bench/publish-figures.mjs";
import { formatPublishReport } from "../../scripts/bench/publish-report.mjs";
import { pagePaths } from "../../scripts/bench/site-client.mjs";
import { staticWranglerToml } from "../../scripts/bench/static-site.mjs";
import { themeBudget } from "../../scripts/bench/theme-budget.mjs";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function frontMatter(text: string) {
  const m = /^---\n([\s\S]*?)---\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`no front matter in ${text.slice(0, 80)}`);
  return { data: parse(m[1] ?? "") as Record<string, unknown>, body: m[2] ?? "" };
}

describe("the generated course", () => {
  it("has the pages and resources asked for, in OCW's export layout, with unique uids", () => {
    const { files, pages } = generatedCourseFiles({ pages: 30, resources: 70 });
    const paths = [...files.keys()];
    expect(paths.filter((p) => p.startsWith("content/pages/"))).toHaveLength(30);
    expect(paths.filter((p) => p.startsWith("content/resources/"))).toHaveLength(70);
    expect(paths).toContain("data/course.json");
    expect(paths).toContain("config/_default/menus.yaml");
    expect(files.size).toBe(102);
    expect(pages).toHaveLength(30);

    const items = paths
      .filter((p) => p.startsWith("content/"))
      .map((p) => frontMatter(files.get(p) ?? ""));
    const uids = items.map((i) => i.data.uid as string);
    expect(new Set(uids).size).toBe(100);
    for (const uid of uids) expect(uid).toMatch(UUID);
    const resource = items.find((i) => i.data.content_type === "resource");
    expect(resource?.data).toMatchObject({ body: "", draft: false, resourcetype: "Document" });
    const page = items.find((i) => i.data.content_type === "page");
    expect(page?.body.length).toBeGreaterThan(500);
    // Pages link resources of the course.
    const linked = [...(page?.body ?? "").matchAll(/resource_link "([^"]+)"/g)].map((m) => m[1]);
    for (const uid of linked) expect(uids).toContain(uid);
  });

  it("names its course image and its site as OCW does, and menus pages by pageRef", () => {
    const { files, pages } = generatedCourseFiles({ pages: 12, resources: 10 });
    const course = JSON.parse(files.get("data/course.json") ?? "{}");
    expect(course.site_short_id).toBe(GENERATED_FOLDER);
    expect(course.course_image).toEqual({
      content: expect.stringMatching(UUID),
      website: GENERATED_FOLDER,
    });
    const menu = parse(files.get("config/_default/menus.yaml") ?? "") as {
      leftnav: { identifier: string; pageRef: string; parent?: string }[];
    };
    expect(menu.leftnav).toHaveLength(12);
    expect(menu.leftnav[0]).toMatchObject({
      identifier: pages[0]?.uid,
      pageRef: `/pages/${pages[0]?.filename}`,
    });
    expect(menu.leftnav[1]?.parent).toBe(pages[0]?.uid);
  });

  it("is the same course every time", () => {
    const a = generatedCourseFiles({ pages: 5, resources: 5 });
    const b = generatedCourseFiles({ pages: 5, resources: 5 });
    expect([...a.files]).toEqual([...b.files]);
  });

  it("slugifies titles and writes sorted front matter", () => {
    expect(slugify("Unit 3.4: Newton's Laws")).toBe("unit-3-4-newton-s-laws");
    expect(slugify("  --Hello--  ")).toBe("hello");
    expect(frontMatterFile({ title: "T", content_type: "page", uid: "u" }, "Body")).toBe(
      "---\ncontent_type: page\ntitle: T\nuid: u\n---\nBody",
    );
    expect(seededUuid(seededRandom(1))).toBe(seededUuid(seededRandom(1)));
    expect(seededUuid(seededRandom(1))).toMatch(UUID);
  });
});

describe("editOneWord", () => {
  it("replaces the first plain word of the first prose line", () => {
    expect(editOneWord("This is the body of the first test page.", "zzz")).toBe(
      "zzz is the body of the first test page.",
    );
    expect(editOneWord("It is a body.", "zzz")).toBe("It is a zzz.");
  });

  it("skips shortcodes, headings, lists and text after a link", () => {
    const body = [
      '{{< resource uuid="x" >}}',
      "## Kinematics",
      "- item one",
      "",
      "See [the notes](/x) then more.",
      "Velocity of a mass.",
    ].join("\n");
    expect(editOneWord(body, "zzz")).toBe(body.replace("See [the", "zzz [the"));
    expect(editOneWord("[a link](/x) word", "zzz")).toBeNull();
    expect(editOneWord('{{% resource_link "u" "notes" %}}', "zzz")).toBeNull();
    expect(editOneWord("", "zzz")).toBeNull();
  });
});

describe("a deploy's phases", () => {
  const message =
    "3007 files; 3007 uploaded (19443946 bytes), 0 already stored; Hugo 16965 ms; search index " +
    "of 3000 pages 900 ms; cache purged (1 tags); fetch 2819 ms, build 16966 ms, search 910 ms, " +
    "upload 35916 ms, activate 14 ms, purge 30 ms";

  it("reads the builder's phases from its message", () => {
    expect(phasesFromMessage(message)).toEqual({
      fetch: 2819,
      build: 16966,
      search: 910,
      upload: 35916,
      activate: 14,
      purge: 30,
    });
    expect(phasesFromMessage(null)).toEqual({});
    expect(phasesFromMessage("Hugo failed after 300 ms; see the log")).toEqual({});
  });

  it("takes the record's timings first, the message for the rest, and leaves the rest as other", () => {
    const split = publishSplit(
      {
        timings: { queue: 5, fetch: 2800, build: 17000, search: 900, upload: 36000, purge: 672 },
        message: "fetch 1 ms, build 2 ms, upload 3 ms, activate 14 ms, purge 30 ms",
      },
      57_000,
    );
    expect(split).toEqual({
      queue: 5,
      fetch: 2800,
      build: 17000,
      search: 900,
      upload: 36000,
      activate: 14,
      purge: 672,
      other: 57_000 - (5 + 2800 + 17000 + 900 + 36000 + 14),
    });
    expect(Object.keys(split)).toEqual([
      "queue",
      "fetch",
      "build",
      "search",
      "upload",
      "activate",
      "purge",
      "other",
    ]);
  });

  it("has no other when a phase is unknown, and never a negative one", () => {
    expect(publishSplit({ timings: { fetch: 1, build: 2, upload: 3 } }, 100).other).toBeNull();
    const all = { queue: 0, fetch: 50, build: 50, upload: 50, activate: 10 };
    expect(publishSplit({ timings: all }, 100).other).toBe(0);
    expect(publishSplit({ timings: all }, null).other).toBeNull();
  });
});

describe("delivery against the static baseline", () => {
  it("divides latencies and throughput by the baseline's", () => {
    expect(
      vsStatic({ p50: 30, p99: 90, throughput: 100 }, { p50: 10, p99: 45, throughput: 400 }),
    ).toEqual({ p50: 3, p99: 2, throughput: 0.25 });
    expect(
      vsStatic({ p50: null, p99: 9, throughput: 1 }, { p50: 1, p99: 0, throughput: 1 }),
    ).toEqual({
      p50: null,
      p99: null,
      throughput: 1,
    });
  });

  it("shuffles the same way for the same seed, losing and repeating nothing", () => {
    const paths = Array.from({ length: 50 }, (_, i) => `/p${i}/`);
    const a = shuffled(paths, seededRandom(7));
    expect(a).toEqual(shuffled(paths, seededRandom(7)));
    expect(a).not.toEqual(paths);
    expect([...a].sort()).toEqual([...paths].sort());
  });

  it("maps built files to page URLs, without the 404 page and other files", () => {
    expect(
      pagePaths([
        "404.html",
        "index.html",
        "css/site.css",
        "pages/a/index.html",
        "pages/index.html",
        "resources/b_pdf/index.html",
        "learn.json",
      ]),
    ).toEqual(["/", "/pages/", "/pages/a/", "/resources/b_pdf/"]);
  });

  it("serves the folder as assets only", () => {
    expect(staticWranglerToml("/tmp/site public")).toBe(
      'name = "lectern-bench-static"\ncompatibility_date = "2026-04-01"\n\n[assets]\ndirectory = "/tmp/site public"\n',
    );
  });
});

describe("process trees", () => {
  it("finds every descendant of the root, whatever its process group", () => {
    const table = [
      { pid: 1, ppid: 0 },
      { pid: 10, ppid: 1 }, // the builder
      { pid: 11, ppid: 10 }, // Hugo
      { pid: 12, ppid: 11 }, // something Hugo started
      { pid: 13, ppid: 10 },
      { pid: 20, ppid: 1 }, // wrangler, not ours
      { pid: 21, ppid: 20 },
    ];
    expect([...treeOf(table, 10)].sort((a, b) => a - b)).toEqual([10, 11, 12, 13]);
    expect([...treeOf(table, 12)]).toEqual([12]);
    expect(treeOf(table, 99).size).toBe(0);
  });
});

describe("themeBudget", () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("gzips HTML (mean per page), CSS and JS (totals), and counts the pages", async () => {
    dir = await mkdtemp(join(tmpdir(), "lectern-budget-"));
    const html = `<html><body>${"<p>velocity and momentum</p>".repeat(50)}</body></html>`;
    await writeFile(join(dir, "index.html"), html);
    await writeFile(join(dir, "b.html"), html);
    await writeFile(join(dir, "site.css"), "body{margin:0}".repeat(20));
    await writeFile(join(dir, "data.json"), "{}");
    const budget = await themeBudget(dir);
    expect(budget.htmlPages).toBe(2);
    expect(budget.htmlBytesPerPage).toBeGreaterThan(20);
    expect(budget.htmlBytesPerPage).toBeLessThan(html.length);
    expect(budget.cssBytes).toBeGreaterThan(0);
    expect(budget.jsBytes).toBe(0);
  });
});

describe("formatPublishReport", () => {
  it("prints the runs, their phases, the budget and delivery", () => {
    const run = (servedMs: number) => ({
      servedMs,
      vsBareHugo: 4.2,
      files: 3007,
      blobsUploaded: 3007,
      bytesUploaded: 19_443_946,
      split: publishSplit(
        { timings: { queue: 1, fetch: 2, build: 3, search: 4, upload: 5, purge: 6 } },
        servedMs,
      ),
      offlineCopy: { readyMsAfterServed: 20_000 },
      builder: {
        untilServed: { peakRssBytes: 400 * 1024 * 1024, cpuSeconds: 30 },
        offlineCopy: { peakRssBytes: 300 * 1024 * 1024 },
      },
    });
    const op = {
      count: 2000,
      ok: 2000,
      errors: 0,
      conflicts: 0,
      p50: 10,
      p90: 20,
      p99: 30,
      max: 40,
      throughput: 500,
      wallMs: 4000,
      meanBytes: 9000,
      server: { cpuMsPerRequest: 3.5 },
    };
    const text = formatPublishReport({
      courses: [
        {
          key: "generated",
          label: "generated 1000/2000",
          import: { ms: 1000, items: 3002 },
          bareHugo: { hugoMs: 13_000, exportMs: 2000, outputFiles: 3010 },
          themeBudget: {
            htmlBytesPerPage: 2000,
            cssBytes: 2200,
            jsBytes: 1500,
            htmlPages: 3005,
            hugoMsPerPage: 4.33,
          },
          publish: run(57_000),
          republish: { ...run(25_000), edit: { path: "/pages/a/" } },
        },
      ],
      delivery: {
        concurrency: 20,
        pages: 3005,
        operations: { "lectern-cached": op, "static-cached": op },
        vsStatic: { cached: { p50: 1, p99: 1, throughput: 1 } },
      },
      builder: { peakRssGoalBytes: 1024 ** 3, generatedCoursePeakRssBytes: 400 * 1024 * 1024 },
      server: { peakRssBytes: 900 * 1024 * 1024 },
      machine: { loadAverages: [{ at: "start", loadAverage1m: 1.5 }], loadAverage1mAtEnd: 2 },
    });
    expect(text).toContain("generated 1000/2000  first publish     57.00");
    expect(text).toMatch(/queue {2}fetch {2}build {2}search {2}upload {2}other {2}purge/);
    expect(text).toContain("HTML 2.0 KiB/page gzip over 3005 pages");
    expect(text).toContain("400 MiB (goal < 1024 MiB: met)");
    expect(text).toContain("lectern vs static, cached: p50 ×1.00, p99 ×1.00, req/s ×1.00");
  });
});
