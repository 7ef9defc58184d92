import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  type ArchiveLimits,
  bytesSource,
  DEFAULT_IMPORT_LIMITS,
  openZip,
  type RandomAccessSource,
  r2Source,
  readTar,
  safeEntryPath,
  sniffArchive,
  type TarEntry,
  type TarWriterEntry,
  tarWriter,
  type ZipEntry,
} from "#workers/domain/archive/index";
import {
  buildTar,
  buildZip,
  collect,
  concatBytes,
  crc32,
  deflateBomb,
  fromBase64,
  gzip,
  gzipBomb,
  paxPath,
  streamOf,
  tarHeader,
  utf8,
} from "../../support/archive-builders.ts";

// Archives made by real tools (see test/fixtures/archives/README.md), base64 because the pool's
// Vite has no loader for binary files.
const fixtureText = import.meta.glob<string>("../../fixtures/archives/*.b64", {
  query: "?raw",
  import: "default",
  eager: true,
});
function fixture(name: string): Uint8Array {
  const text = fixtureText[`../../fixtures/archives/${name}.b64`];
  if (text === undefined) throw new Error(`no fixture ${name}`);
  return fromBase64(text);
}

const COURSE_DIR = "../../../../shared/fixtures/ocw/";
const courseFiles = new Map(
  Object.entries(
    import.meta.glob<string>("../../../../shared/fixtures/ocw/ocw-ci-test-course/**/*", {
      query: "?raw",
      import: "default",
      eager: true,
    }),
  ).map(([key, text]) => [key.slice(COURSE_DIR.length), text]),
);

const SMALL: ArchiveLimits = {
  maxEntries: 100,
  maxEntryBytes: 8 * 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024,
  maxRatio: 200,
};

function text(bytes: Uint8Array | undefined): string {
  if (bytes === undefined) throw new Error("no such entry");
  return new TextDecoder().decode(bytes);
}

function nth<T>(items: T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
}

/** Incompressible bytes, the same for the same seed. */
function noise(length: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function sha256(bytes: Uint8Array | undefined): Promise<string> {
  if (bytes === undefined) throw new Error("no such entry");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function readAllTar(
  bytes: Uint8Array,
  { gzip = false, limits = SMALL, chunkSize = 64 * 1024 } = {},
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const entry of readTar(streamOf(bytes, chunkSize), { gzip, limits })) {
    out.set(entry.path, await entry.bytes());
  }
  return out;
}

async function readAllZip(src: RandomAccessSource, limits = SMALL) {
  const zip = await openZip(src, limits);
  const out = new Map<string, Uint8Array>();
  for (const entry of zip.entries) out.set(entry.path, await entry.bytes());
  return out;
}

/** The error a promise rejects with, to check its code, message and path together. */
async function failure(
  promise: Promise<unknown>,
): Promise<{ code?: string; message: string; path?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string; message: string; path?: string };
  }
  throw new Error("expected a rejection");
}

function tarEntries(files: TarWriterEntry[]): Promise<Uint8Array<ArrayBuffer>> {
  return collect(tarWriter(files));
}

/** Counts what a reader pulls, to show it stops early. */
function countingStream(bytes: Uint8Array, chunkSize: number) {
  const counter = { pulled: 0 };
  const inner = streamOf(bytes, chunkSize).getReader();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await inner.read();
      if (done) return controller.close();
      counter.pulled += value.length;
      controller.enqueue(value);
    },
  });
  return { stream, counter };
}

function countingSource(bytes: Uint8Array, chunkSize = 64 * 1024) {
  const counter = { read: 0 };
  const src: RandomAccessSource = {
    size: bytes.length,
    read: async (offset, length) => {
      counter.read += length;
      return bytes.subarray(offset, offset + length);
    },
    stream: (offset, length) => {
      const { stream, counter: inner } = countingStream(
        bytes.subarray(offset, offset + length),
        chunkSize,
      );
      const reader = stream.getReader();
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          const before = inner.pulled;
          const { done, value } = await reader.read();
          counter.read += inner.pulled - before;
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
      });
    },
  };
  return { src, counter };
}

describe("sniffArchive", () => {
  it("tells zip, tar.gz and tar apart by their first bytes", async () => {
    expect(sniffArchive(fixture("ocw-ci-test-course.zip"))).toBe("zip");
    expect(sniffArchive(fixture("ocw-ci-test-course.streamed.zip"))).toBe("zip");
    expect(sniffArchive(await buildZip([]))).toBe("zip");
    expect(sniffArchive(fixture("ocw-ci-test-course.tar.gz"))).toBe("tar.gz");
    expect(sniffArchive(await tarEntries([{ path: "a.md", content: utf8("a") }]))).toBe("tar");
  });

  it("recognises nothing else, whatever the file would be called", () => {
    expect(sniffArchive(utf8("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"))).toBeNull();
    expect(sniffArchive(utf8("just some text, not an archive at all"))).toBeNull();
    expect(sniffArchive(new Uint8Array([0x50, 0x4b]))).toBeNull();
    expect(sniffArchive(new Uint8Array(0))).toBeNull();
  });
});

describe("safeEntryPath", () => {
  it("normalises separators, dots and backslashes", () => {
    expect(safeEntryPath("./a//b")).toBe("a/b");
    expect(safeEntryPath("a/./b/")).toBe("a/b");
    expect(safeEntryPath("content\\pages\\x.md")).toBe("content/pages/x.md");
    expect(safeEntryPath("résumé/中文.md")).toBe("résumé/中文.md");
  });

  it.each([
    ["../../etc/passwd", 'entry "../../etc/passwd" escapes the archive root'],
    ["..\\..\\windows\\x", "escapes the archive root"],
    ["./../x", "escapes the archive root"],
    ["a/../b", 'has a ".." segment'],
    ["/etc/passwd", "is an absolute path"],
    ["\\\\server\\share\\x", "is an absolute path"],
    ["C:\\Windows\\x", "starts with a drive letter"],
    ["c:x", "starts with a drive letter"],
    ["a\u0000b", "control character"],
    ["a\nb", "control character"],
    ["", "empty name"],
    ["./", "empty name"],
  ])("refuses %j", (raw, message) => {
    expect(() => safeEntryPath(raw)).toThrow(expect.objectContaining({ code: "unsafe_path" }));
    expect(() => safeEntryPath(raw)).toThrow(message);
  });
});

describe("tarWriter and readTar", () => {
  const files: TarWriterEntry[] = [
    { path: "content/", content: new Uint8Array(0) },
    { path: "content/_index.md", content: utf8("---\ntitle: Home\n---\n") },
    { path: "content/empty.md", content: new Uint8Array(0) },
    { path: "data/exactly-a-block.bin", content: noise(512, 7) },
    { path: "static/noise.bin", content: noise(70_000, 3) },
    { path: `content/${"deep/".repeat(30)}long-name.md`, content: utf8("long") },
    { path: "content/résumé-中文.md", content: utf8("unicode") },
  ];
  // Compared by digest: vitest's deep equality walks typed arrays element by element.
  const fileDigests = Promise.all(
    files
      .filter((f) => !f.path.endsWith("/") && "content" in f)
      .map(async (f) => [f.path, await sha256((f as { content: Uint8Array }).content)] as const),
  ).then((pairs) => new Map(pairs));
  const digests = async (read: Map<string, Uint8Array>) =>
    new Map(
      await Promise.all([...read].map(async ([path, data]) => [path, await sha256(data)] as const)),
    );

  it("round trips files, folders, long and unicode paths, in any chunking", async () => {
    const tar = await tarEntries(files);
    expect(tar.length % 512).toBe(0);
    for (const chunkSize of [61, 512, 64 * 1024]) {
      expect(await digests(await readAllTar(tar, { chunkSize }))).toEqual(await fileDigests);
    }
  });

  it("round trips through gzip (CompressionStream)", async () => {
    const gz = await collect(tarWriter(files).pipeThrough(new CompressionStream("gzip")));
    expect(sniffArchive(gz)).toBe("tar.gz");
    expect(await digests(await readAllTar(gz, { gzip: true, chunkSize: 1000 }))).toEqual(
      await fileDigests,
    );
  });

  it("is deterministic: fixed mtime, mode, owner; the same bytes every time", async () => {
    const a = await tarEntries(files);
    const b = await tarEntries(files);
    expect(await sha256(a)).toBe(await sha256(b));
    const header = (name: string) => {
      for (let at = 0; at < a.length; at += 512) {
        if (text(a.subarray(at, at + name.length + 1)) === `${name}\0`)
          return a.subarray(at, at + 512);
      }
      throw new Error(`no header for ${name}`);
    };
    const field = (h: Uint8Array, offset: number, length: number) =>
      text(h.subarray(offset, offset + length));
    const file = header("content/_index.md");
    expect(field(file, 100, 8)).toBe("0000644\0");
    expect(field(file, 108, 16)).toBe("0000000\u00000000000\0");
    expect(field(file, 136, 12)).toBe("00000000000\0");
    expect(field(file, 257, 8)).toBe("ustar\u000000");
    expect(file.subarray(265, 329).every((x) => x === 0)).toBe(true); // uname, gname
    const folder = header("content/");
    expect(field(folder, 100, 8)).toBe("0000755\0");
    expect(field(folder, 156, 1)).toBe("5");
    // The archive ends with two zero blocks.
    expect(a.subarray(a.length - 1024).every((x) => x === 0)).toBe(true);
  });

  it("puts long and non-ASCII paths in PAX headers, with an ASCII stand-in name", async () => {
    const long = `content/${"deep/".repeat(30)}long-name.md`;
    const tar = await tarEntries([
      { path: long, content: utf8("x") },
      { path: "été.md", content: utf8("y") },
    ]);
    // Blocks: PAX header, its records, the file's header, its data; then the same again.
    const block = (n: number) => tar.subarray(512 * n, 512 * (n + 1));
    expect(text(block(0).subarray(156, 157))).toBe("x");
    expect(text(block(1))).toContain(`path=${long}\n`);
    expect(text(block(2).subarray(0, 100))).toBe(long.slice(0, 100));
    expect(text(block(5))).toContain("path=été.md\n");
    expect(text(block(6).subarray(0, 7))).toBe("_t_.md\0");
    expect([...(await readAllTar(tar)).keys()]).toEqual([long, "été.md"]);
  });

  it("streams a large entry in chunks, from a body of declared size and into a reader's stream", async () => {
    const big = noise(3 * 1024 * 1024 + 3, 11);
    const tar = tarWriter([
      { path: "media/lecture.bin", size: big.length, body: streamOf(big, 100_000) },
      { path: "after.md", content: utf8("after") },
    ]).pipeThrough(new CompressionStream("gzip"));
    const seen: string[] = [];
    for await (const entry of readTar(tar, { gzip: true, limits: SMALL })) {
      seen.push(entry.path);
      if (entry.path === "media/lecture.bin") {
        expect(entry.size).toBe(big.length);
        await expect(entry.bytes(1024 * 1024)).rejects.toMatchObject({ code: "too_large" });
        const sizes: number[] = [];
        const parts: Uint8Array[] = [];
        const reader = entry.stream().getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          sizes.push(value.length);
          parts.push(value);
        }
        expect(Math.max(...sizes)).toBeLessThanOrEqual(64 * 1024);
        expect(await sha256(concatBytes(parts))).toBe(await sha256(big));
      } else {
        expect(text(await entry.bytes())).toBe("after");
      }
    }
    expect(seen).toEqual(["media/lecture.bin", "after.md"]);
  });

  it("skips entries the caller does not read, or reads half way", async () => {
    const tar = await tarEntries([
      { path: "a.bin", content: noise(200_000, 1) },
      { path: "b.bin", content: noise(200_000, 2) },
      { path: "c.md", content: utf8("c") },
    ]);
    const got: Record<string, string> = {};
    for await (const entry of readTar(streamOf(tar, 4096), { gzip: false, limits: SMALL })) {
      if (entry.path === "b.bin") {
        const reader = entry.stream().getReader();
        await reader.read();
        reader.releaseLock();
      }
      if (entry.path === "c.md") got[entry.path] = text(await entry.bytes());
    }
    expect(got).toEqual({ "c.md": "c" });
  });

  it("refuses to read an entry after moving on, instead of returning another entry's bytes", async () => {
    const tar = await tarEntries([
      { path: "a.md", content: utf8("a") },
      { path: "b.md", content: utf8("b") },
    ]);
    let first: TarEntry | undefined;
    let firstStream: ReadableStream<Uint8Array> | undefined;
    for await (const entry of readTar(streamOf(tar), { gzip: false, limits: SMALL })) {
      if (first === undefined) {
        first = entry;
        firstStream = entry.stream();
      }
    }
    await expect((first as TarEntry).bytes()).rejects.toThrow(
      "after readTar moved to the next entry",
    );
    await expect((firstStream as ReadableStream).getReader().read()).rejects.toThrow(
      "moved to the next entry",
    );
  });

  it("round trips an empty archive", async () => {
    const tar = await tarEntries([]);
    expect(tar).toEqual(new Uint8Array(1024));
    expect((await readAllTar(tar)).size).toBe(0);
  });

  it("refuses to write unsafe or duplicate paths, and bodies that do not match their size", async () => {
    await expect(tarEntries([{ path: "../x", content: utf8("x") }])).rejects.toMatchObject({
      code: "unsafe_path",
    });
    await expect(
      tarEntries([
        { path: "a/b.md", content: utf8("1") },
        { path: "./a//b.md", content: utf8("2") },
      ]),
    ).rejects.toMatchObject({ code: "duplicate_path" });
    await expect(
      tarEntries([{ path: "a.bin", size: 10, body: streamOf(utf8("short")) }]),
    ).rejects.toThrow('entry "a.bin" was declared as 10 bytes but its body has 5');
    await expect(
      tarEntries([{ path: "a.bin", size: 2, body: streamOf(utf8("longer")) }]),
    ).rejects.toThrow("but its body has more");
  });
});

describe("readTar: archives made by real tools", () => {
  it("reads GNU tar's tar.gz of the OCW test course, byte for byte", async () => {
    const files = await readAllTar(fixture("ocw-ci-test-course.tar.gz"), {
      gzip: true,
      limits: DEFAULT_IMPORT_LIMITS,
    });
    expect(files.size).toBe(courseFiles.size);
    for (const [path, expected] of courseFiles)
      expect(text(files.get(path) ?? new Uint8Array())).toBe(expected);
  });

  it("reads GNU long names ('L' entries) and UTF-8 names", async () => {
    const files = await readAllTar(fixture("gnu-long-names.tar.gz"), { gzip: true });
    const long = `course/${"deep/".repeat(30)}notes.md`;
    expect([...files.keys()].sort()).toEqual(
      [long, "course/résumé-中文.md", "course/target.md"].sort(),
    );
    expect(text(files.get(long))).toBe("long path body\n");
  });

  it("refuses GNU tar's symlink entry", async () => {
    const err = await failure(readAllTar(fixture("gnu-symlink.tar.gz"), { gzip: true }));
    expect(err).toMatchObject({ code: "unsupported_entry", path: "course/link.md" });
    expect(err.message).toBe(
      'entry "course/link.md" is a symbolic link to "target.md"; only files and folders are imported',
    );
  });
});

describe("readTar: bad archives", () => {
  it("refuses what is not a tar: a PDF, text, gzipped text, gzip of nothing", async () => {
    const pdf = utf8(`%PDF-1.7\n${"0 0 obj << >> endobj\n".repeat(60)}`);
    expect(await failure(readAllTar(pdf))).toMatchObject({ code: "not_archive" });
    expect(await failure(readAllTar(utf8("hello")))).toMatchObject({ code: "not_archive" });
    expect(await failure(readAllTar(pdf, { gzip: true }))).toMatchObject({
      code: "not_archive",
      message: "the upload is not gzip data",
    });
    expect(await failure(readAllTar(await gzip(pdf), { gzip: true }))).toMatchObject({
      code: "not_archive",
    });
    expect(await failure(readAllTar(new Uint8Array(0)))).toMatchObject({ code: "not_archive" });
  });

  it.each([
    ["../../etc/passwd", "escapes the archive root"],
    ["/etc/passwd", "is an absolute path"],
    ["..\\..\\evil.md", "escapes the archive root"],
    ["C:\\evil.md", "starts with a drive letter"],
  ])("refuses the path %j", async (name, message) => {
    const tar = buildTar([
      { name: "ok.md", data: "ok" },
      { name, data: "evil" },
    ]);
    const err = await failure(readAllTar(tar));
    expect(err).toMatchObject({ code: "unsafe_path", path: name });
    expect(err.message).toBe(`entry ${JSON.stringify(name)} ${message}`);
  });

  it("checks paths from PAX headers, GNU long names and the ustar prefix too", async () => {
    const viaPax = buildTar([
      { name: "././@PaxHeader", type: "x", data: paxPath("../../x.md") },
      { name: "x.md", data: "x" },
    ]);
    expect(await failure(readAllTar(viaPax))).toMatchObject({
      code: "unsafe_path",
      path: "../../x.md",
    });
    const viaGnu = buildTar([
      { name: "././@LongLink", type: "L", data: `${"../".repeat(40)}etc/passwd\0` },
      { name: "etc/passwd", data: "x" },
    ]);
    expect(await failure(readAllTar(viaGnu))).toMatchObject({ code: "unsafe_path" });
    const viaPrefix = buildTar([{ name: "x.md", prefix: "../..", data: "x" }]);
    expect(await failure(readAllTar(viaPrefix))).toMatchObject({
      code: "unsafe_path",
      path: "../../x.md",
    });
  });

  it.each([
    ["2", 'a symbolic link to "/etc/passwd"'],
    ["1", 'a hard link to "/etc/passwd"'],
    ["3", "a character device"],
    ["4", "a block device"],
    ["6", "a FIFO"],
    ["S", 'of tar type "S"'],
  ])("refuses entries of type %s", async (type, what) => {
    const tar = buildTar([
      { name: "ok.md", data: "ok" },
      { name: "bad", type, linkname: "/etc/passwd" },
    ]);
    const err = await failure(readAllTar(tar));
    expect(err).toMatchObject({ code: "unsupported_entry", path: "bad" });
    expect(err.message).toBe(`entry "bad" is ${what}; only files and folders are imported`);
  });

  it("refuses truncated archives: in data, in a header, and without the end marker", async () => {
    const tar = buildTar([
      { name: "a.md", data: "a".repeat(600) },
      { name: "b.md", data: "b".repeat(100) },
    ]);
    const inData = await failure(readAllTar(tar.subarray(0, 512 + 300)));
    expect(inData).toMatchObject({ code: "corrupt", path: "a.md" });
    expect(inData.message).toBe('archive ends in the middle of entry "a.md" (truncated?)');
    expect(await failure(readAllTar(tar.subarray(0, 512 * 3 + 100)))).toMatchObject({
      code: "corrupt",
    });
    const noEnd = await failure(readAllTar(tar.subarray(0, 512 * 5)));
    expect(noEnd.message).toBe(
      'archive ends after "b.md" without an end-of-archive marker (truncated?)',
    );
  });

  it("refuses more than 1 MiB after the end-of-archive marker", async () => {
    // The end marker is two blocks; 1 MiB may follow the first.
    const tar = concatBytes([
      buildTar([{ name: "a.md", data: "a" }]),
      new Uint8Array(1024 * 1024 - 512),
    ]);
    expect((await readAllTar(tar)).size).toBe(1);
    const padded = concatBytes([tar, new Uint8Array(2048)]);
    expect(await failure(readAllTar(padded))).toMatchObject({
      code: "corrupt",
      message: "more than 1 MiB follow the end-of-archive marker",
    });
  });

  it("refuses a header with a bad checksum", async () => {
    const tar = buildTar([
      { name: "a.md", data: "a" },
      { name: "b.md", data: "b" },
    ]);
    const damaged = tar.slice();
    damaged[1024 + 3] = 0x5a; // a letter of "b.md"
    const err = await failure(readAllTar(damaged));
    expect(err).toMatchObject({
      code: "corrupt",
      message: 'the tar header after "a.md" has a bad checksum',
    });
  });

  it("refuses truncated or damaged gzip", async () => {
    const gz = await gzip(buildTar([{ name: "a.md", data: noise(5000) }]));
    const cut = await failure(readAllTar(gz.subarray(0, gz.length - 100), { gzip: true }));
    expect(cut).toMatchObject({ code: "corrupt" });
    expect(cut.message).toMatch(/^the gzip stream cannot be inflated/);
    const badCrc = gz.slice();
    badCrc[gz.length - 6] = (badCrc[gz.length - 6] as number) ^ 0xff;
    expect(await failure(readAllTar(badCrc, { gzip: true }))).toMatchObject({ code: "corrupt" });
  });

  it("refuses more entries than allowed, and entries over the size limits before reading them", async () => {
    const four = buildTar(["a", "b", "c", "d"].map((name) => ({ name, data: name })));
    const tooMany = await failure(readAllTar(four, { limits: { ...SMALL, maxEntries: 3 } }));
    expect(tooMany).toMatchObject({ code: "too_many_entries", path: "d" });
    expect(tooMany.message).toBe('archive has more than 3 entries (stopped at "d")');

    // The header claims 1 GiB; no data follows, and none is waited for.
    const huge = buildTar([{ name: "huge.bin", size: 1024 * 1024 * 1024 }], { end: false });
    const tooLarge = await failure(readAllTar(huge));
    expect(tooLarge).toMatchObject({ code: "too_large", path: "huge.bin" });
    expect(tooLarge.message).toBe('entry "huge.bin" is 1024 MiB; an entry may be at most 8 MiB');

    const total = buildTar(["a", "b", "c"].map((name) => ({ name, data: noise(1000) })));
    expect(
      await failure(readAllTar(total, { limits: { ...SMALL, maxTotalBytes: 2500 } })),
    ).toMatchObject({
      code: "too_large",
      message: 'entries add up to more than 2500 bytes (stopped at "c")',
    });
  });

  it("refuses duplicate paths, also when they differ only before normalisation", async () => {
    const twice = buildTar([
      { name: "a/b.md", data: "1" },
      { name: "./a//b.md", data: "2" },
    ]);
    expect(await failure(readAllTar(twice))).toMatchObject({
      code: "duplicate_path",
      message: 'entry "a/b.md" appears more than once',
    });
    const nfd = buildTar([
      { name: "caf\u00e9.md", data: "1" },
      { name: "cafe\u0301.md", data: "2" },
    ]);
    expect(await failure(readAllTar(nfd))).toMatchObject({ code: "duplicate_path" });
    const fileThenFolder = buildTar([
      { name: "a", data: "1" },
      { name: "a/b.md", data: "2" },
    ]);
    expect(await failure(readAllTar(fileThenFolder))).toMatchObject({
      code: "duplicate_path",
      message: 'entry "a/b.md" is inside "a", which is a file',
    });
  });

  it("stops a gzip bomb early, by its ratio, having read little of it", async () => {
    // A tar header for a 150 MiB file, then 1 GiB of zeros from ~1 MB of gzip.
    const bomb = gzipBomb(4_000_000, tarHeader({ name: "zeros.bin", size: 150 * 1024 * 1024 }));
    expect(bomb.length).toBeLessThan(1_100_000);
    const { stream, counter } = countingStream(bomb, 16 * 1024);
    const err = await failure(
      (async () => {
        for await (const entry of readTar(stream, { gzip: true, limits: DEFAULT_IMPORT_LIMITS })) {
          await entry.stream().pipeTo(new WritableStream());
        }
      })(),
    );
    expect(err).toMatchObject({ code: "suspicious_ratio" });
    expect(err.message).toMatch(/^the gzip stream expands more than 200 times/);
    expect(counter.pulled).toBeLessThan(128 * 1024);
  });
});

describe("openZip", () => {
  const course = [...courseFiles].map(([path, content]) => ({ path, content }));

  it("reads stored, deflated, data-descriptor and zip64 entries of a built zip", async () => {
    const big = noise(300_000, 5);
    const zip = await buildZip([
      { name: "folder/" },
      { name: "folder/stored.md", data: "stored" },
      { name: "folder/deflated.md", data: "deflate me ".repeat(1000), method: "deflate" },
      { name: "streamed.bin", data: big, method: "deflate", dataDescriptor: true },
      { name: "z64.md", data: "zip64 sizes", method: "deflate", zip64: true, dataDescriptor: true },
      { name: "empty.md", data: "" },
      { name: "é.md", data: "utf-8 name" },
    ]);
    const { entries } = await openZip(bytesSource(zip), SMALL);
    expect(entries.map((e) => e.path)).toEqual([
      "folder/stored.md",
      "folder/deflated.md",
      "streamed.bin",
      "z64.md",
      "empty.md",
      "é.md",
    ]);
    const deflated = entries[1];
    expect(deflated?.size).toBe(11_000);
    expect(deflated?.compressedSize).toBeLessThan(200);
    const files = await readAllZip(bytesSource(zip));
    expect(text(files.get("folder/deflated.md"))).toBe("deflate me ".repeat(1000));
    expect(await sha256(files.get("streamed.bin"))).toBe(await sha256(big));
    expect(text(files.get("z64.md"))).toBe("zip64 sizes");
    expect(text(files.get("é.md"))).toBe("utf-8 name");
  });

  it("reads a zip64 end of central directory", async () => {
    const zip = await buildZip([{ name: "a.md", data: "a", zip64: true }], {
      zip64End: true,
      comment: "hi",
    });
    expect(await readAllZip(bytesSource(zip))).toEqual(new Map([["a.md", utf8("a")]]));
  });

  it("reads names without the UTF-8 flag as code page 437 when they are not UTF-8", async () => {
    const zip = await buildZip([
      { name: "x", rawName: new Uint8Array([0x82, 0x2e, 0x6d, 0x64]), data: "cp437" },
    ]);
    expect([...(await readAllZip(bytesSource(zip))).keys()]).toEqual(["é.md"]);
  });

  it("streams an entry in chunks, and reads entries in any order", async () => {
    const big = noise(3 * 1024 * 1024, 9);
    const zip = await buildZip([
      { name: "a.bin", data: big, method: "deflate" },
      { name: "b.md", data: "b", method: "deflate" },
    ]);
    const { entries } = await openZip(bytesSource(zip), SMALL);
    expect(text(await nth(entries, 1).bytes())).toBe("b");
    const a = entries[0];
    if (!a) throw new Error("no entry");
    await expect(a.bytes(1024)).rejects.toMatchObject({ code: "too_large", path: "a.bin" });
    let chunks = 0;
    const parts: Uint8Array[] = [];
    await a.stream().pipeTo(
      new WritableStream({
        write(chunk) {
          chunks += 1;
          parts.push(chunk);
        },
      }),
    );
    expect(chunks).toBeGreaterThan(10);
    expect(await sha256(concatBytes(parts))).toBe(await sha256(big));
  });

  it("reads through range GETs on the real R2 binding", async () => {
    const zip = await buildZip([
      ...course.map(({ path, content }) => ({
        name: path,
        data: content,
        method: "deflate" as const,
      })),
      {
        name: "media/noise.bin",
        data: noise(2 * 1024 * 1024, 4),
        method: "deflate",
        dataDescriptor: true,
      },
    ]);
    const key = `test/archive/${crypto.randomUUID()}.zip`;
    await env.MEDIA.put(key, zip);
    try {
      const files = await readAllZip(r2Source(env.MEDIA, key, zip.length));
      expect(files.size).toBe(courseFiles.size + 1);
      for (const { path, content } of course) expect(text(files.get(path))).toBe(content);
      expect(await sha256(files.get("media/noise.bin"))).toBe(
        await sha256(noise(2 * 1024 * 1024, 4)),
      );
      const { entries } = await openZip(r2Source(env.MEDIA, key, zip.length), SMALL);
      const media = entries.find((e) => e.path === "media/noise.bin");
      expect((await collect((media as ZipEntry).stream())).length).toBe(2 * 1024 * 1024);
    } finally {
      await env.MEDIA.delete(key);
    }
  });

  it("tells a truncated R2 object from a missing one", async () => {
    const zip = await buildZip([{ name: "a.md", data: "a" }]);
    const key = `test/archive/${crypto.randomUUID()}.zip`;
    await env.MEDIA.put(key, zip);
    try {
      // The caller believed the object was larger than it is.
      expect(
        await failure(openZip(r2Source(env.MEDIA, key, zip.length + 100), SMALL)),
      ).toMatchObject({
        code: "corrupt",
        message: "the archive is shorter than its size says (truncated?)",
      });
    } finally {
      await env.MEDIA.delete(key);
    }
    const missing = await failure(openZip(r2Source(env.MEDIA, key, zip.length), SMALL));
    expect(missing.code).toBeUndefined();
    expect(missing.message).toBe(`archive object "${key}" is gone from R2`);
  });

  it("reads real tools' zips of the OCW test course (Python zipfile; Info-ZIP streamed with data descriptors)", async () => {
    for (const name of ["ocw-ci-test-course.zip", "ocw-ci-test-course.streamed.zip"]) {
      const files = await readAllZip(bytesSource(fixture(name)), DEFAULT_IMPORT_LIMITS);
      expect(files.size, name).toBe(courseFiles.size);
      for (const [path, expected] of courseFiles) expect(text(files.get(path))).toBe(expected);
    }
  });

  it("refuses Info-ZIP's symlink entry", async () => {
    const err = await failure(openZip(bytesSource(fixture("infozip-symlink.zip")), SMALL));
    expect(err).toMatchObject({
      code: "unsupported_entry",
      path: "course/link.md",
      message: 'entry "course/link.md" is a symbolic link; only files and folders are imported',
    });
  });
});

describe("openZip: bad archives", () => {
  it("refuses what is not a zip", async () => {
    const pdf = utf8(`%PDF-1.7\n${"0 0 obj << >> endobj\n".repeat(60)}`);
    for (const bytes of [pdf, utf8("short"), new Uint8Array(0)]) {
      expect(await failure(openZip(bytesSource(bytes), SMALL))).toMatchObject({
        code: "not_archive",
        message: "the upload is not a zip archive",
      });
    }
  });

  it("refuses a truncated zip and a damaged central directory", async () => {
    const zip = await buildZip([
      { name: "a.md", data: "a" },
      { name: "b.md", data: "b" },
    ]);
    expect(
      await failure(openZip(bytesSource(zip.subarray(0, zip.length - 10)), SMALL)),
    ).toMatchObject({
      code: "corrupt",
      message: "the zip has no end of central directory record (truncated?)",
    });
    const damaged = zip.slice();
    const directory = damaged.length - 22 - 2 * (46 + 4);
    damaged[directory + 46 + 4] = 0; // the second entry's signature
    expect(await failure(openZip(bytesSource(damaged), SMALL))).toMatchObject({
      code: "corrupt",
      message: "the zip's central directory is damaged at entry 2 of 2",
    });
    const moved = zip.slice();
    new DataView(moved.buffer).setUint32(moved.length - 6, 5000, true); // directory offset
    expect(await failure(openZip(bytesSource(moved), SMALL))).toMatchObject({ code: "corrupt" });
  });

  it("checks each entry's CRC-32, and never lets a stream end on damaged data", async () => {
    const zip = await buildZip([
      { name: "bad.md", data: "hello", crc: crc32(utf8("hellp")) },
      { name: "bad-deflated.md", data: "hello ".repeat(100), method: "deflate", crc: 1 },
    ]);
    const { entries } = await openZip(bytesSource(zip), SMALL);
    for (const entry of entries) {
      const err = await failure(entry.bytes());
      expect(err).toMatchObject({ code: "corrupt", path: entry.path });
      expect(err.message).toBe(
        `entry "${entry.path}" fails its CRC-32 check (the archive is damaged)`,
      );
      await expect(collect(entry.stream())).rejects.toMatchObject({ code: "corrupt" });
    }
  });

  it("refuses a local header that names another file than the central directory", async () => {
    const zip = await buildZip([{ name: "safe.md", data: "x", localName: "../evil.md" }]);
    const { entries } = await openZip(bytesSource(zip), SMALL);
    expect(await failure(nth(entries, 0).bytes())).toMatchObject({
      code: "corrupt",
      message: 'entry "safe.md" has a different name in its local header',
    });
  });

  it("refuses a bomb that declares its real size, before inflating anything", async () => {
    const bomb = deflateBomb(4_000_000); // 1 GB of zeros in ~1 MB
    const honest = await buildZip([
      { name: "zeros.bin", compressed: bomb, declaredSize: 1 + 258 * 4_000_000, crc: 0 },
    ]);
    const { src, counter } = countingSource(honest);
    expect(await failure(openZip(src, DEFAULT_IMPORT_LIMITS))).toMatchObject({
      code: "too_large",
      message: 'entry "zeros.bin" is 1032000001 bytes; an entry may be at most 200 MiB',
    });
    // The end record's tail and the central directory only.
    expect(counter.read).toBeLessThan(70 * 1024);

    const dense = deflateBomb(400_000); // 100 MB of zeros in ~100 KB
    const ratio = await buildZip([
      { name: "zeros.bin", compressed: dense, declaredSize: 1 + 258 * 400_000, crc: 0 },
    ]);
    expect(await failure(openZip(bytesSource(ratio), DEFAULT_IMPORT_LIMITS))).toMatchObject({
      code: "suspicious_ratio",
      path: "zeros.bin",
    });
  });

  it("stops inflating a bomb that lies about its size as soon as it passes the declared size", async () => {
    const bomb = deflateBomb(4_000_000);
    const liar = await buildZip([
      { name: "small.md", compressed: bomb, declaredSize: 1000, crc: 0 },
    ]);
    const { src, counter } = countingSource(liar, 16 * 1024);
    const { entries } = await openZip(src, DEFAULT_IMPORT_LIMITS);
    const before = counter.read;
    const err = await failure(nth(entries, 0).bytes());
    expect(err).toMatchObject({
      code: "corrupt",
      message: 'entry "small.md" holds more than its declared 1000 bytes (a zip bomb?)',
    });
    expect(counter.read - before).toBeLessThan(128 * 1024);
    // The same through stream().
    await expect(collect(nth(entries, 0).stream())).rejects.toMatchObject({
      code: "corrupt",
    });
  });

  it("refuses entries that share their data (overlapping bombs)", async () => {
    const zip = await buildZip(
      [
        { name: "a.md", data: "shared", method: "deflate" },
        { name: "b.md", data: "shared", method: "deflate" },
      ],
      { reuseOffsetOf: { 1: 0 } },
    );
    expect(await failure(openZip(bytesSource(zip), SMALL))).toMatchObject({
      code: "corrupt",
      message: 'entries "a.md" and "b.md" overlap (a zip bomb trick)',
    });
  });

  it.each([
    ["../evil.md", "escapes the archive root"],
    ["/etc/passwd", "is an absolute path"],
    ["..\\..\\evil.md", "escapes the archive root"],
    ["C:\\Windows\\evil.md", "starts with a drive letter"],
  ])("refuses the path %j", async (name, message) => {
    const zip = await buildZip([
      { name: "ok.md", data: "ok" },
      { name, data: "evil" },
    ]);
    expect(await failure(openZip(bytesSource(zip), SMALL))).toMatchObject({
      code: "unsafe_path",
      path: name,
      message: `entry ${JSON.stringify(name)} ${message}`,
    });
  });

  it("refuses duplicates, encrypted entries, other methods, symlinks and split archives", async () => {
    const cases: [Parameters<typeof buildZip>[0], string, string][] = [
      [
        [{ name: "a.md" }, { name: "./a.md" }],
        "duplicate_path",
        'entry "a.md" appears more than once',
      ],
      [[{ name: "x.md", data: "x", flags: 0x1 }], "unsupported_entry", 'entry "x.md" is encrypted'],
      [
        [{ name: "x.md", data: "x", rawMethod: 12 }],
        "unsupported_entry",
        'entry "x.md" uses compression method 12; only stored and deflate are supported',
      ],
      [
        [{ name: "link.md", data: "/etc/passwd", unixMode: 0o120777 }],
        "unsupported_entry",
        'entry "link.md" is a symbolic link; only files and folders are imported',
      ],
    ];
    for (const [specs, code, message] of cases) {
      expect(await failure(openZip(bytesSource(await buildZip(specs)), SMALL))).toMatchObject({
        code,
        message,
      });
    }
    const split = (await buildZip([{ name: "a.md", data: "a" }])).slice();
    new DataView(split.buffer).setUint16(split.length - 22 + 4, 1, true); // number of this disk
    expect(await failure(openZip(bytesSource(split), SMALL))).toMatchObject({
      code: "unsupported_entry",
      message: "split (multi-disk) zip archives are not supported",
    });
  });

  it("refuses more entries than allowed, counting from the end record before reading entries", async () => {
    const zip = await buildZip(["a", "b", "c", "d"].map((name) => ({ name, data: name })));
    expect(await failure(openZip(bytesSource(zip), { ...SMALL, maxEntries: 3 }))).toMatchObject({
      code: "too_many_entries",
      message: "archive has 4 entries; at most 3 are allowed",
    });
    const total = await buildZip(["a", "b", "c"].map((name) => ({ name, data: noise(1000) })));
    expect(
      await failure(openZip(bytesSource(total), { ...SMALL, maxTotalBytes: 2500 })),
    ).toMatchObject({
      code: "too_large",
    });
  });
});
