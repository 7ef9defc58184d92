// Caption files: WebVTT is checked and kept, SRT is converted to WebVTT, and either gives a plain
// text transcript. Runtime-neutral (the media pipeline runs it in the Worker: a caption file is
// small and needs no builder).
//
// Decisions:
// - The format is told by the content, not the name: "WEBVTT" on the first line is WebVTT,
//   anything else is read as SRT (a cue number, then a timing line).
// - Errors name the line (1-based, counted in the file as uploaded) and what was expected there,
//   so the author can fix the file; the first error stops the check.
// - Strict where players are strict (the header, the timing line, start not after end) and
//   lenient where they are lenient (hours may be left out, trailing cue settings kept).
// - SRT's <font> tags have no WebVTT counterpart and are dropped; <i>, <b> and <u> are the same
//   in both. A payload line holding "-->" would be read as a timing line by WebVTT: escaped.
// - The transcript is the cues' text without markup, a paragraph per cue, consecutive
//   repeats (roll-up captions) once.

export const MAX_CAPTION_BYTES = 2 * 1024 * 1024;

export type Cue = { id: string | null; start: number; end: number; text: string };

export type CaptionResult =
  | { ok: true; format: "vtt" | "srt"; vtt: string; cues: Cue[] }
  | { ok: false; line: number | null; error: string };

const TIMESTAMP = /^(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[.,](\d{3})$/;

/** Seconds of a "hh:mm:ss.ttt" / "mm:ss.ttt" (or SRT's comma) timestamp, or null. */
export function parseTimestamp(text: string, allowComma: boolean): number | null {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return null;
  if (!allowComma && text.includes(",")) return null;
  const [, h = "0", mm = "0", ss = "0", ms = "0"] = m;
  return Number(h) * 3600 + Number(mm) * 60 + Number(ss) + Number(ms) / 1000;
}

/** "hh:mm:ss.ttt" for WebVTT. */
export function formatTimestamp(seconds: number): string {
  const totalMs = Math.round(seconds * 1000);
  const ms = totalMs % 1000;
  const s = Math.floor(totalMs / 1000) % 60;
  const m = Math.floor(totalMs / 60_000) % 60;
  const h = Math.floor(totalMs / 3_600_000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(h)}:${two(m)}:${two(s)}.${String(ms).padStart(3, "0")}`;
}

/** Decodes and checks a caption file's bytes; WebVTT text on success. */
export function parseCaptionBytes(bytes: Uint8Array): CaptionResult {
  if (bytes.byteLength === 0) return { ok: false, line: null, error: "The caption file is empty" };
  if (bytes.byteLength > MAX_CAPTION_BYTES) {
    return {
      ok: false,
      line: null,
      error: `The caption file is larger than ${MAX_CAPTION_BYTES / 1024 / 1024} MiB`,
    };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, line: null, error: "The caption file is not UTF-8 text" };
  }
  return parseCaptions(text);
}

export function parseCaptions(input: string): CaptionResult {
  const text = input.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (text.includes("\u0000")) {
    return { ok: false, line: null, error: "The caption file holds binary data, not text" };
  }
  const lines = text.split("\n");
  const first = lines[0] ?? "";
  if (first.startsWith("WEBVTT")) return parseVtt(lines);
  if (/^\s*$/.test(text)) return { ok: false, line: null, error: "The caption file is empty" };
  return parseSrt(lines);
}

type Timing = { start: number; end: number; settings: string };

function parseTiming(line: string, srt: boolean): Timing | string {
  const parts = line.trim().split(/\s+-->\s+/);
  if (parts.length !== 2) {
    return `expected a cue timing like "00:00:01${srt ? "," : "."}000 --> 00:00:04${srt ? "," : "."}000", found ${quote(line)}`;
  }
  const [left = "", rightAll = ""] = parts;
  const [right = "", ...settings] = rightAll.split(/\s+/);
  const start = parseTimestamp(left, srt);
  const end = parseTimestamp(right, srt);
  if (start === null) return `the start time ${quote(left)} is not a timestamp (hh:mm:ss.ttt)`;
  if (end === null) return `the end time ${quote(right)} is not a timestamp (hh:mm:ss.ttt)`;
  if (end < start) return `the cue ends (${right}) before it starts (${left})`;
  return { start, end, settings: settings.join(" ") };
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function parseVtt(lines: string[]): CaptionResult {
  const header = lines[0] ?? "";
  if (header !== "WEBVTT" && !/^WEBVTT[ \t]/.test(header)) {
    return {
      ok: false,
      line: 1,
      error: `the first line must be "WEBVTT" (optionally followed by a space and text), found ${quote(header)}`,
    };
  }
  const cues: Cue[] = [];
  let i = 1;
  // Header lines (metadata) up to the first blank line.
  while (i < lines.length && (lines[i] ?? "") !== "") {
    if ((lines[i] ?? "").includes("-->")) {
      return {
        ok: false,
        line: i + 1,
        error: "a blank line must separate the WEBVTT header from the first cue",
      };
    }
    i++;
  }
  while (i < lines.length) {
    while (i < lines.length && (lines[i] ?? "").trim() === "") i++;
    if (i >= lines.length) break;
    const blockStart = i;
    const head = lines[i] ?? "";
    if (/^(NOTE|STYLE|REGION)([ \t]|$)/.test(head)) {
      while (i < lines.length && (lines[i] ?? "") !== "") i++;
      continue;
    }
    let id: string | null = null;
    if (!head.includes("-->")) {
      id = head;
      i++;
    }
    const timingLine = lines[i];
    if (timingLine === undefined || timingLine.trim() === "") {
      return {
        ok: false,
        line: blockStart + 1,
        error: `expected a cue timing like "00:00:01.000 --> 00:00:04.000" after the cue identifier ${quote(head)}`,
      };
    }
    const timing = parseTiming(timingLine, false);
    if (typeof timing === "string") return { ok: false, line: i + 1, error: timing };
    i++;
    const payload: string[] = [];
    while (i < lines.length && (lines[i] ?? "") !== "") {
      const line = lines[i] ?? "";
      if (line.includes("-->")) {
        return {
          ok: false,
          line: i + 1,
          error: `a cue's text may not contain "-->" (is a blank line missing before this cue?)`,
        };
      }
      payload.push(line);
      i++;
    }
    cues.push({ id, start: timing.start, end: timing.end, text: payload.join("\n") });
  }
  if (cues.length === 0) return { ok: false, line: null, error: "The caption file has no cues" };
  const vtt = `${lines.join("\n").replace(/\n+$/, "")}\n`;
  return { ok: true, format: "vtt", vtt, cues };
}

function parseSrt(lines: string[]): CaptionResult {
  const cues: Cue[] = [];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && (lines[i] ?? "").trim() === "") i++;
    if (i >= lines.length) break;
    const numberLine = (lines[i] ?? "").trim();
    let id: string | null = null;
    if (/^\d+$/.test(numberLine)) {
      id = numberLine;
      i++;
    } else if (!numberLine.includes("-->")) {
      return {
        ok: false,
        line: i + 1,
        error:
          cues.length === 0
            ? `not a caption file: expected "WEBVTT" or an SRT cue number, found ${quote(numberLine)}`
            : `expected a cue number, found ${quote(numberLine)} (is a blank line missing?)`,
      };
    }
    const timingLine = lines[i];
    if (timingLine === undefined || timingLine.trim() === "") {
      return {
        ok: false,
        line: i + 1,
        error: `expected a cue timing like "00:00:01,000 --> 00:00:04,000" after cue ${id ?? ""}`,
      };
    }
    const timing = parseTiming(timingLine, true);
    if (typeof timing === "string") return { ok: false, line: i + 1, error: timing };
    i++;
    const payload: string[] = [];
    while (i < lines.length && (lines[i] ?? "").trim() !== "") {
      payload.push(lines[i] ?? "");
      i++;
    }
    cues.push({ id, start: timing.start, end: timing.end, text: payload.join("\n") });
  }
  if (cues.length === 0) return { ok: false, line: null, error: "The caption file has no cues" };
  const blocks = cues.map((cue) => {
    const text = srtTextToVtt(cue.text);
    return `${cue.id ? `${cue.id}\n` : ""}${formatTimestamp(cue.start)} --> ${formatTimestamp(cue.end)}\n${text}`;
  });
  return { ok: true, format: "srt", vtt: `WEBVTT\n\n${blocks.join("\n\n")}\n`, cues };
}

function srtTextToVtt(text: string): string {
  return text
    .replace(/<\/?font\b[^>]*>/gi, "")
    .replace(/&(?!(?:amp|lt|gt|nbsp|lrm|rlm|#\d+|#x[0-9a-f]+);)/gi, "&amp;")
    .replace(/-->/g, "--&gt;")
    .replace(/<(?!\/?(?:i|b|u)>)/gi, "&lt;");
}

/** The cues' words as plain text: a paragraph per cue, markup removed, repeats once. */
export function transcriptOf(cues: readonly Cue[]): string {
  const out: string[] = [];
  for (const cue of cues) {
    const text = cue.text
      .replace(/<[^>]*>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&nbsp;/g, " ")
      .replace(/&amp;/g, "&")
      .replace(/\s+/g, " ")
      .trim();
    if (text && out.at(-1) !== text) out.push(text);
  }
  return out.length > 0 ? `${out.join("\n\n")}\n` : "";
}

/**
 * A caption file's video and language from its name: `lecture.en.vtt` → stem "lecture",
 * lang "en"; `lecture.srt` → "lecture", null. Null when the name is not a caption file's.
 */
export function captionFileName(filename: string): { stem: string; lang: string | null } | null {
  const m = /^(.+?)(?:\.([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*))?\.(vtt|srt)$/i.exec(filename);
  if (!m) return null;
  return { stem: m[1] as string, lang: m[2] ? (m[2] as string).toLowerCase() : null };
}
