// The storage contract against s3rver, an S3 server run in-process on a free port, plus the
// parts of storage.ts that need no server.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { describe, expect, it } from "vitest";
import { contentTypeFor } from "../../builder/src/content-types.ts";
import { hashFile, listFiles } from "../../builder/src/storage.ts";
import { storageContract } from "./storage-contract.ts";

storageContract("s3rver", async () => {
  const directory = await mkdtemp(join(tmpdir(), "lectern-s3rver-"));
  const bucket = "lectern-sites";
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    // s3rver's fixed credentials; it checks signatures made with them.
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    bucket,
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
});

describe("listFiles", () => {
  it("lists regular files sorted by code unit and refuses symbolic links", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lectern-list-test-"));
    try {
      for (const path of ["b.html", "a/Z.html", "a/b/c.html", "B.html", "a.html"]) {
        await mkdir(join(dir, path, ".."), { recursive: true });
        await writeFile(join(dir, path), path);
      }
      expect(await listFiles(dir)).toEqual([
        "B.html",
        "a.html",
        "a/Z.html",
        "a/b/c.html",
        "b.html",
      ]);
      await symlink("/etc/hostname", join(dir, "a/link.html"));
      await expect(listFiles(dir)).rejects.toThrow(/"a\/link.html" .* is a symbolic link/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("hashFile", () => {
  it("gives the SHA-256 and size of a file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lectern-hash-test-"));
    try {
      await writeFile(join(dir, "abc"), "abc");
      await writeFile(join(dir, "empty"), "");
      expect(await hashFile(join(dir, "abc"))).toEqual({
        hash: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        size: 3,
      });
      expect(await hashFile(join(dir, "empty"))).toEqual({
        hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        size: 0,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("contentTypeFor", () => {
  it.each([
    ["index.html", "text/html; charset=utf-8"],
    ["a/b.MJS", "text/javascript; charset=utf-8"],
    ["feed.xml", "application/xml; charset=utf-8"],
    ["photo.JPEG", "image/jpeg"],
    ["font.woff2", "font/woff2"],
    ["captions.vtt", "text/vtt; charset=utf-8"],
    ["lecture.webm", "video/webm"],
    ["pagefind/pagefind.en_abc.pf_meta", "application/octet-stream"],
    ["pagefind/fragment/en_1.pf_fragment", "application/octet-stream"],
    ["pagefind/wasm.en.pagefind", "application/octet-stream"],
    ["README", "application/octet-stream"],
    [".htaccess", "application/octet-stream"],
  ])("%s is %s", (path, type) => {
    expect(contentTypeFor(path)).toBe(type);
  });
});
