// The media library's rules, runtime-neutral: what a file is (from its first bytes, never from
// its name alone), which kind of resource it becomes, how an upload is cut into R2 multipart
// parts, where its files live in R2, and how it may be served. See ADR 012.
import type { MediaKind } from "#schemas/media";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

// ---- Limits ----

/** R2 multipart: every part but the last is 5 MiB–5 GiB; at most 10,000 parts. */
export const R2_MIN_PART_BYTES = 5 * MiB;
export const R2_MAX_PART_BYTES = 5 * GiB;
export const R2_MAX_PARTS = 10_000;
/** Parts the client sends: small enough for a Worker request, large enough for few requests. */
export const DEFAULT_PART_BYTES = 10 * MiB;
/** A part request's body is streamed to R2; this bounds one (Workers accept 100 MB bodies). */
export const MAX_PART_BYTES = 95 * MiB;

/** Platform defaults when a tenant has no limits of its own (tenants.media_* columns). */
export const DEFAULT_MAX_FILE_BYTES = 5 * GiB;
export const DEFAULT_QUOTA_BYTES = 100 * GiB;

/** Part size and count for a file: 10 MiB parts, larger when 10,000 would not hold it. */
export function partPlan(size: number): { partSize: number; partCount: number } {
  let partSize = DEFAULT_PART_BYTES;
  if (Math.ceil(size / partSize) > R2_MAX_PARTS) {
    partSize = Math.ceil(size / R2_MAX_PARTS / MiB) * MiB;
  }
  return { partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

/** The byte count part `n` (1-based) must have. */
export function expectedPartSize(size: number, partSize: number, n: number): number {
  const count = Math.max(1, Math.ceil(size / partSize));
  return n < count ? partSize : size - partSize * (count - 1);
}

// ---- Keys ----

/** A file name safe in an R2 key and a URL: ASCII letters, digits, `.`, `-`, `_`. */
export function safeFileName(name: string): string {
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  const base = dot > 0 ? name.slice(0, dot) : name;
  const clean = (s: string) =>
    s
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^A-Za-z0-9_-]+/g, "-")
      .replace(/-{2,}/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "");
  const b = clean(base).slice(0, 100) || "file";
  const e = clean(ext).slice(0, 10);
  return e ? `${b}.${e}` : b;
}

/** Where a media item's derived files (thumbnails, web MP4, poster, captions) live. */
export function mediaVariantPrefix(tenantId: string, siteId: string, mediaId: string): string {
  return `t/${tenantId}/s/${siteId}/media/${mediaId}/`;
}

/** The URL path a resource's uploaded file gets on the published site (the `file` field). */
export function publishedFilePath(resourceUid: string, safeName: string): string {
  return `/files/${resourceUid}/${safeName}`;
}

// ---- Sniffing ----

/** Families of formats: an extension and the bytes must agree on the family. */
type Family =
  | "pdf"
  | "png"
  | "jpeg"
  | "gif"
  | "webp"
  | "avif"
  | "isobmff"
  | "matroska"
  | "mp3"
  | "ogg"
  | "wav"
  | "zip"
  | "ole"
  | "svg"
  | "html"
  | "vtt"
  | "srt"
  | "text";

type Format = { type: string; family: Family; kind: MediaKind };

const EXTENSIONS: Record<string, Format> = {
  pdf: { type: "application/pdf", family: "pdf", kind: "document" },
  png: { type: "image/png", family: "png", kind: "image" },
  jpg: { type: "image/jpeg", family: "jpeg", kind: "image" },
  jpeg: { type: "image/jpeg", family: "jpeg", kind: "image" },
  gif: { type: "image/gif", family: "gif", kind: "image" },
  webp: { type: "image/webp", family: "webp", kind: "image" },
  avif: { type: "image/avif", family: "avif", kind: "image" },
  svg: { type: "image/svg+xml", family: "svg", kind: "image" },
  mp4: { type: "video/mp4", family: "isobmff", kind: "video" },
  m4v: { type: "video/mp4", family: "isobmff", kind: "video" },
  mov: { type: "video/quicktime", family: "isobmff", kind: "video" },
  m4a: { type: "audio/mp4", family: "isobmff", kind: "other" },
  webm: { type: "video/webm", family: "matroska", kind: "video" },
  mkv: { type: "video/x-matroska", family: "matroska", kind: "video" },
  mp3: { type: "audio/mpeg", family: "mp3", kind: "other" },
  ogg: { type: "audio/ogg", family: "ogg", kind: "other" },
  oga: { type: "audio/ogg", family: "ogg", kind: "other" },
  ogv: { type: "video/ogg", family: "ogg", kind: "video" },
  wav: { type: "audio/wav", family: "wav", kind: "other" },
  zip: { type: "application/zip", family: "zip", kind: "other" },
  docx: {
    type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    family: "zip",
    kind: "document",
  },
  xlsx: {
    type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    family: "zip",
    kind: "document",
  },
  pptx: {
    type: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    family: "zip",
    kind: "document",
  },
  odt: { type: "application/vnd.oasis.opendocument.text", family: "zip", kind: "document" },
  ods: { type: "application/vnd.oasis.opendocument.spreadsheet", family: "zip", kind: "document" },
  odp: {
    type: "application/vnd.oasis.opendocument.presentation",
    family: "zip",
    kind: "document",
  },
  epub: { type: "application/epub+zip", family: "zip", kind: "document" },
  doc: { type: "application/msword", family: "ole", kind: "document" },
  xls: { type: "application/vnd.ms-excel", family: "ole", kind: "document" },
  ppt: { type: "application/vnd.ms-powerpoint", family: "ole", kind: "document" },
  html: { type: "text/html", family: "html", kind: "document" },
  htm: { type: "text/html", family: "html", kind: "document" },
  vtt: { type: "text/vtt", family: "vtt", kind: "other" },
  srt: { type: "application/x-subrip", family: "srt", kind: "other" },
  txt: { type: "text/plain", family: "text", kind: "document" },
  md: { type: "text/markdown", family: "text", kind: "document" },
  csv: { type: "text/csv", family: "text", kind: "document" },
  tex: { type: "text/x-tex", family: "text", kind: "document" },
  json: { type: "application/json", family: "text", kind: "other" },
  py: { type: "text/x-python", family: "text", kind: "other" },
  m: { type: "text/plain", family: "text", kind: "other" },
  c: { type: "text/plain", family: "text", kind: "other" },
};

/** Bytes of the file's start that sniffing reads. */
export const SNIFF_BYTES = 4096;

const ascii = (b: Uint8Array, at: number, s: string) => {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
};

function sniffText(head: Uint8Array): Format | null {
  // Text: no NUL, valid UTF-8 (a multi-byte character cut at the end of the sample is fine).
  if (head.includes(0)) return null;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(head, {
      stream: true,
    });
  } catch {
    return null;
  }
  const t = text.replace(/^\uFEFF/, "");
  if (/^WEBVTT(?:[ \t\r\n]|$)/.test(t)) return { type: "text/vtt", family: "vtt", kind: "other" };
  if (
    /^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}/.test(
      t,
    )
  ) {
    return { type: "application/x-subrip", family: "srt", kind: "other" };
  }
  // Markup that a browser would run: after an XML declaration, comments and a doctype.
  const start = t
    .replace(/^\s*(<\?xml[^>]*\?>\s*)?/i, "")
    .replace(/^(\s*<!--[\s\S]*?-->\s*)*/, "")
    .replace(/^\s*<!doctype\s+svg[^>]*>\s*/i, "");
  if (
    /^\s*<svg[\s>]/i.test(start) ||
    /<svg[\s>][\s\S]*xmlns=["']http:\/\/www\.w3\.org\/2000\/svg/i.test(t.slice(0, 1024))
  ) {
    return { type: "image/svg+xml", family: "svg", kind: "image" };
  }
  if (
    /^\s*<!doctype\s+html/i.test(start) ||
    /^\s*<(html|head|body|script|iframe)[\s>]/i.test(start)
  ) {
    return { type: "text/html", family: "html", kind: "document" };
  }
  return { type: "text/plain", family: "text", kind: "document" };
}

/** What the first bytes of a file are; null when they say nothing we know (binary). */
export function sniff(head: Uint8Array): Format | null {
  if (ascii(head, 0, "%PDF-")) return { type: "application/pdf", family: "pdf", kind: "document" };
  if (head[0] === 0x89 && ascii(head, 1, "PNG\r\n\x1a\n")) {
    return { type: "image/png", family: "png", kind: "image" };
  }
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
    return { type: "image/jpeg", family: "jpeg", kind: "image" };
  }
  if (ascii(head, 0, "GIF87a") || ascii(head, 0, "GIF89a")) {
    return { type: "image/gif", family: "gif", kind: "image" };
  }
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP")) {
    return { type: "image/webp", family: "webp", kind: "image" };
  }
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "WAVE")) {
    return { type: "audio/wav", family: "wav", kind: "other" };
  }
  if (ascii(head, 4, "ftyp")) {
    const brand = String.fromCharCode(...head.subarray(8, 12));
    if (brand === "avif" || brand === "avis") {
      return { type: "image/avif", family: "avif", kind: "image" };
    }
    if (brand === "qt  ") return { type: "video/quicktime", family: "isobmff", kind: "video" };
    if (brand === "M4A " || brand === "M4B ") {
      return { type: "audio/mp4", family: "isobmff", kind: "other" };
    }
    return { type: "video/mp4", family: "isobmff", kind: "video" };
  }
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    const sample = String.fromCharCode(...head.subarray(0, 64));
    return sample.includes("webm")
      ? { type: "video/webm", family: "matroska", kind: "video" }
      : { type: "video/x-matroska", family: "matroska", kind: "video" };
  }
  if (ascii(head, 0, "ID3") || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) {
    return { type: "audio/mpeg", family: "mp3", kind: "other" };
  }
  if (ascii(head, 0, "OggS")) return { type: "audio/ogg", family: "ogg", kind: "other" };
  if (ascii(head, 0, "PK\x03\x04"))
    return { type: "application/zip", family: "zip", kind: "other" };
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    return { type: "application/x-ole-storage", family: "ole", kind: "document" };
  }
  return sniffText(head);
}

export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot > 0 ? filename.slice(dot + 1).toLowerCase() : "";
}

/** The kind a file's name suggests before any byte arrived (the upload's first guess). */
export function kindFromName(filename: string, declaredType: string): MediaKind {
  const byExt = EXTENSIONS[extensionOf(filename)];
  if (byExt) return byExt.kind;
  if (declaredType.startsWith("image/")) return "image";
  if (declaredType.startsWith("video/")) return "video";
  if (declaredType === "application/pdf") return "document";
  return "other";
}

/** Declared types that say nothing (the browser did not know). */
const GENERIC_TYPES = new Set(["", "application/octet-stream", "binary/octet-stream"]);

export type Identified =
  | { ok: true; type: string; kind: MediaKind }
  | { ok: false; message: string };

/**
 * What an uploaded file is, from its first bytes, checked against its name's extension and the
 * declared type: a file whose bytes are another format than its name (or declared type) says
 * is refused. A name we do not know takes the sniffed type, or application/octet-stream.
 */
export function identify(filename: string, declaredType: string, head: Uint8Array): Identified {
  const ext = extensionOf(filename);
  const byExt = EXTENSIONS[ext];
  const sniffed = sniff(head);
  const compatible = (expected: Family, got: Family | undefined) =>
    expected === got || (expected === "text" && (got === "vtt" || got === "srt"));
  if (byExt) {
    if (!sniffed || !compatible(byExt.family, sniffed.family)) {
      const what = sniffed ? `a ${describe(sniffed)}` : "not a file of that type";
      return {
        ok: false,
        message: `${filename}: the name says .${ext}, but the content is ${what}`,
      };
    }
  }
  const declared = declaredType.toLowerCase().split(";")[0]?.trim() ?? "";
  if (!GENERIC_TYPES.has(declared)) {
    const declaredFormat = Object.values(EXTENSIONS).find((f) => f.type === declared);
    if (declaredFormat && (!sniffed || !compatible(declaredFormat.family, sniffed.family))) {
      const what = sniffed ? `a ${describe(sniffed)}` : "not a file of that type";
      return {
        ok: false,
        message: `${filename}: declared as ${declared}, but the content is ${what}`,
      };
    }
  }
  if (byExt && sniffed) {
    // The extension names the exact format within the family (docx in a zip, mov in ISO BMFF).
    const type = byExt.family === "text" && sniffed.family !== "text" ? sniffed.type : byExt.type;
    const kind = byExt.family === "text" && sniffed.family !== "text" ? sniffed.kind : byExt.kind;
    return { ok: true, type, kind };
  }
  if (sniffed) return { ok: true, type: sniffed.type, kind: sniffed.kind };
  return { ok: true, type: "application/octet-stream", kind: "other" };
}

function describe(f: Format): string {
  const names: Record<Family, string> = {
    pdf: "PDF",
    png: "PNG image",
    jpeg: "JPEG image",
    gif: "GIF image",
    webp: "WebP image",
    avif: "AVIF image",
    isobmff: "MP4/QuickTime file",
    matroska: "WebM/Matroska file",
    mp3: "MP3 file",
    ogg: "Ogg file",
    wav: "WAV file",
    zip: "zip archive",
    ole: "legacy Office file",
    svg: "SVG image",
    html: "HTML page",
    vtt: "WebVTT file",
    srt: "SRT subtitle file",
    text: "text file",
  };
  return names[f.family];
}

// ---- Serving ----

/** Types a browser shows without running anything of the file's: served inline. */
const INLINE_TYPES = new Set([
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "text/plain",
  "text/vtt",
  "text/csv",
]);

function isInline(type: string): boolean {
  return INLINE_TYPES.has(type) || type.startsWith("video/") || type.startsWith("audio/");
}

/** Types that can run script when opened (SVG, HTML, XML): sandboxed and downloaded. */
export function canRunScript(type: string): boolean {
  return (
    type === "image/svg+xml" ||
    type === "text/html" ||
    type.endsWith("+xml") ||
    type.endsWith("/xml") ||
    type === "application/xhtml+xml"
  );
}

/** A sandbox that lets an SVG draw itself and nothing else. */
export const MEDIA_SANDBOX_CSP =
  "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/**
 * Headers every served media file carries: the type is never sniffed, files that could run
 * script (and unknown ones) are downloaded and sandboxed, the rest shown inline.
 */
export function mediaSafetyHeaders(type: string, filename: string): Record<string, string> {
  const inline = isInline(type) && !canRunScript(type);
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const headers: Record<string, string> = {
    "x-content-type-options": "nosniff",
    "content-disposition": `${inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
  };
  if (!inline) headers["content-security-policy"] = MEDIA_SANDBOX_CSP;
  return headers;
}
