// Content items against their starter: which fields a collection has, where an item's title
// and body come from, the uids it references, and diffs between revisions. Runtime-neutral.
import type { StarterConfig, StarterField } from "#schemas/starter";
import { collectionFields, deepEqual } from "./content-validation.ts";

export type CollectionShape = {
  kind: "folder" | "files";
  label: string;
  fields: StarterField[];
  /** Folder collections with a markdown `body` field keep it in the item's body column. */
  hasBody: boolean;
};

/** The shape of a collection (and, for `files` collections, of one file entry). */
export function collectionShape(
  config: StarterConfig,
  collection: string,
  filename?: string,
): CollectionShape | undefined {
  const c = config.collections.find((x) => x.name === collection);
  if (!c) return undefined;
  if (c.files) {
    if (filename === undefined) return undefined;
    const file = c.files.find((f) => f.name === filename);
    if (!file) return undefined;
    return { kind: "files", label: file.label, fields: file.fields, hasBody: false };
  }
  const fields = collectionFields(config, collection) ?? [];
  return {
    kind: "folder",
    label: c.label,
    fields,
    hasBody: fields.some((f) => f.name === "body" && f.widget === "markdown"),
  };
}

/** The names a `files` collection's entries may take as filenames. */
export function fileEntryNames(config: StarterConfig, collection: string): string[] {
  return config.collections.find((x) => x.name === collection)?.files?.map((f) => f.name) ?? [];
}

export function titleOf(data: Record<string, unknown>, fallback: string): string {
  const t = data.title;
  return typeof t === "string" && t.trim() !== "" ? t : fallback;
}

export function resourcetypeOf(data: Record<string, unknown>): string | null {
  const r = data.resourcetype;
  return typeof r === "string" && r !== "" ? r : null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every string in a value that looks like a uid: the candidates a relation check loads. */
export function referencedUids(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    if (UUID_RE.test(value)) out.add(value.toLowerCase());
  } else if (Array.isArray(value)) {
    for (const v of value) referencedUids(v, out);
  } else if (value && typeof value === "object") {
    for (const v of Object.values(value)) referencedUids(v, out);
  }
  return out;
}

// ---- Diffs ----

export type FieldChange = {
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Changes between two field maps, by dotted path. Objects are compared key by key; arrays of
 * scalars and of objects are reported whole (a list changed), which reads better than
 * per-index noise when an item is inserted at the front.
 */
export function diffFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  prefix = "",
): FieldChange[] {
  const out: FieldChange[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const k of keys) {
    const path = prefix ? `${prefix}.${k}` : k;
    const has0 = Object.hasOwn(before, k);
    const has1 = Object.hasOwn(after, k);
    const a = before[k];
    const b = after[k];
    if (!has0) out.push({ path, kind: "added", after: b });
    else if (!has1) out.push({ path, kind: "removed", before: a });
    else if (isObject(a) && isObject(b)) out.push(...diffFields(a, b, path));
    else if (!deepEqual(a, b)) out.push({ path, kind: "changed", before: a, after: b });
  }
  return out;
}

export type LineChange = { op: "equal" | "insert" | "delete"; text: string };

/** Above this many lines in total, a diff is reported as "all removed, all added". */
const MAX_DIFF_LINES = 20_000;

/**
 * Line diff (Myers' O(ND) algorithm, shortest edit script). Consecutive lines with the same
 * operation are joined into one change, with "\n" between them.
 */
export function diffLines(before: string, after: string): LineChange[] {
  const a = before === "" ? [] : before.split("\n");
  const b = after === "" ? [] : after.split("\n");
  let ops: LineChange[];
  if (a.length + b.length > MAX_DIFF_LINES) {
    ops = [
      ...a.map((text) => ({ op: "delete" as const, text })),
      ...b.map((text) => ({ op: "insert" as const, text })),
    ];
  } else {
    ops = myers(a, b);
  }
  const merged: LineChange[] = [];
  for (const o of ops) {
    const last = merged.at(-1);
    if (last && last.op === o.op) last.text += `\n${o.text}`;
    else merged.push({ ...o });
  }
  return merged;
}

function myers(a: string[], b: string[]): LineChange[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0))) {
        x = v[offset + k + 1] ?? 0;
      } else {
        x = (v[offset + k - 1] ?? 0) + 1;
      }
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
  }
  // Walk back through the trace to recover the edit script.
  const out: LineChange[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d] as Int32Array;
    const k = x - y;
    let prevK: number;
    if (k === -d || (k !== d && (vd[offset + k - 1] ?? 0) < (vd[offset + k + 1] ?? 0))) {
      prevK = k + 1;
    } else {
      prevK = k - 1;
    }
    const prevX = vd[offset + prevK] ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ op: "equal", text: a[x - 1] as string });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) out.push({ op: "insert", text: b[y - 1] as string });
      else out.push({ op: "delete", text: a[x - 1] as string });
    }
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}

// ---- ETags ----

export const etagOf = (version: number) => `"${version}"`;

/** The version an If-Match names (`"3"` or `W/"3"`), null when absent, NaN when unreadable. */
export function parseIfMatch(header: string | undefined): number | null {
  if (header === undefined || header.trim() === "") return null;
  const m = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  return m ? Number(m[1]) : Number.NaN;
}
