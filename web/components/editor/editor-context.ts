// What every field of one item editor shares: the choices the loader prepared, where to search
// for more, the field errors to show, and whether scripts run (widgets render a plain-HTML
// version until they do).
import { createContext, useContext } from "react";
import type { FieldErrors } from "../../lib/forms.ts";

export type SearchHit = {
  uid: string;
  title: string;
  collection: string;
  filename: string;
  resourcetype: string | null;
};

export type EditorEnv = {
  /** The site's content search (a JSON route): `?q=&collection=&resourcetype=`. */
  searchUrl: string;
  relations: Record<string, { value: string; label: string }[]>;
  titles: Record<string, string>;
  pages: { uid: string; title: string; collection: string; filename: string }[];
  folders: Record<string, string>;
  /** Collection name → label, to say what kind of item a search hit is. */
  collectionLabels: Record<string, string>;
  errors: FieldErrors;
  hydrated: boolean;
  /** The item being edited (excluded from its own relation choices). */
  selfUid: string | null;
  /** An import referenced a file its archive did not contain. */
  fileMissing: boolean;
  /** Where a file field uploads to (the site's media library), when the item can take one. */
  media?: { tenantId: string; siteId: string };
};

export const EditorEnvContext = createContext<EditorEnv | null>(null);

export function useEditorEnv(): EditorEnv {
  const env = useContext(EditorEnvContext);
  if (!env) throw new Error("useEditorEnv() outside an item editor");
  return env;
}

/** Search the site's items; `collections` keeps only hits of those collections. */
export async function searchContent(
  searchUrl: string,
  query: { q: string; collection?: string; resourcetype?: string },
  signal?: AbortSignal,
): Promise<SearchHit[]> {
  const params = new URLSearchParams({ q: query.q });
  if (query.collection) params.set("collection", query.collection);
  if (query.resourcetype) params.set("resourcetype", query.resourcetype);
  const res = await fetch(`${searchUrl}?${params}`, {
    headers: { accept: "application/json" },
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) throw new Error(`Search failed (${res.status})`);
  return ((await res.json()) as { items: SearchHit[] }).items;
}
