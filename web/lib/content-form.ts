// The item editor's form, independent of React: what each field is called on screen, the checks
// the browser makes before a save (the API makes them all again), and where the API's field
// errors (dotted paths such as `fields.image_metadata.caption` or `fields.topics[0]`) belong.
import { contentFilename } from "#schemas/content";
import type { StarterField } from "#schemas/starter";
import {
  conditionHolds,
  type EditorValues,
  isEmptyValue,
  isFixed,
  isPlainObject,
  relationUids,
} from "./content-values.ts";
import { type FieldErrors, sentence } from "./forms.ts";

/** What the editor knows about the collection an item belongs to. */
export type EditorShape = {
  kind: "folder" | "files";
  fields: StarterField[];
  /** The `body` markdown field is stored in the item's body, not among its fields. */
  hasBody: boolean;
};

export const FILENAME_LABEL = "Filename (URL slug)";

/** Input ids are `item-<path>`, so the error summary links straight to the field. */
export const FORM_ID = "item";
export const fieldId = (path: string) => `${FORM_ID}-${path}`;

export const joinPath = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

/** Every field's on-screen name by path; nested ones carry their group: "Image metadata: Caption". */
export function fieldLabels(
  fields: StarterField[],
  prefix = "",
  group = "",
): Record<string, string> {
  const out: Record<string, string> = prefix ? {} : { filename: FILENAME_LABEL };
  for (const f of fields) {
    const path = joinPath(prefix, f.name);
    const label = group ? `${group}: ${f.label}` : f.label;
    out[path] = label;
    if (f.widget === "object") Object.assign(out, fieldLabels(f.fields ?? [], path, label));
  }
  return out;
}

function countErrors(f: StarterField, n: number): string | null {
  if (f.min !== undefined && n < f.min) return `needs at least ${f.min}`;
  if (f.max !== undefined && n > f.max) return `allows at most ${f.max}`;
  return null;
}

function checkFields(
  fields: StarterField[],
  values: Record<string, unknown>,
  prefix: string,
  labels: Record<string, string>,
  errors: FieldErrors,
) {
  for (const f of fields) {
    if (isFixed(f) || !conditionHolds(f, values)) continue;
    const path = joinPath(prefix, f.name);
    const value = values[f.name];
    const say = (message: string) => {
      errors[path] ??= sentence(labels[path], message);
    };
    if (f.widget === "object") {
      checkFields(f.fields ?? [], isPlainObject(value) ? value : {}, path, labels, errors);
      continue;
    }
    if (f.required && isEmptyValue(value)) {
      say("is required");
      continue;
    }
    if (f.widget === "select" && f.multiple && Array.isArray(value)) {
      const problem = countErrors(f, value.length);
      if (problem) say(problem);
    }
    if (f.widget === "relation" && f.multiple) {
      const problem = countErrors(f, relationUids(value).length);
      if (problem) say(problem);
    }
    if (f.widget === "hierarchical-select" && Array.isArray(value)) {
      const problem = countErrors(f, value.length);
      if (problem) say(problem);
      if (value.some((row) => Array.isArray(row) && row.length === 0)) {
        say("has a row with nothing chosen; choose a value or remove the row");
      }
    }
    if (f.widget === "menu" && Array.isArray(value)) {
      const unnamed = value.findIndex((e) => !isPlainObject(e) || !e.name);
      if (unnamed >= 0) say(`entry ${unnamed + 1} needs a name`);
    }
  }
}

/** The browser's checks before a save: required fields, counts, the filename's shape. */
export function validateValues(
  shape: EditorShape,
  values: EditorValues,
  creating: boolean,
): FieldErrors {
  const labels = fieldLabels(shape.fields);
  const errors: FieldErrors = {};
  if (shape.kind === "folder" && (values.filename !== "" || !creating)) {
    const parsed = contentFilename.safeParse(values.filename);
    if (!parsed.success) {
      errors.filename = sentence(
        FILENAME_LABEL,
        values.filename === ""
          ? "is required"
          : (parsed.error.issues[0]?.message ?? "is not valid"),
      );
    }
  }
  const all = shape.hasBody ? { ...values.fields, body: values.body } : values.fields;
  checkFields(shape.fields, all, "", labels, errors);
  return errors;
}

type Segment = string | number;

/** `fields.topics[0].x` → ["topics", 0, "x"] (the `fields.` prefix the API adds dropped). */
function segments(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.replace(/^fields\./, "").split(".")) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const index of (m[2] ?? "").matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

/**
 * The API's field errors placed on the editor's fields: each goes to the deepest declared
 * field on its path, its remaining path said in words ("Menu, entry 3, name is required").
 * Errors on paths the form does not show come back as messages for the whole form.
 */
export function placeApiErrors(
  shape: EditorShape,
  errors: ReadonlyArray<{ field: string; message: string }>,
): { fieldErrors: FieldErrors; formErrors: string[] } {
  const labels = fieldLabels(shape.fields);
  const fieldErrors: FieldErrors = {};
  const formErrors: string[] = [];
  for (const error of errors) {
    if (error.field === "filename" && shape.kind === "folder") {
      fieldErrors.filename ??= sentence(FILENAME_LABEL, error.message);
      continue;
    }
    const segs = segments(error.field);
    let fields = shape.fields;
    let path = "";
    let i = 0;
    while (i < segs.length) {
      const seg = segs[i];
      const f = typeof seg === "string" ? fields.find((x) => x.name === seg) : undefined;
      if (!f) break;
      path = joinPath(path, f.name);
      i++;
      if (f.widget !== "object") break;
      fields = f.fields ?? [];
    }
    if (!path) {
      formErrors.push(sentence(error.field, error.message));
      continue;
    }
    const rest = segs
      .slice(i)
      .map((s) => (typeof s === "number" ? `entry ${s + 1}` : s === "content" ? "" : s))
      .filter(Boolean);
    const where = rest.length > 0 ? `${labels[path]}, ${rest.join(", ")}` : `${labels[path]}`;
    // The API's messages may start with a quoted value: `"X" is not one of the options`.
    fieldErrors[path] ??= /^[a-z]/.test(error.message)
      ? sentence(where, error.message)
      : `${where}: ${error.message}`;
  }
  return { fieldErrors, formErrors };
}
