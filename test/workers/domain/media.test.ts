// The media library's rules on their own: what a file is by its first bytes (and when its name
// or declared type lies), how a file is cut into R2 parts, safe names, and serving headers.
import { describe, expect, it } from "vitest";
import {
  expectedPartSize,
  identify,
  MEDIA_SANDBOX_CSP,
  mediaSafetyHeaders,
  partPlan,
  R2_MAX_PARTS,
  R2_MIN_PART_BYTES,
  safeFileName,
} from "#workers/domain/media";

const bytes = (...parts: (string | number[])[]) => {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === "string") for (const ch of p) out.push(ch.charCodeAt(0));
    else out.push(...p);
  }
  return new Uint8Array(out);
};
const ftyp = (brand: string) => bytes([0, 0, 0, 0x18], "ftyp", brand, [0, 0, 0, 0]);

describe("identify", () => {
  it.each([
    ["notes.pdf", bytes("%PDF-1.7\n"), "application/pdf", "document"],
    ["a.png", bytes([0x89], "PNG\r\n\x1a\n"), "image/png", "image"],
    ["a.JPG", bytes([0xff, 0xd8, 0xff, 0xe0]), "image/jpeg", "image"],
    ["a.gif", bytes("GIF89a"), "image/gif", "image"],
    ["a.webp", bytes("RIFF", [0, 0, 0, 0], "WEBP"), "image/webp", "image"],
    ["lecture.mp4", ftyp("isom"), "video/mp4", "video"],
    ["lecture.mov", ftyp("qt  "), "video/quicktime", "video"],
    ["lecture.webm", bytes([0x1a, 0x45, 0xdf, 0xa3], "....webm"), "video/webm", "video"],
    ["talk.mp3", bytes("ID3", [3, 0]), "audio/mpeg", "other"],
    [
      "slides.pptx",
      bytes("PK\x03\x04"),
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
      "document",
    ],
    ["old.doc", bytes([0xd0, 0xcf, 0x11, 0xe0]), "application/msword", "document"],
    [
      "logo.svg",
      bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'),
      "image/svg+xml",
      "image",
    ],
    ["lecture.vtt", bytes("WEBVTT\n\n00:00.000 --> 00:01.000\nHi"), "text/vtt", "other"],
    ["lecture.srt", bytes("1\n00:00:00,000 --> 00:00:01,000\nHi"), "application/x-subrip", "other"],
    ["readme.txt", new TextEncoder().encode("Just text, é."), "text/plain", "document"],
    ["data.bin", bytes([0, 1, 2, 3]), "application/octet-stream", "other"],
  ])("%s", (name, head, type, kind) => {
    expect(identify(name, "", head)).toEqual({ ok: true, type, kind });
  });

  it("refuses a name or a declared type the bytes contradict", () => {
    expect(identify("photo.png", "", bytes("%PDF-1.4"))).toEqual({
      ok: false,
      message: "photo.png: the name says .png, but the content is a PDF",
    });
    expect(identify("clip.mp4", "", bytes("plain words"))).toMatchObject({ ok: false });
    expect(identify("page.txt", "", bytes("<!doctype html><script>x</script>"))).toEqual({
      ok: false,
      message: "page.txt: the name says .txt, but the content is a HTML page",
    });
    expect(identify("noext", "image/png", bytes("%PDF-1.4"))).toEqual({
      ok: false,
      message: "noext: declared as image/png, but the content is a PDF",
    });
    // A generic declared type says nothing, and captions may be named .txt.
    expect(identify("x.pdf", "application/octet-stream", bytes("%PDF-1.4")).ok).toBe(true);
    expect(identify("caps.txt", "", bytes("WEBVTT\n"))).toEqual({
      ok: true,
      type: "text/vtt",
      kind: "other",
    });
  });
});

describe("partPlan", () => {
  it("uses 10 MiB parts, and larger ones when 10,000 would not hold the file", () => {
    expect(partPlan(1)).toEqual({ partSize: 10 * 1024 * 1024, partCount: 1 });
    expect(partPlan(25 * 1024 * 1024)).toEqual({ partSize: 10 * 1024 * 1024, partCount: 3 });
    const huge = 200 * 1024 ** 3;
    const plan = partPlan(huge);
    expect(plan.partCount).toBeLessThanOrEqual(R2_MAX_PARTS);
    expect(plan.partSize).toBeGreaterThanOrEqual(R2_MIN_PART_BYTES);
    expect(plan.partSize % (1024 * 1024)).toBe(0);
    expect(plan.partSize * plan.partCount).toBeGreaterThanOrEqual(huge);
    expect(expectedPartSize(25 * 1024 * 1024, 10 * 1024 * 1024, 3)).toBe(5 * 1024 * 1024);
  });
});

describe("names and serving", () => {
  it("makes safe key names, keeping the extension", () => {
    expect(safeFileName("Lecture Notes (final).PDF")).toBe("Lecture-Notes-final.pdf");
    expect(safeFileName("Übung 1 – Lösung.docx")).toBe("Ubung-1-Losung.docx");
    expect(safeFileName("...")).toBe("file");
    expect(safeFileName("名前.png")).toBe("file.png");
  });

  it("sandboxes and downloads what could run script, shows the rest inline, never sniffed", () => {
    expect(mediaSafetyHeaders("image/svg+xml", "logo.svg")).toEqual({
      "x-content-type-options": "nosniff",
      "content-disposition": `attachment; filename="logo.svg"; filename*=UTF-8''logo.svg`,
      "content-security-policy": MEDIA_SANDBOX_CSP,
    });
    expect(mediaSafetyHeaders("text/html", "a.html")["content-security-policy"]).toBe(
      MEDIA_SANDBOX_CSP,
    );
    const pdf = mediaSafetyHeaders("application/pdf", 'a "b".pdf');
    expect(pdf["content-disposition"]).toBe(
      `inline; filename="a _b_.pdf"; filename*=UTF-8''a%20%22b%22.pdf`,
    );
    expect(pdf["content-security-policy"]).toBeUndefined();
    expect(mediaSafetyHeaders("video/mp4", "v.mp4")["content-disposition"]).toMatch(/^inline/);
    expect(mediaSafetyHeaders("application/octet-stream", "x.bin")["content-disposition"]).toMatch(
      /^attachment/,
    );
  });
});
