// Reading a zip that sits in R2 (or memory): the central directory first, checked as a whole
// (zip-directory.ts), then any entry on demand, in any order, each from one ranged read.
//
// While an entry is read nothing its headers say is trusted: output past the declared size
// stops the read at once, and the size and CRC-32 are checked before the stream closes, so a
// consumer (an R2 put) never sees a damaged entry end successfully.
import { ByteReader, type Bytes, own } from "./bytes.ts";
import { crc32 } from "./crc32.ts";
import { Inflater } from "./inflate.ts";
import {
  ArchiveError,
  type ArchiveLimits,
  formatBytes,
  MAX_BUFFERED_ENTRY_BYTES,
  quote,
} from "./limits.ts";
import { type RandomAccessSource, readRange } from "./source.ts";
import {
  LOCAL_HEADER_BYTES,
  type RejectedEntries,
  readCentralDirectory,
  type ZipMember,
} from "./zip-directory.ts";

export type ZipEntry = {
  /** Normalised by `safeEntryPath`. */
  path: string;
  size: number;
  compressedSize: number;
  /** The whole entry; refused (`too_large`) above `maxBytes`. */
  bytes(maxBytes?: number): Promise<Bytes>;
  /** The entry in chunks; each call reads it anew. */
  stream(): ReadableStream<Bytes>;
};

/**
 * Files only, in central directory order; folders are checked and left out. With `rejected`,
 * an entry refused on its own (unsafe name, link, encrypted…) is listed there and skipped.
 */
export async function openZip(
  src: RandomAccessSource,
  limits: ArchiveLimits,
  options: { rejected?: RejectedEntries } = {},
): Promise<{ entries: ZipEntry[] }> {
  const members = await readCentralDirectory(src, limits, options.rejected);
  return {
    entries: members.filter((m) => !m.folder).map((m) => new StoredEntry(src, m, limits)),
  };
}

const SIGNATURE_LOCAL = 0x04034b50;
const COMPRESSED_CHUNK_BYTES = 64 * 1024;

class StoredEntry implements ZipEntry {
  readonly path: string;
  readonly size: number;
  readonly compressedSize: number;

  constructor(
    private readonly src: RandomAccessSource,
    private readonly member: ZipMember,
    private readonly limits: ArchiveLimits,
  ) {
    this.path = member.path;
    this.size = member.size;
    this.compressedSize = member.compressedSize;
  }

  async bytes(
    maxBytes = Math.min(MAX_BUFFERED_ENTRY_BYTES, this.limits.maxEntryBytes),
  ): Promise<Bytes> {
    if (this.size > maxBytes) {
      throw new ArchiveError(
        "too_large",
        `entry ${quote(this.path)} is ${formatBytes(this.size)}, more than the ${formatBytes(maxBytes)} it may hold in memory; stream it instead`,
        { path: this.path },
      );
    }
    const out = new Uint8Array(this.size);
    let filled = 0;
    // chunks() stops before it would pass `size`, so `out` cannot overflow.
    for await (const chunk of entryChunks(this.src, this.member)) {
      out.set(chunk, filled);
      filled += chunk.length;
    }
    return out;
  }

  stream(): ReadableStream<Bytes> {
    const chunks = entryChunks(this.src, this.member);
    return new ReadableStream<Bytes>(
      {
        async pull(controller) {
          const { done, value } = await chunks.next();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        async cancel() {
          await chunks.return(undefined);
        },
      },
      { highWaterMark: 0 },
    );
  }
}

async function* entryChunks(
  src: RandomAccessSource,
  m: ZipMember,
): AsyncGenerator<Bytes, void, undefined> {
  const name = `entry ${quote(m.path)}`;
  const corrupt = (why: string) => new ArchiveError("corrupt", `${name} ${why}`, { path: m.path });
  const range = readRange(src, m.localOffset, m.end - m.localOffset);
  const reader = new ByteReader(range.pull);
  let inflater: Inflater | undefined;
  let complete = false;
  try {
    const header = await reader.readExactly(
      LOCAL_HEADER_BYTES,
      `the local header of ${name}`,
      m.path,
    );
    const h = new DataView(header.buffer, header.byteOffset, header.byteLength);
    if (h.getUint32(0, true) !== SIGNATURE_LOCAL) {
      throw corrupt("has no local header where the central directory says");
    }
    if (h.getUint16(6, true) & 0x1) throw corrupt("is encrypted in its local header");
    if (h.getUint16(8, true) !== m.method)
      throw corrupt("has a local header that disagrees on its compression");
    const nameLength = h.getUint16(26, true);
    const extraLength = h.getUint16(28, true);
    const localName = await reader.readExactly(nameLength, `the local header of ${name}`, m.path);
    // Tools that trust the local header would extract a different name than we checked.
    if (!sameBytes(localName, m.rawName)) throw corrupt("has a different name in its local header");
    if (LOCAL_HEADER_BYTES + nameLength + extraLength + m.compressedSize > m.end - m.localOffset) {
      throw corrupt("runs into the next entry");
    }
    if ((await reader.discard(extraLength)) < extraLength) throw corrupt("is truncated");

    let left = m.compressedSize;
    const compressed = async () => {
      if (left === 0) return undefined;
      const piece = await reader.readSome(Math.min(left, COMPRESSED_CHUNK_BYTES));
      if (piece.length === 0) throw corrupt("is truncated");
      left -= piece.length;
      return piece;
    };
    let next = compressed;
    if (m.method === 8) {
      const deflated = new Inflater("deflate-raw", compressed, name, m.path);
      inflater = deflated;
      next = () => deflated.next();
    }
    let written = 0;
    let crc = 0;
    for (;;) {
      const chunk = await next();
      if (chunk === undefined) break;
      written += chunk.length;
      if (written > m.size) {
        throw corrupt(`holds more than its declared ${formatBytes(m.size)} (a zip bomb?)`);
      }
      crc = crc32(chunk, crc);
      // Stored chunks share memory with the source; hand out copies.
      yield m.method === 8 ? own(chunk) : chunk.slice();
    }
    if (written !== m.size) throw corrupt(`holds ${written} bytes, not the declared ${m.size}`);
    if (crc !== m.crc) throw corrupt("fails its CRC-32 check (the archive is damaged)");
    complete = true;
  } finally {
    if (!complete) await inflater?.cancel();
    // A data descriptor may still be unread.
    await range.cancel();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
