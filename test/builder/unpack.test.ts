// unpackTarGz with archives from the Worker's own tar writer (what the export endpoint sends)
// and hand-made malicious ones from test/support/archive-builders.ts.
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insideRoot, unpackTarGz } from "../../builder/src/unpack.ts";
import { tarWriter } from "../../workers/domain/archive/tar-write.ts";
import {
  buildTar,
  collect,
  gzip,
  streamOf,
  type TarSpec,
  utf8,
} from "../support/archive-builders.ts";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "lectern-unpack-test-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Every file under `dir`, "/"-separated, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

async function gzipOf(specs: TarSpec[]): Promise<ReadableStream<Uint8Array>> {
  return streamOf(await gzip(buildTar(specs)), 100);
}

describe("unpackTarGz", () => {
  it("writes an export made by tarWriter, streaming large files", async () => {
    // Incompressible, like the media a site carries (and unlike a bomb).
    let seed = 2463534242;
    const big = new Uint8Array(3 * 1024 * 1024 + 17).map(() => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed & 0xff;
    });
    const tar = tarWriter([
      { path: "config.toml", content: utf8('title = "Course"\n') },
      { path: "content/", content: new Uint8Array(0) },
      { path: "content/_index.md", content: utf8("---\ntitle: Home\n---\n") },
      { path: "content/notes/week 1 ünïcode.md", content: utf8("# Week 1\n") },
      { path: `content/${"deep/".repeat(30)}page.md`, content: utf8("long path\n") },
      { path: "static/video.bin", size: big.length, body: streamOf(big, 65_536) },
      { path: "static/empty.txt", content: new Uint8Array(0) },
    ]);
    const archive = await collect(tar.pipeThrough(new CompressionStream("gzip")));
    const dir = join(work, "site");

    const result = await unpackTarGz(streamOf(archive, 4096), dir);

    expect(result).toEqual({ files: 6, bytes: 17 + 20 + 9 + 10 + big.length + 0 });
    expect(await tree(dir)).toEqual(
      [
        "config.toml",
        "content/_index.md",
        `content/${"deep/".repeat(30)}page.md`,
        "content/notes/week 1 ünïcode.md",
        "static/empty.txt",
        "static/video.bin",
      ].sort(),
    );
    expect(await readFile(join(dir, "content/notes/week 1 ünïcode.md"), "utf8")).toBe("# Week 1\n");
    // Buffer.equals: vitest's deep equality walks 3 MB element by element.
    expect((await readFile(join(dir, "static/video.bin"))).equals(big)).toBe(true);
  });

  it.each<[string, TarSpec[], RegExp]>([
    ["a parent-directory escape", [{ name: "../evil.txt", data: "x" }], /escapes the archive root/],
    ["a nested escape", [{ name: "content/../../evil.txt", data: "x" }], /".." segment/],
    ["an absolute path", [{ name: "/etc/passwd", data: "x" }], /absolute path/],
    [
      "a symbolic link",
      [{ name: "content/link", type: "2", linkname: "/etc/passwd" }],
      /symbolic link/,
    ],
    ["a hard link", [{ name: "content/link", type: "1", linkname: "config.toml" }], /hard link/],
    [
      "a duplicate name",
      [
        { name: "a.md", data: "1" },
        { name: "a.md", data: "2" },
      ],
      /more than once/,
    ],
  ])("refuses %s and writes nothing outside dir", async (_what, specs, message) => {
    const dir = join(work, "site");
    await expect(unpackTarGz(await gzipOf(specs), dir)).rejects.toThrow(message);
    expect(await readdir(work)).toEqual(["site"]);
  });

  it("refuses plain tar and garbage (the export is always gzip)", async () => {
    const dir = join(work, "site");
    await expect(
      unpackTarGz(streamOf(buildTar([{ name: "a.md", data: "x" }])), dir),
    ).rejects.toThrow(/not valid gzip/);
    await expect(unpackTarGz(streamOf(utf8("hello")), dir)).rejects.toThrow(/not valid gzip/);
  });

  it("stops a gzip bomb by its ratio", async () => {
    const bomb = await gzip(
      buildTar([{ name: "zeros.bin", data: new Uint8Array(8 * 1024 * 1024) }]),
    );
    await expect(unpackTarGz(streamOf(bomb), join(work, "site"))).rejects.toThrow(
      /expands more than 200 times/,
    );
  });

  it("refuses a truncated export", async () => {
    const archive = await gzip(buildTar([{ name: "a.md", data: "x".repeat(5000) }]));
    await expect(
      unpackTarGz(streamOf(archive.subarray(0, archive.length - 20)), join(work, "site")),
    ).rejects.toThrow(/not valid gzip \(unexpected end of file\)/);
  });

  it("applies the limits it is given", async () => {
    const specs = [
      { name: "a.md", data: "x".repeat(10) },
      { name: "b.md", data: "y".repeat(10) },
    ];
    const limits = { maxEntries: 1, maxEntryBytes: 1024, maxTotalBytes: 1024, maxRatio: 200 };
    await expect(unpackTarGz(await gzipOf(specs), join(work, "site"), limits)).rejects.toThrow(
      /more than 1 entries/,
    );
  });

  it("never writes through something already on disk", async () => {
    const dir = join(work, "site");
    const outside = join(work, "outside.txt");
    await writeFile(outside, "untouched");
    await unpackTarGz(await gzipOf([]), dir);
    await symlink(outside, join(dir, "a.md"));

    await expect(unpackTarGz(await gzipOf([{ name: "a.md", data: "x" }]), dir)).rejects.toThrow(
      /EEXIST/,
    );
    expect(await readFile(outside, "utf8")).toBe("untouched");
  });
});

describe("insideRoot", () => {
  it("resolves a path under the root and refuses one that leaves it", () => {
    expect(insideRoot("/tmp/site", "content/a.md")).toBe("/tmp/site/content/a.md");
    expect(() => insideRoot("/tmp/site", "../site-other/a.md")).toThrow(/outside/);
    expect(() => insideRoot("/tmp/site", "/etc/passwd")).toThrow(/outside/);
    expect(() => insideRoot("/tmp/site", ".")).toThrow(/outside/);
  });
});
