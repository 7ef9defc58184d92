// Writing a zip of a folder (the offline copy of a site) to a file, streaming: each file is read
// once, compressed chunk by chunk and written straight to the zip, so memory stays bounded
// whatever the site holds.
//
// Decisions:
// - Sizes and CRC-32 are patched into each local header once its data is written (positional
//   writes into the file), instead of trailing data descriptors: every zip reader, old and
//   strict ones included (the Worker's own openZip), reads the result.
// - Deflate for text, stored for formats that are compressed already (images, fonts, video,
//   archives): compressing them again costs time and gains nothing.
// - Names are UTF-8 (flag bit 11), "/"-separated, relative; files only (readers create the
//   folders). Every entry has the same timestamp, the time of writing.
// - No Zip64: an entry, the archive or the entry count past the classic limits (4 GiB, 65,535)
//   is refused with a clear error rather than written as a zip that readers misread.
import { createReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { extname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32, createDeflateRaw } from "node:zlib";

export type ZipResult = { entries: number; bytes: number };

const LIMIT_32 = 0xffff_ffff;
const MAX_ENTRIES = 0xffff;
const UTF8_NAMES = 0x0800;
const STORE = 0;
const DEFLATE = 8;
const STORED_EXTENSIONS = new Set([
  ".png",
  ".jpg",
  ".jpeg",
  ".gif",
  ".webp",
  ".avif",
  ".woff",
  ".woff2",
  ".mp3",
  ".mp4",
  ".m4a",
  ".webm",
  ".ogg",
  ".zip",
  ".gz",
  ".br",
]);

type Written = {
  name: Buffer;
  method: number;
  crc: number;
  size: number;
  compressedSize: number;
  offset: number;
};

/**
 * Writes `paths` (relative to `dir`, "/"-separated) into a new zip at `zipPath`, in that order.
 * `signal` stops it between chunks.
 */
export async function writeZip(
  dir: string,
  paths: readonly string[],
  zipPath: string,
  { signal, now = new Date() }: { signal?: AbortSignal; now?: Date } = {},
): Promise<ZipResult> {
  if (paths.length > MAX_ENTRIES) {
    throw new Error(`the offline copy has ${paths.length} files; a zip holds at most 65535`);
  }
  const { time, date } = dosDateTime(now);
  const file = await open(zipPath, "wx", 0o644);
  let position = 0;
  const write = async (bytes: Uint8Array) => {
    for (let at = 0; at < bytes.length; ) {
      at += (await file.write(bytes, at, bytes.length - at, position + at)).bytesWritten;
    }
    position += bytes.length;
    if (position > LIMIT_32) throw new Error("the offline copy is larger than 4 GiB");
  };
  try {
    const written: Written[] = [];
    for (const path of paths) {
      signal?.throwIfAborted();
      written.push(await writeEntry(file, dir, path, { time, date, write, at: () => position }));
    }
    const directoryOffset = position;
    for (const entry of written) await write(centralHeader(entry, time, date));
    const directorySize = position - directoryOffset;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(written.length, 8);
    end.writeUInt16LE(written.length, 10);
    end.writeUInt32LE(directorySize, 12);
    end.writeUInt32LE(directoryOffset, 16);
    await write(end);
    return { entries: written.length, bytes: position };
  } finally {
    await file.close();
  }
}

async function writeEntry(
  file: FileHandle,
  dir: string,
  path: string,
  io: {
    time: number;
    date: number;
    write: (bytes: Uint8Array) => Promise<void>;
    at: () => number;
  },
): Promise<Written> {
  const name = Buffer.from(path, "utf8");
  const method = STORED_EXTENSIONS.has(extname(path).toLowerCase()) ? STORE : DEFLATE;
  const offset = io.at();
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(UTF8_NAMES, 6);
  header.writeUInt16LE(method, 8);
  header.writeUInt16LE(io.time, 10);
  header.writeUInt16LE(io.date, 12);
  header.writeUInt16LE(name.length, 26);
  await io.write(header);
  await io.write(name);

  let crc = 0;
  let size = 0;
  const dataStart = io.at();
  async function* raw() {
    for await (const chunk of createReadStream(join(dir, path))) {
      crc = crc32(chunk as Buffer, crc);
      size += (chunk as Buffer).length;
      if (size > LIMIT_32) throw new Error(`${JSON.stringify(path)} is larger than 4 GiB`);
      yield chunk as Buffer;
    }
  }
  const sink = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) await io.write(chunk);
  };
  if (method === DEFLATE) await pipeline(Readable.from(raw()), createDeflateRaw(), sink);
  else await pipeline(Readable.from(raw()), sink);
  const compressedSize = io.at() - dataStart;

  // CRC-32, compressed size, size: bytes 14–25 of the local header.
  const sizes = Buffer.alloc(12);
  sizes.writeUInt32LE(crc >>> 0, 0);
  sizes.writeUInt32LE(compressedSize, 4);
  sizes.writeUInt32LE(size, 8);
  await file.write(sizes, 0, 12, offset + 14);
  return { name, method, crc: crc >>> 0, size, compressedSize, offset };
}

function centralHeader(entry: Written, time: number, date: number): Buffer {
  const header = Buffer.alloc(46 + entry.name.length);
  header.writeUInt32LE(0x02014b50, 0);
  // Made by Unix (3), spec 2.0: the external attributes below are a Unix mode.
  header.writeUInt16LE((3 << 8) | 20, 4);
  header.writeUInt16LE(20, 6);
  header.writeUInt16LE(UTF8_NAMES, 8);
  header.writeUInt16LE(entry.method, 10);
  header.writeUInt16LE(time, 12);
  header.writeUInt16LE(date, 14);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(entry.compressedSize, 20);
  header.writeUInt32LE(entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  // A regular file, rw-r--r--.
  header.writeUInt32LE((0o100644 << 16) >>> 0, 38);
  header.writeUInt32LE(entry.offset, 42);
  entry.name.copy(header, 46);
  return header;
}

/** MS-DOS time and date fields (2-second resolution, years 1980–2107), in UTC. */
function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.min(Math.max(at.getUTCFullYear(), 1980), 2107);
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}
