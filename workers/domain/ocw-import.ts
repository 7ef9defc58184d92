// Turning the text files of an unpacked OCW course export into content items, validated
// against the site's starter. Pure and runtime-neutral: the import route unpacks the archive,
// stores the media and writes the items; this decides what the items are. All or nothing:
// one error anywhere and there are no items, only a report naming every error.
//
// Decisions:
// - The site root is the shallowest folder holding `content/`, `data/` or `config/`, so an
//   archive may wrap the site in a top-level folder (`ocw-ci-test-course/`).
// - A path the starter names in a `files` entry is that singleton; any other `.md` under the
//   content directory or a starter folder is a folder item, whose collection is its
//   `content_type` (a folder collection whose folder is the file's folder). The rest is not
//   content: listed as skipped, or attached as a resource's media.
// - Front-matter keys the starter does not declare (at any depth) are kept verbatim in
//   `extra`, not refused: OCW's exports carry legacy keys, link-checker results and values
//   its exporter derives (see the justified errors in content-validation.test.ts). So are a
//   relation's values when they are objects (the exporter's resolved caption and transcript
//   files) and values a failed `condition` drops (`image_metadata` on a document). The export
//   writes `extra` back under `data`, so the files come back as they were.
// - Validation runs in `create` mode, so a field a file leaves out gets the starter's default
//   (and the export writes it). A relation naming another site (`{content, website}` whose
//   website is neither the archive's folder nor course.json's `site_short_id`) is not looked
//   for: that content is not in the archive.
// - `uid` and `content_type` are the item's identity. The other SYSTEM_KEYS (`layout`,
//   `parent_uid`) are fields when the starter declares them (the built-in course starter
//   declares `parent_uid`) and otherwise extra, like any undeclared key.
// - Singletons have no uid in OCW (its id is the entry name); theirs is a name-based UUID
//   (version 8, from a 128-bit FNV-1a hash of collection and name), so re-importing an
//   export gives the same uid.
// - Menus: an entry pointing at an item of the archive is stored without `pageRef`/`url`
//   (the export derives them); one whose uid names nothing in the archive is dropped with a
//   warning, with its children (OCW's own test course has one).
// - A resource's `file` is matched by file name to another archive entry (`static/` first),
//   and listed in `media`; without a match the item is imported with `fileMissing`. A caller
//   that lists no entries but answers `hasMedia` is asked about the usual places instead.
// - Bounded work: at most MAX_IMPORT_ITEMS content files (counted before any is parsed),
//   front matter and data files up to MAX_FRONT_MATTER_BYTES, bodies up to MAX_MARKDOWN_BYTES.

import { parseDocument } from "yaml";
import type { ImportReport } from "#schemas/content";
import { contentFilename, contentUid } from "#schemas/content";
import type { StarterConfig, StarterField } from "#schemas/starter";
import {
  collectionFields,
  MAX_MARKDOWN_BYTES,
  type RelationRef,
  validateContent,
} from "./content-validation.ts";
import {
  bodyPlacement,
  compareExportPath,
  dropOrphans,
  exportPath,
  isPlainObject,
  menuEntryKind,
  mergeValues,
  type StoredItem,
  setOwn,
} from "./hugo-export.ts";
import { attachMedia } from "./ocw-import-media.ts";

export const MAX_FRONT_MATTER_BYTES = 256 * 1024;
export const MAX_IMPORT_ITEMS = 10_000;

export type ImportFile = { path: string; bytes: Uint8Array };
export type ImportOptions = {
  /**
   * Archive paths of entries not given in `files` (media the route keeps elsewhere). Listed,
   * a resource's file is found by name anywhere outside content/.
   */
  mediaPaths?: Iterable<string>;
  /**
   * Whether the archive holds an entry (and it can be attached). It filters the listed
   * entries, and alone it is asked about the usual places (static/<name>, static/<url path>,
   * <url path>, <name>).
   */
  hasMedia?: (archivePath: string) => boolean;
};
export type ImportPlan =
  | {
      ok: true;
      items: StoredItem[];
      report: ImportReport;
      media: { uid: string; archivePath: string }[];
    }
  | { ok: false; report: ImportReport };

type Issue = ImportReport["errors"][number];

/** A file read as a content item, before validation. */
type Candidate = {
  path: string;
  collection: string;
  filename: string;
  uid: string;
  kind: "folder" | "file";
  label: string;
  fields: StarterField[];
  raw: Record<string, unknown>;
  body: string;
};

const SITE_FOLDERS = new Set(["content", "data", "config"]);

/** The site root inside the archive ("" or "folder/"), or an error message. */
function findSiteRoot(paths: string[]): { root: string } | { error: string } {
  let best: Set<string> | undefined;
  let depth = Number.POSITIVE_INFINITY;
  for (const path of paths) {
    const parts = path.split("/");
    for (let i = 0; i < parts.length - 1 && i <= depth; i++) {
      if (!SITE_FOLDERS.has(parts[i] ?? "")) continue;
      const root = i === 0 ? "" : `${parts.slice(0, i).join("/")}/`;
      if (i < depth) {
        best = new Set();
        depth = i;
      }
      best?.add(root);
      break;
    }
  }
  if (!best) return { error: "no content/, data/ or config/ folder found: not an OCW site export" };
  if (best.size > 1) {
    return { error: `more than one site in the archive: ${[...best].sort().join(", ")}` };
  }
  return { root: [...best][0] ?? "" };
}

/** Front matter and body of a markdown file; the body is everything after the closing `---`. */
export function splitFrontMatter(text: string): { frontMatter: string; body: string } | null {
  const open = /^---[ \t]*\r?\n/.exec(text);
  if (!open) return null;
  // Lines end at "\n" only, as for Hugo: a regex `m` flag would also break at U+2028/U+2029.
  const rest = text.slice(open[0].length);
  const m = /(^|\n)---[ \t]*(?:\r?\n|$)/.exec(rest);
  if (!m) return null;
  const end = m.index + (m[1] ?? "").length;
  return { frontMatter: rest.slice(0, end), body: rest.slice(m.index + m[0].length) };
}

const bytes = (s: string) => new TextEncoder().encode(s).byteLength;

/** A deterministic UUID (version 8) for a name: 128-bit FNV-1a over its UTF-8 bytes. */
export function nameUuid(name: string): string {
  let h = 0x6c62272e07bb014262b821756295c58dn;
  const prime = 0x0000000001000000000000000000013bn;
  const mask = (1n << 128n) - 1n;
  for (const b of new TextEncoder().encode(name)) h = ((h ^ BigInt(b)) * prime) & mask;
  const hex = h.toString(16).padStart(32, "0").split("");
  hex[12] = "8";
  hex[16] = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function parseYamlObject(text: string): { value: Record<string, unknown> } | { error: string } {
  const doc = parseDocument(text, { prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? ` (line ${pos.line}, column ${pos.col})` : "";
    return { error: `invalid YAML${where}: ${first.message.split("\n")[0]}` };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { error: `invalid YAML: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (value === null || value === undefined) return { value: {} };
  return isPlainObject(value) ? { value } : { error: "must be a YAML mapping" };
}

/**
 * Splits input values into what is checked as fields and what is kept verbatim (`extra`):
 * undeclared keys at every level, and relation values that are lists of objects.
 */
function partition(fields: StarterField[], input: Record<string, unknown>) {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const kept: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const f = byName.get(key);
    if (!f) setOwn(extra, key, value);
    else if (f.widget === "object" && isPlainObject(value)) {
      const inner = partition(f.fields ?? [], value);
      setOwn(kept, key, inner.kept);
      if (Object.keys(inner.extra).length > 0) setOwn(extra, key, inner.extra);
    } else if (f.widget === "relation" && Array.isArray(value) && value.some(isPlainObject)) {
      setOwn(extra, key, value);
    } else setOwn(kept, key, value);
  }
  return { kept, extra };
}

/** What validation dropped from `kept` (fields whose condition failed), at every level. */
function droppedValues(kept: Record<string, unknown>, value: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(kept)) {
    if (!Object.hasOwn(value, key)) setOwn(out, key, v);
    else if (isPlainObject(v) && isPlainObject(value[key])) {
      const inner = droppedValues(v, value[key] as Record<string, unknown>);
      if (Object.keys(inner).length > 0) setOwn(out, key, inner);
    }
  }
  return out;
}

/** Stores internal menu entries without their derived `pageRef`/`url`; drops dangling ones. */
function importMenu(
  entries: unknown[],
  exists: (uid: string) => boolean,
  warn: (message: string) => void,
): unknown[] {
  if (!entries.every(isPlainObject)) return entries; // validation reports it
  const dropped = new Set<unknown>();
  const label = (e: Record<string, unknown>) =>
    `menu entry ${JSON.stringify(e.name)} (${String(e.identifier)})`;
  const kept: Record<string, unknown>[] = [];
  for (const entry of entries) {
    const kind = menuEntryKind(entry, exists);
    if (kind === "dangling") {
      dropped.add(entry.identifier);
      warn(`${label(entry)} points at an item that is not in the archive; dropped`);
    } else if (kind === "internal") {
      const { pageRef: _pageRef, url: _url, ...rest } = entry;
      kept.push(rest);
    } else kept.push(entry);
  }
  return dropOrphans(kept, dropped, (e) => warn(`${label(e)} is under a dropped entry; dropped`));
}

export function planOcwImport(
  config: StarterConfig,
  files: ImportFile[],
  opts: ImportOptions = {},
): ImportPlan {
  const mediaPaths = [...(opts.mediaPaths ?? [])];
  const report: ImportReport = {
    files: files.length + mediaPaths.length,
    items: 0,
    byCollection: {},
    missingFiles: [],
    skipped: [],
    errors: [],
    warnings: [],
  };
  const errors: Issue[] = report.errors;
  const fail = (path: string, message: string, field?: string) =>
    errors.push(field === undefined ? { path, message } : { path, field, message });
  const warn = (path: string, message: string) => report.warnings?.push({ path, message });

  const sorted = [...files].sort((a, b) => compareExportPath(a.path, b.path));
  const found = findSiteRoot([...sorted.map((f) => f.path), ...mediaPaths]);
  if ("error" in found) {
    fail("", found.error);
    return { ok: false, report };
  }
  const { root } = found;

  // Where content lives, relative to the site root.
  const contentDir = `${(config["content-dir"] ?? "content").replace(/\/+$/, "")}/`;
  const singletonAt = new Map<string, { collection: string; name: string; label: string }>();
  const folderOf = new Map<string, string[]>(); // folder → collections
  for (const c of config.collections) {
    for (const f of c.files ?? []) {
      singletonAt.set(f.file, { collection: c.name, name: f.name, label: f.label });
    }
    if (c.folder !== undefined) {
      const folder = c.folder.replace(/\/+$/, "");
      folderOf.set(folder, [...(folderOf.get(folder) ?? []), c.name]);
    }
  }
  const isItemPath = (rel: string) =>
    rel.endsWith(".md") &&
    (rel.startsWith(contentDir) || folderOf.has(rel.slice(0, rel.lastIndexOf("/"))));

  const textFiles: { file: ImportFile; rel: string }[] = [];
  const others: string[] = [];
  for (const file of sorted) {
    const rel = file.path.startsWith(root) ? file.path.slice(root.length) : undefined;
    if (rel !== undefined && singletonAt.has(rel)) textFiles.push({ file, rel });
    else if (rel !== undefined && isItemPath(rel)) {
      // Hugo's section pages (`_index.md`) are not items of any starter collection.
      if (rel.slice(rel.lastIndexOf("/") + 1).startsWith("_")) {
        warn(file.path, "a Hugo section page the starter does not declare; skipped");
        others.push(file.path);
      } else textFiles.push({ file, rel });
    } else others.push(file.path);
  }
  others.push(...mediaPaths);
  if (textFiles.length > MAX_IMPORT_ITEMS) {
    fail("", `the archive holds ${textFiles.length} content files; at most ${MAX_IMPORT_ITEMS}`);
    return { ok: false, report };
  }

  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  const candidates: Candidate[] = [];
  for (const { file, rel } of textFiles) {
    const c = readCandidate(config, file, rel, decoder, singletonAt, folderOf, fail);
    if (c) candidates.push(c);
  }

  // Identity: uids unique across the archive, file names unique within a collection.
  const byUid = new Map<string, Candidate>();
  const byName = new Map<string, Candidate>();
  for (const c of candidates) {
    const other = byUid.get(c.uid);
    if (other) fail(c.path, `duplicate uid ${c.uid}, also in ${other.path}`, "uid");
    else byUid.set(c.uid, c);
    const key = `${c.collection}/${c.filename}`;
    const same = byName.get(key);
    if (same)
      fail(c.path, `duplicate file name "${c.filename}" in ${c.collection}, also ${same.path}`);
    else byName.set(key, c);
  }

  // This site's own names: relations naming another site cannot be checked here.
  const ownSites = new Set<string>();
  if (root) ownSites.add(root.slice(0, -1).split("/").pop() ?? "");
  for (const c of candidates) {
    if (c.kind === "file" && typeof c.raw.site_short_id === "string") {
      ownSites.add(c.raw.site_short_id);
    }
  }
  const relationExists = (ref: RelationRef) => {
    if (ref.website !== undefined && !ownSites.has(ref.website)) return true;
    const target = byUid.get(ref.uid);
    if (!target || target.collection !== ref.collection) return false;
    return !ref.filter || target.raw[ref.filter.field] === ref.filter.value;
  };
  const isFolderItem = (uid: string) => byUid.get(uid)?.kind === "folder";

  const items: StoredItem[] = [];
  for (const c of candidates) {
    const input: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c.raw)) {
      if (c.kind === "folder" && (k === "uid" || k === "content_type")) continue;
      const menu = c.fields.find((f) => f.name === k && f.widget === "menu");
      setOwn(
        input,
        k,
        menu && Array.isArray(v) ? importMenu(v, isFolderItem, (m) => warn(c.path, m)) : v,
      );
    }
    const placement = bodyPlacement(c.fields, c.kind);
    if (placement !== "none") setOwn(input, "body", c.body);
    const { kept, extra } = partition(c.fields, input);
    const r = validateContent(c.fields, kept, { mode: "create", relationExists });
    if (!r.ok) {
      for (const e of r.errors) fail(c.path, e.message, e.field);
      continue;
    }
    const data = r.value;
    const leftover = mergeValues(extra, droppedValues(kept, data));
    const body = typeof data.body === "string" ? data.body : "";
    delete data.body;
    items.push({
      uid: c.uid,
      collection: c.collection,
      filename: c.filename,
      title: typeof data.title === "string" ? data.title : c.label,
      body,
      data,
      extra: leftover,
      fileMissing: false,
    });
  }
  if (errors.length > 0) {
    // By file (stable: a file's errors keep their order), so a long report reads file by file.
    errors.sort((a, b) => compareExportPath(a.path, b.path));
    return { ok: false, report };
  }

  const media = attachMedia(config, items, byUid, others, root, opts, report);
  const attached = new Set(media.map((m) => m.archivePath));
  report.skipped = others.filter((p) => !attached.has(p)).sort(compareExportPath);
  items.sort((a, b) => compareExportPath(exportPath(config, a) ?? "", exportPath(config, b) ?? ""));
  report.items = items.length;
  for (const item of items) {
    report.byCollection[item.collection] = (report.byCollection[item.collection] ?? 0) + 1;
  }
  return { ok: true, items, report, media };
}

/** Reads one content file into a candidate item, or records why it cannot be one. */
function readCandidate(
  config: StarterConfig,
  file: ImportFile,
  rel: string,
  decoder: TextDecoder,
  singletonAt: Map<string, { collection: string; name: string; label: string }>,
  folderOf: Map<string, string[]>,
  fail: (path: string, message: string, field?: string) => void,
): Candidate | null {
  const path = file.path;
  if (file.bytes.byteLength > MAX_FRONT_MATTER_BYTES + MAX_MARKDOWN_BYTES + 16) {
    fail(
      path,
      `is ${file.bytes.byteLength} bytes; a content file may be at most ${MAX_FRONT_MATTER_BYTES + MAX_MARKDOWN_BYTES}`,
    );
    return null;
  }
  let text: string;
  try {
    text = decoder.decode(file.bytes);
  } catch {
    fail(path, "is not UTF-8 text");
    return null;
  }
  const singleton = singletonAt.get(rel);
  const isMarkdown = /\.md$/i.test(rel);
  let raw: Record<string, unknown>;
  let body = "";
  if (isMarkdown) {
    const parts = splitFrontMatter(text);
    if (!parts) {
      fail(path, "has no front matter (a block between --- lines at the top)");
      return null;
    }
    if (bytes(parts.frontMatter) > MAX_FRONT_MATTER_BYTES) {
      fail(path, `front matter is larger than ${MAX_FRONT_MATTER_BYTES} bytes`);
      return null;
    }
    if (bytes(parts.body) > MAX_MARKDOWN_BYTES) {
      fail(path, `body is larger than ${MAX_MARKDOWN_BYTES} bytes`, "body");
      return null;
    }
    const parsed = parseYamlObject(parts.frontMatter);
    if ("error" in parsed) {
      fail(path, parsed.error);
      return null;
    }
    raw = parsed.value;
    body = parts.body;
  } else {
    if (bytes(text) > MAX_FRONT_MATTER_BYTES) {
      fail(path, `is larger than ${MAX_FRONT_MATTER_BYTES} bytes`);
      return null;
    }
    if (/\.json$/i.test(rel)) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        fail(path, `invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      }
      if (!isPlainObject(value)) {
        fail(path, "must be a JSON object");
        return null;
      }
      raw = value;
    } else {
      const parsed = parseYamlObject(text);
      if ("error" in parsed) {
        fail(path, parsed.error);
        return null;
      }
      raw = parsed.value;
    }
  }

  if (singleton) {
    const fields = collectionFields(config, singleton.collection, singleton.name) ?? [];
    // OCW Studio's menu writer nests menus under `menu:`, as in a Hugo site config.
    const nested = raw.menu;
    if (!fields.some((f) => f.name === "menu") && isPlainObject(nested) && /\.ya?ml$/i.test(rel)) {
      const { menu: _menu, ...rest } = raw;
      raw = mergeValues(rest, nested);
    }
    const placement = bodyPlacement(fields, "file");
    if (!movedBody(placement, raw, body, path, fail)) return null;
    return {
      path,
      collection: singleton.collection,
      filename: singleton.name,
      uid: nameUuid(`${singleton.collection}/${singleton.name}`),
      kind: "file",
      label: singleton.label,
      fields,
      raw,
      body: takeBody(placement, raw, body),
    };
  }

  const slash = rel.lastIndexOf("/");
  const folder = rel.slice(0, slash);
  const filename = rel.slice(slash + 1, -".md".length);
  let ok = true;
  const uid = raw.uid;
  if (uid === undefined || uid === null || uid === "") {
    fail(path, "is required", "uid");
    ok = false;
  } else if (!contentUid.safeParse(uid).success) {
    fail(path, `${JSON.stringify(uid)} is not a lowercase UUID`, "uid");
    ok = false;
  }
  if (!contentFilename.safeParse(filename).success) {
    fail(path, `file name "${filename}" must be lowercase letters, digits, '-' or '_'`);
    ok = false;
  }
  const type = raw.content_type;
  const collection = config.collections.find((c) => c.name === type);
  if (typeof type !== "string" || type === "") {
    fail(path, "is required", "content_type");
    return null;
  }
  if (!collection) {
    fail(path, `"${type}" is not a collection of this starter`, "content_type");
    return null;
  }
  if (collection.folder === undefined) {
    fail(path, `"${type}" is not a folder collection of this starter`, "content_type");
    return null;
  }
  if (!(folderOf.get(folder) ?? []).includes(type)) {
    fail(path, `"${type}" items belong in ${collection.folder}/, not ${folder}/`, "content_type");
    return null;
  }
  const fields = collection.fields ?? [];
  const placement = bodyPlacement(fields, "folder");
  if (!movedBody(placement, raw, body, path, fail) || !ok) return null;
  return {
    path,
    collection: collection.name,
    filename,
    uid: uid as string,
    kind: "folder",
    label: collection.label,
    fields,
    raw,
    body: takeBody(placement, raw, body),
  };
}

/**
 * The body, from after the front matter or else from a `body:` key (which is then no longer
 * a front-matter value). Without a body field, `body:` stays a value like any other.
 */
function takeBody(
  placement: "front-matter" | "below" | "none",
  raw: Record<string, unknown>,
  below: string,
): string {
  if (placement === "none") return "";
  const inFrontMatter = raw.body;
  if (typeof inFrontMatter !== "string") return below;
  delete raw.body;
  return below.trim() !== "" ? below : inFrontMatter;
}

/**
 * Checks the body against where the collection keeps it: text after the front matter needs a
 * `body` field, and may not also be given as `body:` in the front matter.
 */
function movedBody(
  placement: "front-matter" | "below" | "none",
  raw: Record<string, unknown>,
  below: string,
  path: string,
  fail: (path: string, message: string, field?: string) => void,
): boolean {
  const hasText = below.trim() !== "";
  if (placement === "none" && hasText) {
    fail(path, "has text after the front matter, but its collection has no body field", "body");
    return false;
  }
  if (placement !== "none" && hasText && raw.body !== undefined && raw.body !== "") {
    fail(path, "has a body both in the front matter and after it", "body");
    return false;
  }
  return true;
}
