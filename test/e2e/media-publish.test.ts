// Uploaded media end to end, in Chromium against the local stack with the real builder
// (ffmpeg): an image, a 2 s video and its WebVTT captions uploaded on the media library page, processed by the media pipeline (thumbnails, web MP4, poster, captions),
// their jobs seen done on the jobs page, the site published to preview, and the published
// pages read on the preview host: the video plays the web MP4 with its poster and caption
// track, the transcript is linked, and the image has its thumbnail srcset. axe-core finds no
// serious or critical violation on the video page.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { api, courseSite, publishAndWait } from "./app-api.ts";
import { browsersFor, type Person, signIn } from "./browser.ts";
import { waitFor } from "./site-host.ts";

const appUrl = inject("appUrl");
const demoOwner = inject("demoOwner");
const open = browsersFor(appUrl);
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

type Job = { id: string; kind: string; state: string; lastError: string | null };
type Item = { id: string; resourceUid: string | null; filename: string };

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "lectern-e2e-media-"));
  const ff = (args: string[]) =>
    execFileSync("ffmpeg", ["-v", "error", "-nostdin", "-y", ...args], { cwd: work });
  // A 2 s clip with a tone (MPEG-4 Part 2 in MP4: the pipeline makes the H.264 web copy).
  ff([
    ...["-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=25"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:duration=2"],
    ...["-c:v", "mpeg4", "-c:a", "aac", "-shortest", "lecture.mp4"],
  ]);
  ff(["-f", "lavfi", "-i", "testsrc=size=800x600", "-frames:v", "1", "diagram.png"]);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Uploads files through the media library page (its file input), waiting until all are in. */
async function uploadInLibrary(
  p: Person,
  site: { tenantId: string; siteId: string },
  paths: string[],
) {
  await p.page.goto(`/t/${site.tenantId}/sites/${site.siteId}/media`);
  await p.page.getByTestId("media-file-input").setInputFiles(paths);
  const uploads = p.page.locator('ul[aria-label="Uploads"] > li');
  await expect.poll(() => uploads.count()).toBe(paths.length);
  await expect
    .poll(
      async () =>
        (await uploads.evaluateAll((els) => els.map((e) => e.getAttribute("data-state")))).join(
          ",",
        ),
      {
        timeout: 60_000,
      },
    )
    .toBe(paths.map(() => "done").join(","));
}

async function jobsDone(p: Person, base: string, item: Item) {
  return waitFor(
    `the jobs of ${item.filename}`,
    async () => {
      const { items } = await api<{ items: Job[] }>(p, "GET", `${base}/media/${item.id}/jobs`);
      if (items.some((j) => j.state === "failed")) {
        throw new Error(
          `${item.filename}: ${items.map((j) => `${j.kind} ${j.lastError}`).join("; ")}`,
        );
      }
      return items.length > 0 && items.every((j) => j.state === "done") ? items : null;
    },
    120_000,
  );
}

/** A GET from the page itself (its host's cookies; Node cannot resolve *.localhost). */
async function fetchInPage(page: Page, url: string) {
  return page.evaluate<{ status: number; type: string | null; text: string }>(
    `fetch(${JSON.stringify(url)}).then(async (r) => ({ status: r.status, type: r.headers.get("content-type"), text: r.headers.get("content-type")?.startsWith("video/") ? "" : await r.text() }))`,
  );
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  type Violation = { id: string; impact: string | null; nodes: { target: string[] }[] };
  const violations = await page.evaluate<Violation[]>(
    "axe.run({ resultTypes: ['violations'] }).then((r) => r.violations)",
  );
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("uploaded media on the published site", () => {
  it("processes an image, a video and its captions, and publishes them to preview", async () => {
    const owner = await open();
    owner.context.setDefaultTimeout(30_000);
    await signIn(owner.page, demoOwner);
    const site = await courseSite(owner, `Media ${Date.now()}`);
    const base = `/tenants/${site.tenantId}/sites/${site.siteId}`;

    await writeFile(
      join(work, "lecture.en.vtt"),
      "WEBVTT\n\n00:00.000 --> 00:01.500\nA test pattern, and a tone.\n\n00:01.500 --> 00:02.000\nThe end.\n",
    );
    await uploadInLibrary(
      owner,
      site,
      ["lecture.mp4", "diagram.png", "lecture.en.vtt"].map((name) => join(work, name)),
    );
    await owner.shot("m00-library");
    const { items } = await api<{ items: Item[] }>(owner, "GET", `${base}/media?limit=10`);
    const named = (filename: string) => {
      const found = items.find((i) => i.filename === filename);
      if (!found) throw new Error(`${filename} is not in the library`);
      return found;
    };
    const video = named("lecture.mp4");
    const image = named("diagram.png");
    const captions = named("lecture.en.vtt");

    expect((await jobsDone(owner, base, video)).map((j) => j.kind)).toEqual([
      "transcode",
      "poster",
    ]);
    expect((await jobsDone(owner, base, image)).map((j) => j.kind)).toEqual([
      "image_metadata",
      "thumbnails",
    ]);
    expect((await jobsDone(owner, base, captions)).map((j) => j.kind)).toEqual(["captions"]);

    // The jobs page shows each step done.
    await owner.page.goto(`/t/${site.tenantId}/sites/${site.siteId}/media/${video.id}/jobs`);
    const rows = owner.page.locator("table.media-jobs tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await owner.page.locator('tr[data-kind="transcode"] .tag').textContent()).toBe("Done");
    await owner.shot("m01-video-jobs");

    const preview = await publishAndWait(owner, site, "preview");
    const previewBase = preview.preview.url.replace(/\/$/, "");
    // The preview host takes the owner through the panel's one-shot handoff.
    await owner.page.goto(`/t/${site.tenantId}/sites/${site.siteId}/publish`);
    await owner.page.getByRole("link", { name: /Open the preview/ }).click();
    await owner.page.waitForURL((u) => u.host === new URL(previewBase).host);

    const pageOf = async (item: Item) => {
      const c = await api<{ filename: string }>(
        owner,
        "GET",
        `${site.content}/${item.resourceUid}`,
      );
      return `${previewBase}/resources/${c.filename}/`;
    };

    // The video: web MP4, poster, caption track, transcript.
    await owner.page.goto(await pageOf(video));
    const player = owner.page.locator("main video");
    await player.waitFor();
    const src = await player.locator("source").getAttribute("src");
    expect(src).toMatch(new RegExp(`/_media/${video.resourceUid}/web\\.mp4$`));
    expect(await player.locator("source").getAttribute("type")).toBe("video/mp4");
    expect(await player.getAttribute("poster")).toMatch(/\/poster\.jpg$/);
    const track = player.locator('track[kind="captions"]');
    expect(await track.getAttribute("srclang")).toBe("en");
    expect(await track.getAttribute("label")).toBe("English");
    const vtt = await fetchInPage(owner.page, String(await track.getAttribute("src")));
    expect(vtt.status).toBe(200);
    expect(vtt.text).toContain("A test pattern, and a tone.");
    const mp4 = await fetchInPage(owner.page, String(src));
    expect(mp4).toMatchObject({ status: 200, type: "video/mp4" });
    const transcript = owner.page.getByRole("link", { name: "Transcript (English)" });
    const text = await fetchInPage(owner.page, String(await transcript.getAttribute("href")));
    expect(text.text).toBe("A test pattern, and a tone.\n\nThe end.\n");
    expect(await axeViolations(owner.page)).toEqual([]);
    await owner.shot("m02-video-page");

    // The image: thumbnails as a srcset, with its size; the browser loads one.
    await owner.page.goto(await pageOf(image));
    const img = owner.page.locator("main figure img");
    const srcset = String(await img.getAttribute("srcset"));
    expect(srcset).toContain(`/_media/${image.resourceUid}/w320.webp 320w`);
    expect(srcset).toContain(`/_media/${image.resourceUid}/w640.webp 640w`);
    expect(await img.getAttribute("width")).toBe("800");
    expect(await img.getAttribute("height")).toBe("600");
    await expect
      .poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    await owner.shot("m03-image-page");
  });
});
