// A site's content as the Hugo content tree OCW Studio would commit to git: one markdown file
// per folder item, one data/config file per singleton. Runtime-neutral (runs in workerd and
// Node) and deterministic: the same content gives the same bytes whatever the order items
// arrive in, their timestamps or their objects' key order.
//
// Decisions (the fixture is OCW's real export, ../shared/fixtures/ocw/ocw-ci-test-course):
// - Front matter is YAML as PyYAML's `yaml.dump` writes it: keys sorted at every level,
//   sequences not indented under their key, strings plain where possible and otherwise in
//   single quotes ('' for empty). Lines are never folded (PyYAML folds at 80 columns; an
//   unfolded line diffs better and reads the same). A string YAML 1.1 would read as something
//   else (`yes`, `1_000`, `2022-01-01`) is quoted too, so Hugo's YAML reader sees a string.
// - Folder items carry `uid`, `title` and `content_type` (the collection) over their values;
//   the values are `extra` (keys the import kept verbatim) overlaid with `data` (fields).
// - The body: collections with a `file` field (resources) keep it in the front matter as
//   `body`, as OCW does (`body: ''` on every resource); others write it after the closing
//   `---`, byte for byte. See `bodyPlacement`.
// - Singletons (`files` collections): `.json` as 2-space JSON with sorted keys and a final
//   newline, `.yaml`/`.yml` as YAML, `.md` as front matter + body; they carry no uid.
// - The site metadata (`sitemetadata`) gets the values OCW's exporter derives: `site_uid`,
//   `site_short_id`, `site_url_path` from the site, `course_image_thumbnail` = `course_image`.
//   `course_description_html` needs a markdown renderer, so the imported value is kept.
// - Menus: an entry whose identifier is an item's uid gets `pageRef` from that item's current
//   path (`/pages/section-1`), so renames keep menus right; one whose identifier is a uid of
//   no live item (and has no `url`) is dropped with a warning, and so are its children.
import { Document, isScalar, type Pair, parseDocument, visit } from "yaml";
import type { StarterCollection, StarterConfig, StarterField, StarterFile } from "#schemas/starter";

/** A content item as stored (see `contentItems` in workers/db/schema.ts). */
export type StoredItem = {
  uid: string;
  collection: string;
  /** Folder items: the file name without `.md`; singletons: the starter file entry's name. */
  filename: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  extra: Record<string, unknown>;
  fileMissing: boolean;
};

export type ExportSite = { uid?: string | undefined; slug: string; urlPath: string };
export type ExportIndexEntry = { uid: string; collection: string; filename: string };
export type ExportContext = { site: ExportSite; index: Map<string, ExportIndexEntry> };
export type RenderedFile = { path: string; content: Uint8Array; warnings: string[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Sets an own property, so a key such as `__proto__` from imported data stays plain data. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** `extra` overlaid with `data`, merging nested objects: imported leftovers under edited fields. */
export function mergeValues(
  extra: Record<string, unknown>,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(data)) {
    const under = out[k];
    setOwn(out, k, isPlainObject(under) && isPlainObject(v) ? mergeValues(under, v) : v);
  }
  return out;
}

/** Code-unit order, as `Array.prototype.sort` without a comparator; paths are compared so. */
export function compareExportPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Located =
  | { kind: "folder"; collection: StarterCollection; fields: StarterField[]; path: string }
  | {
      kind: "file";
      collection: StarterCollection;
      entry: StarterFile;
      fields: StarterField[];
      path: string;
    };

const folderPrefix = (folder: string) => `${folder.replace(/\/+$/, "")}/`;

function locate(config: StarterConfig, collection: string, filename: string): Located | null {
  const c = config.collections.find((x) => x.name === collection);
  if (!c) return null;
  if (c.folder !== undefined) {
    return {
      kind: "folder",
      collection: c,
      fields: c.fields ?? [],
      path: `${folderPrefix(c.folder)}${filename}.md`,
    };
  }
  const entry = c.files?.find((f) => f.name === filename);
  return entry
    ? { kind: "file", collection: c, entry, fields: entry.fields, path: entry.file }
    : null;
}

/** The path of an item's file in the export, or null when the starter has no place for it. */
export function exportPath(
  config: StarterConfig,
  item: { collection: string; filename: string },
): string | null {
  return locate(config, item.collection, item.filename)?.path ?? null;
}

/**
 * Where an item's `body` goes: "front-matter" for folder collections with a `file` field
 * (OCW's resources write `body: ''` in their front matter), "below" the front matter for
 * other collections and `.md` singletons with a `body` field, "none" without one.
 */
export function bodyPlacement(fields: StarterField[], kind: "folder" | "file") {
  if (!fields.some((f) => f.name === "body")) return "none";
  return kind === "folder" && fields.some((f) => f.widget === "file") ? "front-matter" : "below";
}

/** Hugo's `pageRef` for an item: its path under the content directory, without `.md`. */
export function pageRefOf(config: StarterConfig, item: ExportIndexEntry): string | null {
  const path = exportPath(config, item);
  const contentDir = folderPrefix(config["content-dir"] ?? "content");
  if (!path?.startsWith(contentDir) || !path.endsWith(".md")) return null;
  return `/${path.slice(contentDir.length, -".md".length)}`;
}

/**
 * Which menu entries are internal links, kept as they are, or dangling: an identifier that is
 * a uid but names no item, without a `url` to fall back on. Import and export share it.
 */
export function menuEntryKind(
  entry: Record<string, unknown>,
  exists: (uid: string) => boolean,
): "internal" | "kept" | "dangling" {
  const id = entry.identifier;
  if (typeof id === "string" && exists(id)) return "internal";
  const hasUrl = typeof entry.url === "string" && entry.url !== "";
  return typeof id === "string" && UUID.test(id) && !hasUrl ? "dangling" : "kept";
}

/** Drops entries whose parent was dropped, repeatedly; returns the kept entries. */
export function dropOrphans(
  entries: Record<string, unknown>[],
  dropped: Set<unknown>,
  warn: (entry: Record<string, unknown>) => void,
): Record<string, unknown>[] {
  let kept = entries;
  for (;;) {
    const next = kept.filter((e) => e.parent === undefined || !dropped.has(e.parent));
    if (next.length === kept.length) return kept;
    for (const e of kept) {
      if (!next.includes(e)) {
        dropped.add(e.identifier);
        warn(e);
      }
    }
    kept = next;
  }
}

function exportMenu(
  config: StarterConfig,
  entries: unknown[],
  ctx: ExportContext,
  where: string,
  warnings: string[],
): unknown[] {
  const dropped = new Set<unknown>();
  const kept: Record<string, unknown>[] = [];
  const label = (e: Record<string, unknown>) =>
    `${where}: menu entry ${JSON.stringify(e.name)} (${String(e.identifier)})`;
  for (const entry of entries) {
    // Stored menus were validated; anything else is passed through untouched.
    if (!isPlainObject(entry)) return entries;
    const kind = menuEntryKind(entry, (uid) => ctx.index.has(uid));
    if (kind === "kept") {
      kept.push(entry);
      continue;
    }
    const target = ctx.index.get(entry.identifier as string);
    const pageRef = target ? pageRefOf(config, target) : null;
    if (pageRef === null) {
      dropped.add(entry.identifier);
      warnings.push(
        target
          ? `${label(entry)} points at ${target.collection}/${target.filename}, which has no page; dropped`
          : `${label(entry)} points at an item that no longer exists; dropped`,
      );
      continue;
    }
    const { url: _url, pageRef: _stale, ...rest } = entry;
    kept.push({ ...rest, pageRef });
  }
  return dropOrphans(kept, dropped, (e) =>
    warnings.push(`${label(e)} is under a dropped entry; dropped`),
  );
}

const YAML_11_CHECK_MAX = 64;

/**
 * Line breaks to YAML 1.1 (PyYAML, Go's YAML) but not to 1.2: a string holding one is written
 * double-quoted with the escape, or a 1.1 reader would fold it and split front matter there.
 */
const YAML_11_BREAKS = /[\u0085\u2028\u2029]/;
const BREAK_ESCAPES: Record<string, string> = {
  "\u0085": "\\N",
  "\u2028": "\\L",
  "\u2029": "\\P",
};

/** True when YAML 1.1 (PyYAML, Hugo's older readers) would read `s` unquoted as a non-string. */
function ambiguousIn11(s: string): boolean {
  if (s.length > YAML_11_CHECK_MAX || !/^[\x20-\x7e]+$/.test(s)) return false;
  // parseDocument, not parse: a string YAML cannot read at all is quoted by the writer anyway,
  // and parse would log its warnings.
  const doc = parseDocument(s, { version: "1.1" });
  if (doc.errors.length > 0 || doc.warnings.length > 0) return false;
  try {
    return doc.toJS({ mapAsMap: true }) !== s;
  } catch {
    return false;
  }
}

const pairKey = (p: Pair) => String(isScalar(p.key) ? p.key.value : p.key);

/** YAML as PyYAML's `yaml.dump` writes it (see the decisions at the top). */
export function toYaml(value: Record<string, unknown>): string {
  const doc = new Document(value, {
    sortMapEntries: (a, b) => compareExportPath(pairKey(a), pairKey(b)),
  });
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== "string") return;
      if (YAML_11_BREAKS.test(node.value)) node.type = "QUOTE_DOUBLE";
      else if (ambiguousIn11(node.value)) node.type = "QUOTE_SINGLE";
    },
  });
  const text = doc.toString({
    indentSeq: false,
    lineWidth: 0,
    singleQuote: true,
    blockQuote: false,
  });
  // Only double-quoted strings hold these characters, and the writer leaves them raw.
  return text.replace(/[\u0085\u2028\u2029]/g, (c) => BREAK_ESCAPES[c] ?? c);
}

/** JSON with 2-space indentation and keys sorted by code unit (as the YAML), at every level. */
export function toJson(value: unknown, indent = ""): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + toJson(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort(compareExportPath);
    if (keys.length === 0) return "{}";
    const lines = keys.map((k) => `${inner}${JSON.stringify(k)}: ${toJson(value[k], inner)}`);
    return `{\n${lines.join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * The site metadata values OCW's exporter derives (see the decisions at the top), unless the
 * starter declares them as fields: then they are the author's.
 */
function deriveSiteMetadata(
  values: Record<string, unknown>,
  site: ExportSite,
  fields: StarterField[],
) {
  const declared = new Set(fields.map((f) => f.name));
  const derive = (key: string, value: unknown) => {
    if (!declared.has(key)) setOwn(values, key, value);
  };
  if (site.uid !== undefined) derive("site_uid", site.uid);
  derive("site_short_id", site.slug);
  derive("site_url_path", site.urlPath);
  const image = values.course_image;
  if (image !== undefined && image !== null && image !== "") {
    derive("course_image_thumbnail", structuredClone(image));
  }
}

const encoder = new TextEncoder();

/**
 * One item's file, or null when the starter has no place for it: its collection or singleton
 * entry is gone (the starter changed since), or the entry's file is not JSON, YAML or
 * markdown. `warnings` name what was left out of the file.
 */
export function renderItem(
  config: StarterConfig,
  item: StoredItem,
  ctx: ExportContext,
): RenderedFile | null {
  const at = locate(config, item.collection, item.filename);
  if (!at) return null;
  const warnings: string[] = [];
  const values = mergeValues(item.extra, item.data);
  for (const f of at.fields) {
    const v = values[f.name];
    if (f.widget === "menu" && Array.isArray(v)) {
      setOwn(values, f.name, exportMenu(config, v, ctx, at.path, warnings));
    }
  }
  const placement = bodyPlacement(at.fields, at.kind);
  let text: string;
  if (at.kind === "folder") {
    if (!Object.hasOwn(values, "title")) setOwn(values, "title", item.title);
    if (placement === "front-matter") setOwn(values, "body", item.body);
    setOwn(values, "uid", item.uid);
    setOwn(values, "content_type", item.collection);
    text = `---\n${toYaml(values)}---\n${placement === "below" ? item.body : ""}`;
  } else {
    if (at.entry.name === "sitemetadata") deriveSiteMetadata(values, ctx.site, at.fields);
    if (/\.json$/i.test(at.path)) text = `${toJson(values)}\n`;
    else if (/\.ya?ml$/i.test(at.path)) text = toYaml(values);
    else if (/\.md$/i.test(at.path)) {
      text = `---\n${toYaml(values)}---\n${placement === "below" ? item.body : ""}`;
    } else return null;
  }
  return { path: at.path, content: encoder.encode(text), warnings };
}

/**
 * Renders every item and yields the files sorted by path. It holds what it is given, so it
 * suits tests and small sites; a streaming caller sorts the small index by `exportPath` with
 * `compareExportPath` (uid second, as here), reads items in that order and renders each with
 * `renderItem`. Items the starter has no file for, and a second item at a path already
 * written, are skipped with a warning.
 */
export async function* exportSite(
  config: StarterConfig,
  site: ExportSite,
  index: Map<string, ExportIndexEntry>,
  items: AsyncIterable<StoredItem> | Iterable<StoredItem>,
  opts: { onWarning?: (message: string) => void } = {},
): AsyncGenerator<{ path: string; content: Uint8Array }> {
  const warn = opts.onWarning ?? (() => {});
  const files: (RenderedFile & { uid: string })[] = [];
  for await (const item of items) {
    const file = renderItem(config, item, { site, index });
    if (!file) {
      warn(`${item.collection}/${item.filename}: the starter has no file for it; skipped`);
      continue;
    }
    for (const w of file.warnings) warn(w);
    files.push({ ...file, uid: item.uid });
  }
  // The uid breaks ties so that which of two clashing items is written does not depend on order.
  files.sort((a, b) => compareExportPath(a.path, b.path) || compareExportPath(a.uid, b.uid));
  let previous: string | undefined;
  for (const file of files) {
    if (file.path === previous) {
      warn(`${file.path}: written by two items; the second is skipped`);
      continue;
    }
    previous = file.path;
    yield { path: file.path, content: file.content };
  }
}
