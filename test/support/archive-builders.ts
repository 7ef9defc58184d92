// Zip, tar and gzip bytes for tests, including the damaged and malicious archives real tools
// refuse to write. Independent of workers/domain/archive (own CRC-32, own headers) so the
// readers are checked against a second implementation rather than against themselves. Web APIs
// only: used inside workerd.

export type Bytes = Uint8Array<ArrayBuffer>;

const encoder = new TextEncoder();

export function utf8(text: string): Bytes {
  return encoder.encode(text);
}

function bytesOf(data: Uint8Array | string | undefined): Uint8Array {
  return typeof data === "string" ? utf8(data) : (data ?? new Uint8Array(0));
}

export function concatBytes(parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The bytes as a stream of `chunkSize` pieces (readers must not depend on chunk borders). */
export function streamOf(bytes: Uint8Array, chunkSize = 64 * 1024): ReadableStream<Bytes> {
  let at = 0;
  return new ReadableStream<Bytes>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunkSize));
      at += chunkSize;
    },
  });
}

export async function collect(stream: ReadableStream<Uint8Array>): Promise<Bytes> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concatBytes(parts);
    parts.push(value);
  }
}

export function gzip(bytes: Uint8Array): Promise<Bytes> {
  return collect(streamOf(bytes).pipeThrough(new CompressionStream("gzip")));
}

export function deflateRaw(bytes: Uint8Array): Promise<Bytes> {
  return collect(streamOf(bytes).pipeThrough(new CompressionStream("deflate-raw")));
}

export function fromBase64(text: string): Bytes {
  const binary = atob(text.replace(/\s+/g, ""));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Bit by bit, the slow obvious way. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

// --- tar ---

export type TarSpec = {
  name: string;
  data?: Uint8Array | string;
  /** Typeflag: "0" file (default), "5" folder, "2" symlink, "x" PAX header, "L" GNU long name… */
  type?: string;
  linkname?: string;
  /** The size written in the header, when it should differ from the data. */
  size?: number;
  /** POSIX ustar name prefix. */
  prefix?: string;
};

export function tarHeader(spec: TarSpec): Bytes {
  const block = new Uint8Array(512);
  const put = (offset: number, length: number, value: string) =>
    block.set(utf8(value).subarray(0, length), offset);
  const data = bytesOf(spec.data);
  put(0, 100, spec.name);
  put(100, 8, "0000644\0");
  put(108, 8, "0000000\0");
  put(116, 8, "0000000\0");
  put(124, 12, `${(spec.size ?? data.length).toString(8).padStart(11, "0")}\0`);
  put(136, 12, "00000000000\0");
  put(156, 1, spec.type ?? "0");
  put(157, 100, spec.linkname ?? "");
  put(257, 6, "ustar\0");
  put(263, 2, "00");
  put(345, 155, spec.prefix ?? "");
  put(148, 8, "        ");
  const sum = block.reduce((n, b) => n + b, 0);
  put(148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** A PAX "path" record as GNU tar and Python write it. */
export function paxPath(path: string): Bytes {
  const body = ` path=${path}\n`;
  let length = utf8(body).length + 1;
  while (String(length).length + utf8(body).length !== length) {
    length = String(length).length + utf8(body).length;
  }
  return utf8(`${length}${body}`);
}

export function buildTar(entries: TarSpec[], { end = true } = {}): Bytes {
  const parts: Uint8Array[] = [];
  for (const spec of entries) {
    const data = bytesOf(spec.data);
    parts.push(tarHeader(spec), data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  if (end) parts.push(new Uint8Array(1024));
  return concatBytes(parts);
}

// --- zip ---

export type ZipSpec = {
  name: string;
  data?: Uint8Array | string;
  method?: "store" | "deflate";
  /** Sizes and CRC after the data instead of in the local header (streaming writers). */
  dataDescriptor?: boolean;
  /** Sizes and offset in zip64 extra fields. */
  zip64?: boolean;
  /** Extra general-purpose flags (bit 0: encrypted). The UTF-8 flag is set for non-ASCII. */
  flags?: number;
  /** Unix mode in the external attributes, e.g. 0o120777 for a symlink. */
  unixMode?: number;
  /** Lies, for damaged and malicious archives. */
  declaredSize?: number;
  declaredCompressedSize?: number;
  crc?: number;
  localName?: string;
  /** The name's bytes as stored, e.g. code page 437 (no UTF-8 flag is set then). */
  rawName?: Uint8Array;
  /** A compression method number other than stored (0) and deflate (8). */
  rawMethod?: number;
  /** Compressed bytes to store as they are (e.g. a deflate bomb), with `method: "deflate"`. */
  compressed?: Uint8Array;
};

type Written = {
  spec: ZipSpec;
  name: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  size: number;
  compressedSize: number;
  offset: number;
};

export async function buildZip(
  entries: ZipSpec[],
  opts: { zip64End?: boolean; comment?: string; reuseOffsetOf?: Record<number, number> } = {},
): Promise<Bytes> {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const push = (p: Uint8Array) => {
    parts.push(p);
    offset += p.length;
  };
  const written: Written[] = [];
  for (const spec of entries) {
    const data = bytesOf(spec.data);
    const method = spec.rawMethod ?? (spec.method === "deflate" || spec.compressed ? 8 : 0);
    const compressed = spec.compressed ?? (method === 8 ? await deflateRaw(data) : data);
    const name = spec.rawName ?? utf8(spec.name);
    const nonAscii = spec.rawName === undefined && name.some((b) => b >= 0x80);
    const flags = (spec.flags ?? 0) | (nonAscii ? 0x800 : 0) | (spec.dataDescriptor ? 0x8 : 0);
    const w: Written = {
      spec,
      name,
      flags,
      method,
      crc: spec.crc ?? crc32(data),
      size: spec.declaredSize ?? data.length,
      compressedSize: spec.declaredCompressedSize ?? compressed.length,
      offset,
    };
    written.push(w);
    const localName = spec.localName === undefined ? name : utf8(spec.localName);
    const extra = spec.zip64 ? zip64Extra([w.size, w.compressedSize]) : new Uint8Array(0);
    const header = new Uint8Array(30);
    const h = new DataView(header.buffer);
    h.setUint32(0, 0x04034b50, true);
    h.setUint16(4, spec.zip64 ? 45 : 20, true);
    h.setUint16(6, flags, true);
    h.setUint16(8, method, true);
    h.setUint32(14, spec.dataDescriptor ? 0 : w.crc, true);
    h.setUint32(18, spec.dataDescriptor ? 0 : spec.zip64 ? 0xffffffff : w.compressedSize, true);
    h.setUint32(22, spec.dataDescriptor ? 0 : spec.zip64 ? 0xffffffff : w.size, true);
    h.setUint16(26, localName.length, true);
    h.setUint16(28, extra.length, true);
    push(header);
    push(localName);
    push(extra);
    push(compressed);
    if (spec.dataDescriptor) {
      const d = new DataView(new ArrayBuffer(spec.zip64 ? 24 : 16));
      d.setUint32(0, 0x08074b50, true);
      d.setUint32(4, w.crc, true);
      if (spec.zip64) {
        d.setBigUint64(8, BigInt(w.compressedSize), true);
        d.setBigUint64(16, BigInt(w.size), true);
      } else {
        d.setUint32(8, w.compressedSize, true);
        d.setUint32(12, w.size, true);
      }
      push(new Uint8Array(d.buffer));
    }
  }
  for (const [i, j] of Object.entries(opts.reuseOffsetOf ?? {})) {
    (written[Number(i)] as Written).offset = (written[j] as Written).offset;
  }

  const directoryOffset = offset;
  for (const w of written) {
    const extra = w.spec.zip64
      ? zip64Extra([w.size, w.compressedSize, w.offset])
      : new Uint8Array(0);
    const entry = new Uint8Array(46);
    const e = new DataView(entry.buffer);
    e.setUint32(0, 0x02014b50, true);
    e.setUint16(4, (3 << 8) | 45, true);
    e.setUint16(6, w.spec.zip64 ? 45 : 20, true);
    e.setUint16(8, w.flags, true);
    e.setUint16(10, w.method, true);
    e.setUint32(16, w.crc, true);
    e.setUint32(20, w.spec.zip64 ? 0xffffffff : w.compressedSize, true);
    e.setUint32(24, w.spec.zip64 ? 0xffffffff : w.size, true);
    e.setUint16(28, w.name.length, true);
    e.setUint16(30, extra.length, true);
    const folder = w.spec.name.endsWith("/");
    e.setUint32(38, ((w.spec.unixMode ?? (folder ? 0o040755 : 0o100644)) << 16) >>> 0, true);
    e.setUint32(42, w.spec.zip64 ? 0xffffffff : w.offset, true);
    push(entry);
    push(w.name);
    push(extra);
  }
  const directoryBytes = offset - directoryOffset;
  const comment = utf8(opts.comment ?? "");
  if (opts.zip64End) {
    const recordOffset = offset;
    const record = new DataView(new ArrayBuffer(56));
    record.setUint32(0, 0x06064b50, true);
    record.setBigUint64(4, 44n, true);
    record.setUint16(12, 45, true);
    record.setUint16(14, 45, true);
    record.setBigUint64(24, BigInt(written.length), true);
    record.setBigUint64(32, BigInt(written.length), true);
    record.setBigUint64(40, BigInt(directoryBytes), true);
    record.setBigUint64(48, BigInt(directoryOffset), true);
    push(new Uint8Array(record.buffer));
    const locator = new DataView(new ArrayBuffer(20));
    locator.setUint32(0, 0x07064b50, true);
    locator.setBigUint64(8, BigInt(recordOffset), true);
    locator.setUint32(16, 1, true);
    push(new Uint8Array(locator.buffer));
  }
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, opts.zip64End ? 0xffff : written.length, true);
  end.setUint16(10, opts.zip64End ? 0xffff : written.length, true);
  end.setUint32(12, opts.zip64End ? 0xffffffff : directoryBytes, true);
  end.setUint32(16, opts.zip64End ? 0xffffffff : directoryOffset, true);
  end.setUint16(20, comment.length, true);
  push(new Uint8Array(end.buffer));
  push(comment);
  return concatBytes(parts);
}

function zip64Extra(values: number[]): Bytes {
  const v = new DataView(new ArrayBuffer(4 + values.length * 8));
  v.setUint16(0, 0x0001, true);
  v.setUint16(2, values.length * 8, true);
  values.forEach((n, i) => {
    v.setBigUint64(4 + i * 8, BigInt(n), true);
  });
  return new Uint8Array(v.buffer);
}

// --- bombs ---

/** Writes a deflate bit stream: fields LSB first, Huffman codes MSB first (RFC 1951 3.1.1). */
class BitWriter {
  private bytes: Uint8Array<ArrayBuffer>;
  private bit = 0;

  constructor(capacityBits: number) {
    this.bytes = new Uint8Array(Math.ceil(capacityBits / 8) + 1);
  }

  field(value: number, width: number): void {
    for (let i = 0; i < width; i++) this.put((value >>> i) & 1);
  }

  code(code: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) this.put((code >>> i) & 1);
  }

  zeros(count: number): void {
    this.bit += count;
  }

  alignToByte(): void {
    this.bit = Math.ceil(this.bit / 8) * 8;
  }

  raw(bytes: Uint8Array): void {
    this.bytes.set(bytes, this.bit / 8);
    this.bit += bytes.length * 8;
  }

  done(): Bytes {
    return this.bytes.slice(0, Math.ceil(this.bit / 8));
  }

  private put(b: number): void {
    const at = this.bit >>> 3;
    if (b) this.bytes[at] = (this.bytes[at] ?? 0) | (1 << (this.bit & 7));
    this.bit += 1;
  }
}

/**
 * Raw deflate that inflates to `prefix` (a stored block) then 1 + 258 × `copies` zero bytes,
 * at the format's best ratio: a dynamic Huffman block where "copy 258 bytes from distance 1"
 * costs two bits. 4 KB of it is 4 MB inflated; 1 MB of it, 1 GB.
 */
export function deflateBomb(copies: number, prefix?: Uint8Array): Bytes {
  const w = new BitWriter(200 + (prefix ? (prefix.length + 5) * 8 : 0) + copies * 2);
  if (prefix) {
    w.field(0, 1); // not the last block
    w.field(0, 2); // stored
    w.alignToByte();
    w.field(prefix.length, 16);
    w.field(~prefix.length & 0xffff, 16);
    w.raw(prefix);
  }
  w.field(1, 1); // last block
  w.field(2, 2); // dynamic Huffman
  w.field(286 - 257, 5); // literal/length codes 0..285
  w.field(1 - 1, 5); // one distance code
  w.field(18 - 4, 4); // code length codes, in the order below, up to symbol 1
  const order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1];
  const codeLengthLengths: Record<number, number> = { 18: 1, 1: 2, 2: 2 };
  for (const symbol of order) w.field(codeLengthLengths[symbol] ?? 0, 3);
  // Canonical codes: 18 → 0, 1 → 10, 2 → 11.
  const len1 = () => w.code(0b10, 2);
  const len2 = () => w.code(0b11, 2);
  const zeroRun = (n: number) => {
    w.code(0, 1);
    w.field(n - 11, 7);
  };
  len2(); // literal 0
  zeroRun(138);
  zeroRun(117); // literals 1..255
  len2(); // end of block (256)
  zeroRun(28); // lengths 257..284
  len1(); // length 258 (285)
  len1(); // distance 1 (code 0)
  // Canonical literal/length codes: 285 → 0, literal 0 → 10, end of block → 11.
  w.code(0b10, 2);
  w.zeros(copies * 2);
  w.code(0b11, 2);
  return w.done();
}

/** A gzip member around `deflateBomb`; its trailer is not computed (readers stop long before). */
export function gzipBomb(copies: number, prefix?: Uint8Array): Bytes {
  const header = new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]);
  return concatBytes([header, deflateBomb(copies, prefix), new Uint8Array(8)]);
}
