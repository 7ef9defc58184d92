// The deploy's media references: the theme's list of file URLs matched to the site's stored
// files, which a local server lists as the Worker does (two pages, the export token checked).
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  localPath,
  type MediaVariantItem,
  mediaData,
  mediaReferences,
  takeMediaList,
} from "../../builder/src/media-refs.ts";

const TOKEN = "export-token";
const pages = [
  {
    items: [
      { uid: "u-pdf", key: "t/ten_1/s/site_1/files/u-pdf/notes.pdf", size: 10, etag: '"e1"' },
      { uid: "u-img", key: "t/ten_1/s/site_1/files/u-img/a b.jpg", size: 20, etag: '"e2"' },
    ],
    cursor: "page-2",
  },
  {
    items: [
      { uid: "u-dup", key: "t/ten_1/s/site_1/files/u-dup/notes.pdf", size: 11, etag: '"e3"' },
      { uid: "u-own", key: "t/ten_1/s/site_1/files/u-own/index.html", size: 5, etag: '"e4"' },
    ],
    cursor: null,
  },
];
let base = "";
let requests: string[] = [];
const server = createServer((req, res) => {
  requests.push(req.url ?? "");
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    res.writeHead(401).end();
    return;
  }
  const cursor = new URL(req.url ?? "/", "http://x").searchParams.get("cursor");
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(cursor === "page-2" ? pages[1] : pages[0]));
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/v1/exports/dep_X`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function siteWithList(items: { uid: string; url: string }[] | null) {
  const dir = await mkdtemp(join(tmpdir(), "lectern-media-refs-"));
  await writeFile(join(dir, "index.html"), "<h1>Home</h1>");
  if (items)
    await writeFile(join(dir, "lectern-media.json"), JSON.stringify({ version: 1, items }));
  return dir;
}

describe("media references", () => {
  it("matches the theme's URLs to stored files across listing pages, and drops the list", async () => {
    requests = [];
    const dir = await siteWithList([
      { uid: "u-pdf", url: "/notes.pdf" },
      { uid: "u-img", url: "/a%20b.jpg" },
      // Another resource with the same file name: the first one gives the path.
      { uid: "u-dup", url: "/notes.pdf" },
      // Not stored, external, protocol-relative, or escaping: no reference.
      { uid: "u-none", url: "/missing.pdf" },
      { uid: "u-pdf", url: "https://cdn.example/notes.pdf" },
      { uid: "u-pdf", url: "//cdn.example/notes.pdf" },
      { uid: "u-img", url: "/../secret.jpg" },
    ]);
    const { media, linked, missing } = await mediaReferences(dir, {
      exportUrl: base,
      exportToken: TOKEN,
    });
    expect(linked).toBe(7);
    expect(media).toEqual({
      "notes.pdf": {
        key: "t/ten_1/s/site_1/files/u-pdf/notes.pdf",
        size: 10,
        etag: '"e1"',
        contentType: "application/pdf",
      },
      "a b.jpg": {
        key: "t/ten_1/s/site_1/files/u-img/a b.jpg",
        size: 20,
        etag: '"e2"',
        contentType: "image/jpeg",
      },
    });
    // The file no resource provides is reported against the resource's page.
    expect(missing).toEqual([{ page: "u-none", url: "/missing.pdf" }]);
    expect(requests).toEqual([
      "/internal/v1/exports/dep_X/media",
      "/internal/v1/exports/dep_X/media?cursor=page-2",
    ]);
    expect(await readdir(dir)).toEqual(["index.html"]);
    await rm(dir, { recursive: true });
  });

  it("asks nothing when the site links no media, and fails clearly when listing fails", async () => {
    requests = [];
    const none = await siteWithList(null);
    expect(await mediaReferences(none, { exportUrl: base, exportToken: TOKEN })).toEqual({
      media: {},
      linked: 0,
      missing: [],
    });
    expect(requests).toEqual([]);
    const some = await siteWithList([{ uid: "u-pdf", url: "/notes.pdf" }]);
    await expect(mediaReferences(some, { exportUrl: base, exportToken: "wrong" })).rejects.toThrow(
      "Listing the site's media failed: HTTP 401",
    );
    await rm(none, { recursive: true });
    await rm(some, { recursive: true });
  });

  it("reads only version 1 lists", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lectern-media-refs-"));
    await writeFile(join(dir, "lectern-media.json"), JSON.stringify({ version: 2, items: [] }));
    await expect(takeMediaList(dir)).rejects.toThrow("not a version 1 media list");
    await rm(dir, { recursive: true });
  });

  it("takes only paths on this site", () => {
    expect(localPath("/notes.pdf")).toBe("notes.pdf");
    expect(localPath("/files/a%20b.pdf?download=1#p2")).toBe("files/a b.pdf");
    expect(localPath("https://x.example/a.pdf")).toBeNull();
    expect(localPath("//x.example/a.pdf")).toBeNull();
    expect(localPath("relative.pdf")).toBeNull();
    expect(localPath("/a/../b.pdf")).toBeNull();
    expect(localPath("/%E0%A4%A")).toBeNull();
    expect(localPath("/")).toBeNull();
  });
});

describe("the media pipeline's derived files", () => {
  const prefix = "t/ten_1/s/site_1/media/med_1/";
  const item: MediaVariantItem = {
    uid: "u-img",
    mediaId: "med_01KAAAAAAAAAAAAAAAAAAAAAAA",
    metadata: { width: 1600, height: 1200, format: "png", captionFor: "x" },
    variants: [
      {
        role: "thumbnail",
        key: `${prefix}w640.webp`,
        name: "w640.webp",
        type: "image/webp",
        size: 64,
        width: 640,
        height: 480,
        etag: '"t2"',
      },
      {
        role: "thumbnail",
        key: `${prefix}w320.webp`,
        name: "w320.webp",
        type: "image/webp",
        size: 32,
        width: 320,
        height: 240,
        etag: '"t1"',
      },
    ],
  };

  it("gives the theme the facts and site paths, thumbnails narrowest first", () => {
    expect(mediaData(new Map([["u-img", item]]))).toEqual({
      "u-img": {
        width: 1600,
        height: 1200,
        thumbnails: [
          { path: "_media/u-img/w320.webp", type: "image/webp", width: 320, height: 240 },
          { path: "_media/u-img/w640.webp", type: "image/webp", width: 640, height: 480 },
        ],
        captions: [],
        transcripts: [],
      },
    });
  });

  it("references the derived files of the resources the site links, and no others", async () => {
    const dir = await siteWithList([{ uid: "u-img", url: "/a%20b.jpg" }]);
    const other: MediaVariantItem = { ...item, uid: "u-unlinked" };
    const { media } = await mediaReferences(dir, {
      exportUrl: base,
      exportToken: TOKEN,
      variants: new Map([
        ["u-img", item],
        ["u-unlinked", other],
      ]),
    });
    expect(media["_media/u-img/w320.webp"]).toEqual({
      key: `${prefix}w320.webp`,
      size: 32,
      etag: '"t1"',
      contentType: "image/webp",
    });
    expect(Object.keys(media).sort()).toEqual([
      "_media/u-img/w320.webp",
      "_media/u-img/w640.webp",
      "a b.jpg",
    ]);
    await rm(dir, { recursive: true, force: true });
  });
});
