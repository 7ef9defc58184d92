// Reading exact byte counts from a stream that arrives in chunks of any size.
import { ArchiveError } from "./limits.ts";

export const EMPTY = new Uint8Array(0);

/**
 * Bytes backed by a plain ArrayBuffer: what Response, R2 and CompressionStream accept. Every
 * buffer in a Worker is one; the copy is for the type's other case (SharedArrayBuffer).
 */
export type Bytes = Uint8Array<ArrayBuffer>;

export function own(bytes: Uint8Array): Bytes {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Bytes) : bytes.slice();
}

/** Next chunk, or undefined at the end. */
export type Pull = () => Promise<Uint8Array | undefined>;

export function pullFrom(stream: ReadableStream<Uint8Array>): {
  pull: Pull;
  cancel: (reason?: unknown) => Promise<void>;
} {
  const reader = stream.getReader();
  return {
    pull: async () => {
      const { done, value } = await reader.read();
      return done ? undefined : value;
    },
    cancel: (reason) => reader.cancel(reason).catch(() => {}),
  };
}

export class ByteReader {
  private chunk: Uint8Array = EMPTY;
  private ended = false;
  /** Bytes handed out or skipped so far. */
  position = 0;

  constructor(private readonly pull: Pull) {}

  /** Exactly `n` bytes, or fewer only when the input ends first. May share memory with input. */
  async read(n: number): Promise<Uint8Array> {
    if (this.chunk.length === 0) await this.fill();
    if (this.chunk.length >= n) return this.take(n);
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.chunk.length === 0 && !(await this.fill())) break;
      const piece = this.take(Math.min(n - filled, this.chunk.length));
      out.set(piece, filled);
      filled += piece.length;
    }
    return filled === n ? out : out.subarray(0, filled);
  }

  /** Like `read` but throws `corrupt` when the input ends first. */
  async readExactly(n: number, what: string, path?: string): Promise<Uint8Array> {
    const bytes = await this.read(n);
    if (bytes.length < n) {
      throw new ArchiveError("corrupt", `archive ends in the middle of ${what} (truncated?)`, {
        path,
      });
    }
    return bytes;
  }

  /** Whatever is at hand, 1..`max` bytes, without copying; empty only at the end. */
  async readSome(max: number): Promise<Uint8Array> {
    if (this.chunk.length === 0 && !(await this.fill())) return EMPTY;
    return this.take(Math.min(max, this.chunk.length));
  }

  /** Reads and throws away `n` bytes (padding, unread entries); returns how many there were. */
  async discard(n: number): Promise<number> {
    let skipped = 0;
    while (skipped < n) {
      const piece = await this.readSome(n - skipped);
      if (piece.length === 0) break;
      skipped += piece.length;
    }
    return skipped;
  }

  private take(n: number): Uint8Array {
    const piece = this.chunk.subarray(0, n);
    this.chunk = this.chunk.subarray(n);
    this.position += n;
    return piece;
  }

  private async fill(): Promise<boolean> {
    while (!this.ended && this.chunk.length === 0) {
      const next = await this.pull();
      if (next === undefined) this.ended = true;
      else this.chunk = next;
    }
    return this.chunk.length > 0;
  }
}
