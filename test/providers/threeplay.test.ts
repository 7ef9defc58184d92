// The 3Play Media adapter against a local server following API v3: order (media file, then the
// transcription order with its callback), status, WebVTT captions, and typed failures.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../workers/providers/errors.ts";
import {
  downloadCaptions,
  getTranscriptStatus,
  orderTranscript,
  type ThreePlayConfig,
} from "../../workers/providers/threeplay.ts";
import { type FakeProviders, startFakeProviders } from "../support/fake-providers.ts";
import { control } from "./support.ts";

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(() => fake.close());

async function cfg(): Promise<ThreePlayConfig> {
  const apiKey = `tp-${randomBytes(12).toString("hex")}`;
  await control(fake.url, "/__threeplay/keys", { apiKey });
  return { apiBase: fake.url, apiKey, turnaroundLevelId: 3 };
}

type Stored = {
  status: string;
  callback: string;
  turnaround: string;
  file: { sourceUrl: string; name: string };
};

describe("3Play Media", () => {
  it("orders a transcript of a media URL with a callback, then follows it to the captions", async () => {
    const config = await cfg();
    const order = await orderTranscript(config, {
      mediaUrl: "https://media.example/lecture-1.mp4?sig=abc",
      name: "Lecture 1",
      callbackUrl: "https://lectern.example/internal/v1/providers/threeplay/callback/tok",
    });
    expect(order.fileId).toMatch(/^\d+$/);
    expect(order.transcriptId).toMatch(/^\d+$/);
    const stored = await control<Stored>(
      fake.url,
      `/__threeplay/transcripts/${order.transcriptId}`,
    );
    expect(stored.file).toMatchObject({
      sourceUrl: "https://media.example/lecture-1.mp4?sig=abc",
      name: "Lecture 1",
    });
    expect(stored.callback).toBe(
      "https://lectern.example/internal/v1/providers/threeplay/callback/tok",
    );
    expect(stored.turnaround).toBe("3");

    expect(await getTranscriptStatus(config, order.transcriptId)).toEqual({
      status: "in_progress",
      complete: false,
      failed: false,
    });
    const notYet = await downloadCaptions(config, order.transcriptId, "vtt").catch((e) => e);
    expect(notYet).toBeInstanceOf(ProviderError);
    expect(notYet.kind).toBe("not_found");

    const vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nWelcome to the course.\n";
    await control(fake.url, `/__threeplay/transcripts/${order.transcriptId}`, {
      status: "complete",
      vtt,
    });
    expect(await getTranscriptStatus(config, order.transcriptId)).toEqual({
      status: "complete",
      complete: true,
      failed: false,
    });
    expect(await downloadCaptions(config, order.transcriptId, "vtt")).toBe(vtt);
  });

  it("reports a cancelled transcript as failed", async () => {
    const config = await cfg();
    const order = await orderTranscript(config, {
      mediaUrl: "https://media.example/x.mp4",
      name: "X",
      callbackUrl: "https://lectern.example/cb",
    });
    await control(fake.url, `/__threeplay/transcripts/${order.transcriptId}`, {
      status: "cancelled",
    });
    expect((await getTranscriptStatus(config, order.transcriptId)).failed).toBe(true);
  });

  it("fails as auth with a wrong API key, never echoing the key", async () => {
    const config = { apiBase: fake.url, apiKey: "tp-wrong-key-123456" };
    const err = await orderTranscript(config, {
      mediaUrl: "https://media.example/x.mp4",
      name: "X",
      callbackUrl: "https://lectern.example/cb",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe("auth");
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain("tp-wrong-key");
  });

  it("reads an error carried in an HTTP 200's body ({ code: 401 })", async () => {
    const config = await cfg();
    await control(fake.url, "/__faults", {
      method: "POST",
      path: "/v3/files",
      status: 200,
      body: { code: 401, errors: { api_key: ["is invalid"] } },
    });
    const err = await orderTranscript(config, {
      mediaUrl: "https://media.example/x.mp4",
      name: "X",
      callbackUrl: "https://lectern.example/cb",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe("auth");
    expect(err.retryable).toBe(false);
  });

  it("does not show one account's transcript to another key", async () => {
    const a = await cfg();
    const order = await orderTranscript(a, {
      mediaUrl: "https://media.example/x.mp4",
      name: "X",
      callbackUrl: "https://lectern.example/cb",
    });
    const err = await getTranscriptStatus(await cfg(), order.transcriptId).catch((e) => e);
    expect(err.kind).toBe("not_found");
  });

  it("turns 5xx into retryable errors and refuses non-ids", async () => {
    const config = await cfg();
    await control(fake.url, "/__faults", { method: "POST", path: "/v3/files", status: 502 });
    const err = await orderTranscript(config, {
      mediaUrl: "https://media.example/x.mp4",
      name: "X",
      callbackUrl: "https://lectern.example/cb",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.retryable).toBe(true);
    await expect(getTranscriptStatus(config, "../files")).rejects.toThrow(/not a 3Play id/);
  });
});
