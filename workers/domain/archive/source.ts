// Random access to an archive that stays where it is (R2, or memory in tests): zip is read from
// the end, then entry by entry, and never held whole.
import type { Pull } from "./bytes.ts";
import { EMPTY, pullFrom } from "./bytes.ts";
import { ArchiveError, quote } from "./limits.ts";

export interface RandomAccessSource {
  size: number;
  /** Exactly `length` bytes from `offset` (fewer only past the end). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** One streamed read of a range, where that is cheaper than many `read`s (one R2 request). */
  stream?(offset: number, length: number): ReadableStream<Uint8Array>;
}

/**
 * What `r2Source` needs of a bucket: ranged GETs. R2's binding has it; the type is spelled out so
 * this module stays runtime-neutral (the builder's tests read zips with it in Node).
 */
export interface RangedBucket {
  get(
    key: string,
    options: { range: { offset: number; length: number } },
  ): Promise<{ body: ReadableStream; arrayBuffer(): Promise<ArrayBuffer> } | null>;
}

/** Chunk size for sources without `stream`. */
const READ_CHUNK_BYTES = 1024 * 1024;

export function bytesSource(bytes: Uint8Array): RandomAccessSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
}

/**
 * Range GETs on one R2 object. `size` comes from the caller's `head()`/`put()`; each entry is
 * one request, so an import with many entries spreads over several invocations anyway.
 */
export function r2Source(bucket: RangedBucket, key: string, size: number): RandomAccessSource {
  const get = async (offset: number, length: number) => {
    const object = await bucket.get(key, { range: { offset, length } });
    // Not the archive's fault, so not an ArchiveError.
    if (object === null) throw new Error(`archive object ${quote(key)} is gone from R2`);
    return object;
  };
  return {
    size,
    async read(offset, length) {
      // R2 refuses an empty range.
      if (length === 0) return EMPTY;
      const bytes = new Uint8Array(await (await get(offset, length)).arrayBuffer());
      if (bytes.length !== length) {
        throw new ArchiveError("corrupt", "the archive is shorter than its size says (truncated?)");
      }
      return bytes;
    },
    stream(offset, length) {
      let body: ReturnType<typeof pullFrom> | undefined;
      return new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            if (length === 0) return controller.close();
            body ??= pullFrom((await get(offset, length)).body);
            const chunk = await body.pull();
            if (chunk === undefined) controller.close();
            else controller.enqueue(chunk);
          },
          async cancel(reason) {
            await body?.cancel(reason);
          },
        },
        { highWaterMark: 0 },
      );
    },
  };
}

/** The bytes of a range, through `stream` when the source has it. */
export function readRange(
  src: RandomAccessSource,
  offset: number,
  length: number,
): { pull: Pull; cancel: () => Promise<void> } {
  if (src.stream) return pullFrom(src.stream(offset, length));
  let at = offset;
  const end = offset + length;
  return {
    pull: async () => {
      if (at >= end) return undefined;
      const chunk = await src.read(at, Math.min(READ_CHUNK_BYTES, end - at));
      if (chunk.length === 0) return undefined;
      at += chunk.length;
      return chunk;
    },
    cancel: async () => {
      at = end;
    },
  };
}
