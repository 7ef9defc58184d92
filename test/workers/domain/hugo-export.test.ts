import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { StarterConfig } from "#schemas/starter";
import {
  compareExportPath,
  type ExportIndexEntry,
  type ExportSite,
  exportPath,
  exportSite,
  pageRefOf,
  renderItem,
  type StoredItem,
  toJson,
  toYaml,
} from "#workers/domain/hugo-export";
import { planOcwImport } from "#workers/domain/ocw-import";
import { parseStarterYaml } from "#workers/domain/starters";
import ocwStudioYaml from "../../../../shared/fixtures/ocw/ocw-course-v2/ocw-studio.yaml?raw";
import courseYaml from "../../../workers/domain/builtin-starters/course.yaml?raw";

// OCW's real course export, as an archive would hold it (wrapped in its folder).
const fixture = import.meta.glob<string>(
  "../../../../shared/fixtures/ocw/ocw-ci-test-course/**/*",
  {
    query: "?raw",
    import: "default",
    eager: true,
  },
);
const archive = Object.entries(fixture).map(([path, text]) => ({
  path: path.replace(/^.*\/fixtures\/ocw\//, ""),
  bytes: new TextEncoder().encode(text),
}));

function starter(yaml: string): StarterConfig {
  const parsed = parseStarterYaml(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}
const ocw = starter(ocwStudioYaml);

const site: ExportSite = {
  uid: "554fc3fa-2f4b-4a94-87f4-19e51ae36920",
  slug: "ocw-ci-test-course",
  urlPath: "courses/ocw-ci-test-course",
};

function importFixture(config: StarterConfig) {
  const plan = planOcwImport(config, archive);
  if (!plan.ok) throw new Error(JSON.stringify(plan.report.errors, null, 2));
  return plan.items;
}

const indexOf = (items: StoredItem[]) =>
  new Map<string, ExportIndexEntry>(
    items.map((i) => [i.uid, { uid: i.uid, collection: i.collection, filename: i.filename }]),
  );

async function exportAll(
  config: StarterConfig,
  items: StoredItem[],
  index = indexOf(items),
  warnings: string[] = [],
) {
  const out: { path: string; text: string }[] = [];
  for await (const f of exportSite(config, site, index, items, {
    onWarning: (w) => warnings.push(w),
  })) {
    out.push({ path: f.path, text: new TextDecoder().decode(f.content) });
  }
  return out;
}

/** All files of an export in one text, for a golden file (JSON inside would upset Biome). */
function listing(files: { path: string; text: string }[]) {
  return files
    .map(
      (f) =>
        `==> ${f.path} <==\n${f.text}${f.text.endsWith("\n") ? "" : "\n\\ No newline at end of file\n"}`,
    )
    .join("");
}

/** A deterministic shuffle (xorshift), so a failure can be reproduced. */
function shuffled<T>(list: T[], seed: number): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = Math.abs(s) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The same values with every object's keys in reverse order. */
function reverseKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(reverseKeys) as T;
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reverseKeys(x)]),
    ) as T;
  }
  return v;
}

describe("exportSite: OCW's test course (golden files)", () => {
  // Regenerate after an intended change: npx vitest run --project workers <this file> -u
  it("with OCW's own starter", async () => {
    const files = await exportAll(ocw, importFixture(ocw));
    expect(files.map((f) => f.path)).toEqual(files.map((f) => f.path).sort());
    await expect(listing(files)).toMatchFileSnapshot(
      "../../golden/ocw-ci-test-course.ocw-studio.txt",
    );
  });

  it("with the built-in course starter", async () => {
    const config = starter(courseYaml);
    const files = await exportAll(config, importFixture(config));
    await expect(listing(files)).toMatchFileSnapshot("../../golden/ocw-ci-test-course.course.txt");
  });

  it("gives the same bytes whatever the order of items, index and keys", async () => {
    const items = importFixture(ocw);
    const expected = listing(await exportAll(ocw, items));
    for (const seed of [1, 7, 42]) {
      const mixed = shuffled(items, seed).map(reverseKeys);
      const index = new Map(shuffled([...indexOf(items)], seed + 1));
      expect(listing(await exportAll(ocw, mixed, index))).toBe(expected);
    }
  });

  it("a caller streaming renderItem in exportPath order writes exportSite's files", async () => {
    const items = importFixture(ocw);
    const ctx = { site, index: indexOf(items) };
    const order = shuffled(items, 3)
      .map((i) => ({ item: i, path: exportPath(ocw, i) ?? "" }))
      .sort(
        (a, b) => compareExportPath(a.path, b.path) || compareExportPath(a.item.uid, b.item.uid),
      );
    const streamed = order.map(({ item }) => {
      const r = renderItem(ocw, item, ctx);
      return { path: r?.path ?? "", text: new TextDecoder().decode(r?.content) };
    });
    expect(streamed).toEqual(await exportAll(ocw, items));
    expect(exportPath(ocw, { collection: "page", filename: "x" })).toBe("content/pages/x.md");
    expect(exportPath(ocw, { collection: "metadata", filename: "sitemetadata" })).toBe(
      "data/course.json",
    );
    expect(exportPath(ocw, { collection: "metadata", filename: "x" })).toBeNull();
    expect(exportPath(ocw, { collection: "nope", filename: "x" })).toBeNull();
    // Path order is code-unit order, so "a-b.md" (0x2d) comes before "a.md" (0x2e).
    expect(["content/a.md", "content/a-b.md"].sort(compareExportPath)).toEqual([
      "content/a-b.md",
      "content/a.md",
    ]);
  });

  it("writes the fixture's files byte for byte where OCW's own formatting is regular", async () => {
    const files = await exportAll(ocw, importFixture(ocw));
    const original = (path: string) =>
      fixture[`../../../../shared/fixtures/ocw/ocw-ci-test-course/${path}`];
    const same = files.filter((f) => f.text === original(f.path)).map((f) => f.path);
    // Resources without hand-indented lists, external resources, the resource list: exact.
    expect(same).toContain("content/resources/example_pdf.md");
    expect(same).toContain("content/external-resources/github.md");
    expect(same).toContain("content/lists/a-resource-list.md");
    expect(same.length).toBeGreaterThanOrEqual(20);
  });
});

describe("renderItem", () => {
  const items = importFixture(ocw);
  const ctx = { site, index: indexOf(items) };
  const find = (filename: string) => {
    const item = items.find((i) => i.filename === filename);
    if (!item) throw new Error(filename);
    return item;
  };
  const text = (item: StoredItem, c = ctx) => {
    const r = renderItem(ocw, item, c);
    if (!r) throw new Error("not rendered");
    return new TextDecoder().decode(r.content);
  };

  it("writes a page's body after the front matter, byte for byte", () => {
    const page = { ...find("section-1"), body: "line 1\n---\n  {{< x >}}\r\nno final newline" };
    expect(text(page)).toBe(
      [
        "---",
        "content_type: page",
        "description: section 1 description",
        "draft: false",
        "license: https://creativecommons.org/licenses/by-nc-sa/4.0/",
        "title: Section 1",
        "uid: d9eb8c7e-b9ac-42db-83d1-5e36b8189f5d",
        "---",
        "line 1\n---\n  {{< x >}}\r\nno final newline",
      ].join("\n"),
    );
  });

  it("keeps a resource's body in its front matter, as OCW does", () => {
    const pdf = { ...find("example_pdf"), body: "A *PDF*\n\nwith two paragraphs" };
    const out = text(pdf);
    expect(out.endsWith("---\n")).toBe(true);
    const fm = parse(out.split("---\n")[1] ?? "");
    expect(fm.body).toBe("A *PDF*\n\nwith two paragraphs");
    // `extra` (kept from the import) comes back under `data`: legacy keys and dropped values.
    expect(fm.image_metadata).toEqual({ caption: "", credit: "", "image-alt": "" });
    expect(fm.video_files).toEqual({
      video_captions_file: "",
      video_thumbnail_file: "",
      video_transcript_file: "",
    });
  });

  it("merges edited fields over kept extra values, the fields winning", () => {
    const item: StoredItem = {
      ...find("example_jpg"),
      data: { ...find("example_jpg").data, image_metadata: { "image-alt": "A dog" } },
      extra: { image_metadata: { legacy: "x", "image-alt": "old" }, zz: 1 },
    };
    const fm = parse(text(item).split("---\n")[1] ?? "");
    expect(fm.image_metadata).toEqual({ legacy: "x", "image-alt": "A dog" });
    expect(fm.zz).toBe(1);
    expect(fm.uid).toBe(item.uid);
    expect(fm.content_type).toBe("resource");
  });

  it("quotes strings YAML 1.1 would read as something else, and only those", () => {
    const yaml = toYaml({
      a: "yes",
      b: "2022-01-01",
      c: "1_000",
      d: "0o14",
      e: "~",
      f: "On",
      g: "plain text",
      h: "",
      i: "it's: here",
      j: ["x", "null"],
      k: "multi\nline",
    });
    expect(yaml).toBe(
      [
        "a: 'yes'",
        "b: '2022-01-01'",
        "c: '1_000'",
        "d: '0o14'",
        "e: '~'",
        "f: 'On'",
        "g: plain text",
        "h: ''",
        "i: 'it''s: here'",
        "j:",
        "- x",
        "- 'null'",
        "k: 'multi",
        "",
        "  line'",
        "",
      ].join("\n"),
    );
    expect(parse(yaml, { version: "1.1" })).toEqual(parse(yaml));
  });

  it("escapes the characters YAML 1.1 reads as line breaks (U+0085, U+2028, U+2029)", () => {
    const yaml = toYaml({ "k\u2028": " \u2028---\n", b: ["\u0085", "\u2029"] });
    expect(yaml).toBe('b:\n- "\\N"\n- "\\P"\n"k\\L": " \\L---\\n"\n');
    expect(parse(yaml)).toEqual({ "k\u2028": " \u2028---\n", b: ["\u0085", "\u2029"] });
  });

  it("sorts keys by code unit in YAML and JSON, numeric-looking keys included", () => {
    const value = { b: 1, "10": { z: [], y: {} }, "2": "x", a: [{ d: 1, c: null }] };
    expect(toYaml(value)).toBe("'10':\n  'y': {}\n  z: []\n'2': x\na:\n- c: null\n  d: 1\nb: 1\n");
    expect(toJson(value)).toBe(
      '{\n  "10": {\n    "y": {},\n    "z": []\n  },\n  "2": "x",\n  "a": [\n    {\n      "c": null,\n      "d": 1\n    }\n  ],\n  "b": 1\n}',
    );
  });

  it("derives course.json's site values and keeps what it cannot compute", () => {
    const meta = items.find((i) => i.collection === "metadata");
    if (!meta) throw new Error("no course.json");
    const other = { slug: "renamed", urlPath: "courses/renamed" };
    const json = JSON.parse(text(meta, { ...ctx, site: other }));
    expect(json.site_short_id).toBe("renamed");
    expect(json.site_url_path).toBe("courses/renamed");
    // Without a site uid the imported one stays.
    expect(json.site_uid).toBe("554fc3fa-2f4b-4a94-87f4-19e51ae36920");
    expect(json.course_image_thumbnail).toEqual(json.course_image);
    expect(json.course_description_html).toMatch(/^<p>This is a test course/);
    const changed = {
      ...meta,
      data: { ...meta.data, course_image: { content: "x", website: "y" } },
    };
    const again = JSON.parse(text(changed, { ...ctx, site: { ...other, uid: "u-1" } }));
    expect(again.course_image_thumbnail).toEqual({ content: "x", website: "y" });
    expect(again.site_uid).toBe("u-1");
  });

  it("returns null for a collection or singleton the starter no longer has, or a TOML file", () => {
    const page = find("section-1");
    expect(renderItem(ocw, { ...page, collection: "gone" }, ctx)).toBeNull();
    expect(renderItem(ocw, { ...page, collection: "metadata", filename: "gone" }, ctx)).toBeNull();
    const toml = structuredClone(ocw);
    const entry = toml.collections.find((c) => c.name === "menu")?.files?.[0];
    if (entry) entry.file = "config/_default/menus.toml";
    const menu = items.find((i) => i.collection === "menu") as StoredItem;
    expect(renderItem(toml, menu, ctx)).toBeNull();
    expect(renderItem(ocw, menu, ctx)?.path).toBe("config/_default/menus.yaml");
  });

  it("leaves derived site values alone when the starter declares them", () => {
    const meta = items.find((i) => i.collection === "metadata") as StoredItem;
    const declares = structuredClone(ocw);
    declares.collections
      .find((c) => c.name === "metadata")
      ?.files?.[0]?.fields.push({ label: "Short id", name: "site_short_id", widget: "string" });
    const data = { ...meta.data, site_short_id: "chosen" };
    const r = renderItem(declares, { ...meta, data }, ctx);
    const json = JSON.parse(new TextDecoder().decode(r?.content));
    expect(json.site_short_id).toBe("chosen");
    expect(json.site_url_path).toBe("courses/ocw-ci-test-course");
  });

  it("exportSite skips unknown collections and path clashes with a warning", async () => {
    const page = find("section-1");
    const twin = { ...page, uid: "00000000-0000-4000-8000-000000000000" };
    const warnings: string[] = [];
    const files = await exportAll(
      ocw,
      [{ ...page, collection: "gone" }, page, twin],
      undefined,
      warnings,
    );
    expect(files.map((f) => f.path)).toEqual(["content/pages/section-1.md"]);
    // The lower uid wins, whatever the order.
    expect(files[0]?.text).toContain("uid: 00000000-0000-4000-8000-000000000000");
    expect(warnings).toEqual([
      "gone/section-1: the starter has no file for it; skipped",
      "content/pages/section-1.md: written by two items; the second is skipped",
    ]);
  });
});

describe("menus", () => {
  const items = importFixture(ocw);
  const menu = items.find((i) => i.collection === "menu");
  if (!menu) throw new Error("no menu");
  const leftnav = () => menu.data.leftnav as Record<string, unknown>[];

  function render(list: StoredItem[], data = menu?.data ?? {}) {
    const warnings: string[] = [];
    const r = renderItem(ocw, { ...(menu as StoredItem), data }, { site, index: indexOf(list) });
    if (!r) throw new Error("menu not rendered");
    warnings.push(...r.warnings);
    return { menu: parse(new TextDecoder().decode(r.content)).leftnav, warnings };
  }

  it("stores uids only and writes pageRef from each target's path", () => {
    expect(leftnav().every((e) => !("pageRef" in e) && !("url" in e))).toBe(true);
    const { menu: out, warnings } = render(items);
    expect(warnings).toEqual([]);
    expect(out[0]).toEqual({
      identifier: "d9eb8c7e-b9ac-42db-83d1-5e36b8189f5d",
      name: "Section 1 Menu Title",
      pageRef: "/pages/section-1",
      weight: 10,
    });
    expect(out.find((e: { name: string }) => e.name === "Resource List").pageRef).toBe(
      "/lists/a-resource-list",
    );
  });

  it("follows a renamed page", () => {
    const renamed = items.map((i) =>
      i.uid === "d9eb8c7e-b9ac-42db-83d1-5e36b8189f5d" ? { ...i, filename: "week-1" } : i,
    );
    expect(render(renamed).menu[0].pageRef).toBe("/pages/week-1");
  });

  it("drops entries whose item is gone, and their children, with warnings", () => {
    const without = items.filter((i) => i.uid !== "d9eb8c7e-b9ac-42db-83d1-5e36b8189f5d");
    const { menu: out, warnings } = render(without);
    const names = out.map((e: { name: string }) => e.name);
    expect(names).not.toContain("Section 1 Menu Title");
    expect(names).not.toContain("Subsection 1a Menu Title");
    expect(names).toHaveLength(leftnav().length - 3);
    expect(warnings).toEqual([
      'config/_default/menus.yaml: menu entry "Section 1 Menu Title" (d9eb8c7e-b9ac-42db-83d1-5e36b8189f5d) points at an item that no longer exists; dropped',
      'config/_default/menus.yaml: menu entry "Subsection 1a Menu Title" (d1f35266-366e-45f1-bfc2-bcd46eb6c4a4) is under a dropped entry; dropped',
      'config/_default/menus.yaml: menu entry "Subsection 1b Menu Title" (874d2ec0-06db-40da-b376-4f6579590d20) is under a dropped entry; dropped',
    ]);
  });

  it("keeps external links and hand-written entries as they are", () => {
    const data = {
      leftnav: [
        { identifier: "external-1", name: "MIT", url: "https://mit.edu", weight: 5 },
        { identifier: "home", name: "Home", pageRef: "/" },
        { identifier: "0c1253c6-e8bc-4804-96ad-c7914220957c", name: "A resource", weight: 1 },
      ],
    };
    const { menu: out, warnings } = render(items, data);
    expect(out).toEqual([
      { identifier: "external-1", name: "MIT", url: "https://mit.edu", weight: 5 },
      { identifier: "home", name: "Home", pageRef: "/" },
      {
        identifier: "0c1253c6-e8bc-4804-96ad-c7914220957c",
        name: "A resource",
        pageRef: "/resources/file_txt",
        weight: 1,
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it("drops an entry whose item is not a page (a singleton)", () => {
    const data = { leftnav: [{ identifier: menu.uid, name: "Self" }] };
    const { menu: out, warnings } = render(items, data);
    expect(out).toEqual([]);
    expect(warnings).toEqual([
      `config/_default/menus.yaml: menu entry "Self" (${menu.uid}) points at menu/navmenu, which has no page; dropped`,
    ]);
  });

  it("pageRef follows the starter's content-dir", () => {
    const config = { ...ocw, "content-dir": "content/pages" };
    const entry = { uid: "u", collection: "page", filename: "x" };
    expect(pageRefOf(config, entry)).toBe("/x");
    expect(pageRefOf(ocw, entry)).toBe("/pages/x");
    expect(
      pageRefOf(ocw, { uid: "u", collection: "metadata", filename: "sitemetadata" }),
    ).toBeNull();
  });
});
