// A library video's WebVTT caption variants sent to its YouTube copy (fake YouTube).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "#workers/db/client";
import { loadProvider } from "#workers/providers/settings";
import { uploadVideo, type YouTubeConfig } from "#workers/providers/youtube";
import { sendCaptionsToYouTube } from "#workers/providers/youtube-captions";
import { configureGoogle, control, tenantWithSite } from "./support.ts";

describe("sendCaptionsToYouTube", () => {
  it("adds each WebVTT captions variant as a track, skipping other files", async () => {
    const { t, siteId } = await tenantWithSite();
    await configureGoogle(t, "youtube");
    const cfg = (await loadProvider(
      env,
      createDb(env.DB),
      t.tenant.id,
      "youtube",
    )) as YouTubeConfig;
    const bytes = new TextEncoder().encode("video");
    const { videoId } = await uploadVideo(
      cfg,
      { title: "Lecture", description: "", privacy: "unlisted" },
      new Blob([bytes]).stream(),
      bytes.byteLength,
    );
    const prefix = `t/${t.tenant.id}/s/${siteId}/media/med_X/`;
    const en = "WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n";
    const fr = "WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour\n";
    await env.MEDIA.put(`${prefix}captions.en.vtt`, en);
    await env.MEDIA.put(`${prefix}captions.fr.vtt`, fr);
    const ids = await sendCaptionsToYouTube(env, cfg, videoId, [
      {
        role: "captions",
        key: `${prefix}captions.en.vtt`,
        type: "text/vtt",
        size: en.length,
        lang: "en",
        label: "English",
      },
      {
        role: "captions",
        key: `${prefix}captions.fr.vtt`,
        type: "text/vtt",
        size: fr.length,
        lang: "fr",
      },
      {
        role: "transcript",
        key: `${prefix}transcript.en.txt`,
        type: "text/plain",
        size: 5,
        lang: "en",
      },
      { role: "poster", key: `${prefix}poster.jpg`, type: "image/jpeg", size: 10 },
    ]);
    expect(Object.keys(ids)).toEqual([`${prefix}captions.en.vtt`, `${prefix}captions.fr.vtt`]);
    const video = await control<{ captions: { language: string; name: string; body: string }[] }>(
      `/__youtube/videos/${videoId}`,
    );
    expect(video.captions).toEqual([
      expect.objectContaining({ language: "en", name: "English", body: en }),
      expect.objectContaining({ language: "fr", name: "fr", body: fr }),
    ]);
  });
});
