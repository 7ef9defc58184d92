// Someone saved the item after this person opened it (the API answered 412 with the stored
// item). Three versions meet: what both started from (`base`, the revision this person read),
// what is stored now (`theirs`) and what this person submitted (`mine`). Every part where
// theirs differs from mine becomes a row to choose from; a part only they changed defaults to
// theirs, anything this person changed defaults to mine, so nothing typed is lost.
import type { StarterField } from "#schemas/starter";
import { diffLines, type LineChange } from "#workers/domain/content";
import { FILENAME_LABEL } from "./content-form.ts";
import { menuRows } from "./content-menu.ts";
import {
  type EditorValues,
  hierarchyRows,
  isCrossSite,
  isEmptyValue,
  isPlainObject,
  optionsOf,
  relationUids,
  sameValue,
} from "./content-values.ts";

export type Pick = "mine" | "theirs";

export type ConflictRow = {
  /** `filename`, `body` or `fields.<name>`. */
  key: string;
  label: string;
  mine: string;
  theirs: string;
  /** For the body: how mine differs from theirs, line by line. */
  lines: LineChange[] | null;
  pick: Pick;
};

function keysOf(base: EditorValues, theirs: EditorValues, mine: EditorValues): string[] {
  const fieldKeys = new Set([
    ...Object.keys(base.fields),
    ...Object.keys(theirs.fields),
    ...Object.keys(mine.fields),
  ]);
  return ["filename", "body", ...[...fieldKeys].map((k) => `fields.${k}`)];
}

export function valueAt(values: EditorValues, key: string): unknown {
  if (key === "filename") return values.filename;
  if (key === "body") return values.body;
  return values.fields[key.slice("fields.".length)];
}

/** A value as words, the way the editor shows it: option labels, titles, Yes/No, paths. */
export function describeValue(
  field: StarterField | undefined,
  value: unknown,
  titles: Record<string, string>,
): string {
  if (isEmptyValue(value) && value !== false) return "(empty)";
  if (!field) return typeof value === "string" ? value : JSON.stringify(value);
  switch (field.widget) {
    case "boolean":
      return value === true ? "Yes" : "No";
    case "select": {
      const labels = new Map(optionsOf(field).map((o) => [o.value, o.label]));
      const list = Array.isArray(value) ? value : [value];
      return list.map((v) => labels.get(String(v)) ?? String(v)).join(", ");
    }
    case "relation":
      return relationUids(value)
        .map((uid) => (isCrossSite(field) ? uid : (titles[uid] ?? uid)))
        .join(", ");
    case "hierarchical-select":
      return hierarchyRows(value)
        .map((p) => p.join(" / "))
        .join("; ");
    case "menu":
      return menuRows(value)
        .map((r) => `${"  ".repeat(r.depth)}${r.name}`)
        .join("\n");
    case "website-collection":
      return Array.isArray(value) ? value.join(", ") : String(value);
    case "object": {
      const obj = isPlainObject(value) ? value : {};
      return (field.fields ?? [])
        .filter((f) => !isEmptyValue(obj[f.name]))
        .map((f) => `${f.label}: ${describeValue(f, obj[f.name], titles)}`)
        .join("\n");
    }
    default:
      return typeof value === "string" ? value : JSON.stringify(value);
  }
}

export function conflictRows(
  fields: StarterField[],
  base: EditorValues,
  theirs: EditorValues,
  mine: EditorValues,
  titles: Record<string, string>,
): ConflictRow[] {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const rows: ConflictRow[] = [];
  for (const key of keysOf(base, theirs, mine)) {
    const [b, t, m] = [valueAt(base, key), valueAt(theirs, key), valueAt(mine, key)];
    if (sameValue(t, m)) continue;
    // What only this person changed is kept without asking.
    if (sameValue(b, t)) continue;
    const iChanged = !sameValue(b, m);
    const field = key.startsWith("fields.") ? byName.get(key.slice(7)) : undefined;
    const label =
      key === "filename"
        ? FILENAME_LABEL
        : key === "body"
          ? (byName.get("body")?.label ?? "Body")
          : (field?.label ?? key.slice(7));
    rows.push({
      key,
      label,
      mine: key === "body" ? "" : describeValue(field, m, titles),
      theirs: key === "body" ? "" : describeValue(field, t, titles),
      lines: key === "body" ? diffLines(String(t ?? ""), String(m ?? "")) : null,
      pick: iChanged ? "mine" : "theirs",
    });
  }
  return rows;
}

/** Mine, with the parts picked as "theirs" taken from the stored item. */
export function mergeValues(
  mine: EditorValues,
  theirs: EditorValues,
  picks: Record<string, Pick>,
): EditorValues {
  const merged: EditorValues = { ...mine, fields: { ...mine.fields } };
  for (const [key, pick] of Object.entries(picks)) {
    if (pick !== "theirs") continue;
    const value = valueAt(theirs, key);
    if (key === "filename") merged.filename = String(value ?? "");
    else if (key === "body") merged.body = String(value ?? "");
    else if (key.startsWith("fields.")) {
      const name = key.slice(7);
      if (value === undefined) delete merged.fields[name];
      else merged.fields[name] = value;
    }
  }
  return merged;
}

/** Uids the conflicting relation values hold, to name them in the comparison. */
export function conflictUids(fields: StarterField[], values: EditorValues[]): string[] {
  const out = new Set<string>();
  for (const f of fields) {
    if (f.widget !== "relation" || isCrossSite(f)) continue;
    for (const v of values) for (const uid of relationUids(v.fields[f.name])) out.add(uid);
  }
  return [...out];
}
