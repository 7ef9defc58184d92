// HTTP details of delivery that do not depend on sites: security headers, validators
// (ETag / If-None-Match / If-Range), byte ranges, and the small pages delivery answers with
// when a site has none of its own.

const FRAME_ANCESTORS = "frame-ancestors 'self'";

/**
 * Headers every delivery response carries. The CSP only stops other origins from framing a
 * site: course pages embed YouTube, MathJax and the like, so scripts and styles stay open. A
 * response with a policy of its own (an uploaded SVG's sandbox) keeps it, with this added.
 */
export function applySecurityHeaders(headers: Headers, https: boolean): void {
  const own = headers.get("content-security-policy");
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "strict-origin-when-cross-origin");
  headers.set("x-frame-options", "SAMEORIGIN");
  headers.set("permissions-policy", "camera=(), microphone=(), geolocation=()");
  headers.set("content-security-policy", own ? `${own}; ${FRAME_ANCESTORS}` : FRAME_ANCESTORS);
  // Not includeSubDomains: a custom domain's owner decides about their other hostnames.
  if (https) headers.set("strict-transport-security", "max-age=31536000");
}

/** RFC 9110 §13.1.2: weak comparison against any entity tag in the list, or `*`. */
export function ifNoneMatchHits(header: string | null, etag: string): boolean {
  if (header === null) return false;
  if (header.trim() === "*") return true;
  const opaque = etag.replace(/^W\//, "");
  for (const match of header.matchAll(/(?:W\/)?"[^"]*"/g)) {
    if (match[0].replace(/^W\//, "") === opaque) return true;
  }
  return false;
}

/** RFC 9110 §13.1.5: a Range applies only while the strong validator still matches. */
export function ifRangeAllows(header: string | null, etag: string): boolean {
  if (header === null) return true;
  // A date, or a weak tag, cannot be strongly compared: serve the whole representation.
  return header.trim() === etag;
}

export type RangeResult =
  | { kind: "none" }
  | { kind: "range"; offset: number; length: number }
  | { kind: "unsatisfiable" };

/**
 * One `bytes=` range (`a-b`, `a-`, `-n`) against a representation of `size` bytes. Syntax we do
 * not serve (other units, several ranges, garbage) is ignored and the whole body is sent, as
 * RFC 9110 §14.2 allows.
 */
export function parseRange(header: string | null, size: number): RangeResult {
  if (header === null) return { kind: "none" };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return { kind: "none" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "none" };
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    const length = Math.min(suffix, size);
    return { kind: "range", offset: size - length, length };
  }
  const start = Number(first);
  const end = last === "" ? Number.POSITIVE_INFINITY : Number(last);
  if (end < start) return { kind: "none" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "range", offset: start, length: Math.min(end, size - 1) - start + 1 };
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** A minimal, self-contained HTML page (no external resources) for delivery's own answers. */
export function plainPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#222}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>
`;
}
