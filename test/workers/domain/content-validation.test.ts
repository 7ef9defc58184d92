import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { StarterField } from "#schemas/starter";
import {
  collectionFields,
  MAX_MARKDOWN_BYTES,
  SYSTEM_KEYS,
  validateContent,
} from "#workers/domain/content-validation";
import { parseStarterYaml } from "#workers/domain/starters";
import menusYaml from "../../../../shared/fixtures/ocw/ocw-ci-test-course/config/_default/menus.yaml?raw";
import courseJson from "../../../../shared/fixtures/ocw/ocw-ci-test-course/data/course.json?raw";
import ocwStudioYaml from "../../../../shared/fixtures/ocw/ocw-course-v2/ocw-studio.yaml?raw";

const contentFiles = import.meta.glob<string>(
  "../../../../shared/fixtures/ocw/ocw-ci-test-course/content/**/*.md",
  { query: "?raw", import: "default", eager: true },
);

const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";
const U3 = "33333333-3333-4333-8333-333333333333";

const f = (field: Partial<StarterField> & Pick<StarterField, "name" | "widget">): StarterField => ({
  label: field.name,
  ...field,
});

const create = { mode: "create" as const };

function errorsOf(
  fields: StarterField[],
  input: Record<string, unknown>,
  ctx: Parameters<typeof validateContent>[2] = create,
) {
  const r = validateContent(fields, input, ctx);
  return r.ok ? [] : r.errors;
}

function keptValue(
  fields: StarterField[],
  input: Record<string, unknown>,
  ctx: Parameters<typeof validateContent>[2] = create,
) {
  const r = validateContent(fields, input, ctx);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

describe("validateContent: general rules", () => {
  const fields = [
    f({ name: "title", widget: "string", required: true }),
    f({ name: "draft", widget: "boolean", default: false }),
  ];

  it("rejects keys that are not fields, and exports the system keys callers strip", () => {
    expect(errorsOf(fields, { title: "x", content_type: "page" })).toEqual([
      { field: "content_type", message: "is not a field of this collection" },
    ]);
    expect([...SYSTEM_KEYS]).toEqual(["uid", "content_type", "layout", "parent_uid"]);
  });

  it("requires values: missing, null, empty string and empty list all fail", () => {
    const tags = f({
      name: "tags",
      widget: "select",
      multiple: true,
      options: ["a"],
      required: true,
    });
    for (const bad of [undefined, null, "", []]) {
      const input: Record<string, unknown> = { title: "x" };
      if (bad !== undefined) input.tags = bad;
      expect(errorsOf([...fields, tags], input)).toEqual([
        { field: "tags", message: "is required" },
      ]);
    }
    expect(errorsOf(fields, {})).toEqual([{ field: "title", message: "is required" }]);
  });

  it("keeps empty values of optional fields as given (OCW writes '')", () => {
    const opt = [f({ name: "kind", widget: "select", options: ["a"] })];
    expect(keptValue(opt, { kind: "" })).toEqual({ kind: "" });
    expect(keptValue(opt, {})).toEqual({});
  });

  it("applies defaults on create only", () => {
    expect(keptValue(fields, { title: "x" })).toEqual({ title: "x", draft: false });
    expect(keptValue(fields, { title: "x" }, { mode: "update" })).toEqual({ title: "x" });
    expect(keptValue(fields, { title: "x", draft: true })).toEqual({ title: "x", draft: true });
    // A null default (OCW's `default:`) means no default.
    const size = [f({ name: "file_size", widget: "hidden", default: null })];
    expect(keptValue(size, {})).toEqual({});
  });

  it("a default satisfies required", () => {
    const lic = [
      f({ name: "license", widget: "select", options: ["a", "b"], default: "b", required: true }),
    ];
    expect(keptValue(lic, {})).toEqual({ license: "b" });
    expect(errorsOf(lic, {}, { mode: "update" })).toEqual([
      { field: "license", message: "is required" },
    ]);
  });

  it("read-only fields: default only on create, unchanged on update", () => {
    const ro = [
      f({ name: "title", widget: "string" }),
      f({ name: "gdrive_url", widget: "string", readOnly: true }),
      f({ name: "state", widget: "string", readOnly: true, default: "new" }),
    ];
    expect(keptValue(ro, { title: "x" })).toEqual({ title: "x", state: "new" });
    expect(keptValue(ro, { state: "new" })).toEqual({ state: "new" });
    expect(errorsOf(ro, { gdrive_url: "https://drive" })).toEqual([
      { field: "gdrive_url", message: "is read-only" },
    ]);
    expect(errorsOf(ro, { state: "done" })).toEqual([{ field: "state", message: "is read-only" }]);
    const previous = { gdrive_url: "https://drive/a", state: "new" };
    expect(keptValue(ro, { ...previous, title: "y" }, { mode: "update", previous })).toEqual({
      ...previous,
      title: "y",
    });
    expect(
      errorsOf(ro, { ...previous, gdrive_url: "https://drive/b" }, { mode: "update", previous }),
    ).toEqual([{ field: "gdrive_url", message: "is read-only" }]);
    expect(errorsOf(ro, { state: "new" }, { mode: "update" })).toEqual([
      { field: "state", message: "is read-only" },
    ]);
  });

  it("conditions: a field whose condition fails is not required, not validated and dropped", () => {
    const cond = [
      f({ name: "kind", widget: "select", options: ["Image", "Video"], default: "Image" }),
      f({
        name: "alt",
        widget: "string",
        required: true,
        condition: { field: "kind", equals: "Image" },
      }),
    ];
    expect(errorsOf(cond, { kind: "Image" })).toEqual([{ field: "alt", message: "is required" }]);
    // The condition reads the defaulted sibling.
    expect(errorsOf(cond, {})).toEqual([{ field: "alt", message: "is required" }]);
    expect(keptValue(cond, { kind: "Video" })).toEqual({ kind: "Video" });
    expect(keptValue(cond, { kind: "Video", alt: 42 })).toEqual({ kind: "Video" });
    expect(keptValue(cond, { kind: "Image", alt: "a cat" })).toEqual({
      kind: "Image",
      alt: "a cat",
    });
  });

  it("rejects input that is not an object", () => {
    expect(errorsOf(fields, [] as unknown as Record<string, unknown>)).toEqual([
      { field: "", message: "must be an object" },
    ]);
  });
});

describe("validateContent: widgets", () => {
  it("string, text, markdown and hidden", () => {
    const fs = [
      f({ name: "s", widget: "string" }),
      f({ name: "t", widget: "text" }),
      f({ name: "m", widget: "markdown" }),
      f({ name: "h", widget: "hidden" }),
    ];
    const md = '# Hi <script>x</script>\n{{% resource_link "a" %}}';
    expect(keptValue(fs, { s: "a", t: "b\nc", m: md, h: 4153 })).toEqual({
      s: "a",
      t: "b\nc",
      m: md,
      h: 4153,
    });
    expect(keptValue(fs, { h: true })).toEqual({ h: true });
    expect(errorsOf(fs, { s: 1, t: true, m: ["x"], h: { a: 1 } })).toEqual([
      { field: "s", message: "must be text" },
      { field: "t", message: "must be text" },
      { field: "m", message: "must be text" },
      { field: "h", message: "must be text" },
    ]);
    expect(errorsOf(fs, { s: "x".repeat(10 * 1024 + 1) })).toEqual([
      { field: "s", message: "must be at most 10240 bytes" },
    ]);
    expect(errorsOf(fs, { m: "x".repeat(MAX_MARKDOWN_BYTES) })).toEqual([]);
    expect(errorsOf(fs, { m: "x".repeat(MAX_MARKDOWN_BYTES + 1) })[0]?.field).toBe("m");
    // Multi-byte characters count as bytes.
    expect(errorsOf(fs, { s: "é".repeat(6000) })[0]?.message).toMatch(/bytes/);
  });

  it("boolean", () => {
    const fs = [f({ name: "b", widget: "boolean" })];
    expect(keptValue(fs, { b: false })).toEqual({ b: false });
    for (const bad of ["true", 1, 0]) {
      expect(errorsOf(fs, { b: bad })).toEqual([{ field: "b", message: "must be true or false" }]);
    }
  });

  it("select: scalar, {label,value} options, multiple with min/max", () => {
    const one = [
      f({
        name: "license",
        widget: "select",
        options: [{ label: "CC BY", value: "https://cc/by" }, "other"],
      }),
    ];
    expect(keptValue(one, { license: "https://cc/by" })).toEqual({ license: "https://cc/by" });
    expect(keptValue(one, { license: "other" })).toEqual({ license: "other" });
    expect(errorsOf(one, { license: "CC BY" })).toEqual([
      { field: "license", message: '"CC BY" is not one of the options' },
    ]);
    expect(errorsOf(one, { license: ["other"] })[0]?.field).toBe("license");
    const many = [
      f({
        name: "lvl",
        widget: "select",
        multiple: true,
        min: 1,
        max: 2,
        options: ["a", "b", "c"],
      }),
    ];
    expect(keptValue(many, { lvl: ["a", "c"] })).toEqual({ lvl: ["a", "c"] });
    expect(errorsOf(many, { lvl: "a" })).toEqual([{ field: "lvl", message: "must be a list" }]);
    expect(errorsOf(many, { lvl: ["a", "z"] })).toEqual([
      { field: "lvl[1]", message: '"z" is not one of the options' },
    ]);
    expect(errorsOf(many, { lvl: ["a", "b", "c"] })).toEqual([
      { field: "lvl", message: "allows at most 2" },
    ]);
    expect(errorsOf(many, { lvl: ["a", "a"] })).toEqual([
      { field: "lvl", message: "must not repeat a value" },
    ]);
    const min2 = [
      f({ name: "lvl", widget: "select", multiple: true, min: 2, options: ["a", "b"] }),
    ];
    expect(errorsOf(min2, { lvl: ["a"] })).toEqual([{ field: "lvl", message: "needs at least 2" }]);
  });

  it("object: nested validation with dotted paths", () => {
    const fs = [
      f({
        name: "image_metadata",
        widget: "object",
        fields: [
          f({ name: "image-alt", widget: "string", required: true }),
          f({
            name: "inner",
            widget: "object",
            fields: [f({ name: "n", widget: "boolean", default: true })],
          }),
        ],
      }),
    ];
    expect(keptValue(fs, { image_metadata: { "image-alt": "x", inner: {} } })).toEqual({
      image_metadata: { "image-alt": "x", inner: { n: true } },
    });
    expect(errorsOf(fs, { image_metadata: { inner: { n: "no", zz: 1 }, extra: 1 } })).toEqual([
      { field: "image_metadata.extra", message: "is not a field of this collection" },
      { field: "image_metadata.image-alt", message: "is required" },
      { field: "image_metadata.inner.zz", message: "is not a field of this collection" },
      { field: "image_metadata.inner.n", message: "must be true or false" },
    ]);
    expect(errorsOf(fs, { image_metadata: "x" })).toEqual([
      { field: "image_metadata", message: "must be an object" },
    ]);
  });

  describe("relation", () => {
    const known = new Set([`resource:${U1}`, `resource:${U2}`]);
    const seen: unknown[] = [];
    const relationExists = (ref: { collection: string; uid: string; filter?: unknown }) => {
      seen.push(ref);
      return known.has(`${ref.collection}:${ref.uid}`);
    };
    const ctx = { mode: "create" as const, relationExists };

    it("single and multiple uids, with existence and filters", () => {
      const fs = [
        f({
          name: "image",
          widget: "relation",
          collection: "resource",
          filter: { field: "resourcetype", filter_type: "equals", value: "Image" },
        }),
        f({ name: "videos", widget: "relation", collection: "resource", multiple: true, max: 2 }),
      ];
      expect(keptValue(fs, { image: U1, videos: [U1, U2] }, ctx)).toEqual({
        image: U1,
        videos: [U1, U2],
      });
      expect(seen[0]).toEqual({
        collection: "resource",
        uid: U1,
        filter: { field: "resourcetype", value: "Image" },
      });
      expect(errorsOf(fs, { image: U3, videos: [U1, U3] }, ctx)).toEqual([
        { field: "image", message: `no resource with uid "${U3}"` },
        { field: "videos[1]", message: `no resource with uid "${U3}"` },
      ]);
      expect(errorsOf(fs, { image: "not-a-uid", videos: U1 }, ctx)).toEqual([
        { field: "image", message: '"not-a-uid" is not a uid' },
        { field: "videos", message: "must be a list of uids" },
      ]);
      expect(errorsOf(fs, { videos: [U1, U2, U1] }, ctx)).toEqual([
        { field: "videos", message: "must not repeat a uid" },
        { field: "videos", message: "allows at most 2" },
      ]);
      expect(errorsOf(fs, { image: 7 }, ctx)).toEqual([
        { field: "image", message: "must be a uid" },
      ]);
      // Without the callback only the shape is checked.
      expect(errorsOf(fs, { image: U3 })).toEqual([]);
    });

    it("cross-site relations accept any non-empty id and skip existence", () => {
      const fs = [
        f({
          name: "instructors",
          widget: "relation",
          collection: "instructor",
          website: "ocw-www",
          multiple: true,
        }),
        f({ name: "other", widget: "relation", collection: "page", cross_site: true }),
      ];
      const r = validateContent(fs, { instructors: ["jane-doe"], other: "x" }, ctx);
      expect(r.ok).toBe(true);
      expect(errorsOf(fs, { instructors: [""] }, ctx)).toEqual([
        { field: "instructors[0]", message: "must be a uid" },
      ]);
    });

    it("accepts OCW Studio's { content, website } envelope", () => {
      const fs = [
        f({ name: "image", widget: "relation", collection: "resource" }),
        f({ name: "caps", widget: "relation", collection: "resource", multiple: true }),
      ];
      const value = {
        image: { content: U1, website: "site" },
        caps: { content: "", website: "site" },
      };
      expect(keptValue(fs, value, ctx)).toEqual(value);
      expect(errorsOf(fs, { image: { content: U3 } }, ctx)).toEqual([
        { field: "image.content", message: `no resource with uid "${U3}"` },
      ]);
      expect(errorsOf(fs, { image: { uid: U1 } }, ctx)).toEqual([
        { field: "image", message: "must be a uid, a list of uids, or { content, website }" },
      ]);
      const req = [
        f({ name: "image", widget: "relation", collection: "resource", required: true }),
      ];
      expect(errorsOf(req, { image: { content: "" } }, ctx)).toEqual([
        { field: "image.content", message: "is required" },
      ]);
    });
  });

  it("hierarchical-select: paths through options_map", () => {
    const fs = [
      f({
        name: "topics",
        widget: "hierarchical-select",
        levels: [
          { label: "Topic", name: "topic" },
          { label: "Subtopic", name: "subtopic" },
          { label: "Speciality", name: "speciality" },
        ],
        max: 3,
        options_map: { Science: { Physics: ["Optics"], Chemistry: [] }, Arts: {} },
      }),
    ];
    const ok = [["Science"], ["Science", "Chemistry"], ["Science", "Physics", "Optics"]];
    expect(keptValue(fs, { topics: ok })).toEqual({ topics: ok });
    expect(errorsOf(fs, { topics: [["Science", "Chemistry", "Organic"]] })).toEqual([
      { field: "topics[0]", message: '"Science / Chemistry / Organic" is not an option' },
    ]);
    expect(errorsOf(fs, { topics: [["Nope"], [], ["Arts", "x", "y", "z"], "Science"] })).toEqual([
      { field: "topics", message: "allows at most 3" },
      { field: "topics[0]", message: '"Nope" is not an option' },
      { field: "topics[1]", message: "must be a list of 1 to 3 names" },
      { field: "topics[2]", message: "must be a list of 1 to 3 names" },
      { field: "topics[3]", message: "must be a list of 1 to 3 names" },
    ]);
    expect(errorsOf(fs, { topics: [["Arts"], ["Arts"]] })).toEqual([
      { field: "topics", message: "must not repeat a path" },
    ]);
    expect(errorsOf(fs, { topics: "Science" })).toEqual([
      { field: "topics", message: "must be a list of paths" },
    ]);
  });

  it("file: a media key or URL path, no traversal, bounded", () => {
    const fs = [f({ name: "file", widget: "file", required: true })];
    expect(keptValue(fs, { file: "/courses/site/a.pdf" })).toEqual({ file: "/courses/site/a.pdf" });
    expect(errorsOf(fs, { file: "" })).toEqual([{ field: "file", message: "is required" }]);
    expect(errorsOf(fs, { file: "/courses/../secret" })).toEqual([
      { field: "file", message: "must not contain .." },
    ]);
    expect(errorsOf(fs, { file: "a\\..\\b" })[0]?.message).toBe("must not contain ..");
    expect(keptValue(fs, { file: "a..b.pdf" })).toEqual({ file: "a..b.pdf" });
    expect(errorsOf(fs, { file: `/${"a".repeat(1024)}` })).toEqual([
      { field: "file", message: "must be at most 1024 characters" },
    ]);
    expect(errorsOf(fs, { file: 3 })).toEqual([{ field: "file", message: "must be a file path" }]);
  });

  it("menu: items, unique identifiers, known parents, no cycles", () => {
    const fs = [f({ name: "leftnav", widget: "menu" })];
    const menu = [
      { identifier: "a", name: "A", weight: 10, pageRef: "/pages/a" },
      { identifier: "b", name: "B", parent: "a", url: "https://x" },
    ];
    expect(keptValue(fs, { leftnav: menu })).toEqual({ leftnav: menu });
    expect(
      errorsOf(fs, {
        leftnav: [
          { identifier: "a", name: "A", weight: "10", extra: 1 },
          { identifier: "a", name: "" },
          { name: "C", parent: "zz" },
          "x",
        ],
      }),
    ).toEqual([
      { field: "leftnav[0].extra", message: "is not a menu item key" },
      { field: "leftnav[0].weight", message: "must be a number" },
      { field: "leftnav[1].identifier", message: 'duplicate identifier "a"' },
      { field: "leftnav[1].name", message: "is required" },
      { field: "leftnav[2].identifier", message: "is required" },
      { field: "leftnav[3]", message: "must be a menu item" },
    ]);
    expect(
      errorsOf(fs, {
        leftnav: [
          { identifier: "a", name: "A", parent: "b" },
          { identifier: "b", name: "B", parent: "a" },
          { identifier: "c", name: "C", parent: "missing" },
        ],
      }),
    ).toEqual([
      { field: "leftnav[0].parent", message: "makes a cycle" },
      { field: "leftnav[1].parent", message: "makes a cycle" },
      { field: "leftnav[2].parent", message: 'no menu item "missing"' },
    ]);
    expect(errorsOf(fs, { leftnav: [{ identifier: "a", name: "A", parent: "a" }] })).toEqual([
      { field: "leftnav[0].parent", message: "makes a cycle" },
    ]);
    expect(errorsOf(fs, { leftnav: {} })).toEqual([
      { field: "leftnav", message: "must be a list of menu items" },
    ]);
  });

  it("website-collection: a list of site names", () => {
    const fs = [f({ name: "sites", widget: "website-collection" })];
    expect(keptValue(fs, { sites: ["ocw-www", "18-01"] })).toEqual({ sites: ["ocw-www", "18-01"] });
    for (const bad of ["ocw-www", [1], [""]]) {
      expect(errorsOf(fs, { sites: bad })).toEqual([
        { field: "sites", message: "must be a list of site names" },
      ]);
    }
  });
});

describe("validateContent: OCW's real course against its starter", () => {
  const parsed = parseStarterYaml(ocwStudioYaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const config = parsed.config;

  // Every item in the fixture, by uid, with its collection (content_type) and front matter.
  const items = new Map<
    string,
    { collection: string; data: Record<string, unknown>; path: string }
  >();
  for (const [path, text] of Object.entries(contentFiles)) {
    const [, fm = "", ...rest] = text.split(/^---$/m);
    const data = (parse(fm) ?? {}) as Record<string, unknown>;
    // The markdown after the front matter is the `body` field (for collections that have one).
    const body = rest.join("---").trim();
    if (!("body" in data) && body !== "") data.body = body;
    items.set(String(data.uid), { collection: String(data.content_type), data, path });
  }
  const relationExists = (ref: {
    collection: string;
    uid: string;
    filter?: { field: string; value: unknown };
  }) => {
    const item = items.get(ref.uid);
    if (!item || item.collection !== ref.collection) return false;
    return !ref.filter || item.data[ref.filter.field] === ref.filter.value;
  };
  const strip = (data: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(data).filter(([k]) => !SYSTEM_KEYS.has(k)));

  // Errors OCW's own data produces against OCW's own starter, each with its reason.
  const justified: { field: RegExp; message: RegExp; why: string }[] = [
    {
      field:
        /^(ocw_type|start_time|end_time|optional_tab_title|optional_text|parent_title|parent_type|related_resources_text|resource_index_text)$/,
      message: /is not a field/,
      why: "legacy fields from OCW's pre-Studio import, no longer declared by the starter",
    },
    {
      field: /^video_files\.(video_captions_file|video_transcript_file)$/,
      message: /is not a field/,
      why: "v1 single-file caption/transcript fields, replaced by the *_resources relations",
    },
    {
      field: /^video_files\.(video_captions_resources|video_transcript_resources)\[\d+\]$/,
      message: /must be a uid/,
      why: "the Hugo export resolves these relations into {file, language} objects",
    },
    {
      field: /^(backup_url|is_broken)$/,
      message: /is not a field/,
      why: "written by OCW Studio's external-link checker; the starter declares only wayback_url/status",
    },
    {
      field: /^description$/,
      message: /is not a field/,
      why: "OCW writes a description on video galleries, whose collection declares none",
    },
  ];
  // course.json only.
  const derived = {
    field:
      /^(site_uid|site_short_id|site_url_path|course_description_html|course_image_thumbnail)$/,
    message: /is not a field/,
    why: "course.json values the exporter derives (ids, URL path, rendered HTML, thumbnail)",
  };

  /** The errors nothing in `justified` explains, and the justifications used. */
  function check(
    fields: StarterField[],
    data: Record<string, unknown>,
    where: string,
    allowed = justified,
  ) {
    const errors = errorsOf(fields, strip(data), { mode: "create", relationExists });
    const used = new Set<string>();
    const unexplained = errors
      .filter((e) => {
        const j = allowed.find((x) => x.field.test(e.field) && x.message.test(e.message));
        if (j) used.add(j.why);
        return !j;
      })
      .map((e) => `${where}: ${e.field} ${e.message}`);
    return { unexplained, used };
  }

  it("finds the content files", () => {
    const kinds = [...items.values()].map((i) => i.collection);
    expect(kinds.filter((k) => k === "resource").length).toBe(29);
    expect(kinds.filter((k) => k === "page").length).toBe(18);
  });

  it("every resource, page and the other content validates, bar the justified errors", () => {
    const used = new Set<string>();
    const unexplained: string[] = [];
    for (const { collection, data, path } of items.values()) {
      const fields = collectionFields(config, collection);
      expect(fields, path).toBeDefined();
      const r = check(fields ?? [], data, path.replace(/^.*\/content\//, ""));
      unexplained.push(...r.unexplained);
      for (const why of r.used) used.add(why);
    }
    expect(unexplained).toEqual([]);
    // Each justification is actually needed.
    expect([...used].sort()).toEqual(justified.map((j) => j.why).sort());
  });

  it("drops fields whose condition fails (image_metadata on a document)", () => {
    const pdf = [...items.values()].find((i) => i.path.endsWith("resources/example_pdf.md"));
    const r = validateContent(collectionFields(config, "resource") ?? [], strip(pdf?.data ?? {}), {
      mode: "create",
      relationExists,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value).not.toHaveProperty("image_metadata");
    expect(r.value).not.toHaveProperty("video_files");
    expect(r.value.file_size).toBe(273596);
    const jpg = [...items.values()].find((i) => i.path.endsWith("resources/example_jpg.md"));
    const r2 = validateContent(collectionFields(config, "resource") ?? [], strip(jpg?.data ?? {}), {
      mode: "create",
      relationExists,
    });
    if (!r2.ok) throw new Error(JSON.stringify(r2.errors));
    expect(r2.value.image_metadata).toMatchObject({ "image-alt": "" });
  });

  it("pages get the starter's default license on create", () => {
    const page = [...items.values()].find((i) => i.path.endsWith("pages/syllabus.md"));
    const r = validateContent(
      collectionFields(config, "page") ?? [],
      strip(page?.data ?? {}),
      create,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.license).toBe("https://creativecommons.org/licenses/by-nc-sa/4.0/");
  });

  it("data/course.json validates as sitemetadata, bar the exporter's derived keys", () => {
    const fields = collectionFields(config, "metadata", "sitemetadata");
    expect(fields?.some((x) => x.name === "topics")).toBe(true);
    expect(collectionFields(config, "metadata")).toBe(fields);
    const r = check(fields ?? [], JSON.parse(courseJson), "course.json", [derived]);
    expect(r.unexplained).toEqual([]);
    expect([...r.used]).toEqual([derived.why]);
    // The course image relation is checked against the fixture's resources, filter included.
    const bad = { ...JSON.parse(courseJson), course_image: { content: U3, website: "x" } };
    expect(check(fields ?? [], bad, "course.json", [derived]).unexplained).toEqual([
      `course.json: course_image.content no resource with uid "${U3}"`,
    ]);
    const notImage = items.get("8e40ed3c-81d4-47e1-bf2f-4fd4a52a1da8"); // a Document
    expect(notImage?.collection).toBe("resource");
    const doc = { ...JSON.parse(courseJson), course_image: "8e40ed3c-81d4-47e1-bf2f-4fd4a52a1da8" };
    expect(check(fields ?? [], doc, "course.json", [derived]).unexplained).toHaveLength(1);
  });

  it("config/_default/menus.yaml validates as the navmenu file", () => {
    const fields = collectionFields(config, "menu", "navmenu") ?? [];
    const menus = parse(menusYaml) as Record<string, unknown>;
    expect(keptValue(fields, menus)).toEqual(menus);
  });

  it("collectionFields returns undefined for unknown collections and files", () => {
    expect(collectionFields(config, "nope")).toBeUndefined();
    expect(collectionFields(config, "menu", "nope")).toBeUndefined();
    expect(collectionFields(config, "page")?.[0]?.name).toBe("draft");
  });
});
