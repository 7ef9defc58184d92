// From a request path to a manifest path. The URL parser has already resolved literal and
// %2e "." / ".." segments; what is left to refuse is what decoding could smuggle in: an
// encoded "/" or "\" (a segment that would become two), NUL and other control characters, and
// "." / ".." spelled in ways the parser did not fold. Refused paths answer 400, never a lookup.
import type { DeployFile } from "#schemas/deploy";
import type { Manifest } from "./manifests.ts";

export type DecodedPath = { segments: string[]; directory: boolean };

/** The decoded segments of a pathname, or null when it must be refused. */
export function decodePath(pathname: string): DecodedPath | null {
  if (!pathname.startsWith("/") || pathname.length > 2048) return null;
  const raw = pathname.slice(1).split("/");
  const directory = raw.at(-1) === "";
  if (directory) raw.pop();
  const segments: string[] = [];
  for (const part of raw) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return null;
    }
    if (segment === "." || segment === ".." || /[/\\]|\p{Cc}/u.test(segment)) return null;
    segments.push(segment);
  }
  return { segments, directory };
}

export type Resolved =
  | { kind: "file"; path: string; file: DeployFile }
  | { kind: "redirect" }
  | { kind: "missing" };

/**
 * `/` → index.html, `/a/b/` → a/b/index.html, `/a/b` → a/b, or a redirect to `/a/b/` when only
 * a/b/index.html exists (Hugo's pretty URLs).
 */
export function resolvePath(manifest: Manifest, path: DecodedPath): Resolved {
  const joined = path.segments.join("/");
  if (path.directory || joined === "") {
    const key = joined === "" ? "index.html" : `${joined}/index.html`;
    const file = manifest.files.get(key);
    return file ? { kind: "file", path: key, file } : { kind: "missing" };
  }
  const file = manifest.files.get(joined);
  if (file) return { kind: "file", path: joined, file };
  return manifest.files.has(`${joined}/index.html`) ? { kind: "redirect" } : { kind: "missing" };
}

/**
 * Hugo's fingerprinted names (`main.3f9a2c1d.css`, `app.min.<sha256>.js`): content-addressed,
 * so cacheable forever. All-digit "hashes" of date length (`notes.20240131.html`) are dates.
 */
export function isFingerprinted(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  // Pagefind's index chunks are named by their content (`index/en_8f3a2b1.pf_index`,
  // `pagefind.en_3d55df9….pf_meta`); its entry file and scripts are not, and stay revalidated.
  if (
    path.startsWith("pagefind/") &&
    /^(?:pagefind\.)?[A-Za-z0-9-]+_[0-9a-f]{7,}\.pf_(?:index|fragment|meta)$/.test(name)
  ) {
    return true;
  }
  const match = /^[^.]+(?:\.[^.]+)*\.([0-9a-f]{8,})\.[A-Za-z0-9]+$/.exec(name);
  return match?.[1] !== undefined && !/^\d{8,14}$/.test(match[1]);
}
