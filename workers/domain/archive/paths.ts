// Entry names from an archive are untrusted: they become R2 keys and, in the builder, files on
// disk. Each is normalised to "a/b/c" or refused, and a set of them must name distinct files.
//
// Decisions:
// - A backslash is read as a folder separator (zips made on Windows use it), so "a\b" is "a/b"
//   and "..\..\x" escapes like "../../x" does.
// - Any ".." segment is refused, even one that stays inside ("a/../b"): no tool we import from
//   writes one, and a name with one is either an attack or a bug.
// - Control characters (NUL included) are refused; names are otherwise kept as given: no case
//   folding (R2 keys and Hugo on Linux are case-sensitive) and no Unicode normalisation.
// - Two entries collide when their normalised names are equal after Unicode NFC (they would look
//   identical to an author), or when one needs the other to be both a file and a folder.
import { ArchiveError, quote } from "./limits.ts";

const DRIVE = /^[A-Za-z]:/;

export function safeEntryPath(raw: string): string {
  const unsafe = (why: string) =>
    new ArchiveError("unsafe_path", `entry ${quote(raw)} ${why}`, { path: raw });
  if (raw === "")
    throw new ArchiveError("unsafe_path", "an entry has an empty name", { path: raw });
  if (hasControlCharacter(raw)) throw unsafe("has a control character in its name");
  const slashed = raw.replaceAll("\\", "/");
  if (DRIVE.test(slashed)) throw unsafe("starts with a drive letter");
  if (slashed.startsWith("/")) throw unsafe("is an absolute path");
  const segments: string[] = [];
  for (const segment of slashed.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      throw unsafe(segments.length === 0 ? "escapes the archive root" : 'has a ".." segment');
    }
    segments.push(segment);
  }
  if (segments.length === 0) throw unsafe("has an empty name");
  return segments.join("/");
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** The names seen so far in one archive; `add*` throws on a collision. Paths are normalised. */
export class EntryNames {
  /** NFC form → the name as first seen, for the message. */
  private readonly files = new Map<string, string>();
  private readonly folders = new Map<string, string>();

  addFile(path: string): void {
    const key = path.normalize("NFC");
    const seen = this.files.get(key);
    if (seen !== undefined) {
      throw new ArchiveError(
        "duplicate_path",
        seen === path
          ? `entry ${quote(path)} appears more than once`
          : `entries ${quote(seen)} and ${quote(path)} name the same file`,
        { path },
      );
    }
    const folder = this.folders.get(key);
    if (folder !== undefined) {
      throw new ArchiveError(
        "duplicate_path",
        `entry ${quote(path)} is a file, but other entries use ${quote(folder)} as a folder`,
        { path },
      );
    }
    this.addParents(path, key);
    this.files.set(key, path);
  }

  /** Folders may repeat (tar writes one per level, zip tools sometimes twice). */
  addFolder(path: string): void {
    const key = path.normalize("NFC");
    this.conflictWithFile(path, key, key);
    this.addParents(path, key);
    if (!this.folders.has(key)) this.folders.set(key, path);
  }

  private addParents(path: string, key: string): void {
    for (let i = key.lastIndexOf("/"); i > 0; i = key.lastIndexOf("/", i - 1)) {
      const parent = key.slice(0, i);
      if (this.folders.has(parent)) return;
      this.conflictWithFile(path, parent, key);
      this.folders.set(parent, parent);
    }
  }

  private conflictWithFile(path: string, folderKey: string, key: string): void {
    const file = this.files.get(folderKey);
    if (file === undefined) return;
    throw new ArchiveError(
      "duplicate_path",
      folderKey === key
        ? `entry ${quote(path)} is a folder, but another entry is a file of that name`
        : `entry ${quote(path)} is inside ${quote(file)}, which is a file`,
      { path },
    );
  }
}
