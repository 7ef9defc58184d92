import { describe, expect, it } from "vitest";
import {
  captionFileName,
  formatTimestamp,
  parseCaptionBytes,
  parseCaptions,
  transcriptOf,
} from "#workers/domain/captions";

const VTT = `WEBVTT - a lecture

NOTE made by hand

1
00:00:00.000 --> 00:00:01.500 align:start
Hello, <i>world</i>.

00:01.500 --> 00:00:03.000
Second cue
on two lines.
`;

const SRT =
  '\uFEFF1\r\n00:00:00,000 --> 00:00:01,500\r\n<font color="red">Hello</font> & goodbye\r\n\r\n2\r\n00:00:01,500 --> 00:00:03,250\r\n<i>Second</i> -> cue\r\n';

describe("WebVTT", () => {
  it("accepts a valid file and keeps it (line endings normalised)", () => {
    const r = parseCaptions(VTT);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.format).toBe("vtt");
    expect(r.cues).toHaveLength(2);
    expect(r.cues[0]).toEqual({ id: "1", start: 0, end: 1.5, text: "Hello, <i>world</i>." });
    expect(r.cues[1]?.start).toBe(1.5);
    expect(r.vtt).toBe(VTT);
  });

  it("names the line of a malformed timing", () => {
    const r = parseCaptions(
      "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nok\n\n00:00:02 --> 00:00:03.000\nbad\n",
    );
    expect(r).toEqual({
      ok: false,
      line: 6,
      error: expect.stringContaining('the start time "00:00:02" is not a timestamp'),
    });
  });

  it("refuses a cue that ends before it starts, and a missing header", () => {
    const r = parseCaptions("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nx\n");
    expect(r).toMatchObject({ ok: false, line: 3, error: expect.stringContaining("ends") });
    const h = parseCaptions("WEBVTTX\n\n00:00:00.000 --> 00:00:01.000\nx\n");
    // Not a WebVTT header, so it is read as SRT, which wants a cue number first.
    expect(h).toMatchObject({ ok: false, line: 1 });
    const none = parseCaptions("WEBVTT\n\nNOTE nothing here\n");
    expect(none).toMatchObject({ ok: false, error: "The caption file has no cues" });
  });

  it("finds a missing blank line between cues", () => {
    const r = parseCaptions(
      "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\none\n00:00:01.000 --> 00:00:02.000\ntwo\n",
    );
    expect(r).toMatchObject({ ok: false, line: 5, error: expect.stringContaining("-->") });
  });
});

describe("SRT", () => {
  it("converts to WebVTT", () => {
    const r = parseCaptions(SRT);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.format).toBe("srt");
    expect(r.vtt).toBe(
      "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\nHello &amp; goodbye\n\n2\n00:00:01.500 --> 00:00:03.250\n<i>Second</i> -> cue\n",
    );
    // The result is valid WebVTT itself.
    const again = parseCaptions(r.vtt);
    expect(again.ok && again.cues.map((c) => [c.start, c.end])).toEqual([
      [0, 1.5],
      [1.5, 3.25],
    ]);
  });

  it("names the line of a malformed SRT cue", () => {
    const bad =
      "1\n00:00:00,000 --> 00:00:01,000\nfine\n\n2\n00:00:01,000 -> 00:00:02,000\nbroken\n";
    expect(parseCaptions(bad)).toMatchObject({
      ok: false,
      line: 6,
      error: expect.stringContaining("expected a cue timing"),
    });
    expect(parseCaptions("just some text\n")).toMatchObject({
      ok: false,
      line: 1,
      error: expect.stringContaining('expected "WEBVTT" or an SRT cue number'),
    });
  });
});

describe("bytes, transcripts and names", () => {
  it("refuses empty, binary and non-UTF-8 files", () => {
    expect(parseCaptionBytes(new Uint8Array())).toMatchObject({
      ok: false,
      error: "The caption file is empty",
    });
    expect(parseCaptionBytes(new Uint8Array([0xff, 0xfe, 0x00, 0x41]))).toMatchObject({
      ok: false,
      error: "The caption file is not UTF-8 text",
    });
    expect(parseCaptionBytes(new TextEncoder().encode("WEBVTT\n\0"))).toMatchObject({ ok: false });
  });

  it("makes a plain transcript", () => {
    const r = parseCaptions(
      "WEBVTT\n\n00:00.000 --> 00:01.000\n<v Ann>Hi &amp; <b>bye</b>\n\n00:01.000 --> 00:02.000\n<v Ann>Hi &amp; <b>bye</b>\n\n00:02.000 --> 00:03.000\nNext\n",
    );
    expect(r.ok && transcriptOf(r.cues)).toBe("Hi & bye\n\nNext\n");
  });

  it("formats timestamps and reads caption file names", () => {
    expect(formatTimestamp(3723.5)).toBe("01:02:03.500");
    expect(captionFileName("lecture.en.vtt")).toEqual({ stem: "lecture", lang: "en" });
    expect(captionFileName("Lecture 1.SRT")).toEqual({ stem: "Lecture 1", lang: null });
    expect(captionFileName("my.video.pt-BR.srt")).toEqual({ stem: "my.video", lang: "pt-br" });
    expect(captionFileName("lecture.mp4")).toBeNull();
  });
});
