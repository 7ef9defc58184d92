import { describe, expect, it } from "vitest";
import type { StarterConfig } from "#schemas/starter";
import { MAX_MARKDOWN_BYTES } from "#workers/domain/content-validation";
import type { StoredItem } from "#workers/domain/hugo-export";
import {
  MAX_FRONT_MATTER_BYTES,
  MAX_IMPORT_ITEMS,
  nameUuid,
  planOcwImport,
  splitFrontMatter,
} from "#workers/domain/ocw-import";
import { archive, course, encode, fixture, ocw } from "./ocw-fixture.ts";

function imported(config: StarterConfig, files = archive, opts = {}) {
  const plan = planOcwImport(config, files, opts);
  if (!plan.ok) throw new Error(JSON.stringify(plan.report.errors, null, 2));
  return plan;
}
const byFilename = (items: StoredItem[], filename: string) => {
  const item = items.find((i) => i.filename === filename);
  if (!item) throw new Error(`no item ${filename}`);
  return item;
};

const PAGE_UID = "d9eb8c7e-b9ac-42db-83d1-5e36b8189f5d";
const page = (fm: string, body = "text") => `---\n${fm}\n---\n${body}`;
const okPage = (uid: string, extra = "") =>
  page(`content_type: page\ntitle: T\ndescription: D\nuid: ${uid}${extra}`);
const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";
const UPPER = "ABCDEF12-1111-4111-8111-111111111111";

/** An import of the given files (paths relative to the site root) expected to fail. */
function errorsOf(files: Record<string, string>, config = ocw) {
  const plan = planOcwImport(
    config,
    Object.entries(files).map(([path, text]) => ({ path, bytes: encode(text) })),
  );
  expect(plan.ok).toBe(false);
  return plan.report.errors;
}

describe("planOcwImport: OCW's test course", () => {
  it("imports every item with OCW's starter, uids and file names kept", () => {
    const { items, report, media } = imported(ocw);
    expect(report.byCollection).toEqual({
      "external-resource": 7,
      menu: 1,
      metadata: 1,
      page: 18,
      resource: 29,
      "resource-list": 1,
      video_gallery: 1,
    });
    expect(report.items).toBe(58);
    expect(report.files).toBe(archive.length);
    expect(report.errors).toEqual([]);
    expect(report.skipped).toEqual([
      "ocw-ci-test-course/README.md",
      "ocw-ci-test-course/layouts/shortcodes/readable_id_case.html",
    ]);
    expect(report.warnings).toEqual([
      {
        path: "ocw-ci-test-course/config/_default/menus.yaml",
        message:
          'menu entry "OCW (backed by old site)" (3ee0856f-f641-4d3f-9cdc-79714fff907d) points at an item that is not in the archive; dropped',
      },
    ]);
    // The fixture has no media: every resource with a file is listed, none fails the import.
    expect(media).toEqual([]);
    expect(report.missingFiles).toHaveLength(26);
    expect(report.missingFiles[0]).toEqual({
      uid: "e90f10c8-b503-42aa-a2ed-0fcde2f04610",
      path: "ocw-ci-test-course/content/resources/917263bef37857bd94ef67692405bcc9_erlp_sbca1s_vtt.md",
      file: "/courses/ocw-ci-test-course/917263bef37857bd94ef67692405bcc9_erlp_sbca1s.vtt",
    });
    const noFile = byFilename(items, "video-archive-url-only"); // file: ''
    expect(noFile.fileMissing).toBe(false);
    expect(byFilename(items, "example_pdf").fileMissing).toBe(true);
    // Items come sorted by their export path.
    const section = byFilename(items, "section-1");
    expect(section).toMatchObject({
      uid: PAGE_UID,
      collection: "page",
      title: "Section 1",
      body: "section 1 body",
      extra: {},
    });
  });

  it("keeps page bodies byte for byte, shortcodes untouched", () => {
    const { items } = imported(ocw);
    for (const item of items.filter((i) => i.collection === "page")) {
      const text =
        fixture[
          `../../../../shared/fixtures/ocw/ocw-ci-test-course/content/pages/${item.filename}.md`
        ];
      expect(splitFrontMatter(text ?? "")?.body, item.filename).toBe(item.body);
    }
    expect(byFilename(items, "shortcode-demos").body).toContain("{{% resource_link");
  });

  it("keeps undeclared keys, resolved relations and condition-dropped values in extra", () => {
    const { items } = imported(ocw);
    const video = byFilename(items, "ocw_test_course_mit8_01f16_l01v01_360p");
    expect(Object.keys(video.extra).sort()).toEqual([
      "end_time",
      "image_metadata",
      "ocw_type",
      "optional_tab_title",
      "optional_text",
      "parent_title",
      "parent_type",
      "related_resources_text",
      "resource_index_text",
      "start_time",
      "video_files",
    ]);
    expect(video.extra.video_files).toEqual({
      video_captions_resources: [
        {
          file: "/courses/ocw-ci-test-course/917263bef37857bd94ef67692405bcc9_erlp_sbca1s.vtt",
          language: "en",
        },
      ],
      video_transcript_resources: [
        {
          file: "/courses/8-01sc-classical-mechanics-fall-2016/33f61131009a6cd12d9a4c0e42eb7f44_ErlP_SBcA1s.pdf",
          language: "en",
        },
      ],
    });
    expect(video.data.video_files).toEqual({
      video_thumbnail_file: "https://img.youtube.com/vi/YWyHAlAuRL0/default.jpg",
    });
    const pdf = byFilename(items, "example_pdf");
    expect(pdf.data).not.toHaveProperty("image_metadata");
    expect(pdf.extra.image_metadata).toEqual({ caption: "", credit: "", "image-alt": "" });
    expect(pdf.data.file_size).toBe(273596);
    expect(pdf.body).toBe("");
    expect(byFilename(items, "googlecom").extra).toEqual({ backup_url: "", is_broken: "" });
    expect(byFilename(items, "lecture-videos").extra).toEqual({
      description: "This page contains a list of lecture videos for this course.",
    });
    const meta = byFilename(items, "sitemetadata");
    expect(Object.keys(meta.extra).sort()).toEqual([
      "course_description_html",
      "course_image_thumbnail",
      "site_short_id",
      "site_uid",
      "site_url_path",
    ]);
    expect(meta.title).toBe("Course Metadata");
    expect(meta.uid).toBe(nameUuid("metadata/sitemetadata"));
  });

  it("stores menus with uids only", () => {
    const menu = byFilename(imported(ocw).items, "navmenu");
    const leftnav = menu.data.leftnav as Record<string, unknown>[];
    expect(leftnav).toHaveLength(13);
    expect(leftnav[0]).toEqual({ identifier: PAGE_UID, name: "Section 1 Menu Title", weight: 10 });
  });

  it("imports with the built-in course starter too", () => {
    const { items, report } = imported(course);
    expect(report.items).toBe(58);
    // Its pages declare parent_uid and no learning_resource_types: those stay extra.
    expect(byFilename(items, "multiple-videos-series-overview").extra).toEqual({
      learning_resource_types: [],
      ocw_type: "SupplementalResourceSection",
    });
    // Cross-site instructors (website ocw-www) are not looked for in the archive.
    expect(byFilename(items, "sitemetadata").data.instructors).toEqual({
      content: [
        "588e4e64-823f-4e8e-a29e-0e695e2297ae",
        "3caa0884-4fdd-4f3c-ba39-67a64c27d877",
        "d3c64374-bb1c-46bb-a1a1-827c336e4d8e",
      ],
      website: "ocw-www",
    });
  });

  it("gives the same plan whatever the order of the files", () => {
    const a = imported(ocw);
    const b = imported(ocw, [...archive].reverse());
    expect(b).toEqual(a);
  });
});

describe("planOcwImport: media", () => {
  const static_ = "ocw-ci-test-course/static/example_pdf.pdf";

  it("attaches a resource's file found by name, preferring static/", () => {
    const { items, media, report } = imported(ocw, archive, {
      mediaPaths: [
        static_,
        "ocw-ci-test-course/other/deeper/example_pdf.pdf",
        "elsewhere/image1.png",
      ],
    });
    const pdf = byFilename(items, "example_pdf");
    const notes = byFilename(items, "example_notes"); // the same file
    expect(media).toEqual(
      expect.arrayContaining([
        { uid: pdf.uid, archivePath: static_ },
        { uid: notes.uid, archivePath: static_ },
        { uid: byFilename(items, "file_png").uid, archivePath: "elsewhere/image1.png" },
      ]),
    );
    expect(media).toHaveLength(3);
    expect(pdf.fileMissing).toBe(false);
    expect(report.missingFiles).toHaveLength(23);
    expect(report.skipped).toContain("ocw-ci-test-course/other/deeper/example_pdf.pdf");
    expect(report.skipped).not.toContain(static_);
  });

  it("takes files given with bytes as media too, and asks hasMedia", () => {
    const files = [...archive, { path: static_, bytes: new Uint8Array([37, 80, 68, 70]) }];
    expect(imported(ocw, files).media).toHaveLength(2);
    const refused = imported(ocw, files, { hasMedia: () => false });
    expect(refused.media).toEqual([]);
    expect(byFilename(refused.items, "example_pdf").fileMissing).toBe(true);
  });

  it("asks hasMedia about the usual places when the entries are not listed", () => {
    const stored = new Set([
      "ocw-ci-test-course/static/example_pdf.pdf",
      "ocw-ci-test-course/static/courses/ocw-ci-test-course/file.docx",
      "ocw-ci-test-course/courses/ocw-ci-test-course/file.py",
      "ocw-ci-test-course/image1.png",
      "ocw-ci-test-course/elsewhere/file.txt",
    ]);
    const asked: string[] = [];
    const { items, media } = imported(ocw, archive, {
      hasMedia: (p: string) => {
        asked.push(p);
        return stored.has(p);
      },
    });
    const uid = (name: string) => byFilename(items, name).uid;
    expect(media).toEqual([
      { uid: uid("example_notes"), archivePath: "ocw-ci-test-course/static/example_pdf.pdf" },
      { uid: uid("example_pdf"), archivePath: "ocw-ci-test-course/static/example_pdf.pdf" },
      {
        uid: uid("file_docx"),
        archivePath: "ocw-ci-test-course/static/courses/ocw-ci-test-course/file.docx",
      },
      { uid: uid("file_png"), archivePath: "ocw-ci-test-course/image1.png" },
      { uid: uid("file_py"), archivePath: "ocw-ci-test-course/courses/ocw-ci-test-course/file.py" },
    ]);
    // Found only by a listing: file.txt is elsewhere.
    expect(byFilename(items, "file_txt").fileMissing).toBe(true);
    expect(asked).toContain("ocw-ci-test-course/static/file.txt");
  });

  it("never takes a file under content/ as media", () => {
    const { media } = imported(ocw, archive, {
      mediaPaths: ["ocw-ci-test-course/content/resources/example_pdf.pdf"],
    });
    expect(media).toEqual([]);
  });
});

describe("planOcwImport: the site root", () => {
  it("finds an unwrapped site", () => {
    const plan = imported(ocw, [{ path: "content/pages/a.md", bytes: encode(okPage(U1)) }]);
    expect(plan.items.map((i) => i.filename)).toEqual(["a"]);
  });

  it("takes the shallowest folder holding content/, data/ or config/", () => {
    const plan = imported(ocw, [
      { path: "x/content/pages/a.md", bytes: encode(okPage(U1)) },
      { path: "x/static/content/pages/b.md", bytes: encode("not content") },
    ]);
    expect(plan.items).toHaveLength(1);
    expect(plan.report.skipped).toEqual(["x/static/content/pages/b.md"]);
  });

  it("refuses archives without a site or with two", () => {
    expect(errorsOf({ "README.md": "hi", "static/a.pdf": "" })).toEqual([
      { path: "", message: "no content/, data/ or config/ folder found: not an OCW site export" },
    ]);
    expect(errorsOf({ "a/content/pages/x.md": okPage(U1), "b/data/course.json": "{}" })).toEqual([
      { path: "", message: "more than one site in the archive: a/, b/" },
    ]);
  });
});

describe("planOcwImport: errors (all or nothing)", () => {
  it("reports every error with its path and field, and imports nothing", () => {
    const plan = planOcwImport(ocw, [
      { path: "content/pages/good.md", bytes: encode(okPage(U1)) },
      { path: "content/pages/bad.md", bytes: encode(okPage(U2, "\ndraft: maybe")) },
      { path: "data/course.json", bytes: encode("{ nope") },
    ]);
    expect(plan.ok).toBe(false);
    expect(plan).not.toHaveProperty("items");
    expect(plan.report.errors).toEqual([
      { path: "content/pages/bad.md", field: "draft", message: "must be true or false" },
      { path: "data/course.json", message: expect.stringMatching(/^invalid JSON: /) },
    ]);
  });

  it("invalid YAML, or front matter that is not a mapping", () => {
    expect(errorsOf({ "content/pages/a.md": page("title: [unclosed") })).toEqual([
      { path: "content/pages/a.md", message: expect.stringMatching(/^invalid YAML \(line \d+/) },
    ]);
    expect(errorsOf({ "content/pages/a.md": page("- a list") })).toEqual([
      { path: "content/pages/a.md", message: "must be a YAML mapping" },
    ]);
    expect(errorsOf({ "content/pages/a.md": "no front matter" })).toEqual([
      {
        path: "content/pages/a.md",
        message: "has no front matter (a block between --- lines at the top)",
      },
    ]);
    expect(errorsOf({ "config/_default/menus.yaml": "leftnav: [" })[0]?.message).toMatch(
      /^invalid YAML/,
    );
    expect(errorsOf({ "data/course.json": "[1]" })).toEqual([
      { path: "data/course.json", message: "must be a JSON object" },
    ]);
    expect(
      errorsOf({ "content/pages/a.md": "---\ntitle: x\ntitle: y\n---\n" })[0]?.message,
    ).toMatch(/^invalid YAML.*unique/);
  });

  it("a missing required field and a bad select option", () => {
    expect(
      errorsOf({
        "content/pages/a.md": page(`content_type: page\ndescription: D\nuid: ${U1}`),
        "content/resources/r.md": page(
          `content_type: resource\ntitle: R\nresourcetype: Spreadsheet\nuid: ${U2}`,
          "",
        ),
      }),
    ).toEqual([
      { path: "content/pages/a.md", field: "title", message: "is required" },
      {
        path: "content/resources/r.md",
        field: "resourcetype",
        message: '"Spreadsheet" is not one of the options',
      },
    ]);
  });

  it("an unknown content_type, a singleton's, a missing one, or the wrong folder", () => {
    expect(
      errorsOf({
        "content/pages/a.md": okPage(U1).replace("content_type: page", "content_type: blog"),
        "content/pages/b.md": okPage(U2).replace("content_type: page", "content_type: metadata"),
        "content/pages/c.md": page(`title: T\nuid: ${U1}`),
        "content/resources/d.md": okPage(U2),
      }),
    ).toEqual([
      {
        path: "content/pages/a.md",
        field: "content_type",
        message: '"blog" is not a collection of this starter',
      },
      {
        path: "content/pages/b.md",
        field: "content_type",
        message: '"metadata" is not a folder collection of this starter',
      },
      { path: "content/pages/c.md", field: "content_type", message: "is required" },
      {
        path: "content/resources/d.md",
        field: "content_type",
        message: '"page" items belong in content/pages/, not content/resources/',
      },
    ]);
  });

  it("a missing, invalid or duplicate uid, and a duplicate or invalid file name", () => {
    expect(
      errorsOf({
        "content/pages/a.md": page("content_type: page\ntitle: T\ndescription: D"),
        "content/pages/b.md": okPage("not-a-uuid"),
        "content/pages/c.md": okPage(UPPER),
        "content/pages/d.md": okPage(U1),
        "content/pages/e.md": okPage(U1),
        "content/pages/Bad.Name.md": okPage(U2),
      }),
    ).toEqual([
      {
        path: "content/pages/Bad.Name.md",
        message: `file name "Bad.Name" must be lowercase letters, digits, '-' or '_'`,
      },
      { path: "content/pages/a.md", field: "uid", message: "is required" },
      { path: "content/pages/b.md", field: "uid", message: '"not-a-uuid" is not a lowercase UUID' },
      {
        path: "content/pages/c.md",
        field: "uid",
        message: `"${UPPER}" is not a lowercase UUID`,
      },
      {
        path: "content/pages/e.md",
        field: "uid",
        message: `duplicate uid ${U1}, also in content/pages/d.md`,
      },
    ]);
    const twice = planOcwImport(ocw, [
      { path: "content/pages/a.md", bytes: encode(okPage(U1)) },
      { path: "content/pages/a.md", bytes: encode(okPage(U2)) },
    ]);
    expect(twice.report.errors).toEqual([
      {
        path: "content/pages/a.md",
        message: 'duplicate file name "a" in page, also content/pages/a.md',
      },
    ]);
  });

  it("a relation to a uid that is not in the archive (or of the wrong kind)", () => {
    expect(
      errorsOf({
        "content/pages/a.md": okPage(U1),
        "content/lists/l.md": page(
          `content_type: resource-list\ndraft: false\ntitle: L\nuid: ${U2}\nresources:\n  content:\n  - ${U1}\n  - 33333333-3333-4333-8333-333333333333`,
          "",
        ),
      }),
    ).toEqual([
      {
        path: "content/lists/l.md",
        field: "resources.content[0]",
        message: `no resource with uid "${U1}"`,
      },
      {
        path: "content/lists/l.md",
        field: "resources.content[1]",
        message: 'no resource with uid "33333333-3333-4333-8333-333333333333"',
      },
    ]);
    // A relation naming another site is not checked; one naming this site (its folder or
    // course.json's site_short_id) is.
    const meta = (website: string) =>
      JSON.stringify({
        course_title: "C",
        primary_course_number: "1",
        instructors: { content: ["33333333-3333-4333-8333-333333333333"], website },
      });
    expect(
      planOcwImport(course, [{ path: "mine/data/course.json", bytes: encode(meta("ocw-www")) }]).ok,
    ).toBe(true);
    expect(errorsOf({ "mine/data/course.json": meta("mine") }, course)).toEqual([
      {
        path: "mine/data/course.json",
        field: "instructors.content[0]",
        message: 'no instructor with uid "33333333-3333-4333-8333-333333333333"',
      },
    ]);
    // parent_uid is a relation in the built-in starter: checked there.
    expect(errorsOf({ "content/pages/a.md": okPage(U1, `\nparent_uid: ${U2}`) }, course)).toEqual([
      { path: "content/pages/a.md", field: "parent_uid", message: `no page with uid "${U2}"` },
    ]);
  });

  it("text after the front matter without a body field, or a body given twice", () => {
    expect(
      errorsOf({
        "content/external-resources/x.md": page(
          `content_type: external-resource\ntitle: X\nexternal_url: https://x\nuid: ${U1}`,
          "stray text",
        ),
        "content/pages/a.md": okPage(U2, "\nbody: also here"),
      }),
    ).toEqual([
      {
        path: "content/external-resources/x.md",
        field: "body",
        message: "has text after the front matter, but its collection has no body field",
      },
      {
        path: "content/pages/a.md",
        field: "body",
        message: "has a body both in the front matter and after it",
      },
    ]);
  });

  it("bounds: front matter, body, file and item counts; text that is not UTF-8", () => {
    const bigFm = page(
      `content_type: page\ntitle: T\nuid: ${U1}\ndescription: ${"x".repeat(MAX_FRONT_MATTER_BYTES)}`,
    );
    const bigBody = page(
      `content_type: page\ntitle: T\ndescription: D\nuid: ${U2}`,
      "y".repeat(MAX_MARKDOWN_BYTES + 1),
    );
    expect(errorsOf({ "content/pages/a.md": bigFm, "content/pages/b.md": bigBody })).toEqual([
      {
        path: "content/pages/a.md",
        message: `front matter is larger than ${MAX_FRONT_MATTER_BYTES} bytes`,
      },
      {
        path: "content/pages/b.md",
        field: "body",
        message: `body is larger than ${MAX_MARKDOWN_BYTES} bytes`,
      },
    ]);
    const huge = planOcwImport(ocw, [
      {
        path: "content/pages/a.md",
        bytes: new Uint8Array(MAX_FRONT_MATTER_BYTES + MAX_MARKDOWN_BYTES + 17),
      },
      { path: "content/pages/b.md", bytes: new Uint8Array([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe]) },
    ]);
    expect(huge.report.errors).toEqual([
      {
        path: "content/pages/a.md",
        message: `is ${MAX_FRONT_MATTER_BYTES + MAX_MARKDOWN_BYTES + 17} bytes; a content file may be at most ${MAX_FRONT_MATTER_BYTES + MAX_MARKDOWN_BYTES}`,
      },
      { path: "content/pages/b.md", message: "is not UTF-8 text" },
    ]);
    // Too many items is refused before any file is parsed.
    const empty = new Uint8Array();
    const many = Array.from({ length: MAX_IMPORT_ITEMS + 1 }, (_, i) => ({
      path: `content/pages/p${i}.md`,
      bytes: empty,
    }));
    const started = Date.now();
    expect(planOcwImport(ocw, many).report.errors).toEqual([
      {
        path: "",
        message: `the archive holds ${MAX_IMPORT_ITEMS + 1} content files; at most ${MAX_IMPORT_ITEMS}`,
      },
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("planOcwImport: details", () => {
  it("system keys: fields when declared, extra otherwise; uid and content_type are identity", () => {
    const files = [
      { path: "content/pages/a.md", bytes: encode(okPage(U1)) },
      {
        path: "content/pages/b.md",
        bytes: encode(okPage(U2, `\nparent_uid: ${U1}\nlayout: wide`)),
      },
    ];
    const inCourse = byFilename(imported(course, files).items, "b");
    expect(inCourse.data.parent_uid).toBe(U1);
    expect(inCourse.extra).toEqual({ layout: "wide" });
    const inOcw = byFilename(imported(ocw, files).items, "b");
    expect(inOcw.data).not.toHaveProperty("parent_uid");
    expect(inOcw.extra).toEqual({ layout: "wide", parent_uid: U1 });
    expect(inOcw.data).not.toHaveProperty("uid");
    expect(inOcw.data).not.toHaveProperty("content_type");
  });

  it("a body given as `body:` in a page's front matter is the body", () => {
    const files = [
      {
        path: "content/pages/a.md",
        bytes: encode(okPage(U1, "\nbody: from front matter").replace(/text$/, "")),
      },
    ];
    const item = byFilename(imported(ocw, files).items, "a");
    expect(item.body).toBe("from front matter");
    expect(item.data).not.toHaveProperty("body");
    expect(item.extra).toEqual({});
  });

  it("a resource's body may also come after the front matter", () => {
    const text = page(
      `content_type: resource\ntitle: R\nresourcetype: Document\nuid: ${U1}`,
      "Described below",
    );
    const item = byFilename(
      imported(ocw, [{ path: "content/resources/r.md", bytes: encode(text) }]).items,
      "r",
    );
    expect(item.body).toBe("Described below");
  });

  it("skips Hugo section pages with a warning, and reads OCW's `menu:`-nested menus", () => {
    const plan = imported(ocw, [
      { path: "content/pages/a.md", bytes: encode(okPage(U1)) },
      { path: "content/pages/_index.md", bytes: encode("---\ntitle: Pages\n---\n") },
      {
        path: "config/_default/menus.yaml",
        bytes: encode(
          `menu:\n  leftnav:\n  - identifier: ${U1}\n    name: A\n    url: /pages/a\n    weight: 1\n`,
        ),
      },
    ]);
    expect(plan.report.skipped).toEqual(["content/pages/_index.md"]);
    expect(plan.report.warnings).toEqual([
      {
        path: "content/pages/_index.md",
        message: "a Hugo section page the starter does not declare; skipped",
      },
    ]);
    expect(byFilename(plan.items, "navmenu").data).toEqual({
      leftnav: [{ identifier: U1, name: "A", weight: 1 }],
    });
  });

  it("drops dangling menu entries and their children, keeps external and hand-written ones", () => {
    const menu = [
      { identifier: U2, name: "Gone", pageRef: "/pages/gone" },
      { identifier: "child", name: "Child", parent: U2, pageRef: "/x" },
      { identifier: "ext", name: "Ext", url: "https://x.org" },
      {
        identifier: "33333333-3333-4333-8333-333333333333",
        name: "Ext by uid",
        url: "https://y.org",
      },
    ];
    const plan = imported(ocw, [
      { path: "content/pages/a.md", bytes: encode(okPage(U1)) },
      { path: "config/_default/menus.yaml", bytes: encode(JSON.stringify({ leftnav: menu })) },
    ]);
    expect(byFilename(plan.items, "navmenu").data.leftnav).toEqual([menu[2], menu[3]]);
    expect(plan.report.warnings?.map((w) => w.message)).toEqual([
      `menu entry "Gone" (${U2}) points at an item that is not in the archive; dropped`,
      'menu entry "Child" (child) is under a dropped entry; dropped',
    ]);
  });

  it("keeps keys such as __proto__ as plain data", () => {
    const text = okPage(U1, "\n__proto__:\n  polluted: true\nconstructor: 1");
    const item = byFilename(
      imported(ocw, [{ path: "content/pages/a.md", bytes: encode(text) }]).items,
      "a",
    );
    expect(Object.keys(item.extra)).toEqual(["__proto__", "constructor"]);
    expect(Object.getOwnPropertyDescriptor(item.extra, "__proto__")?.value).toEqual({
      polluted: true,
    });
    expect(Object.getPrototypeOf(item.extra)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("gives singletons a uid derived from their name", () => {
    expect(nameUuid("metadata/sitemetadata")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(nameUuid("menu/navmenu")).not.toBe(nameUuid("metadata/sitemetadata"));
    expect(nameUuid("menu/navmenu")).toBe(nameUuid("menu/navmenu"));
  });

  it("splitFrontMatter: the first --- line after the top closes the front matter", () => {
    expect(splitFrontMatter("---\na: 1\n---\nbody\n---\nmore")).toEqual({
      frontMatter: "a: 1\n",
      body: "body\n---\nmore",
    });
    expect(splitFrontMatter("---\r\na: 1\r\n---\r\nbody")).toEqual({
      frontMatter: "a: 1\r\n",
      body: "body",
    });
    expect(splitFrontMatter("---\na: 1\n---")).toEqual({ frontMatter: "a: 1\n", body: "" });
    expect(splitFrontMatter("---\n---\n")).toEqual({ frontMatter: "", body: "" });
    // Only "\n" ends a line, as for Hugo: U+2028 is text.
    expect(splitFrontMatter("---\na: '\u2028---\n'\n---\nb")).toEqual({
      frontMatter: "a: '\u2028---\n'\n",
      body: "b",
    });
    expect(splitFrontMatter("a: 1\n---\n")).toBeNull();
    expect(splitFrontMatter("---\na: 1\n")).toBeNull();
  });
});
