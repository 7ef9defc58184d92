// Validating a content item's metadata against the fields its starter declares. Runtime-neutral
// (no cloudflare:* imports) so the API, the importer and tests share it.
//
// Decisions (see the tests for each):
// - Input is metadata only. The caller strips `SYSTEM_KEYS` (ids and bookkeeping Lectern or
//   OCW's exporter writes, never editable as fields) before calling; any other key that is not
//   a declared field is an error, at every nesting level.
// - `condition: {field, equals}` is read against the sibling value at the same level (after
//   defaults). When it does not hold, the field is neither required nor validated, and is
//   dropped from `value` silently: OCW's editor hides such fields but keeps stale values (its
//   exports carry `image_metadata` on documents), and dropping them means they never publish.
// - `mode: "create"` applies `default` (non-null) to absent fields. `mode: "update"` expects the
//   full merged item (the caller applies a patch over the stored values first) and applies no
//   defaults.
// - `readOnly`: on create a value may only equal the default; on update it must equal
//   `ctx.previous[name]` (pass the stored item), and without `previous` any value is refused.
// - Empty values (null, "", []) of fields that are not required are accepted and kept as they
//   are, without widget checks: OCW writes "" for every unset field.
// - Relations accept a uid (or array when `multiple`) and also OCW Studio's stored envelope
//   `{ content: uid | uid[], website: name }`; the value is kept in the shape given.
import type { OptionsMap, StarterConfig, StarterField } from "#schemas/starter";

export const MAX_STRING_BYTES = 10 * 1024;
export const MAX_TEXT_BYTES = 64 * 1024;
export const MAX_MARKDOWN_BYTES = 200 * 1024;
export const MAX_FILE_CHARS = 1024;

/**
 * Front-matter / data keys that are not starter fields: the item's identity and type, and the
 * values OCW's Hugo exporter derives. The caller removes them before `validateContent`.
 */
export const SYSTEM_KEYS: ReadonlySet<string> = new Set([
  "uid",
  "content_type",
  "layout",
  "parent_uid",
]);

export type RelationRef = {
  collection: string;
  uid: string;
  website?: string;
  filter?: { field: string; value: unknown };
};

export type ContentValidationContext = {
  relationExists?: (ref: RelationRef) => boolean;
  mode: "create" | "update";
  /** The stored item, on update: read-only fields must keep these values. */
  previous?: Record<string, unknown> | undefined;
};

export type ContentError = { field: string; message: string };
export type ContentValidationResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; errors: ContentError[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MENU_KEYS = new Set(["identifier", "name", "weight", "parent", "url", "pageRef"]);

type Path = (string | number)[];

/** `["a", "b", 2, "c"]` → `a.b[2].c`, as `formatStarterPath` does for starters. */
function formatPath(path: Path): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${p}`))
    .join("");
}

const bytes = (s: string) => new TextEncoder().encode(s).byteLength;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
}

/** Structural equality of JSON values (object key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

function optionValues(field: StarterField): Set<string> {
  return new Set(
    (field.options ?? []).map((o) => (typeof o === "object" && o !== null ? o.value : String(o))),
  );
}

class Validator {
  errors: ContentError[] = [];
  constructor(readonly ctx: ContentValidationContext) {}

  fail(path: Path, message: string) {
    this.errors.push({ field: formatPath(path), message });
  }

  /** Validates one level (the item, or an object field's value); returns the kept value. */
  object(
    fields: StarterField[],
    input: Record<string, unknown>,
    path: Path,
    previous: Record<string, unknown> | undefined,
  ): Record<string, unknown> {
    const byName = new Map(fields.map((f) => [f.name, f]));
    for (const key of Object.keys(input)) {
      if (!byName.has(key)) this.fail([...path, key], "is not a field of this collection");
    }
    // Values after defaults, so conditions can read a defaulted sibling.
    const values: Record<string, unknown> = {};
    for (const f of fields) {
      let v = Object.hasOwn(input, f.name) ? input[f.name] : undefined;
      if (
        v === undefined &&
        this.ctx.mode === "create" &&
        f.default !== undefined &&
        f.default !== null
      ) {
        v = structuredClone(f.default);
      }
      if (v !== undefined) values[f.name] = v;
    }
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      if (f.condition && !deepEqual(values[f.condition.field], f.condition.equals)) continue;
      const at = [...path, f.name];
      const v = values[f.name];
      const given = Object.hasOwn(input, f.name);
      if (f.readOnly && given) {
        if (this.ctx.mode === "create") {
          if (!deepEqual(v, f.default ?? undefined) && !isEmpty(v)) {
            this.fail(at, "is read-only");
            continue;
          }
        } else if (!previous || !deepEqual(v, previous[f.name])) {
          this.fail(at, "is read-only");
          continue;
        }
      }
      if (isEmpty(v)) {
        if (f.required) this.fail(at, "is required");
        else if (v !== undefined) out[f.name] = v;
        continue;
      }
      const prev = previous?.[f.name];
      const kept = this.field(f, v, at, isPlainObject(prev) ? prev : undefined);
      if (kept !== undefined) out[f.name] = kept;
    }
    return out;
  }

  /** Returns the value to keep, or undefined after recording an error. */
  field(
    f: StarterField,
    v: unknown,
    at: Path,
    previous: Record<string, unknown> | undefined,
  ): unknown {
    const errorsBefore = this.errors.length;
    switch (f.widget) {
      case "string":
        this.string(v, at, MAX_STRING_BYTES);
        break;
      case "text":
        this.string(v, at, MAX_TEXT_BYTES);
        break;
      case "markdown":
        this.string(v, at, MAX_MARKDOWN_BYTES);
        break;
      case "hidden":
        if (typeof v === "number" || typeof v === "boolean") break;
        this.string(v, at, MAX_STRING_BYTES);
        break;
      case "boolean":
        if (typeof v !== "boolean") this.fail(at, "must be true or false");
        break;
      case "file":
        this.file(v, at);
        break;
      case "select":
        this.select(f, v, at);
        break;
      case "object":
        if (!isPlainObject(v)) {
          this.fail(at, "must be an object");
          break;
        }
        return this.object(f.fields ?? [], v, at, previous);
      case "relation":
        this.relation(f, v, at);
        break;
      case "hierarchical-select":
        this.hierarchical(f, v, at);
        break;
      case "menu":
        this.menu(v, at);
        break;
      case "website-collection":
        if (!Array.isArray(v) || v.some((s) => typeof s !== "string" || s === "")) {
          this.fail(at, "must be a list of site names");
        }
        break;
    }
    return this.errors.length === errorsBefore ? v : undefined;
  }

  string(v: unknown, at: Path, max: number) {
    if (typeof v !== "string") this.fail(at, "must be text");
    else if (bytes(v) > max) this.fail(at, `must be at most ${max} bytes`);
  }

  file(v: unknown, at: Path) {
    if (typeof v !== "string") return this.fail(at, "must be a file path");
    if (v.length > MAX_FILE_CHARS)
      return this.fail(at, `must be at most ${MAX_FILE_CHARS} characters`);
    if (v.split(/[/\\]/).includes("..")) this.fail(at, "must not contain ..");
  }

  count(f: StarterField, n: number, at: Path) {
    if (f.min !== undefined && n < f.min) this.fail(at, `needs at least ${f.min}`);
    if (f.max !== undefined && n > f.max) this.fail(at, `allows at most ${f.max}`);
  }

  select(f: StarterField, v: unknown, at: Path) {
    const allowed = optionValues(f);
    if (f.multiple) {
      if (!Array.isArray(v)) return this.fail(at, "must be a list");
      v.forEach((x, i) => {
        if (typeof x !== "string" || !allowed.has(x)) {
          this.fail([...at, i], `${JSON.stringify(x)} is not one of the options`);
        }
      });
      if (new Set(v).size !== v.length) this.fail(at, "must not repeat a value");
      this.count(f, v.length, at);
    } else if (typeof v !== "string" || !allowed.has(v)) {
      this.fail(at, `${JSON.stringify(v)} is not one of the options`);
    }
  }

  relation(f: StarterField, v: unknown, at: Path) {
    let content = v;
    let website: string | undefined = f.website;
    // OCW Studio's stored shape: { content, website }.
    if (isPlainObject(v)) {
      const extra = Object.keys(v).filter((k) => k !== "content" && k !== "website");
      if (!Object.hasOwn(v, "content") || extra.length > 0) {
        return this.fail(at, "must be a uid, a list of uids, or { content, website }");
      }
      if (v.website !== undefined && typeof v.website !== "string") {
        return this.fail([...at, "website"], "must be a site name");
      }
      content = v.content;
      website = website ?? (v.website as string | undefined);
      at = [...at, "content"];
      if (isEmpty(content)) {
        if (f.required) this.fail(at, "is required");
        return;
      }
    }
    const crossSite = Boolean(f.website || f.cross_site);
    let uids: unknown[];
    if (f.multiple) {
      if (!Array.isArray(content)) return this.fail(at, "must be a list of uids");
      uids = content;
      if (new Set(uids).size !== uids.length) this.fail(at, "must not repeat a uid");
      this.count(f, uids.length, at);
    } else {
      uids = [content];
    }
    for (const [i, uid] of uids.entries()) {
      const here = f.multiple ? [...at, i] : at;
      if (typeof uid !== "string" || uid === "") {
        this.fail(here, "must be a uid");
        continue;
      }
      if (!crossSite && !UUID.test(uid)) {
        this.fail(here, `"${uid}" is not a uid`);
        continue;
      }
      if (crossSite || !this.ctx.relationExists || !f.collection) continue;
      const ref: RelationRef = { collection: f.collection, uid };
      if (website !== undefined) ref.website = website;
      if (f.filter) ref.filter = { field: f.filter.field, value: f.filter.value };
      if (!this.ctx.relationExists(ref)) {
        this.fail(here, `no ${f.collection} with uid "${uid}"`);
      }
    }
  }

  hierarchical(f: StarterField, v: unknown, at: Path) {
    const depth = f.levels?.length ?? 0;
    if (!Array.isArray(v)) return this.fail(at, "must be a list of paths");
    this.count(f, v.length, at);
    for (const [i, p] of v.entries()) {
      const here = [...at, i];
      if (
        !Array.isArray(p) ||
        p.length < 1 ||
        p.length > depth ||
        p.some((s) => typeof s !== "string")
      ) {
        this.fail(here, `must be a list of 1 to ${depth} names`);
        continue;
      }
      let node: OptionsMap | string[] | undefined = f.options_map ?? {};
      for (const name of p as string[]) {
        const ok: boolean = Array.isArray(node)
          ? node.includes(name)
          : node !== undefined && Object.hasOwn(node, name);
        if (!ok) {
          this.fail(here, `"${(p as string[]).join(" / ")}" is not an option`);
          break;
        }
        node = Array.isArray(node) ? undefined : node?.[name];
      }
    }
    const keys = v.map((p) => JSON.stringify(p));
    if (new Set(keys).size !== keys.length) this.fail(at, "must not repeat a path");
  }

  menu(v: unknown, at: Path) {
    if (!Array.isArray(v)) return this.fail(at, "must be a list of menu items");
    const ids = new Map<string, number>();
    const parents = new Map<string, string>();
    for (const [i, item] of v.entries()) {
      const here = [...at, i];
      if (!isPlainObject(item)) {
        this.fail(here, "must be a menu item");
        continue;
      }
      for (const k of Object.keys(item)) {
        if (!MENU_KEYS.has(k)) this.fail([...here, k], "is not a menu item key");
      }
      const { identifier, name, weight, parent, url, pageRef } = item;
      if (typeof identifier !== "string" || identifier === "") {
        this.fail([...here, "identifier"], "is required");
      } else if (ids.has(identifier)) {
        this.fail([...here, "identifier"], `duplicate identifier "${identifier}"`);
      } else {
        ids.set(identifier, i);
      }
      if (typeof name !== "string" || name === "") this.fail([...here, "name"], "is required");
      else if (bytes(name) > MAX_STRING_BYTES) this.fail([...here, "name"], "is too long");
      if (weight !== undefined && (typeof weight !== "number" || !Number.isFinite(weight))) {
        this.fail([...here, "weight"], "must be a number");
      }
      for (const [k, s] of [
        ["url", url],
        ["pageRef", pageRef],
      ] as const) {
        if (s !== undefined && (typeof s !== "string" || s.length > MAX_FILE_CHARS)) {
          this.fail([...here, k], "must be a path or URL");
        }
      }
      if (parent !== undefined) {
        if (typeof parent !== "string" || parent === "") {
          this.fail([...here, "parent"], "must be an identifier");
        } else if (typeof identifier === "string") {
          parents.set(identifier, parent);
        }
      }
    }
    for (const [id, parent] of parents) {
      const i = ids.get(id) ?? 0;
      if (!ids.has(parent)) {
        this.fail([...at, i, "parent"], `no menu item "${parent}"`);
        continue;
      }
      // Walk up; meeting `id` again is a cycle. Bounded by the number of items.
      let cur: string | undefined = parent;
      for (let steps = 0; cur !== undefined && steps <= parents.size; steps++) {
        if (cur === id) {
          this.fail([...at, i, "parent"], "makes a cycle");
          break;
        }
        cur = parents.get(cur);
      }
    }
  }
}

export function validateContent(
  fields: StarterField[],
  input: Record<string, unknown>,
  ctx: ContentValidationContext,
): ContentValidationResult {
  const v = new Validator(ctx);
  if (!isPlainObject(input))
    return { ok: false, errors: [{ field: "", message: "must be an object" }] };
  const value = v.object(fields, input, [], ctx.previous);
  return v.errors.length > 0 ? { ok: false, errors: v.errors } : { ok: true, value };
}

/**
 * The fields of a collection's items: a folder collection's `fields`, or for a `files`
 * collection the fields of the file entry named `fileName` (its `name`, e.g. "sitemetadata";
 * the first entry when omitted). Undefined when there is no such collection or file.
 */
export function collectionFields(
  config: StarterConfig,
  collectionName: string,
  fileName?: string,
): StarterField[] | undefined {
  const c = config.collections.find((x) => x.name === collectionName);
  if (!c) return undefined;
  if (c.files) {
    const file = fileName === undefined ? c.files[0] : c.files.find((f) => f.name === fileName);
    return file?.fields;
  }
  return c.fields;
}
