// The Worker's archive modules (workers/domain/archive, shared with the builder) name a web
// streams type that workerd and the DOM declare globally but @types/node only in "stream/web".
import type { ReadableStreamReadResult as NodeReadableStreamReadResult } from "node:stream/web";

declare global {
  type ReadableStreamReadResult<T> = NodeReadableStreamReadResult<T>;
}
