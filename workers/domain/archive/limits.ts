// What an uploaded archive may cost, and the one error every archive reader throws.
//
// An import runs in an isolate with 128 MB, so the limits bound work and output, not memory:
// readers never buffer a whole archive, and a caller buffers an entry only through `bytes()`,
// which has its own, smaller cap (`MAX_BUFFERED_ENTRY_BYTES`).

export type ArchiveLimits = {
  /** Members counted: files and folders (links and devices are refused before counting). */
  maxEntries: number;
  /** Largest uncompressed file, declared and actual. */
  maxEntryBytes: number;
  /** Sum of the uncompressed sizes of all files. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio, per zip entry and over a whole gzip stream. */
  maxRatio: number;
};

const MiB = 1024 * 1024;

/** OCW course exports: a few thousand files; PDFs and images, rarely a video. */
export const DEFAULT_IMPORT_LIMITS: ArchiveLimits = {
  maxEntries: 20_000,
  maxEntryBytes: 200 * MiB,
  maxTotalBytes: 1024 * MiB,
  maxRatio: 200,
};

/**
 * The ratio is only judged past this many uncompressed bytes: a tar's zero padding and small,
 * repetitive text files compress 100:1 and more, while the size limits already bound what so
 * little output can cost. A bomb is still stopped within its first MiB past this point.
 */
export const RATIO_GRACE_BYTES = 1 * MiB;

/**
 * Default cap for `bytes()` on an entry. `maxEntryBytes` allows entries (media) far larger than
 * an isolate can hold at once; those are streamed with `stream()`.
 */
export const MAX_BUFFERED_ENTRY_BYTES = 32 * MiB;

export type ArchiveErrorCode =
  | "not_archive"
  | "unsafe_path"
  | "duplicate_path"
  | "unsupported_entry"
  | "too_many_entries"
  | "too_large"
  | "suspicious_ratio"
  | "corrupt";

/** A refused archive. The message says what and where; `path` is the entry, when known. */
export class ArchiveError extends Error {
  override readonly name = "ArchiveError";
  readonly code: ArchiveErrorCode;
  readonly path?: string;

  constructor(
    code: ArchiveErrorCode,
    message: string,
    options: { path?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.path !== undefined) this.path = options.path;
  }
}

/** `"a/b.md"` quoted the way every archive error message shows a name (control chars escaped). */
export function quote(name: string): string {
  return JSON.stringify(name);
}

export function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** Counts members and declared sizes against the limits as a reader meets them. */
export class ArchiveBudget {
  private entries = 0;
  private totalBytes = 0;

  constructor(private readonly limits: ArchiveLimits) {}

  countEntry(path: string): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new ArchiveError(
        "too_many_entries",
        `archive has more than ${this.limits.maxEntries} entries (stopped at ${quote(path)})`,
        { path },
      );
    }
  }

  declareSize(path: string, size: number): void {
    if (size > this.limits.maxEntryBytes) {
      throw new ArchiveError(
        "too_large",
        `entry ${quote(path)} is ${formatBytes(size)}; an entry may be at most ${formatBytes(this.limits.maxEntryBytes)}`,
        { path },
      );
    }
    this.totalBytes += size;
    if (this.totalBytes > this.limits.maxTotalBytes) {
      throw new ArchiveError(
        "too_large",
        `entries add up to more than ${formatBytes(this.limits.maxTotalBytes)} (stopped at ${quote(path)})`,
        { path },
      );
    }
  }
}

/** Throws when `outBytes` from `inBytes` compressed is more than `maxRatio` allows. */
export function checkRatio(
  limits: ArchiveLimits,
  outBytes: number,
  inBytes: number,
  what: string,
  path?: string,
): void {
  if (outBytes > RATIO_GRACE_BYTES && outBytes > inBytes * limits.maxRatio) {
    throw new ArchiveError(
      "suspicious_ratio",
      `${what} expands more than ${limits.maxRatio} times (${formatBytes(inBytes)} to over ${formatBytes(outBytes)}), which is how zip bombs look`,
      { path },
    );
  }
}
