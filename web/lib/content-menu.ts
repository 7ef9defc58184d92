// A menu field's value (Hugo's menu entries: identifier, name, weight, parent, url/pageRef) as
// an outline the editor can rearrange: rows in display order, each with a depth. Every move
// keeps a row's children with it. Weights are recomputed from the order when the outline
// becomes a value again, so people reorder entries instead of typing numbers.
import { isPlainObject } from "./content-values.ts";

export type MenuEntry = {
  identifier: string;
  name: string;
  weight?: number;
  parent?: string;
  url?: string;
  pageRef?: string;
};

export type MenuRow = MenuEntry & { depth: number };

function entriesOf(value: unknown): MenuEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isPlainObject).map((e) => {
    const entry: MenuEntry = {
      identifier: typeof e.identifier === "string" ? e.identifier : "",
      name: typeof e.name === "string" ? e.name : "",
    };
    if (typeof e.weight === "number") entry.weight = e.weight;
    if (typeof e.parent === "string" && e.parent !== "") entry.parent = e.parent;
    if (typeof e.url === "string") entry.url = e.url;
    if (typeof e.pageRef === "string") entry.pageRef = e.pageRef;
    return entry;
  });
}

/** Entries as an outline: siblings by weight (then stored order); unknown parents at the top. */
export function menuRows(value: unknown): MenuRow[] {
  const entries = entriesOf(value);
  const ids = new Set(entries.map((e) => e.identifier));
  const children = new Map<string, MenuEntry[]>();
  for (const e of entries) {
    const key = e.parent && ids.has(e.parent) && e.parent !== e.identifier ? e.parent : "";
    children.set(key, [...(children.get(key) ?? []), e]);
  }
  const rows: MenuRow[] = [];
  const seen = new Set<MenuEntry>();
  // The outline's depth says who the parent is; the stored one is not kept alongside it.
  const row = ({ parent: _parent, ...e }: MenuEntry, depth: number): MenuRow => ({ ...e, depth });
  const walk = (parent: string, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort(
      (a, b) => (a.weight ?? 0) - (b.weight ?? 0),
    );
    for (const e of list) {
      if (seen.has(e)) continue;
      seen.add(e);
      rows.push(row(e, depth));
      walk(e.identifier, depth + 1);
    }
  };
  walk("", 0);
  // Entries caught in a parent cycle never hang off the top: list them flat rather than lose them.
  for (const e of entries) if (!seen.has(e)) rows.push(row(e, 0));
  return rows;
}

/** The outline as menu entries: parents from the depths, weights 10, 20, … among siblings. */
export function menuValue(rows: readonly MenuRow[]): MenuEntry[] {
  const stack: string[] = [];
  const counts = new Map<string, number>();
  return rows.map(({ depth, parent: _parent, weight: _weight, ...entry }) => {
    stack.length = depth;
    const parent = stack[depth - 1];
    const key = parent ?? "";
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    stack[depth] = entry.identifier;
    return { ...entry, weight: n * 10, ...(parent ? { parent } : {}) };
  });
}

/** Index just past row `i`'s subtree. */
function subtreeEnd(rows: readonly MenuRow[], i: number): number {
  const depth = rows[i]?.depth ?? 0;
  let end = i + 1;
  while (end < rows.length && (rows[end]?.depth ?? 0) > depth) end++;
  return end;
}

function previousSibling(rows: readonly MenuRow[], i: number): number {
  const depth = rows[i]?.depth ?? 0;
  for (let j = i - 1; j >= 0; j--) {
    const d = rows[j]?.depth ?? 0;
    if (d === depth) return j;
    if (d < depth) return -1;
  }
  return -1;
}

function nextSibling(rows: readonly MenuRow[], i: number): number {
  const end = subtreeEnd(rows, i);
  return end < rows.length && rows[end]?.depth === rows[i]?.depth ? end : -1;
}

export type MenuMove = "up" | "down" | "indent" | "outdent";

/** Whether a move is possible for row `i` (its button is disabled otherwise). */
export function canMove(rows: readonly MenuRow[], i: number, move: MenuMove): boolean {
  switch (move) {
    case "up":
    case "indent":
      return previousSibling(rows, i) >= 0;
    case "down":
      return nextSibling(rows, i) >= 0;
    case "outdent":
      return (rows[i]?.depth ?? 0) > 0;
  }
}

const shift = (rows: MenuRow[], by: number) => rows.map((r) => ({ ...r, depth: r.depth + by }));

export function moveRow(rows: readonly MenuRow[], i: number, move: MenuMove): MenuRow[] {
  if (!canMove(rows, i, move)) return [...rows];
  const end = subtreeEnd(rows, i);
  const block = rows.slice(i, end);
  switch (move) {
    case "up": {
      const p = previousSibling(rows, i);
      return [...rows.slice(0, p), ...block, ...rows.slice(p, i), ...rows.slice(end)];
    }
    case "down": {
      const n = nextSibling(rows, i);
      const nEnd = subtreeEnd(rows, n);
      return [...rows.slice(0, i), ...rows.slice(n, nEnd), ...block, ...rows.slice(nEnd)];
    }
    case "indent":
      // Becomes the last child of the sibling above: the order of rows does not change.
      return [...rows.slice(0, i), ...shift(block, 1), ...rows.slice(end)];
    case "outdent": {
      // Leaves its parent: placed right after the parent's whole subtree.
      let parent = i - 1;
      while (parent > 0 && (rows[parent]?.depth ?? 0) >= (rows[i]?.depth ?? 0)) parent--;
      const rest = [...rows.slice(0, i), ...rows.slice(end)];
      const after = subtreeEnd(rest, parent);
      return [...rest.slice(0, after), ...shift(block, -1), ...rest.slice(after)];
    }
  }
}

/** Drag and drop: row `from` (with its children) goes before row `to`, as `to`'s sibling. */
export function dropBefore(rows: readonly MenuRow[], from: number, to: number): MenuRow[] {
  const end = subtreeEnd(rows, from);
  if (to >= from && to < end) return [...rows];
  const target = rows[to];
  const block = rows.slice(from, end);
  const rest = [...rows.slice(0, from), ...rows.slice(end)];
  const at = target ? rest.indexOf(target) : rest.length;
  const depth = target?.depth ?? 0;
  const moved = shift(block, depth - (block[0]?.depth ?? 0));
  return [...rest.slice(0, at), ...moved, ...rest.slice(at)];
}

/** Removes row `i`; its children move up a level instead of disappearing with it. */
export function removeRow(rows: readonly MenuRow[], i: number): MenuRow[] {
  const end = subtreeEnd(rows, i);
  return [...rows.slice(0, i), ...shift(rows.slice(i + 1, end), -1), ...rows.slice(end)];
}

/** Where an item of a folder collection lives on the site: `content/pages` + `intro` → `/pages/intro`. */
export function pageRefOf(folder: string, filename: string): string {
  const dir = folder.replace(/^content\/?/, "").replace(/\/+$/, "");
  return dir ? `/${dir}/${filename}` : `/${filename}`;
}
