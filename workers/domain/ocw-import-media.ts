// Attaching resources' files during an OCW import: each resource's `file` is looked up among
// the archive's other entries (by name, `static/` first), or else in the usual places a caller
// that only answers `hasMedia` may hold it; the rest are flagged missing.
import type { ImportReport } from "#schemas/content";
import type { StarterConfig } from "#schemas/starter";
import { collectionFields } from "./content-validation.ts";
import { compareExportPath, type StoredItem } from "./hugo-export.ts";
import type { ImportOptions } from "./ocw-import.ts";

/**
 * Where a caller that only answers `hasMedia` (without listing its entries) may hold a file:
 * Hugo's static/ folder by name or by URL path, the URL path itself, or the site root.
 */
function guesses(root: string, file: string, name: string): string[] {
  const urlPath = file.replace(/^\/+/, "");
  const all = [`static/${name}`, `static/${urlPath}`, urlPath, name].map((p) => root + p);
  return all.filter((p, i) => all.indexOf(p) === i);
}

/**
 * Finds each resource's file among the archive's other entries (by name, anywhere outside
 * content/), or else asks `hasMedia` about the usual places; marks the rest missing.
 */
export function attachMedia(
  config: StarterConfig,
  items: StoredItem[],
  byUid: Map<string, { path: string }>,
  others: string[],
  root: string,
  opts: ImportOptions,
  report: ImportReport,
) {
  const byBasename = new Map<string, string[]>();
  for (const p of others) {
    if (p.startsWith(`${root}content/`) || p.endsWith("/")) continue;
    if (opts.hasMedia && !opts.hasMedia(p)) continue;
    const base = p.slice(p.lastIndexOf("/") + 1);
    byBasename.set(base, [...(byBasename.get(base) ?? []), p]);
  }
  // Prefer the site's static/ folder, then the shortest path, then path order.
  const rank = (p: string) => (p.startsWith(`${root}static/`) ? 0 : 1);
  for (const list of byBasename.values()) {
    list.sort((a, b) => rank(a) - rank(b) || a.length - b.length || compareExportPath(a, b));
  }
  const media: { uid: string; archivePath: string }[] = [];
  for (const item of items) {
    const fileField = (collectionFields(config, item.collection, item.filename) ?? []).find(
      (f) => f.widget === "file",
    );
    const value = fileField ? item.data[fileField.name] : undefined;
    if (typeof value !== "string" || value === "" || /^[a-z][a-z0-9+.-]*:/i.test(value)) continue;
    const base = value.slice(value.lastIndexOf("/") + 1);
    let decoded = base;
    try {
      decoded = decodeURIComponent(base);
    } catch {
      // not percent-encoded
    }
    const match =
      byBasename.get(base)?.[0] ??
      byBasename.get(decoded)?.[0] ??
      guesses(root, value, decoded).find((p) => opts.hasMedia?.(p));
    if (match) media.push({ uid: item.uid, archivePath: match });
    else {
      item.fileMissing = true;
      report.missingFiles.push({
        uid: item.uid,
        path: byUid.get(item.uid)?.path ?? "",
        file: value,
      });
    }
  }
  return media;
}
