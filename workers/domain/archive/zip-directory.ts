// A zip's central directory: found from the end of the file, read in one piece and checked as
// a whole before any entry is inflated (counts, sizes, ratios, names, overlaps).
//
// Decisions:
// - The central directory is the truth. Local headers are only checked against it, and data
//   descriptors are never read, so a zip streamed by its writer needs no guessing.
// - The end record must end the file exactly (its comment length included). Zips with bytes
//   appended or prepended (self-extractors) are refused as corrupt.
// - Entries may not overlap: several names sharing one compressed block is how the smallest
//   zip bombs multiply their output.
// - Names without the UTF-8 flag are read as UTF-8 when they are valid UTF-8 (what macOS and
//   Linux tools write), else as code page 437 (what the zip format and Windows say).
import {
  ArchiveBudget,
  ArchiveError,
  type ArchiveLimits,
  checkRatio,
  formatBytes,
  quote,
} from "./limits.ts";
import { EntryNames, safeEntryPath } from "./paths.ts";
import type { RandomAccessSource } from "./source.ts";

export type ZipMember = {
  path: string;
  folder: boolean;
  /** The name as stored, to compare with the local header. */
  rawName: Uint8Array;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** Where the next entry (or the central directory) begins; this entry's bytes end before. */
  end: number;
};

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
export const LOCAL_HEADER_BYTES = 30;
const EOCD_BYTES = 22;
const CENTRAL_BYTES = 46;
/** A directory of 20,000 entries with long names is ~5 MiB. */
const MAX_DIRECTORY_BYTES = 32 * 1024 * 1024;

const FLAG_ENCRYPTED = 0x1;
const FLAG_STRONG_ENCRYPTION = 0x40;
const FLAG_UTF8 = 0x800;
const FLAG_MASKED_DIRECTORY = 0x2000;
const METHOD_AES = 99;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

function corrupt(message: string, path?: string): ArchiveError {
  return new ArchiveError("corrupt", message, { path });
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(v: DataView, at: number, what: string): number {
  const n = v.getBigUint64(at, true);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`the zip's ${what} is out of range`);
  return Number(n);
}

/**
 * Entries refused one by one instead of failing the whole archive (the media import): an unsafe
 * name, a link or special file, encryption, an unknown method, a name used twice. The layout of
 * the archive itself is still checked as a whole.
 */
export type RejectedEntries = { path: string; message: string }[];
const ENTRY_PROBLEMS = new Set(["unsafe_path", "unsupported_entry", "duplicate_path"]);

export async function readCentralDirectory(
  src: RandomAccessSource,
  limits: ArchiveLimits,
  rejected?: RejectedEntries,
): Promise<ZipMember[]> {
  const end = await findEnd(src);
  if (end.entries > limits.maxEntries) {
    throw new ArchiveError(
      "too_many_entries",
      `archive has ${end.entries} entries; at most ${limits.maxEntries} are allowed`,
    );
  }
  if (end.directoryBytes > MAX_DIRECTORY_BYTES) {
    throw new ArchiveError(
      "too_large",
      `the zip's central directory is ${formatBytes(end.directoryBytes)}; at most ${formatBytes(MAX_DIRECTORY_BYTES)} is read`,
    );
  }
  if (
    end.directoryOffset + end.directoryBytes > end.directoryLimit ||
    end.directoryBytes < end.entries * CENTRAL_BYTES
  ) {
    throw corrupt("the zip's central directory does not fit where its end record says");
  }
  const directory = await src.read(end.directoryOffset, end.directoryBytes);
  if (directory.length < end.directoryBytes) throw corrupt("the zip is truncated");
  const members = parseDirectory(directory, end.entries, end.directoryOffset, limits, rejected);
  checkLayout(members, end.directoryOffset);
  return members;
}

type End = {
  entries: number;
  directoryOffset: number;
  directoryBytes: number;
  /** The directory must end here: at the zip64 end record, or at the end record. */
  directoryLimit: number;
};

async function findEnd(src: RandomAccessSource): Promise<End> {
  const notZip = () => new ArchiveError("not_archive", "the upload is not a zip archive");
  if (src.size < EOCD_BYTES) throw notZip();
  const tailBytes = Math.min(src.size, EOCD_BYTES + 0xffff);
  const tailStart = src.size - tailBytes;
  const tail = await src.read(tailStart, tailBytes);
  if (tail.length < tailBytes) throw corrupt("the zip is truncated");
  const t = view(tail);
  let at = -1;
  for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
    if (
      t.getUint32(i, true) === EOCD &&
      i + EOCD_BYTES + t.getUint16(i + 20, true) === tail.length
    ) {
      at = i;
      break;
    }
  }
  if (at === -1) {
    const head = view(await src.read(0, 4));
    if (head.byteLength === 4 && head.getUint32(0, true) === LOCAL) {
      throw corrupt("the zip has no end of central directory record (truncated?)");
    }
    throw notZip();
  }
  const disk = t.getUint16(at + 4, true);
  const directoryDisk = t.getUint16(at + 6, true);
  const entriesHere = t.getUint16(at + 8, true);
  const entries = t.getUint16(at + 10, true);
  const directoryBytes = t.getUint32(at + 12, true);
  const directoryOffset = t.getUint32(at + 16, true);
  const endOffset = tailStart + at;
  const zip64 =
    entries === 0xffff ||
    entriesHere === 0xffff ||
    directoryBytes === 0xffffffff ||
    directoryOffset === 0xffffffff;
  if (!zip64) {
    if (disk !== 0 || directoryDisk !== 0 || entriesHere !== entries) throw multiDisk();
    return { entries, directoryOffset, directoryBytes, directoryLimit: endOffset };
  }

  if (endOffset < 20) throw corrupt("the zip64 end record locator is missing");
  const locator = view(await src.read(endOffset - 20, 20));
  if (locator.byteLength < 20 || locator.getUint32(0, true) !== ZIP64_LOCATOR) {
    throw corrupt("the zip64 end record locator is missing");
  }
  const recordOffset = u64(locator, 8, "zip64 end record offset");
  if (locator.getUint32(4, true) !== 0 || locator.getUint32(16, true) > 1) throw multiDisk();
  if (recordOffset + 56 > endOffset - 20) throw corrupt("the zip64 end record is out of place");
  const record = view(await src.read(recordOffset, 56));
  if (record.byteLength < 56 || record.getUint32(0, true) !== ZIP64_EOCD) {
    throw corrupt("the zip64 end record is missing");
  }
  const entries64 = u64(record, 32, "entry count");
  if (
    record.getUint32(16, true) !== 0 ||
    record.getUint32(20, true) !== 0 ||
    u64(record, 24, "entry count") !== entries64
  ) {
    throw multiDisk();
  }
  return {
    entries: entries64,
    directoryBytes: u64(record, 40, "central directory size"),
    directoryOffset: u64(record, 48, "central directory offset"),
    directoryLimit: recordOffset,
  };
}

function multiDisk(): ArchiveError {
  return new ArchiveError("unsupported_entry", "split (multi-disk) zip archives are not supported");
}

function parseDirectory(
  directory: Uint8Array,
  count: number,
  directoryOffset: number,
  limits: ArchiveLimits,
  rejected?: RejectedEntries,
): ZipMember[] {
  const d = view(directory);
  const names = new EntryNames();
  const budget = new ArchiveBudget(limits);
  const members: ZipMember[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_BYTES > directory.length || d.getUint32(at, true) !== CENTRAL) {
      throw corrupt(`the zip's central directory is damaged at entry ${i + 1} of ${count}`);
    }
    const madeBy = d.getUint16(at + 4, true);
    const flags = d.getUint16(at + 8, true);
    const method = d.getUint16(at + 10, true);
    const nameLength = d.getUint16(at + 28, true);
    const extraLength = d.getUint16(at + 30, true);
    const commentLength = d.getUint16(at + 32, true);
    const next = at + CENTRAL_BYTES + nameLength + extraLength + commentLength;
    if (next > directory.length) {
      throw corrupt(`the zip's central directory is damaged at entry ${i + 1} of ${count}`);
    }
    const rawName = directory.subarray(at + CENTRAL_BYTES, at + CENTRAL_BYTES + nameLength);
    const name = decodeName(rawName, (flags & FLAG_UTF8) !== 0);
    let entry: { path: string; folder: boolean; sizes: Sizes };
    try {
      const path = safeEntryPath(name);
      const sizes = zip64Sizes(
        {
          size: d.getUint32(at + 24, true),
          compressedSize: d.getUint32(at + 20, true),
          localOffset: d.getUint32(at + 42, true),
          disk: d.getUint16(at + 34, true),
        },
        directory.subarray(
          at + CENTRAL_BYTES + nameLength,
          at + CENTRAL_BYTES + nameLength + extraLength,
        ),
        path,
      );
      if (sizes.disk !== 0) throw multiDisk();

      // Unix permissions live in the high half of the external attributes (made on Unix or macOS).
      const unixType = [3, 19].includes(madeBy >>> 8)
        ? (d.getUint32(at + 38, true) >>> 16) & 0o170000
        : 0;
      if (unixType === 0o120000) {
        throw new ArchiveError(
          "unsupported_entry",
          `entry ${quote(path)} is a symbolic link; only files and folders are imported`,
          { path },
        );
      }
      if (unixType !== 0 && unixType !== 0o100000 && unixType !== 0o040000) {
        throw new ArchiveError(
          "unsupported_entry",
          `entry ${quote(path)} is a special file; only files and folders are imported`,
          { path },
        );
      }
      const folder = name.endsWith("/") || name.endsWith("\\") || unixType === 0o040000;
      if (
        flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_DIRECTORY) ||
        method === METHOD_AES
      ) {
        throw new ArchiveError("unsupported_entry", `entry ${quote(path)} is encrypted`, { path });
      }
      if (!folder && method !== 0 && method !== 8) {
        throw new ArchiveError(
          "unsupported_entry",
          `entry ${quote(path)} uses compression method ${method}; only stored and deflate are supported`,
          { path },
        );
      }
      budget.countEntry(path);
      if (folder) {
        names.addFolder(path);
      } else {
        names.addFile(path);
        budget.declareSize(path, sizes.size);
        if (method === 0 && sizes.compressedSize !== sizes.size) {
          throw corrupt(`entry ${quote(path)} is stored but its two sizes differ`, path);
        }
        checkRatio(limits, sizes.size, sizes.compressedSize, `entry ${quote(path)}`, path);
      }
      if (
        sizes.localOffset + LOCAL_HEADER_BYTES + nameLength + sizes.compressedSize >
        directoryOffset
      ) {
        throw corrupt(`entry ${quote(path)} lies outside the archive`, path);
      }
      entry = { path, folder, sizes };
    } catch (e) {
      if (!rejected || !(e instanceof ArchiveError) || !ENTRY_PROBLEMS.has(e.code)) throw e;
      rejected.push({ path: e.path ?? name, message: e.message });
      at = next;
      continue;
    }
    const { path, folder, sizes } = entry;
    members.push({
      path,
      folder,
      rawName,
      method,
      crc: d.getUint32(at + 16, true),
      compressedSize: sizes.compressedSize,
      size: sizes.size,
      localOffset: sizes.localOffset,
      end: directoryOffset,
    });
    at = next;
  }
  if (at !== directory.length) {
    throw corrupt(`the zip's central directory holds more than its ${count} entries`);
  }
  return members;
}

type Sizes = { size: number; compressedSize: number; localOffset: number; disk: number };

/** Values that do not fit 32 bits are 0xffffffff in the record and follow in the zip64 extra. */
function zip64Sizes(sizes: Sizes, extra: Uint8Array, path: string): Sizes {
  const needed = (
    [
      ["size", 8],
      ["compressedSize", 8],
      ["localOffset", 8],
      ["disk", 4],
    ] as const
  ).filter(([key, width]) => sizes[key] === (width === 8 ? 0xffffffff : 0xffff));
  if (needed.length === 0) return sizes;
  const e = view(extra);
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = e.getUint16(at, true);
    const length = e.getUint16(at + 2, true);
    if (id === 0x0001) {
      const out = { ...sizes };
      let pos = at + 4;
      for (const [key, width] of needed) {
        if (pos + width > at + 4 + length || pos + width > extra.length) break;
        out[key] = width === 8 ? u64(e, pos, "zip64 size") : e.getUint32(pos, true);
        pos += width;
      }
      if (pos - (at + 4) < needed.reduce((n, [, w]) => n + w, 0)) break;
      return out;
    }
    at += 4 + length;
  }
  throw corrupt(`entry ${quote(path)} lacks the zip64 sizes its record calls for`, path);
}

function decodeName(raw: Uint8Array, flaggedUtf8: boolean): string {
  if (raw.every((b) => b < 0x80)) return String.fromCharCode(...raw);
  try {
    return utf8.decode(raw);
  } catch {
    if (flaggedUtf8) throw corrupt("an entry's name is marked UTF-8 but is not");
    return Array.from(raw, (b) =>
      b < 0x80 ? String.fromCharCode(b) : CP437_HIGH.charAt(b - 0x80),
    ).join("");
  }
}

/** Sorted by position, each entry must end before the next begins. Sets `end`. */
function checkLayout(members: ZipMember[], directoryOffset: number): void {
  const byOffset = [...members].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 0; i < byOffset.length; i++) {
    const a = byOffset[i] as ZipMember;
    const b = byOffset[i + 1];
    const next = b === undefined ? directoryOffset : b.localOffset;
    if (
      b !== undefined &&
      a.localOffset + LOCAL_HEADER_BYTES + a.rawName.length + a.compressedSize > next
    ) {
      throw corrupt(
        `entries ${quote(a.path)} and ${quote(b.path)} overlap (a zip bomb trick)`,
        b.path,
      );
    }
    a.end = next;
  }
}
