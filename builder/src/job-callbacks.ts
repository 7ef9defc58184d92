// Sending a job's status to its callback URL (the Worker), signed like the job itself.
//
// Decisions:
// - Never throws: a build must not fail because the Worker was briefly unreachable, and a lost
//   report is made good by the next one or by the Durable Object's deadline alarm. The result
//   says whether it arrived, for the log.
// - Network errors, timeouts, 429 and 5xx are retried with backoff (retry.ts); any other answer
//   is final (a 4xx will not change on a retry). Each attempt is signed afresh, so a retry after
//   a long backoff is not refused as expired.
// - Signed with every configured secret (one v1= each): during a rotation the Worker accepts
//   the report whichever side learned the new secret first.
// - Message and log are cut to the schema's bounds here, so a chatty build cannot make its own
//   report invalid. The log keeps its end, where errors are.
import type { BuildJobStatus } from "#schemas/build-job";
import { SIGNATURE_HEADER, signRequest } from "#workers/domain/job-signing";
import { withRetry } from "./retry.ts";

export type CallbackOptions = {
  /** Attempts after the first; default 6 (about a minute of backoff in all). */
  retries?: number;
  /** First backoff; doubled per attempt, with jitter. Default 1 s. */
  baseDelayMs?: number;
  /** One attempt's time limit. Default 10 s. */
  timeoutMs?: number;
};

export type SendStatus = (callbackUrl: string, status: BuildJobStatus) => Promise<boolean>;

const MESSAGE_MAX = 2000;
const LOG_MAX = 65_536;

class RetryableResponse extends Error {}

/**
 * POSTs `payload` as JSON to `callbackUrl`, signed with every secret (afresh per attempt);
 * network errors, timeouts, 429 and 5xx are retried with backoff. Throws the last error when it
 * gives up. The build's status reports and the media jobs' results both go through here.
 */
export async function postSigned(
  secrets: readonly string[],
  callbackUrl: string,
  payload: unknown,
  options: CallbackOptions & { fetch?: typeof fetch } = {},
): Promise<void> {
  const send = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const body = JSON.stringify(payload);
  const url = new URL(callbackUrl);
  await withRetry(
    async () => {
      const signature = await signRequest({
        secret: secrets,
        method: "POST",
        path: url.pathname + url.search,
        body,
      });
      const response = await send(url, {
        method: "POST",
        headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Read the answer to the end so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      const failure = `callback answered ${response.status}`;
      if (response.status === 429 || response.status >= 500) throw new RetryableResponse(failure);
      throw new Error(failure);
    },
    {
      retries: options.retries ?? 6,
      baseDelayMs: options.baseDelayMs ?? 1000,
      isRetryable: (error) => error instanceof RetryableResponse || isNetworkError(error),
    },
  );
}

export function createStatusSender(
  secrets: readonly string[],
  options: CallbackOptions & {
    fetch?: typeof fetch;
    log?: (line: string) => void;
  } = {},
): SendStatus {
  const log = options.log ?? console.log;
  return async (callbackUrl, status) => {
    const url = new URL(callbackUrl);
    try {
      await postSigned(secrets, callbackUrl, bounded(status), options);
      return true;
    } catch (error) {
      log(
        `builder: job ${status.jobId}: status "${status.state}" not delivered to ${url.origin}${url.pathname}: ${
          (error as Error).message
        }`,
      );
      return false;
    }
  };
}

/** fetch rejects with a TypeError on network failures and a DOMException on its time limit. */
function isNetworkError(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === "TimeoutError" || name === "AbortError";
}

function bounded(status: BuildJobStatus): BuildJobStatus {
  const out: BuildJobStatus = { ...status };
  if (out.message !== undefined && out.message.length > MESSAGE_MAX) {
    out.message = `${out.message.slice(0, MESSAGE_MAX - 1)}…`;
  }
  if (out.log !== undefined && out.log.length > LOG_MAX) {
    out.log = `…${out.log.slice(out.log.length - LOG_MAX + 1)}`;
  }
  return out;
}
