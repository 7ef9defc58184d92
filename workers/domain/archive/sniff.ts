// Which reader an upload needs, judged by its first bytes: names and Content-Type are whatever
// the uploader's browser guessed.

export type ArchiveKind = "zip" | "tar.gz" | "tar";

/** Enough of the head for every kind `sniffArchive` knows (the ustar magic sits at 257). */
export const SNIFF_BYTES = 512;

export function sniffArchive(head: Uint8Array): ArchiveKind | null {
  const at = (offset: number, ...bytes: number[]) =>
    head.length >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b);
  // A local file header, or the end record alone (an empty zip).
  if (at(0, 0x50, 0x4b, 0x03, 0x04) || at(0, 0x50, 0x4b, 0x05, 0x06)) return "zip";
  // gzip with deflate; whether a tar is inside shows once it is inflated.
  if (at(0, 0x1f, 0x8b, 0x08)) return "tar.gz";
  // "ustar" in POSIX and GNU headers alike; pre-POSIX (v7) tars carry no magic and are not
  // accepted.
  if (at(257, 0x75, 0x73, 0x74, 0x61, 0x72)) return "tar";
  return null;
}
