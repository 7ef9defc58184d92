// Reading an item editor's submission. With JavaScript the form posts its state as one JSON
// value (`payload`), exactly as the browser held it; without, every field has named inputs
// (`f.<path>`), read here field by field as the starter declares them. Both end the same way:
// hidden and read-only fields keep the stored values whatever was posted.
import { z } from "zod";
import type { StarterField } from "#schemas/starter";
import type { EditorShape } from "./content-form.ts";
import { type MenuRow, menuRows, menuValue } from "./content-menu.ts";
import {
  type EditorValues,
  isCrossSite,
  isFixed,
  isPlainObject,
  preserveFixed,
  withRelationUids,
} from "./content-values.ts";

const payloadSchema = z.object({
  filename: z.string().max(120),
  body: z.string(),
  fields: z.record(z.string(), z.unknown()),
});

type Form = {
  get(name: string): FormDataEntryValue | null;
  getAll(name: string): FormDataEntryValue[];
};

const strings = (values: FormDataEntryValue[]) =>
  values.filter((v): v is string => typeof v === "string");

/**
 * Browsers send a textarea's line breaks as CRLF. Text equal to the stored text up to line
 * endings is the stored text, so an untouched body stays byte-identical.
 */
function text(value: FormDataEntryValue | null, stored: unknown): string {
  const typed = (typeof value === "string" ? value : "").replace(/\r\n?/g, "\n");
  if (typeof stored === "string" && stored.replace(/\r\n?/g, "\n") === typed) return stored;
  return typed;
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * A menu without JavaScript: each entry has a name, a position number, a parent and a
 * "remove" box; one row adds a site page, another an external link. Positions order the
 * entries; weights are then recomputed as the editor does.
 */
function readMenu(form: Form, name: string, stored: unknown): unknown {
  const storedRows = new Map(menuRows(stored).map((r) => [r.identifier, r]));
  const entries: (Omit<MenuRow, "depth"> & { parent?: string })[] = [];
  for (const identifier of strings(form.getAll(`${name}.identifier`))) {
    const key = `${name}.${identifier}`;
    const row = storedRows.get(identifier);
    if (!row || form.get(`${key}.remove`) === "true") continue;
    const parent = form.get(`${key}.parent`);
    const position = Number(form.get(`${key}.position`));
    entries.push({
      ...row,
      name: text(form.get(`${key}.name`), row.name).trim(),
      weight: Number.isFinite(position) ? position : (row.weight ?? 0),
      ...(typeof parent === "string" && parent !== "" ? { parent } : {}),
    });
  }
  const last = Math.max(0, ...entries.map((e) => e.weight ?? 0));
  const page = parseJson(String(form.get(`${name}.new.page`) ?? ""));
  if (isPlainObject(page) && typeof page.identifier === "string" && typeof page.name === "string") {
    entries.push({
      identifier: page.identifier,
      name: page.name,
      pageRef: String(page.pageRef ?? ""),
      weight: last + 1,
    });
  }
  const linkName = text(form.get(`${name}.new.name`), undefined).trim();
  const url = text(form.get(`${name}.new.url`), undefined).trim();
  if (linkName && url) {
    entries.push({
      identifier: `external-${crypto.randomUUID()}`,
      name: linkName,
      url,
      weight: last + 2,
    });
  }
  return menuValue(menuRows(entries));
}

function readFields(
  fields: StarterField[],
  form: Form,
  prefix: string,
  stored: Record<string, unknown>,
  skip: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (isFixed(f) || skip.has(f.name)) continue;
    const name = `${prefix}.${f.name}`;
    const before = stored[f.name];
    switch (f.widget) {
      case "string":
      case "text":
      case "markdown":
      case "file":
        out[f.name] = text(form.get(name), before);
        break;
      case "select":
        out[f.name] = f.multiple ? strings(form.getAll(name)) : text(form.get(name), before);
        break;
      case "boolean":
        out[f.name] = form.get(name) === "true";
        break;
      case "object":
        out[f.name] = readFields(
          f.fields ?? [],
          form,
          name,
          isPlainObject(before) ? before : {},
          new Set(),
        );
        break;
      case "relation": {
        const uids = isCrossSite(f)
          ? text(form.get(name), undefined).split(/[\s,]+/)
          : strings(form.getAll(name));
        out[f.name] = withRelationUids(f, before, [...new Set(uids.filter(Boolean))]);
        break;
      }
      case "hierarchical-select": {
        const rows = strings(form.getAll(name)).filter(Boolean).map(parseJson);
        const unique = new Map(rows.filter(Array.isArray).map((r) => [JSON.stringify(r), r]));
        out[f.name] = [...unique.values()];
        break;
      }
      case "menu":
        out[f.name] = readMenu(form, name, before);
        break;
      case "website-collection":
        out[f.name] = text(form.get(name), undefined)
          .split("\n")
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case "hidden":
        break;
    }
  }
  return out;
}

/**
 * What the person submitted, over the values it was based on (`base`: the stored item, or a
 * new item's defaults). Null when a JSON payload is unreadable (a tampered or truncated form).
 */
export function readSubmission(
  form: Form,
  shape: EditorShape,
  base: EditorValues,
): EditorValues | null {
  const declared = new Set(shape.fields.map((f) => f.name));
  // Keys the starter no longer declares are neither shown nor lost.
  const undeclared = Object.fromEntries(
    Object.entries(base.fields).filter(([k]) => !declared.has(k)),
  );
  const bodyField = shape.hasBody ? new Set(["body"]) : new Set<string>();
  let mine: EditorValues;
  const payload = form.get("payload");
  if (typeof payload === "string" && payload !== "") {
    const parsed = payloadSchema.safeParse(parseJson(payload));
    if (!parsed.success) return null;
    mine = parsed.data;
  } else {
    mine = {
      filename:
        shape.kind === "folder" ? text(form.get("filename"), base.filename).trim() : base.filename,
      body: shape.hasBody ? text(form.get("body"), base.body) : base.body,
      fields: readFields(shape.fields, form, "f", base.fields, bodyField),
    };
  }
  const { body: _body, ...fields } = mine.fields;
  return {
    filename: shape.kind === "folder" ? mine.filename : base.filename,
    body: shape.hasBody ? mine.body : "",
    fields: { ...undeclared, ...preserveFixed(shape.fields, fields, base.fields) },
  };
}
