// The Content-Type a published file is served with, from its extension. Delivery sends what the
// deploy manifest says, so this map decides how browsers treat every file of a site.
//
// Decisions:
// - Text types carry `charset=utf-8`: Hugo writes UTF-8, and without a charset browsers guess.
// - Anything unknown is `application/octet-stream`, never sniffed: a file that an author named
//   .txt but that holds HTML stays text, and an unknown one is downloaded, not rendered.
// - Pagefind's index files (.pf_meta, .pf_index, .pf_fragment) are opaque binary to browsers.
import { extname } from "node:path";

export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

const BY_EXTENSION: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".pdf": "application/pdf",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".vtt": "text/vtt; charset=utf-8",
  ".zip": "application/zip",
  ".wasm": "application/wasm",
  ".pf_meta": DEFAULT_CONTENT_TYPE,
  ".pf_index": DEFAULT_CONTENT_TYPE,
  ".pf_fragment": DEFAULT_CONTENT_TYPE,
};

/** By the last extension of `path`, case-insensitively ("Photo.JPG" is image/jpeg). */
export function contentTypeFor(path: string): string {
  return BY_EXTENSION[extname(path).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}
