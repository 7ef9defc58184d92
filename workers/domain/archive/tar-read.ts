// Reading a tar or tar.gz as it streams in (an upload, or an R2 object's body).
//
// Decisions:
// - Entries come one at a time from an async generator; each is read with `bytes()` or
//   `stream()` before asking for the next, and whatever is left unread is skipped. Reading an
//   entry after moving on fails rather than returning the wrong bytes.
// - Only files and folders are accepted. Links would point outside what was checked, and
//   devices/FIFOs mean nothing in R2; they are refused rather than skipped, so an import never
//   silently loses content.
// - Names come from PAX "path", GNU long names ('L') or the ustar name/prefix, in that order.
//   PAX global headers are ignored (git archive puts a commit id there).
// - The end-of-archive marker is required (a stream cut at an entry boundary looks complete
//   otherwise), and at most 1 MiB may follow it: enough for any record padding, and reading it
//   lets gzip check its CRC and length before the generator finishes.
// - tar has no checksums over data. For .tar.gz the gzip CRC arrives at the end, after the
//   entries were handed out: callers must treat an import as done only when the loop ends.
import type { Bytes, Pull } from "./bytes.ts";
import { ByteReader, pullFrom } from "./bytes.ts";
import { Inflater } from "./inflate.ts";
import {
  ArchiveBudget,
  ArchiveError,
  type ArchiveLimits,
  checkRatio,
  formatBytes,
  MAX_BUFFERED_ENTRY_BYTES,
  quote,
} from "./limits.ts";
import { EntryNames, safeEntryPath } from "./paths.ts";
import { BLOCK, isZeroBlock, padding, parseHeader, parsePax } from "./tar-format.ts";

export type TarEntry = {
  /** Normalised by `safeEntryPath`. */
  path: string;
  size: number;
  /** The whole entry; refused (`too_large`) above `maxBytes`. */
  bytes(maxBytes?: number): Promise<Bytes>;
  /** The entry in chunks, for entries too large to buffer. */
  stream(): ReadableStream<Bytes>;
};

export type ReadTarOptions = { gzip: boolean; limits: ArchiveLimits };

/** PAX and GNU long-name entries are buffered; real ones are a few hundred bytes. */
const MAX_METADATA_BYTES = 1024 * 1024;
const MAX_TRAILING_BYTES = 1024 * 1024;
const STREAM_CHUNK_BYTES = 64 * 1024;
const RAW_CHUNK_BYTES = 64 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export async function* readTar(
  stream: ReadableStream<Uint8Array>,
  opts: ReadTarOptions,
): AsyncGenerator<TarEntry, void, undefined> {
  const input = openInput(stream, opts);
  const reader = new ByteReader(input.pull);
  const names = new EntryNames();
  const budget = new ArchiveBudget(opts.limits);
  let finished = false;
  let previous: string | undefined;
  const after = () => (previous === undefined ? "at the start" : `after ${quote(previous)}`);
  const truncated = (what: string, path?: string) =>
    new ArchiveError("corrupt", `archive ends in the middle of ${what} (truncated?)`, { path });
  const readMetadata = async (size: number, what: string) => {
    if (size > MAX_METADATA_BYTES) {
      throw new ArchiveError("too_large", `${what} ${after()} is ${formatBytes(size)}`);
    }
    const data = await reader.readExactly(size, what);
    if ((await reader.discard(padding(size))) < padding(size)) throw truncated(what);
    return data;
  };
  const skipData = async (size: number, what: string, path?: string) => {
    const n = size + padding(size);
    if ((await reader.discard(n)) < n) throw truncated(what, path);
  };

  try {
    let pax: Map<string, string> | undefined;
    let longName: string | undefined;
    let longLink: string | undefined;
    for (let first = true; ; first = false) {
      const block = await reader.read(BLOCK);
      if (block.length < BLOCK) {
        if (first) throw new ArchiveError("not_archive", "the upload is not a tar archive");
        throw new ArchiveError(
          "corrupt",
          `archive ends ${after()} without an end-of-archive marker (truncated?)`,
        );
      }
      if (isZeroBlock(block)) break;
      const header = parseHeader(block);
      if (header === null) {
        if (first) throw new ArchiveError("not_archive", "the upload is not a tar archive");
        throw new ArchiveError("corrupt", `the tar header ${after()} has a bad checksum`);
      }
      switch (header.type) {
        case "x":
          pax = parsePax(await readMetadata(header.size, "a PAX extended header"));
          continue;
        case "g":
          await skipData(header.size, "a PAX global header");
          continue;
        case "L":
          longName = cString(await readMetadata(header.size, "a GNU long name"));
          continue;
        case "K":
          longLink = cString(await readMetadata(header.size, "a GNU long link name"));
          continue;
      }
      const rawPath = pax?.get("path") ?? longName ?? header.name;
      const linkname = pax?.get("linkpath") ?? longLink ?? header.linkname;
      const paxSize = pax?.get("size");
      const size = paxSize === undefined ? header.size : decimal(paxSize);
      pax = undefined;
      longName = undefined;
      longLink = undefined;

      const path = safeEntryPath(rawPath);
      const plain = header.type === "0" || header.type === "\0" || header.type === "7";
      // Pre-POSIX tars mark folders only by the trailing slash.
      const folder = header.type === "5" || (plain && rawPath.endsWith("/") && size === 0);
      if (!folder && !plain) throw unsupported(path, header.type, linkname);
      budget.countEntry(path);
      previous = path;
      if (folder) {
        names.addFolder(path);
        await skipData(size, `folder ${quote(path)}`, path);
        continue;
      }
      names.addFile(path);
      budget.declareSize(path, size);
      const entry = new StreamedEntry(path, size, reader, opts.limits);
      yield entry;
      await entry.finish();
    }
    const trailing = await reader.discard(MAX_TRAILING_BYTES + 1);
    if (trailing > MAX_TRAILING_BYTES) {
      throw new ArchiveError(
        "corrupt",
        `more than ${formatBytes(MAX_TRAILING_BYTES)} follow the end-of-archive marker`,
      );
    }
    finished = true;
  } finally {
    if (!finished) await input.cancel();
  }
}

function openInput(
  stream: ReadableStream<Uint8Array>,
  { gzip, limits }: ReadTarOptions,
): { pull: Pull; cancel: () => Promise<void> } {
  const raw = pullFrom(stream);
  if (!gzip) return raw;
  const compressed = new ByteReader(raw.pull);
  let checkedMagic = false;
  const inflater = new Inflater(
    "gzip",
    async () => {
      if (!checkedMagic) {
        checkedMagic = true;
        const head = await compressed.read(3);
        if (head[0] !== 0x1f || head[1] !== 0x8b || head[2] !== 0x08) {
          throw new ArchiveError("not_archive", "the upload is not gzip data");
        }
        return head;
      }
      const piece = await compressed.readSome(RAW_CHUNK_BYTES);
      return piece.length === 0 ? undefined : piece;
    },
    "the gzip stream",
  );
  return {
    pull: async () => {
      const chunk = await inflater.next();
      if (chunk !== undefined) {
        checkRatio(limits, inflater.bytesOut, inflater.bytesIn, "the gzip stream");
      }
      return chunk;
    },
    cancel: async () => {
      await inflater.cancel();
      await raw.cancel();
    },
  };
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  try {
    return utf8.decode(end === -1 ? bytes : bytes.subarray(0, end));
  } catch {
    throw new ArchiveError("corrupt", "a GNU long name is not UTF-8");
  }
}

function decimal(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new ArchiveError("corrupt", `a PAX size ${quote(value)} is not a number`);
  }
  return n;
}

function unsupported(path: string, type: string, linkname: string): ArchiveError {
  const what: Record<string, string> = {
    "1": `a hard link to ${quote(linkname)}`,
    "2": `a symbolic link to ${quote(linkname)}`,
    "3": "a character device",
    "4": "a block device",
    "6": "a FIFO",
  };
  return new ArchiveError(
    "unsupported_entry",
    `entry ${quote(path)} is ${what[type] ?? `of tar type ${quote(type)}`}; only files and folders are imported`,
    { path },
  );
}

class StreamedEntry implements TarEntry {
  private left: number;
  private claimed = false;
  private current = true;
  /** The read in progress, awaited before the generator moves on. */
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    readonly size: number,
    private readonly reader: ByteReader,
    private readonly limits: ArchiveLimits,
  ) {
    this.left = size;
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
    this.claim();
    const job = this.reader.readExactly(this.size, `entry ${quote(this.path)}`, this.path);
    this.busy = job.catch(() => {});
    // A copy: the reader's chunk also holds the next header.
    const data = (await job).slice();
    this.left = 0;
    return data;
  }

  stream(): ReadableStream<Bytes> {
    this.claim();
    return new ReadableStream<Bytes>(
      {
        pull: (controller) => {
          const job = this.pullInto(controller);
          this.busy = job.catch(() => {});
          return job;
        },
      },
      // Read only on demand, so nothing is read ahead when the caller moves on.
      { highWaterMark: 0 },
    );
  }

  async finish(): Promise<void> {
    this.current = false;
    await this.busy;
    const n = this.left + padding(this.size);
    this.left = 0;
    if ((await this.reader.discard(n)) < n) {
      throw new ArchiveError(
        "corrupt",
        `archive ends in the middle of entry ${quote(this.path)} (truncated?)`,
        { path: this.path },
      );
    }
  }

  private claim(): void {
    if (!this.current) {
      throw new Error(`entry ${quote(this.path)} was read after readTar moved to the next entry`);
    }
    if (this.claimed) throw new Error(`entry ${quote(this.path)} was already read`);
    this.claimed = true;
  }

  private async pullInto(controller: ReadableStreamDefaultController<Bytes>): Promise<void> {
    if (!this.current) {
      throw new Error(`entry ${quote(this.path)} was read after readTar moved to the next entry`);
    }
    if (this.left === 0) {
      controller.close();
      return;
    }
    const piece = await this.reader.readSome(Math.min(this.left, STREAM_CHUNK_BYTES));
    if (piece.length === 0) {
      throw new ArchiveError(
        "corrupt",
        `archive ends in the middle of entry ${quote(this.path)} (truncated?)`,
        { path: this.path },
      );
    }
    this.left -= piece.length;
    // A copy, so a consumer that transfers the buffer cannot take the next header with it.
    controller.enqueue(piece.slice());
    if (this.left === 0) controller.close();
  }
}
