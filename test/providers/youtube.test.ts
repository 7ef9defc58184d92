// The YouTube adapter against a local server following the YouTube Data API v3: resumable
// upload in chunks (308 Resume Incomplete + Range), resuming after lost bytes and after a 5xx,
// privacy updates, caption tracks, and typed failures.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../workers/providers/errors.ts";
import {
  insertCaptions,
  setVideoPrivacy,
  uploadVideo,
  type YouTubeConfig,
} from "../../workers/providers/youtube.ts";
import { type FakeProviders, startFakeProviders } from "../support/fake-providers.ts";
import { byteStream, control, googleGrant } from "./support.ts";

const KIB256 = 256 * 1024;
let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(() => fake.close());

async function cfg(over: Partial<YouTubeConfig> = {}): Promise<YouTubeConfig> {
  return {
    apiBase: fake.url,
    oauth: await googleGrant(fake.url),
    chunkSize: KIB256,
    retryDelayMs: 1,
    ...over,
  };
}

type StoredVideo = {
  size: number;
  sha256: string;
  snippet: { title: string; description: string; categoryId: string };
  status: { privacyStatus: string };
  captions: { language: string; name: string; body: string }[];
};
const stored = (id: string) => control<StoredVideo>(fake.url, `/__youtube/videos/${id}`);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("uploadVideo", () => {
  it("uploads in 256 KiB-multiple chunks through a resumable session, unlisted", async () => {
    const size = 3 * KIB256 + 12_345;
    const { bytes, stream } = byteStream(size);
    const before = fake.requests.length;
    const { videoId } = await uploadVideo(
      await cfg(),
      { title: "Lecture 1: <Intro>", description: "About vectors", privacy: "unlisted" },
      stream,
      size,
    );
    const v = await stored(videoId);
    expect(v.size).toBe(size);
    expect(v.sha256).toBe(sha(bytes));
    expect(v.snippet.title).toBe("Lecture 1: Intro");
    expect(v.snippet.categoryId).toBe("27");
    expect(v.status.privacyStatus).toBe("unlisted");
    const calls = fake.requests.slice(before);
    expect(calls.filter((c) => c === "POST /upload/youtube/v3/videos")).toHaveLength(1);
    expect(calls.filter((c) => c === "PUT /upload/youtube/v3/videos")).toHaveLength(4);
  });

  it("ends on a chunk boundary when the size is a multiple of the chunk size", async () => {
    const size = 4 * KIB256;
    // Pieces that fill each chunk exactly, so the stream's end is only seen by reading again.
    const { bytes, stream } = byteStream(size, KIB256);
    const { videoId } = await uploadVideo(
      await cfg(),
      { title: "Aligned", description: "", privacy: "unlisted" },
      stream,
      size,
    );
    expect((await stored(videoId)).sha256).toBe(sha(bytes));
  });

  it("refuses a stream longer than the declared size before sending its last chunk", async () => {
    const { stream } = byteStream(2 * KIB256 + 10, KIB256);
    const err = await uploadVideo(
      await cfg(),
      { title: "Long", description: "", privacy: "unlisted" },
      stream,
      2 * KIB256,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe("invalid");
    expect(err.message).toContain("longer");
  });

  it("resends what the server did not keep after a 308 with a shorter Range", async () => {
    const size = 2 * KIB256 + 10;
    const { bytes, stream } = byteStream(size, 7_000);
    await control(fake.url, "/__faults", {
      method: "PUT",
      path: "/upload/youtube/v3/videos",
      partial: true,
      status: 308,
    });
    const { videoId } = await uploadVideo(
      await cfg(),
      { title: "Partial", description: "", privacy: "unlisted" },
      stream,
      size,
    );
    const v = await stored(videoId);
    expect(v.sha256).toBe(sha(bytes));
  });

  it("asks where the upload stands after a 503 and goes on from there", async () => {
    const size = 2 * KIB256 + 1;
    const { bytes, stream } = byteStream(size);
    const config = await cfg();
    // The second chunk PUT fails once.
    let seen = 0;
    const origFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const u = String(input instanceof Request ? input.url : input);
      if (init?.method === "PUT" && u.includes("upload_id=")) {
        seen += 1;
        if (seen === 2) {
          await control(fake.url, "/__faults", {
            method: "PUT",
            path: "/upload/youtube/v3/videos",
            status: 503,
          });
        }
      }
      return origFetch(input, init);
    };
    try {
      const { videoId } = await uploadVideo(
        config,
        { title: "Flaky", description: "", privacy: "unlisted" },
        stream,
        size,
      );
      expect((await stored(videoId)).sha256).toBe(sha(bytes));
    } finally {
      globalThis.fetch = origFetch;
    }
    // chunk 1, chunk 2 (503), status query, chunk 2 again, chunk 3.
    expect(seen).toBe(5);
  });

  it("gives up with a retryable error when the server keeps failing", async () => {
    const { stream } = byteStream(KIB256 + 5);
    await control(fake.url, "/__faults", {
      method: "PUT",
      path: "/upload/youtube/v3/videos",
      status: 503,
      // The first PUT, the status query after it, the second PUT: then it gives up.
      times: 3,
    });
    const err = await uploadVideo(
      await cfg({ maxChunkAttempts: 2 }),
      { title: "Down", description: "", privacy: "unlisted" },
      stream,
      KIB256 + 5,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe("unavailable");
    expect(err.retryable).toBe(true);
  });

  it("refuses a stream shorter than the declared size", async () => {
    const { stream } = byteStream(1000);
    const err = await uploadVideo(
      await cfg(),
      { title: "Short", description: "", privacy: "unlisted" },
      stream,
      5000,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe("invalid");
    expect(err.retryable).toBe(false);
  });

  it("fails as auth (not retryable) when the refresh token is refused, without the secret", async () => {
    const config = await cfg();
    const bad = { ...config, oauth: { ...config.oauth, refreshToken: "1//revoked-token-abcdef" } };
    const err = await uploadVideo(
      bad,
      { title: "x", description: "", privacy: "unlisted" },
      byteStream(10).stream,
      10,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe("auth");
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain("revoked-token");
    expect(err.message).not.toContain(config.oauth.clientSecret);
  });

  it("reports a quota error as retryable", async () => {
    await control(fake.url, "/__faults", {
      method: "POST",
      path: "/upload/youtube/v3/videos",
      status: 403,
    });
    const err = await uploadVideo(
      await cfg(),
      { title: "x", description: "", privacy: "unlisted" },
      byteStream(10).stream,
      10,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe("quota");
    expect(err.retryable).toBe(true);
  });
});

describe("setVideoPrivacy and insertCaptions", () => {
  it("makes an unlisted video public and adds a WebVTT caption track", async () => {
    const config = await cfg();
    const { videoId } = await uploadVideo(
      config,
      { title: "Go live", description: "", privacy: "unlisted" },
      byteStream(100).stream,
      100,
    );
    await setVideoPrivacy(config, videoId, "public");
    const vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n";
    const { captionId } = await insertCaptions(config, videoId, {
      language: "en",
      name: "English",
      vtt,
    });
    expect(captionId).toBeTruthy();
    const v = await stored(videoId);
    expect(v.status.privacyStatus).toBe("public");
    expect(v.captions).toEqual([
      expect.objectContaining({ language: "en", name: "English", body: vtt }),
    ]);
  });

  it("answers not_found for another account's video", async () => {
    const mine = await cfg();
    const { videoId } = await uploadVideo(
      mine,
      { title: "Mine", description: "", privacy: "unlisted" },
      byteStream(10).stream,
      10,
    );
    const err = await setVideoPrivacy(await cfg(), videoId, "public").catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe("not_found");
    expect((await stored(videoId)).status.privacyStatus).toBe("unlisted");
  });

  it("turns a 500 into a retryable error", async () => {
    const config = await cfg();
    await control(fake.url, "/__faults", {
      method: "PUT",
      path: "/youtube/v3/videos",
      status: 500,
    });
    const err = await setVideoPrivacy(config, "whatever", "public").catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(500);
  });
});
