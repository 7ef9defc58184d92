// Decoder for the `aws-chunked` content encoding that S3 clients use for STREAMING-* payloads
// (S3 API Reference, "Signature Calculations for the Authorization Header: Transferring Payload
// in Multiple Chunks" and "…Including Trailing Headers"). The framing is
//
//   <hex size>[;chunk-signature=<sig>]\r\n<size bytes>\r\n   … repeated …
//   0[;chunk-signature=<sig>]\r\n
//   [<trailer name>:<value>\r\n …]   e.g. x-amz-checksum-crc32, x-amz-trailer-signature
//   \r\n
//
// Chunk and trailer signatures are parsed but not verified: the stand-in only runs locally, and
// the seed request itself is verified. Checksum trailers are collected, not checked.

/** A size line or trailer line longer than this is not aws-chunked framing. */
const MAX_LINE_BYTES = 4096;
const CR = 0x0d;
const LF = 0x0a;

type State = "size" | "data" | "data-end" | "trailer" | "done";

export class AwsChunkedError extends Error {}

export class AwsChunkedDecoder {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  /** Set when the framing is wrong, so callers can tell a bad body from a storage failure. */
  failure: AwsChunkedError | null = null;
  readonly trailers = new Map<string, string>();

  #state: State = "size";
  #line: number[] = [];
  #remaining = 0;

  constructor() {
    const stream = new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        this.#guard(() => this.#consume(chunk, (bytes) => controller.enqueue(bytes)));
      },
      flush: () => {
        this.#guard(() => {
          // A final chunk without the closing empty line is accepted: nothing is lost.
          const endedAfterFinalChunk =
            this.#state === "trailer" && this.#line.length === 0 && this.trailers.size === 0;
          if (this.#state !== "done" && !endedAfterFinalChunk) {
            throw new AwsChunkedError("The aws-chunked body ended before its final chunk");
          }
        });
      },
    });
    this.readable = stream.readable;
    this.writable = stream.writable;
  }

  #guard(step: () => void) {
    try {
      step();
    } catch (err) {
      if (err instanceof AwsChunkedError) this.failure = err;
      throw err;
    }
  }

  #consume(chunk: Uint8Array, emit: (bytes: Uint8Array) => void) {
    let i = 0;
    while (i < chunk.length) {
      switch (this.#state) {
        case "size":
        case "trailer": {
          const end = chunk.indexOf(LF, i);
          const stop = end < 0 ? chunk.length : end;
          for (let j = i; j < stop; j++) this.#line.push(chunk[j] as number);
          if (this.#line.length > MAX_LINE_BYTES) {
            throw new AwsChunkedError("An aws-chunked header line is too long");
          }
          i = stop;
          if (end < 0) break;
          i = end + 1;
          this.#endLine();
          break;
        }
        case "data": {
          const take = Math.min(this.#remaining, chunk.length - i);
          emit(chunk.slice(i, i + take));
          this.#remaining -= take;
          i += take;
          if (this.#remaining === 0) {
            this.#state = "data-end";
            this.#remaining = 2;
          }
          break;
        }
        case "data-end": {
          const expected = this.#remaining === 2 ? CR : LF;
          if (chunk[i] !== expected) {
            throw new AwsChunkedError("An aws-chunked chunk is not followed by CRLF");
          }
          i++;
          this.#remaining--;
          if (this.#remaining === 0) this.#state = "size";
          break;
        }
        case "done":
          throw new AwsChunkedError("Data follows the end of the aws-chunked body");
      }
    }
  }

  #endLine() {
    const bytes = this.#line;
    this.#line = [];
    if (bytes.at(-1) !== CR) throw new AwsChunkedError("aws-chunked lines must end with CRLF");
    const line = String.fromCharCode(...bytes.slice(0, -1));
    if (this.#state === "size") {
      const [size, ...extensions] = line.split(";");
      if (!size || !/^[0-9a-fA-F]{1,8}$/.test(size)) {
        throw new AwsChunkedError("An aws-chunked size line is not hexadecimal");
      }
      if (extensions.some((ext) => !/^chunk-signature=[0-9a-f]{64}$/.test(ext))) {
        throw new AwsChunkedError("Unknown aws-chunked chunk extension");
      }
      this.#remaining = Number.parseInt(size, 16);
      this.#state = this.#remaining === 0 ? "trailer" : "data";
      return;
    }
    if (line === "") {
      this.#state = "done";
      return;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new AwsChunkedError("An aws-chunked trailer is not name:value");
    this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
}
