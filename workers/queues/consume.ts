// One way to consume a queue batch, for every consumer: each message is parsed with its schema
// (a malformed one is logged and acknowledged: retrying cannot mend it), handled, acknowledged
// on success, and retried with a capped exponential delay when handling throws. What a message
// means, and what happens once the queue gives up on it, is each consumer's own business.
import type { z } from "zod";

export async function consumeEach<T>(
  batch: MessageBatch<unknown>,
  schema: z.ZodType<T>,
  options: {
    /** The log's prefix, e.g. "publish-queue". */
    name: string;
    /** The longest delay before a retry; the delay doubles per delivery up to it. */
    maxDelaySeconds: number;
    /** What the log names a message by (its kind and ids). */
    describe: (msg: T) => string;
  },
  handle: (msg: T) => Promise<void>,
): Promise<void> {
  for (const message of batch.messages) {
    const parsed = schema.safeParse(message.body);
    if (!parsed.success) {
      console.error(`[${options.name}] dropping a malformed message ${message.id}`);
      message.ack();
      continue;
    }
    try {
      await handle(parsed.data);
      message.ack();
    } catch (err) {
      console.error(
        `[${options.name}] ${options.describe(parsed.data)} failed (delivery ${message.attempts}): ${err instanceof Error ? err.message : err}`,
      );
      message.retry({
        delaySeconds: Math.min(options.maxDelaySeconds, 2 ** message.attempts),
      });
    }
  }
}
