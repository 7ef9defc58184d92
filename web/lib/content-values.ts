// A content item's values as the editor holds them, and the rules that turn them into API
// bodies: what counts as "no change", what a save may not touch (hidden and read-only fields),
// which top-level keys a PATCH sends. Shared by the browser (dirty state, client checks) and
// the route actions (the one place bodies are built), so both agree on every comparison.
import type { OptionsMap, StarterField } from "#schemas/starter";

/** Everything one editor form edits. `body` is the markdown body; `fields` the rest. */
export type EditorValues = {
  filename: string;
  body: string;
  fields: Record<string, unknown>;
};

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A value with the "nothing" parts removed: "", null, false, empty lists and objects become
 * undefined. OCW writes "" for every unset field and a missing boolean means false, so a form
 * that shows an empty input for an absent key must not count as a change.
 */
function canonical(v: unknown): unknown {
  if (v === undefined || v === null || v === "" || v === false) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => canonical(x) ?? null);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const c = canonical(x);
      if (c !== undefined) out[k] = c;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

/** Equal for saving purposes: the same value, or both empty (key order never matters). */
export function sameValue(a: unknown, b: unknown): boolean {
  return deepEqual(canonical(a), canonical(b));
}

/** Empty for "required" and for leaving a key out of a new item (false is a real answer). */
export function isEmptyValue(v: unknown): boolean {
  return v !== false && canonical(v) === undefined;
}

/** Whether a field's `condition` holds against its siblings (fields without one always show). */
export function conditionHolds(field: StarterField, siblings: Record<string, unknown>): boolean {
  if (!field.condition) return true;
  return deepEqual(siblings[field.condition.field], field.condition.equals);
}

/** Hidden fields and read-only fields are never edited here: they keep what is stored. */
export function isFixed(field: StarterField): boolean {
  return field.widget === "hidden" || field.readOnly === true;
}

/** `mine` with every hidden and read-only value (at any depth) put back to `base`'s. */
export function preserveFixed(
  fields: StarterField[],
  mine: Record<string, unknown>,
  base: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...mine };
  for (const f of fields) {
    if (isFixed(f)) {
      if (Object.hasOwn(base, f.name)) out[f.name] = base[f.name];
      else delete out[f.name];
    } else if (f.widget === "object" && isPlainObject(out[f.name])) {
      const b = base[f.name];
      out[f.name] = preserveFixed(
        f.fields ?? [],
        out[f.name] as Record<string, unknown>,
        isPlainObject(b) ? b : {},
      );
    }
  }
  return out;
}

/** Values a new item starts with: the starter's defaults, at every level. */
export function defaultValues(fields: StarterField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.default !== undefined && f.default !== null) out[f.name] = structuredClone(f.default);
    else if (f.widget === "object") {
      const nested = defaultValues(f.fields ?? []);
      if (Object.keys(nested).length > 0) out[f.name] = nested;
    }
  }
  return out;
}

/** The `fields` of a new item: empty values left out, so the API applies its defaults. */
export function createFields(mine: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(mine)) {
    if (!isEmptyValue(v)) out[k] = v;
  }
  return out;
}

/**
 * A PATCH body from what was read (`base`) and what the form holds (`mine`): only the parts
 * that changed, top-level field keys replacing the stored ones, `null` clearing a key.
 * Null when nothing changed.
 */
export function patchOf(
  base: EditorValues,
  mine: EditorValues,
): { filename?: string; body?: string; fields?: Record<string, unknown> } | null {
  const patch: { filename?: string; body?: string; fields?: Record<string, unknown> } = {};
  if (mine.filename !== base.filename) patch.filename = mine.filename;
  if (mine.body !== base.body) patch.body = mine.body;
  const fields: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(base.fields), ...Object.keys(mine.fields)])) {
    if (!sameValue(base.fields[k], mine.fields[k])) fields[k] = mine.fields[k] ?? null;
  }
  if (Object.keys(fields).length > 0) patch.fields = fields;
  return Object.keys(patch).length > 0 ? patch : null;
}

// ---- Selects ----

export type Choice = { value: string; label: string };

export function optionsOf(field: StarterField): Choice[] {
  return (field.options ?? []).map((o) =>
    typeof o === "object" && o !== null
      ? { value: String(o.value), label: String(o.label) }
      : { value: String(o), label: String(o) },
  );
}

// ---- Relations ----

/** Relations to another site (or any site) are uids typed in; others are picked here. */
export function isCrossSite(field: StarterField): boolean {
  return Boolean(field.website || field.cross_site);
}

/** The uids a relation holds, whether stored bare or in OCW Studio's `{ content, website }`. */
export function relationUids(value: unknown): string[] {
  const content = isPlainObject(value) ? value.content : value;
  if (Array.isArray(content)) return content.filter((u): u is string => typeof u === "string");
  return typeof content === "string" && content !== "" ? [content] : [];
}

/** New uids in the shape the value had (bare or enveloped; one or a list). */
export function withRelationUids(field: StarterField, previous: unknown, uids: string[]): unknown {
  const content = field.multiple ? uids : (uids[0] ?? "");
  return isPlainObject(previous) ? { ...previous, content } : content;
}

// ---- Hierarchical selects ----

/** The names offered under `prefix` (a path of chosen names), or [] past the last level. */
export function hierarchyChoices(map: OptionsMap | undefined, prefix: readonly string[]): string[] {
  let node: OptionsMap | string[] | undefined = map ?? {};
  for (const name of prefix) {
    if (node === undefined || Array.isArray(node)) return [];
    node = node[name];
  }
  if (node === undefined) return [];
  return Array.isArray(node) ? node : Object.keys(node);
}

/** Every valid path (each prefix too), depth first: the choices of a form without scripts. */
export function hierarchyPaths(map: OptionsMap | undefined, depth: number): string[][] {
  const out: string[][] = [];
  const walk = (prefix: string[]) => {
    if (prefix.length >= depth) return;
    for (const name of hierarchyChoices(map, prefix)) {
      const path = [...prefix, name];
      out.push(path);
      walk(path);
    }
  };
  walk([]);
  return out;
}

export function hierarchyRows(value: unknown): string[][] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (p): p is string[] => Array.isArray(p) && p.every((s) => typeof s === "string"),
  );
}
