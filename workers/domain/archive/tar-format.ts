// The tar header block (POSIX ustar, with the GNU and PAX extensions readers meet), shared by
// the reader and the writer.
import type { Bytes } from "./bytes.ts";
import { ArchiveError } from "./limits.ts";

export const BLOCK = 512;

/** Bytes of padding after `size` bytes of data, up to the next block. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

const FIELD = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  checksum: [148, 8],
  type: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  prefix: [345, 155],
} as const satisfies Record<string, readonly [number, number]>;

export type TarHeader = {
  /** prefix + "/" + name for POSIX ustar, else name; not yet normalised. */
  name: string;
  size: number;
  /** The typeflag as a character; "\0" for old regular files. */
  type: string;
  linkname: string;
};

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const encoder = new TextEncoder();

export function isZeroBlock(block: Uint8Array): boolean {
  return block.every((b) => b === 0);
}

function field(block: Uint8Array, [offset, length]: readonly [number, number]): Uint8Array {
  return block.subarray(offset, offset + length);
}

function text(bytes: Uint8Array, what: string): string {
  const end = bytes.indexOf(0);
  try {
    return utf8.decode(end === -1 ? bytes : bytes.subarray(0, end));
  } catch {
    throw new ArchiveError("corrupt", `a tar header's ${what} is not UTF-8`);
  }
}

/** Octal, space/NUL terminated; or GNU base-256 (first byte 0x80) for sizes past 8 GiB. */
function number(bytes: Uint8Array, what: string): number {
  if (bytes[0] !== undefined && bytes[0] & 0x80) {
    if (bytes[0] === 0xff) throw new ArchiveError("corrupt", `a tar header's ${what} is negative`);
    let n = bytes[0] & 0x7f;
    for (const b of bytes.subarray(1)) n = n * 256 + b;
    if (!Number.isSafeInteger(n))
      throw new ArchiveError("corrupt", `a tar header's ${what} is too large`);
    return n;
  }
  const digits = String.fromCharCode(...bytes)
    .replace(/[\0 ]+$/, "")
    .replace(/^ +/, "");
  if (digits === "") return 0;
  if (!/^[0-7]+$/.test(digits)) {
    throw new ArchiveError("corrupt", `a tar header's ${what} is not a number`);
  }
  return Number.parseInt(digits, 8);
}

function checksums(block: Uint8Array): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  const [start, length] = FIELD.checksum;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= start && i < start + length ? 0x20 : (block[i] as number);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return { unsigned, signed };
}

/** Null when the checksum does not match (old tars summed signed bytes; both are accepted). */
export function parseHeader(block: Uint8Array): TarHeader | null {
  const stored = String.fromCharCode(...field(block, FIELD.checksum)).replace(
    /^[ \0]+|[ \0]+$/g,
    "",
  );
  if (!/^[0-7]+$/.test(stored)) return null;
  const { unsigned, signed } = checksums(block);
  const expected = Number.parseInt(stored, 8);
  if (expected !== unsigned && expected !== signed) return null;
  const magic = field(block, FIELD.magic);
  // "ustar\0" is POSIX, which splits long names into prefix + name. GNU's "ustar " uses the
  // prefix bytes for other things and writes long names as 'L' entries instead.
  const posix = String.fromCharCode(...magic) === "ustar\0";
  const name = text(field(block, FIELD.name), "name");
  const prefix = posix ? text(field(block, FIELD.prefix), "name prefix") : "";
  return {
    name: prefix === "" ? name : `${prefix}/${name}`,
    size: number(field(block, FIELD.size), "size"),
    type: String.fromCharCode(block[FIELD.type[0]] as number),
    linkname: text(field(block, FIELD.linkname), "link name"),
  };
}

/** PAX extended header records: "<length> <key>=<value>\n", length counting the whole record. */
export function parsePax(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  const bad = () => new ArchiveError("corrupt", "a PAX extended header is malformed");
  let pos = 0;
  while (pos < data.length) {
    // GNU tar pads the data with NULs.
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    if (space === -1) throw bad();
    const length = Number(String.fromCharCode(...data.subarray(pos, space)));
    if (!Number.isSafeInteger(length) || length <= space - pos + 1 || pos + length > data.length) {
      throw bad();
    }
    const record = data.subarray(space + 1, pos + length);
    if (record[record.length - 1] !== 0x0a) throw bad();
    const equals = record.indexOf(0x3d);
    if (equals === -1) throw bad();
    try {
      const key = utf8.decode(record.subarray(0, equals));
      records.set(key, utf8.decode(record.subarray(equals + 1, record.length - 1)));
    } catch {
      throw bad();
    }
    pos += length;
  }
  return records;
}

// --- writing ---

const MAX_OCTAL_SIZE = 0o77777777777;

function writeString(block: Uint8Array, [offset, length]: readonly [number, number], s: string) {
  const bytes = encoder.encode(s);
  block.set(bytes.subarray(0, length), offset);
}

function writeOctal(block: Uint8Array, at: readonly [number, number], n: number) {
  // length - 1 digits and a NUL, as GNU tar and Python write them.
  writeString(block, at, `${n.toString(8).padStart(at[1] - 1, "0")}\0`);
}

/**
 * One header block with every variable field fixed (mtime 0, uid/gid 0, empty owner names), so
 * the same entries always give the same bytes. `name` must be ASCII and fit 100 bytes; longer
 * or non-ASCII names go in a PAX record before it (`paxRecord`).
 */
export function encodeHeader(h: { name: string; size: number; type: "0" | "5" | "x" }): Bytes {
  const block = new Uint8Array(BLOCK);
  writeString(block, FIELD.name, h.name);
  writeOctal(block, FIELD.mode, h.type === "5" ? 0o755 : 0o644);
  writeOctal(block, FIELD.uid, 0);
  writeOctal(block, FIELD.gid, 0);
  // Sizes past 8 GiB go in a PAX "size" record; the field then holds 0.
  writeOctal(block, FIELD.size, h.size > MAX_OCTAL_SIZE ? 0 : h.size);
  writeOctal(block, FIELD.mtime, 0);
  writeString(block, FIELD.type, h.type);
  writeString(block, FIELD.magic, "ustar\0");
  writeString(block, FIELD.version, "00");
  writeOctal(block, FIELD.devmajor, 0);
  writeOctal(block, FIELD.devminor, 0);
  const { unsigned } = checksums(block);
  writeString(block, FIELD.checksum, `${unsigned.toString(8).padStart(6, "0")}\0 `);
  return block;
}

export function needsPaxSize(size: number): boolean {
  return size > MAX_OCTAL_SIZE;
}

export function paxRecord(key: string, value: string): Bytes {
  const body = encoder.encode(` ${key}=${value}\n`);
  // The length counts its own digits: grow it until it is stable.
  let length = body.length + 1;
  while (String(length).length + body.length !== length)
    length = String(length).length + body.length;
  return concat([encoder.encode(String(length)), body]);
}

export function concat(parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
