// The lectern-course theme building real OCW content: both golden exports of OCW's CI test
// course (Lectern's course starter and OCW's own), online and offline, with Debian's Hugo
// through the builder's runHugo. Extra content files cover what the fixture lacks
// (instructors, an uploaded video with captions, nested pages, broken references).
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, normalize } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { themeBudget } from "./budget.ts";
import {
  BASE_URL,
  buildGolden,
  listFiles,
  outputPathOf,
  readOutput,
  type ThemeBuild,
} from "./build.ts";
import { goldenDir, parseGolden } from "./golden.ts";

const COURSE = "ocw-ci-test-course.course";
const OCW_STUDIO = "ocw-ci-test-course.ocw-studio";
const SECTION_1 = "d9eb8c7e-b9ac-42db-83d1-5e36b8189f5d";
const MISSING_UID = "00000000-0000-4000-8000-000000000000";
const LECTURE_2 = "0b7a3c3e-8a59-4a3f-9a55-4f6f9c1d2e11";
const DIAGRAM = "0b7a3c3e-8a59-4a3f-9a55-4f6f9c1d2e12";

const extra: Record<string, string> = {
  "content/instructors/jane-doe.md": [
    "---",
    "content_type: instructor",
    "first_name: Jane",
    "last_name: Doe",
    "salutation: Prof.",
    "title: Prof. Jane Doe",
    "uid: 588e4e64-823f-4e8e-a29e-0e695e2297ae",
    "---",
    "Teaches mechanics.",
    "",
  ].join("\n"),
  "content/resources/lecture-1.md": [
    "---",
    "content_type: resource",
    "file: /courses/ocw-ci-test-course/lecture-1.mp4",
    "file_size: 2500000",
    "file_type: video/mp4",
    "resourcetype: Video",
    "title: Lecture 1",
    "uid: 0b7a3c3e-8a59-4a3f-9a55-4f6f9c1d2e01",
    "video_files:",
    "  video_captions_resources:",
    "  - file: /courses/ocw-ci-test-course/lecture-1.vtt",
    "    language: en",
    "  video_transcript_resources:",
    "  - file: /courses/ocw-ci-test-course/lecture-1.pdf",
    "    language: en",
    "video_metadata:",
    "  youtube_id: ''",
    "---",
    "",
  ].join("\n"),
  // An uploaded video and image the media pipeline processed: data/lectern_media.json is what
  // the builder writes from the Worker's list of derived files (builder/src/media-refs.ts).
  "content/resources/lecture-2.md": [
    "---",
    "content_type: resource",
    `file: /files/${LECTURE_2}/lecture-2.mov`,
    "file_size: 4000000",
    "file_type: video/quicktime",
    "resourcetype: Video",
    "title: Lecture 2",
    `uid: ${LECTURE_2}`,
    "---",
    "",
  ].join("\n"),
  "content/resources/diagram.md": [
    "---",
    "content_type: resource",
    `file: /files/${DIAGRAM}/diagram.png`,
    "file_type: image/png",
    "image_metadata:",
    "  image-alt: A free-body diagram",
    "resourcetype: Image",
    "title: Diagram",
    `uid: ${DIAGRAM}`,
    "---",
    "",
  ].join("\n"),
  "data/lectern_media.json": JSON.stringify({
    [LECTURE_2]: {
      width: 1920,
      height: 1080,
      duration_seconds: 62.5,
      web_mp4: { path: `_media/${LECTURE_2}/web.mp4`, type: "video/mp4", width: 1280, height: 720 },
      poster: { path: `_media/${LECTURE_2}/poster.jpg`, type: "image/jpeg" },
      captions: [
        {
          path: `_media/${LECTURE_2}/captions.en.vtt`,
          type: "text/vtt",
          lang: "en",
          label: "English",
        },
        {
          path: `_media/${LECTURE_2}/captions.fr.vtt`,
          type: "text/vtt",
          lang: "fr",
          label: "French",
        },
      ],
      transcripts: [
        { path: `_media/${LECTURE_2}/transcript.en.txt`, type: "text/plain", lang: "en" },
      ],
      thumbnails: [],
    },
    [DIAGRAM]: {
      width: 1600,
      height: 1200,
      thumbnails: [
        { path: `_media/${DIAGRAM}/w320.webp`, type: "image/webp", width: 320, height: 240 },
        { path: `_media/${DIAGRAM}/w640.webp`, type: "image/webp", width: 640, height: 480 },
      ],
      captions: [],
      transcripts: [],
    },
  }),
  "content/pages/section-1-child.md": [
    "---",
    "content_type: page",
    "title: Nested Page",
    `parent_uid: ${SECTION_1}`,
    "uid: 0b7a3c3e-8a59-4a3f-9a55-4f6f9c1d2e02",
    "---",
    "Under section 1.",
    "",
    "{{< resource 0b7a3c3e-8a59-4a3f-9a55-4f6f9c1d2e01 >}}",
    "",
  ].join("\n"),
  "content/pages/broken.md": [
    "---",
    "content_type: page",
    "title: Broken References",
    "uid: 0b7a3c3e-8a59-4a3f-9a55-4f6f9c1d2e03",
    "---",
    `A {{% resource_link "${MISSING_UID}" "gone" %}} link and a missing embed:`,
    "",
    "{{< resource 11111111-0000-4000-8000-000000000000 >}}",
    "",
    "[A page that is not there](/pages/not-there)",
    "",
  ].join("\n"),
};

let work: string;
const builds: Record<string, ThemeBuild> = {};
const build = (key: string) => builds[key] as ThemeBuild;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "lectern-theme-test-"));
  const golden = parseGolden(await readFile(join(goldenDir, `${COURSE}.txt`), "utf8"));
  const course = JSON.parse(golden.get("data/course.json") ?? "{}");
  const hidden = `${JSON.stringify({ ...course, hide_download: true }, null, 2)}\n`;
  const specs: [string, string, Parameters<typeof buildGolden>[2]][] = [
    ["course", COURSE, {}],
    ["ocw-studio", OCW_STUDIO, {}],
    ["offline", COURSE, { offline: true, extra }],
    ["extra", COURSE, { extra }],
    ["hidden", COURSE, { extra: { "data/course.json": hidden } }],
    [
      "unknown",
      COURSE,
      { extra: { "content/pages/odd.md": "---\ntitle: Odd\n---\n{{< no_such_shortcode >}}\n" } },
    ],
  ];
  await Promise.all(
    specs.map(async ([key, name, opts]) => {
      builds[key] = await buildGolden(name, join(work, key), opts);
    }),
  );
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const htmlFiles = async (b: ThemeBuild) =>
  (await listFiles(b.output)).filter((p) => p.endsWith(".html"));

/** What a page must have whatever it shows; returns the problems found. */
function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  const count = (re: RegExp) => html.match(re)?.length ?? 0;
  if (count(/<h1[\s>]/g) !== 1) problems.push(`${count(/<h1[\s>]/g)} <h1>`);
  if (!/<html lang="[a-z]{2}/.test(html)) problems.push("no lang");
  if (!html.includes('<a class="skip-link" href="#main">')) problems.push("no skip link");
  if (count(/<main id="main"/g) !== 1) problems.push("not one <main id=main>");
  for (const tag of ["div", "ul", "ol", "li", "table", "tr", "td", "th", "figure", "nav"]) {
    const open = count(new RegExp(`<${tag}[\\s>]`, "g"));
    const close = count(new RegExp(`</${tag}>`, "g"));
    if (open !== close) problems.push(`<${tag}> ${open} opened, ${close} closed`);
  }
  for (const tag of ["section", "article", "details", "fieldset", "a", "p"]) {
    const open = count(new RegExp(`<${tag}[\\s>]`, "g"));
    const close = count(new RegExp(`</${tag}>`, "g"));
    if (open !== close) problems.push(`<${tag}> ${open} opened, ${close} closed`);
  }
  let depth = 0;
  for (const m of html.matchAll(/<a[\s>]|<\/a>/g)) {
    depth += m[0] === "</a>" ? -1 : 1;
    if (depth > 1) {
      problems.push("a link inside a link");
      break;
    }
  }
  if (/<p>\s*<(table|div|figure|ul)[\s>]/.test(html)) problems.push("block inside <p>");
  return problems;
}

describe.each([
  ["course", COURSE],
  ["ocw-studio", OCW_STUDIO],
])("the %s golden export", (key, name) => {
  it("builds without errors", () => {
    const b = build(key);
    expect(b.hugo.log).not.toMatch(/ERROR/);
    expect(b.hugo.ok, b.hugo.log).toBe(true);
    expect(name).toContain("ocw-ci-test-course");
  });

  it("renders every content file to a page", async () => {
    const b = build(key);
    const content = [...b.files.keys()].filter(
      (p) => p.startsWith("content/") && p.endsWith(".md"),
    );
    expect(content.length).toBeGreaterThan(50);
    const html = new Set(await htmlFiles(b));
    expect(content.map((p) => outputPathOf(p, false)).filter((p) => !html.has(p))).toEqual([]);
  });

  it("leaves no shortcode unrendered and no raw HTML dropped", async () => {
    const b = build(key);
    for (const path of await htmlFiles(b)) {
      const html = await readOutput(b, path);
      expect(html, path).not.toMatch(/\{\{[<%]|HAHAHUGOSHORTCODE|raw HTML omitted/);
    }
  });

  it("writes well-formed, accessible pages", async () => {
    const b = build(key);
    const problems: string[] = [];
    for (const path of await htmlFiles(b)) {
      for (const p of htmlProblems(await readOutput(b, path))) problems.push(`${path}: ${p}`);
    }
    expect(problems).toEqual([]);
  });
});

describe("the course home", () => {
  it("shows the course's metadata, description and menu", async () => {
    const html = await readOutput(build("course"), "index.html");
    expect(html).toMatch(/<h1>OCW CI Test Course<\/h1>/);
    expect(html).toContain("<dd>123, 456</dd>");
    expect(html).toContain("<dd>Fall 2022</dd>");
    expect(html).toContain("Graduate, Undergraduate, Early Childhood");
    expect(html).toContain("Engineering › Computer Science › Software Design and Engineering");
    expect(html).toContain("<li>Physics</li>");
    // The description's resource_link shortcodes resolve to the external resources' URLs.
    expect(html).toContain(
      '<a class="external" href="https://github.mit.edu/ocw-content-rc/ocw-ci-test-course" rel="noopener">https://github.mit.edu/ocw-content-rc/ocw-ci-test-course</a>',
    );
    expect(html).toMatch(/<img class="course-image" src="\/example_jpg.jpg" alt=""/);
    expect(html).toMatch(/<nav class="course-nav" aria-label="Course">/);
    expect(html).toContain('<a href="/pages/section-1/">Section 1 Menu Title</a>');
    // Nested menu entries sit in their parent's list.
    expect(html).toMatch(
      /Section 1 Menu Title<\/a><ul>\s*<li>\s*<a href="\/pages\/subsection-1a\/">/,
    );
    expect(html).toContain('href="/__lectern/offline.zip" download>Download course</a>');
  });

  it("resolves instructors by uid and reports the ones the export lacks", async () => {
    const b = build("extra");
    const html = await readOutput(b, "index.html");
    expect(html).toContain('<a href="/instructors/jane-doe/">Prof. Jane Doe</a>');
    expect(b.hugo.log).toContain(
      "LECTERN-MISSING-INSTRUCTOR page=data/course.json uid=3caa0884-4fdd-4f3c-ba39-67a64c27d877",
    );
    expect(b.hugo.log).not.toContain("uid=588e4e64-823f-4e8e-a29e-0e695e2297ae");
  });

  it("hides the download link when the course says so", async () => {
    const b = build("hidden");
    expect(b.hugo.ok, b.hugo.log).toBe(true);
    for (const path of await htmlFiles(b)) {
      expect(await readOutput(b, path), path).not.toContain("offline.zip");
    }
  });

  it("marks the current page in the menu", async () => {
    const html = await readOutput(build("course"), "pages/subsection-1a/index.html");
    expect(html).toContain(
      '<a href="/pages/subsection-1a/" aria-current="page">Subsection 1a Menu Title</a>',
    );
    expect(html.match(/aria-current/g)).toHaveLength(1);
    expect(html).toMatch(/<li class="open">\s*<a href="\/pages\/section-1\/">/);
  });
});

describe("pages and resources", () => {
  it("renders OCW's table shortcodes as a table", async () => {
    const html = await readOutput(build("course"), "pages/subscripts-and-superscripts/index.html");
    expect(html).toMatch(/<table>\s*<thead>\s*<tr>\s*<th scope="col">\s*Header One/);
    expect(html).toContain("lorem<sub>abc 123</sub> ipsum");
    expect(html).toContain('lorem<a href="/pages/subscripts-and-superscripts/"><sup>‡</sup></a>');
  });

  it("links resource_link to the target's page, without added spaces", async () => {
    const b = build("course");
    const second = await readOutput(b, "pages/second-test-page/index.html");
    expect(second).toContain(
      'xxx<a href="/pages/first-test-page-title/">First Test Page Title</a>xxx',
    );
    const ext = await readOutput(b, "pages/external-resources-page/index.html");
    expect(ext).toContain('<a href="/resources/example_jpg/">this</a>');
    expect(ext).toContain(
      '<a class="external" href="https://ocw.mit.edu" rel="noopener">OCW main</a>',
    );
  });

  it("reports links to missing uids and pages instead of failing", async () => {
    const b = build("extra");
    expect(b.hugo.ok, b.hugo.log).toBe(true);
    expect(b.hugo.log).toContain(
      `LECTERN-BROKEN-LINK page=pages/broken.md uid=${MISSING_UID} kind=resource_link`,
    );
    expect(b.hugo.log).toContain(
      "LECTERN-BROKEN-LINK page=pages/broken.md uid=11111111-0000-4000-8000-000000000000 kind=resource",
    );
    expect(b.hugo.log).toContain("LECTERN-BROKEN-LINK page=pages/broken.md path=/pages/not-there");
    // The golden course's own broken link (to an external resource it does not have).
    expect(build("course").hugo.log).toContain(
      "LECTERN-BROKEN-LINK page=pages/external-resources-page.md uid=3ee0856f-f641-4d3f-9cdc-79714fff907d",
    );
    const html = await readOutput(b, "pages/broken/index.html");
    expect(html).toContain('<span class="broken-link">gone</span>');
  });

  it("fails loudly on an unknown shortcode", () => {
    const b = build("unknown");
    expect(b.hugo.ok).toBe(false);
    expect(b.hugo.log).toContain('"no_such_shortcode"');
  });

  it("rewrites OCW's site-absolute links to this site's pages", async () => {
    const b = build("course");
    const html = await readOutput(b, "pages/legacy-course-links/index.html");
    expect(html).toContain('<a href="/pages/first-test-page-title/#a-section">');
    expect(b.hugo.log).toContain(
      "LECTERN-BROKEN-LINK page=pages/legacy-course-links.md path=/courses/ocw-ci-test-course/pages/deliberately-missing-page#a-section kind=link",
    );
  });

  it("embeds YouTube videos from youtube-nocookie.com", async () => {
    const html = await readOutput(build("course"), "pages/video-series-overview/index.html");
    expect(html).toContain(
      '<iframe src="https://www.youtube-nocookie.com/embed/YWyHAlAuRL0?start=13"',
    );
    expect(html).toMatch(/title="Video: ocw_test_course_MIT8_01F16_L01v01_360p.mp4"/);
  });

  it("plays uploaded videos with caption tracks and a transcript", async () => {
    const html = await readOutput(build("extra"), "resources/lecture-1/index.html");
    expect(html).toContain('<source src="/lecture-1.mp4" type="video/mp4">');
    expect(html).toContain(
      '<track kind="captions" src="/lecture-1.vtt" srclang="en" label="English" default>',
    );
    expect(html).toContain('<a href="/lecture-1.pdf">Transcript (English)</a>');
    expect(html).toContain("Download video (MP4, 2.5 MB)");
  });

  it("plays the media pipeline's web MP4 with its poster, caption tracks and transcript", async () => {
    const html = await readOutput(build("extra"), "resources/lecture-2/index.html");
    expect(html).toContain(`poster="/_media/${LECTURE_2}/poster.jpg"`);
    expect(html).toContain(`<source src="/_media/${LECTURE_2}/web.mp4" type="video/mp4">`);
    expect(html).toContain(
      `<track kind="captions" src="/_media/${LECTURE_2}/captions.en.vtt" srclang="en" label="English" default>`,
    );
    expect(html).toContain(
      `<track kind="captions" src="/_media/${LECTURE_2}/captions.fr.vtt" srclang="fr" label="French">`,
    );
    expect(html).toContain(
      `<a href="/_media/${LECTURE_2}/transcript.en.txt">Transcript (English)</a>`,
    );
    // The download stays the original.
    expect(html).toContain(`<a href="/files/${LECTURE_2}/lecture-2.mov" download>`);
  });

  it("gives uploaded images the pipeline's thumbnails as a srcset, with their size", async () => {
    const html = await readOutput(build("extra"), "resources/diagram/index.html");
    expect(html).toContain(
      `<img src="/files/${DIAGRAM}/diagram.png" alt="A free-body diagram" srcset="/_media/${DIAGRAM}/w320.webp 320w, /_media/${DIAGRAM}/w640.webp 640w, /files/${DIAGRAM}/diagram.png 1600w" sizes="(min-width: 60rem) 56rem, 100vw" width="1600" height="1200"`,
    );
  });

  it("offers documents for download with type and size", async () => {
    const html = await readOutput(build("course"), "resources/example_pdf/index.html");
    expect(html).toContain(
      '<a class="download" href="/example_pdf.pdf" download>Download 8.01 Classical Mechanics Pset 1</a> <span class="file-info">(PDF, 274 kB)</span>',
    );
  });

  it("nests pages under their parent by parent_uid", async () => {
    const b = build("extra");
    const child = await readOutput(b, "pages/section-1-child/index.html");
    expect(child).toMatch(/<nav class="breadcrumbs" aria-label="Breadcrumb">/);
    expect(child).toContain('<li><a href="/pages/section-1/">Section 1</a></li>');
    const parent = await readOutput(b, "pages/section-1/index.html");
    expect(parent).toContain('<li><a href="/pages/section-1-child/">Nested Page</a>');
  });

  it("lists a resource list's and a video gallery's items", async () => {
    const b = build("course");
    const list = await readOutput(b, "lists/a-resource-list/index.html");
    expect(list).toContain('<a href="/resources/file_docx/">file.docx</a>');
    expect(list.match(/<li><a href="\/resources\//g)).toHaveLength(6);
    const gallery = await readOutput(b, "video_galleries/lecture-videos/index.html");
    expect(gallery).toContain('href="/resources/ocw_test_course_mit8_01f16_l01v01_360p/"');
    expect(gallery).toContain('href="/resources/ocw_test_course_mit8_01f16_l01v02_360p/"');
  });

  it("renders quizzes without JavaScript and math as its source", async () => {
    const b = build("course");
    const quiz = await readOutput(b, "pages/quiz-demo/index.html");
    expect(quiz.match(/<input type="radio" name="sample-question-1"/g)).toHaveLength(2);
    expect(quiz).toContain('<span class="quiz-feedback correct">Correct</span>');
    expect(quiz).toMatch(
      /<details class="quiz-solution"><summary>[^<]+<\/summary>\s*<p>4 is even.<\/p>/,
    );
    const math = await readOutput(b, "pages/mathjax-demo/index.html");
    expect(math).toContain('<span class="math">\\(E = mc^2\\)</span>');
    expect(math).toContain('<span class="math math-display">\\[\n\\int_0^1 x^2 \\, dx');
  });

  it("loads the math renderer on pages with math only, from the site itself", async () => {
    const b = build("course");
    const math = await readOutput(b, "pages/mathjax-demo/index.html");
    expect(math).toContain('<link rel="stylesheet" href="/_lectern/katex/katex.min.css">');
    expect(math).toContain('<script src="/_lectern/katex/katex.min.js" defer></script>');
    expect(math).toMatch(/<script src="\/js\/math\.min\.[0-9a-f]+\.js" defer><\/script>/);
    for (const plain of ["index.html", "pages/syllabus/index.html", "search/index.html"]) {
      expect(await readOutput(b, plain), plain).not.toContain("katex");
    }
    // The offline copy links them relatively.
    const offline = await readOutput(build("offline"), "pages/mathjax-demo.html");
    expect(offline).toContain('src="../_lectern/katex/katex.min.js"');
  });

  it("renders OCW's image gallery, sup and readable id shortcodes", async () => {
    const b = build("course");
    const gallery = await readOutput(b, "pages/image-gallery/index.html");
    expect(gallery).toContain('<img src="/example_jpg.jpg" alt="A dog having fun"');
    const overview = await readOutput(b, "pages/video-series-overview/index.html");
    expect(overview).toContain("MATLAB<sup>®</sup>");
    const ids = await readOutput(b, "pages/readable-id-cases/index.html");
    expect(ids).toContain('data-readable-id-case="fall" data-readable-id="6.001-fall-2024"');
    expect(ids).toContain(
      'data-readable-id-case="january-iap" data-readable-id="6.001-january-iap-2024"',
    );
    expect(ids).toContain('data-readable-id-case="without-term-or-year" data-readable-id="6.001"');
  });
});

describe("the per-site JSON for Learn", () => {
  it("holds the course metadata with instructors and the description as HTML", async () => {
    const data = JSON.parse(await readOutput(build("extra"), "learn.json"));
    expect(data).toMatchObject({
      site_short_id: "ocw-ci-test-course",
      url: BASE_URL,
      title: "OCW CI Test Course",
      primary_course_number: "123",
      extra_course_numbers: ["456"],
      term: "Fall",
      year: "2022",
      department_numbers: ["8", "6", "18"],
      image: { url: `${BASE_URL}example_jpg.jpg`, uid: "5388b0c3-c599-4c42-8a3c-f89beed7c154" },
      instructors: [
        {
          uid: "588e4e64-823f-4e8e-a29e-0e695e2297ae",
          name: "Prof. Jane Doe",
          url: `${BASE_URL}instructors/jane-doe/`,
        },
      ],
    });
    expect(data.description_html).toContain(
      '<a class="external" href="https://ocw-studio-rc.odl.mit.edu/sites/ocw-ci-test-course"',
    );
    expect(data.description_html).toContain("<ul>");
  });
});

describe("the media list for the builder", () => {
  it("gives every resource's file URL, as the pages link it, by uid", async () => {
    const b = build("course");
    const list = JSON.parse(await readOutput(b, "lectern-media.json")) as {
      version: number;
      items: { uid: string; url: string }[];
    };
    expect(list.version).toBe(1);
    const resources = [...b.files.entries()].filter(
      ([p, text]) => p.startsWith("content/resources/") && /^file: (?!null$|''$)/m.test(text),
    );
    expect(list.items).toHaveLength(resources.length);
    // OCW's /courses/<site>/ prefix is the site's own media folder: served from the root.
    const pdf = list.items.find((i) => i.uid === "8e40ed3c-81d4-47e1-bf2f-4fd4a52a1da8");
    expect(pdf?.url).toBe("/example_pdf.pdf");
    const page = await readOutput(b, "resources/example_pdf/index.html");
    expect(page).toContain('href="/example_pdf.pdf"');
  });
});

describe("the offline build", () => {
  it("renders every content file to a foo.html page", async () => {
    const b = build("offline");
    expect(b.hugo.ok, b.hugo.log).toBe(true);
    const html = new Set(await htmlFiles(b));
    const content = [...b.files.keys()].filter(
      (p) => p.startsWith("content/") && p.endsWith(".md"),
    );
    expect(content.map((p) => outputPathOf(p, true)).filter((p) => !html.has(p))).toEqual([]);
    expect(html.has("index.html")).toBe(true);
    expect(await listFiles(b.output)).not.toContain("learn.json");
  });

  it("links only relatively, to files that exist", async () => {
    const b = build("offline");
    const problems: string[] = [];
    for (const path of await htmlFiles(b)) {
      const html = await readOutput(b, path);
      if (html.includes("course.example.test")) problems.push(`${path}: the base URL`);
      if (html.includes("offline.zip")) problems.push(`${path}: the download link`);
      for (const [, url] of html.matchAll(/(?:href|src)="([^"]*)"/g)) {
        if (url === undefined || /^([a-z][a-z0-9+.-]*:|#)/i.test(url)) continue;
        if (url.startsWith("/")) {
          problems.push(`${path}: rooted ${url}`);
          continue;
        }
        const target = url.replace(/[#?].*$/, "");
        // Pages and stylesheets must be there; media are not part of the fixture, links to
        // other OCW courses are reported broken by the build, and KaTeX's files are added by
        // the builder after Hugo (builder/src/math-assets.ts, tested there and end to end).
        if (!/\.(html|css)$/.test(target) || target.includes("courses/")) continue;
        if (target.includes("_lectern/katex/")) continue;
        try {
          await access(normalize(join(b.output, dirname(path), target)));
        } catch {
          problems.push(`${path}: ${url} does not exist`);
        }
      }
      for (const p of htmlProblems(html)) problems.push(`${path}: ${p}`);
    }
    expect(problems).toEqual([]);
  });

  it("plays local videos instead of YouTube and links home to index.html", async () => {
    const b = build("offline");
    const video = await readOutput(b, "resources/ocw_test_course_mit8_01f16_l01v01_360p.html");
    expect(video).toContain("<video");
    expect(video).not.toContain("<iframe");
    const page = await readOutput(b, "pages/section-1.html");
    expect(page).toContain('<a href="../index.html">OCW CI Test Course</a>');
    expect(page).toContain('<a href="../pages/subsection-1a.html">');
  });
});

describe("the search page", () => {
  it("is there online and offline, with a form that works without JavaScript", async () => {
    for (const [key, form] of [
      ["course", '<form class="search-form" role="search" action="/search/" method="get">'],
      [
        "offline",
        '<form class="search-form" role="search" action="../search/index.html" method="get">',
      ],
    ] as const) {
      const html = await readOutput(build(key), "search/index.html");
      expect(html).toContain("<title>Search | OCW CI Test Course</title>");
      expect(html).toContain(form);
      expect(html).toContain('<input id="search-query" type="search" name="q"');
      expect(html).toMatch(/<p id="search-status" [^>]*>Search needs JavaScript/);
      // Not indexed itself, and no link to itself.
      expect(html).not.toContain("data-pagefind-body");
      expect(html).not.toContain("search-link");
    }
    const offline = await readOutput(build("offline"), "search/index.html");
    expect(offline).toContain('<script src="../pagefind/lectern-offline.js" defer></script>');
    expect(offline).toMatch(
      /<script src="\.\.\/js\/search\.min\.[0-9a-f]+\.js" data-index="pagefind\/" defer>/,
    );
  });

  it("is linked from every page's header; the content, not the menus, is marked for the index", async () => {
    for (const key of ["course", "offline"]) {
      const b = build(key);
      for (const path of await htmlFiles(b)) {
        if (path === "search/index.html") continue;
        const html = await readOutput(b, path);
        const depth = path.split("/").length - 1;
        const href =
          key === "offline" ? `${"../".repeat(depth) || "./"}search/index.html` : "/search/";
        expect(html, path).toContain(
          `<a class="search-link" href="${href}">Search this course</a>`,
        );
        const body = path === "404.html" ? "" : " data-pagefind-body";
        expect(html, path).toContain(`<main id="main" tabindex="-1"${body}>`);
      }
    }
  });
});

describe("the theme budget", () => {
  it("measures HTML, CSS and JS (gzip)", async () => {
    const budget = await themeBudget(build("course").output);
    expect(budget.htmlBytesPerPage).toBeGreaterThan(500);
    expect(budget.cssBytes).toBeGreaterThan(500);
    // Small by design: one stylesheet per page, and a script only on the search page.
    expect(budget.cssBytes).toBeLessThan(5_000);
    expect(budget.jsBytes).toBeGreaterThan(0);
    expect(budget.jsBytes).toBeLessThan(2_500);
  });

  it("loads no script and only the main stylesheet on every page but search and math ones", async () => {
    const b = build("course");
    let withMath = 0;
    for (const path of await htmlFiles(b)) {
      if (path === "search/index.html") continue;
      const html = await readOutput(b, path);
      if (html.includes('class="math')) {
        // KaTeX and the renderer, deferred, and KaTeX's stylesheet: nothing else.
        withMath += 1;
        expect(html.match(/<script [^>]*defer><\/script>/g), path).toHaveLength(2);
        expect(html.match(/<link rel="stylesheet"/g), path).toHaveLength(2);
        continue;
      }
      expect(html, path).not.toContain("<script");
      expect(html.match(/<link rel="stylesheet"/g), path).toHaveLength(1);
    }
    expect(withMath).toBeGreaterThan(0);
    const search = await readOutput(b, "search/index.html");
    expect(search.match(/<script /g)).toHaveLength(1);
    expect(
      search.match(/<link rel="stylesheet" href="\/css\/(main|search)\.min\.[0-9a-f]+\.css">/g),
    ).toHaveLength(2);
  });
});
