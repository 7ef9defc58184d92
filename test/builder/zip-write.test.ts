// The offline copy's zip writer, read back by the Worker's own strict zip reader (openZip: the
// central directory, and the stored entries with their sizes and CRC-32) and by Info-ZIP's
// unzip (deflated entries: openZip inflates through a byte-mode DecompressionStream reader,
// which Node 20 does not give; see docs/decisions/008).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_IMPORT_LIMITS } from "#workers/domain/archive/limits";
import { bytesSource } from "#workers/domain/archive/source";
import { openZip } from "#workers/domain/archive/zip";
import { listFiles } from "../../builder/src/storage.ts";
import { writeZip } from "../../builder/src/zip-write.ts";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "lectern-zip-test-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function tree(files: Record<string, Uint8Array | string>): Promise<string> {
  const dir = join(work, "site");
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

const run = promisify(execFile);

/** One entry's bytes, extracted by Info-ZIP unzip. */
async function unzipped(zipPath: string, path: string): Promise<Buffer> {
  const { stdout } = await run("unzip", ["-p", zipPath, path], {
    encoding: "buffer",
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

describe("writeZip", () => {
  it("writes every file so that openZip reads the same bytes back", async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17);
    const files = {
      "index.html": "<a href='./notes/week-1.html'>Week 1</a>".repeat(200),
      "notes/week-1.html": "<p>Vectors</p>",
      "empty.txt": "",
      "images/photo.png": big,
      "notes/über café.html": "unicode name",
    };
    const dir = await tree(files);
    const zipPath = join(work, "site.zip");
    const paths = await listFiles(dir);
    const result = await writeZip(dir, paths, zipPath);
    const bytes = new Uint8Array(await readFile(zipPath));
    expect(result).toEqual({ entries: 5, bytes: bytes.length });

    const { entries } = await openZip(bytesSource(bytes), DEFAULT_IMPORT_LIMITS);
    expect(entries.map((entry) => entry.path)).toEqual(paths);
    for (const entry of entries) {
      const want = Buffer.from(files[entry.path as keyof typeof files]);
      expect(entry.size).toBe(want.length);
      expect((await unzipped(zipPath, entry.path)).equals(want)).toBe(true);
    }
    const html = entries.find((entry) => entry.path === "index.html");
    const png = entries.find((entry) => entry.path === "images/photo.png");
    // Text is deflated; an already compressed format is stored as it is.
    expect(html?.compressedSize).toBeLessThan(html?.size ?? 0);
    expect(png?.compressedSize).toBe(big.length);
    expect(Buffer.from((await png?.bytes(8 * 1024 * 1024)) ?? []).equals(big)).toBe(true);
    // unzip -t checks every entry's CRC-32.
    const { stdout } = await run("unzip", ["-t", zipPath]);
    expect(stdout).toMatch(/No errors detected in compressed data/);
  });

  it("refuses to overwrite an existing file and stops when aborted", async () => {
    const dir = await tree({ "a.html": "a", "b.html": "b" });
    const zipPath = join(work, "site.zip");
    await writeFile(zipPath, "already here");
    await expect(writeZip(dir, ["a.html"], zipPath)).rejects.toThrow(/EEXIST/);
    await rm(zipPath);
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(
      writeZip(dir, ["a.html", "b.html"], zipPath, { signal: controller.signal }),
    ).rejects.toThrow(/stop/);
  });
});
