// Archive reading and writing for imports (OCW course exports as zip or tar.gz) and exports
// (sites as tar). Runtime-neutral web APIs only: runs in workerd, and streams everything.
export { crc32 } from "./crc32.ts";
export {
  ArchiveError,
  type ArchiveErrorCode,
  type ArchiveLimits,
  DEFAULT_IMPORT_LIMITS,
  MAX_BUFFERED_ENTRY_BYTES,
} from "./limits.ts";
export { safeEntryPath } from "./paths.ts";
export { type ArchiveKind, SNIFF_BYTES, sniffArchive } from "./sniff.ts";
export { bytesSource, type RandomAccessSource, r2Source } from "./source.ts";
export { type ReadTarOptions, readTar, type TarEntry } from "./tar-read.ts";
export { type TarWriterEntry, tarWriter } from "./tar-write.ts";
export { openZip, type ZipEntry } from "./zip.ts";
export type { RejectedEntries } from "./zip-directory.ts";
