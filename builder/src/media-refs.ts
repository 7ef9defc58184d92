// The uploaded files a built site links to (resources' PDFs, images, videos, captions), as
// references for the deploy's manifest: delivery serves them from R2 MEDIA where they already
// are, so a deploy never copies media and a republish never re-uploads it (ADR 009).
//
// Decisions:
// - Which URL a resource's file has is the theme's business: the theme writes every resource's
//   file URL by uid into `lectern-media.json` (builder/theme/site-config.ts, MEDIA_LIST_FILE)
//   through the same partial its pages link with. The builder only matches those URLs to the
//   stored files the Worker lists for the job (`<exportUrl>/media`, the job's export token),
//   and removes the list from the site.
// - Only local paths become references; a URL of another host is a link, not our media. A path
//   the build itself produced wins over a reference (the manifest's files come first).
// - Several resources may link the same path (OCW courses reuse file names): the first with a
//   stored file gives it, in the theme's (stable) page order.
// - The content type comes from the path, like every built file's (content-types.ts).
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type DeployMedia, deployPath, siteMediaPage } from "#schemas/deploy";
import { type SiteMediaVariantsPage, siteMediaVariantsPage } from "#schemas/media-jobs";
import { MEDIA_LIST_FILE } from "../theme/site-config.ts";
import { contentTypeFor } from "./content-types.ts";

type ThemeList = { version: 1; items: { uid: string; url: string; page?: string }[] };

/** At most this many listing pages (1,000 files each): a bound, not an expected size. */
const MAX_PAGES = 200;

/** Reads and removes the theme's media list from a built site; empty when there is none. */
export async function takeMediaList(siteDir: string): Promise<ThemeList["items"]> {
  const path = join(siteDir, MEDIA_LIST_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  await rm(path, { force: true });
  const list = JSON.parse(text) as ThemeList;
  if (list.version !== 1 || !Array.isArray(list.items)) {
    throw new Error(`${MEDIA_LIST_FILE} is not a version 1 media list`);
  }
  return list.items;
}

/** The site path a theme URL names, or null when it is not a path on this site. */
export function localPath(url: string): string | null {
  if (!url.startsWith("/") || url.startsWith("//")) return null;
  const bare = url.replace(/[?#].*$/, "").replace(/^\/+/, "");
  let path: string;
  try {
    path = decodeURIComponent(bare);
  } catch {
    return null;
  }
  return deployPath.safeParse(path).success ? path : null;
}

export type MediaRefsOptions = {
  /** The job's export URL; the listing is `<exportUrl>/media`. */
  exportUrl: string;
  exportToken: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
};

/** The stored files of the job's site, by resource uid (every listing page). */
export async function storedMedia(options: MediaRefsOptions) {
  const doFetch = options.fetch ?? fetch;
  const byUid = new Map<string, { key: string; size: number; etag: string }>();
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL(`${options.exportUrl}/media`);
    if (cursor) url.searchParams.set("cursor", cursor);
    const res = await doFetch(url, {
      headers: { authorization: `Bearer ${options.exportToken}` },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!res.ok) throw new Error(`Listing the site's media failed: HTTP ${res.status}`);
    const parsed = siteMediaPage.parse(await res.json());
    for (const item of parsed.items) {
      byUid.set(item.uid, { key: item.key, size: item.size, etag: item.etag });
    }
    cursor = parsed.cursor;
    if (!cursor) return byUid;
  }
  throw new Error(`The site has more media than ${MAX_PAGES} listing pages`);
}

// ---- Derived files (docs/decisions/013-media-pipeline.md) ----
//
// The media pipeline's derived files (thumbnails, the web MP4, the poster, captions and
// transcripts) are served at `_media/<uid>/<name>`: the builder reads them from the Worker
// (`<exportUrl>/media-variants`) before Hugo runs, writes what the theme needs to
// `data/lectern_media.json` (uid → facts and site paths), and references the files of the
// resources the site links in the deploy's manifest, like the originals.

export type MediaVariantItem = SiteMediaVariantsPage["items"][number];

/** The site path of a derived file. */
export function variantPath(uid: string, name: string): string {
  return `_media/${uid}/${name}`;
}

/** The site's derived files, by resource uid (every page); empty from a Worker without them. */
export async function fetchMediaVariants(
  options: MediaRefsOptions,
): Promise<Map<string, MediaVariantItem>> {
  const doFetch = options.fetch ?? fetch;
  const byUid = new Map<string, MediaVariantItem>();
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL(`${options.exportUrl}/media-variants`);
    if (cursor) url.searchParams.set("cursor", cursor);
    const res = await doFetch(url, {
      headers: { authorization: `Bearer ${options.exportToken}` },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (res.status === 404 && page === 0) return byUid;
    if (!res.ok) throw new Error(`Listing the site's derived media failed: HTTP ${res.status}`);
    const parsed = siteMediaVariantsPage.parse(await res.json());
    for (const item of parsed.items) {
      // The newest item of a resource wins (pages come oldest first).
      if (deployPath.safeParse(variantPath(item.uid, "x")).success) byUid.set(item.uid, item);
    }
    cursor = parsed.cursor;
    if (!cursor) return byUid;
  }
  throw new Error(`The site has more media than ${MAX_PAGES} listing pages`);
}

type ThemeFile = {
  path: string;
  type: string;
  width?: number;
  height?: number;
  lang?: string;
  label?: string;
};

/** What the theme reads (site.Data.lectern_media): uid → facts and derived files' paths. */
export function mediaData(items: Map<string, MediaVariantItem>) {
  const data: Record<string, Record<string, unknown>> = {};
  for (const [uid, item] of items) {
    const file = (v: MediaVariantItem["variants"][number]): ThemeFile => ({
      path: variantPath(uid, v.name),
      type: v.type,
      ...(v.width ? { width: v.width } : {}),
      ...(v.height ? { height: v.height } : {}),
      ...(v.lang ? { lang: v.lang } : {}),
      ...(v.label ? { label: v.label } : {}),
    });
    const of = (role: string) => item.variants.filter((v) => v.role === role).map(file);
    const facts = Object.fromEntries(
      ["width", "height", "duration_seconds"]
        .filter((k) => typeof item.metadata[k] === "number")
        .map((k) => [k, item.metadata[k]]),
    );
    data[uid] = {
      ...facts,
      thumbnails: of("thumbnail").sort((a, b) => (a.width ?? 0) - (b.width ?? 0)),
      captions: of("captions").sort((a, b) => ((a.lang ?? "") < (b.lang ?? "") ? -1 : 1)),
      transcripts: of("transcript").sort((a, b) => ((a.lang ?? "") < (b.lang ?? "") ? -1 : 1)),
      ...(of("web_mp4")[0] ? { web_mp4: of("web_mp4")[0] } : {}),
      ...(of("poster")[0] ? { poster: of("poster")[0] } : {}),
    };
  }
  return data;
}

/** Writes `data/lectern_media.json` into the Hugo source (an empty object when there is none). */
export async function writeMediaData(sourceDir: string, items: Map<string, MediaVariantItem>) {
  await mkdir(join(sourceDir, "data"), { recursive: true });
  await writeFile(join(sourceDir, "data", "lectern_media.json"), JSON.stringify(mediaData(items)));
}

/** The manifest's media references for a built site (the theme's list is removed from it). */
export async function mediaReferences(
  siteDir: string,
  options: MediaRefsOptions & { variants?: Map<string, MediaVariantItem> },
): Promise<{
  media: Record<string, DeployMedia>;
  linked: number;
  /** Resources whose local file the site does not have (their pages link to nothing). */
  missing: { page: string; url: string }[];
}> {
  const items = await takeMediaList(siteDir);
  const media: Record<string, DeployMedia> = Object.create(null);
  const missing: { page: string; url: string }[] = [];
  if (items.length === 0) return { media, linked: 0, missing };
  const stored = await storedMedia(options);
  for (const { uid, url, page } of items) {
    const path = localPath(url);
    if (!path) continue;
    const file = stored.get(uid);
    if (!file) {
      if (!(path in media)) missing.push({ page: page ?? uid, url });
      continue;
    }
    if (path in media) continue;
    media[path] = { ...file, contentType: contentTypeFor(path) };
  }
  // The derived files of every resource the site links (those with a stored original).
  for (const uid of new Set(items.map((i) => i.uid))) {
    const item = options.variants?.get(uid);
    if (!item || !stored.has(uid)) continue;
    for (const v of item.variants) {
      const path = variantPath(uid, v.name);
      if (path in media || !deployPath.safeParse(path).success) continue;
      media[path] = { key: v.key, size: v.size, etag: v.etag, contentType: v.type };
    }
  }
  // A path given by another resource is not missing after all.
  const found = missing.filter((m) => !((localPath(m.url) ?? "") in media));
  // A plain object for the manifest (JSON), with own properties only.
  return { media: { ...media }, linked: items.length, missing: found };
}

/** The offline copy takes files up to this size each, and this much in all. */
export const OFFLINE_MEDIA_FILE_LIMIT = 200 * 1024 * 1024;
export const OFFLINE_MEDIA_TOTAL_LIMIT = 1024 * 1024 * 1024;

/**
 * Puts the deploy's referenced media into an offline copy at the same paths, so its pages'
 * links, images and local videos work from disk: each file streamed from the Worker
 * (`<exportUrl>/media-file?key=…`, the job's export token) to the file, never held in memory.
 * Best effort within the limits: a file too large, or one that cannot be fetched, is left out
 * with a log line (the online site still has it).
 */
export async function downloadMedia(
  siteDir: string,
  media: Record<string, DeployMedia>,
  options: MediaRefsOptions & {
    log: (line: string) => void;
    fileLimit?: number;
    totalLimit?: number;
  },
): Promise<{ files: number; bytes: number; skipped: number }> {
  const doFetch = options.fetch ?? fetch;
  const fileLimit = options.fileLimit ?? OFFLINE_MEDIA_FILE_LIMIT;
  const totalLimit = options.totalLimit ?? OFFLINE_MEDIA_TOTAL_LIMIT;
  const root = resolve(siteDir);
  let files = 0;
  let bytes = 0;
  let skipped = 0;
  for (const [path, file] of Object.entries(media).sort(([a], [b]) => (a < b ? -1 : 1))) {
    options.signal?.throwIfAborted();
    const target = resolve(root, path);
    if (
      !target.startsWith(`${root}${sep}`) ||
      file.size > fileLimit ||
      bytes + file.size > totalLimit
    ) {
      skipped += 1;
      options.log(`builder: offline copy leaves out ${path} (${file.size} bytes)`);
      continue;
    }
    const url = new URL(`${options.exportUrl}/media-file`);
    url.searchParams.set("key", file.key);
    try {
      const res = await doFetch(url, {
        headers: { authorization: `Bearer ${options.exportToken}` },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      await mkdir(dirname(target), { recursive: true });
      await pipeline(
        Readable.fromWeb(res.body as import("node:stream/web").ReadableStream),
        createWriteStream(target),
        ...(options.signal ? [{ signal: options.signal }] : []),
      );
      files += 1;
      bytes += file.size;
    } catch (error) {
      options.signal?.throwIfAborted();
      await rm(target, { force: true });
      skipped += 1;
      options.log(`builder: offline copy leaves out ${path}: ${(error as Error).message}`);
    }
  }
  return { files, bytes, skipped };
}
