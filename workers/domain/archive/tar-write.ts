// Writing a tar stream (site exports). The same entries always give the same bytes: every
// header field that would vary (mtime, owner, mode) is fixed, so an export's hash changes only
// when its content does. Sorting is the caller's job: entries are written in the order given.
//
// - A path ending in "/" is a folder (mode 0755, no content); anything else is a file (0644).
//   Parent folders are not added: tar and every extractor create them as needed.
// - Paths are normalised with `safeEntryPath` and must be distinct, as the reader demands.
// - A path longer than 100 bytes or not ASCII goes in a PAX "path" record (UTF-8); the ustar
//   name then holds an ASCII stand-in for readers without PAX. Prefix splitting is not used, so
//   there is one rule for every long name.
// - Content is either bytes or a stream of a declared size (e.g. an R2 object's body), which
//   must deliver exactly that many bytes.
import { type Bytes, own } from "./bytes.ts";
import { ArchiveError, quote } from "./limits.ts";
import { EntryNames, safeEntryPath } from "./paths.ts";
import { BLOCK, concat, encodeHeader, needsPaxSize, padding, paxRecord } from "./tar-format.ts";

export type TarWriterEntry =
  | { path: string; content: Uint8Array }
  | { path: string; size: number; body: ReadableStream<Uint8Array> };

const PAX_HEADER_NAME = "././@PaxHeader";
const ZEROS = new Uint8Array(BLOCK * 2);

export function tarWriter(
  entries: AsyncIterable<TarWriterEntry> | Iterable<TarWriterEntry>,
): ReadableStream<Bytes> {
  const chunks = writeChunks(entries);
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

async function* writeChunks(
  entries: AsyncIterable<TarWriterEntry> | Iterable<TarWriterEntry>,
): AsyncGenerator<Bytes, void, undefined> {
  const names = new EntryNames();
  for await (const entry of entries) {
    const folder = entry.path.endsWith("/");
    const path = safeEntryPath(entry.path);
    const size = "content" in entry ? entry.content.length : entry.size;
    if (folder) {
      if (size !== 0) {
        throw new ArchiveError("corrupt", `folder ${quote(entry.path)} cannot have content`, {
          path,
        });
      }
      names.addFolder(path);
    } else {
      names.addFile(path);
    }
    const name = folder ? `${path}/` : path;
    const pax: Uint8Array[] = [];
    if (!/^[\x20-\x7e]*$/.test(name) || name.length > 100) pax.push(paxRecord("path", name));
    if (needsPaxSize(size)) pax.push(paxRecord("size", String(size)));
    if (pax.length > 0) {
      const records = concat(pax);
      yield encodeHeader({ name: PAX_HEADER_NAME, size: records.length, type: "x" });
      yield concat([records, new Uint8Array(padding(records.length))]);
    }
    yield encodeHeader({ name: asciiStandIn(name), size, type: folder ? "5" : "0" });
    if ("content" in entry) {
      if (size > 0) yield own(entry.content);
    } else {
      yield* copyBody(entry.body, size, path);
    }
    if (padding(size) > 0) yield ZEROS.subarray(0, padding(size));
  }
  yield ZEROS;
}

async function* copyBody(
  body: ReadableStream<Uint8Array>,
  size: number,
  path: string,
): AsyncGenerator<Bytes, void, undefined> {
  const wrongSize = (what: string) =>
    new ArchiveError(
      "corrupt",
      `entry ${quote(path)} was declared as ${size} bytes but its body has ${what}`,
      {
        path,
      },
    );
  const reader = body.getReader();
  let written = 0;
  let complete = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      written += value.length;
      if (written > size) throw wrongSize("more");
      yield own(value);
    }
    if (written < size) throw wrongSize(String(written));
    complete = true;
  } finally {
    // Also when the tar stream is cancelled half way through this entry.
    if (!complete) await reader.cancel().catch(() => {});
  }
}

/** What a reader without PAX support sees: ASCII, at most 100 bytes. */
function asciiStandIn(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, "_").slice(0, 100);
}
