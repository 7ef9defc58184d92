// Signed requests from the builder to the Worker's /internal/v1 endpoints that a job depends on
// (activate, offline), as opposed to status reports (job-callbacks.ts), which never fail a job.
//
// Decisions:
// - Signed with the newest job secret only: the Worker accepts every configured secret, so one
//   signature is enough, and during a rotation the newest is the one both sides learn first.
// - Each attempt is signed afresh (a retry after a long backoff is not refused as expired).
// - Network errors, time-outs, 429 and 5xx are retried with backoff within a bound; any other
//   answer is returned to the caller, whose business it is (409 on activation means "superseded").
import { SIGNATURE_HEADER, signRequest } from "#workers/domain/job-signing";
import { withRetry } from "./retry.ts";

export type WorkerRequestOptions = {
  /** Attempts after the first; default 4 (5 tries). */
  retries?: number;
  /** First backoff, doubled per attempt with jitter; default 500 ms. */
  baseDelayMs?: number;
  /** One attempt's time limit; default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
};

export type WorkerAnswer = { status: number; text: string };

class RetryableAnswer extends Error {}

/** POSTs `body` as JSON to `url`, signed; resolves to the first answer that is not retried. */
export async function postSigned(
  url: string,
  body: unknown,
  secret: string,
  options: WorkerRequestOptions = {},
): Promise<WorkerAnswer> {
  const send = options.fetch ?? fetch;
  const target = new URL(url);
  const text = JSON.stringify(body);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return withRetry(
    async () => {
      options.signal?.throwIfAborted();
      const signature = await signRequest({
        secret,
        method: "POST",
        path: target.pathname + target.search,
        body: text,
      });
      const signal = options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs);
      const response = await send(target, {
        method: "POST",
        headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature },
        body: text,
        signal,
      });
      const answer = { status: response.status, text: await response.text().catch(() => "") };
      if (response.status === 429 || response.status >= 500) {
        throw new RetryableAnswer(`${target.pathname} answered ${response.status}`);
      }
      return answer;
    },
    {
      retries: options.retries ?? 4,
      baseDelayMs: options.baseDelayMs ?? 500,
      isRetryable: (error) =>
        !options.signal?.aborted && (error instanceof RetryableAnswer || isNetworkError(error)),
    },
  );
}

/** fetch rejects with a TypeError on network failures and a DOMException on its time limit. */
function isNetworkError(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === "TimeoutError";
}

/** The problem+json `detail` (or `title`) of an answer, for a message; else the status. */
export function describeAnswer(answer: WorkerAnswer): string {
  try {
    const problem = JSON.parse(answer.text) as { detail?: unknown; title?: unknown };
    const said = typeof problem.detail === "string" ? problem.detail : problem.title;
    if (typeof said === "string" && said.length > 0) return `HTTP ${answer.status}: ${said}`;
  } catch {
    // Not JSON.
  }
  return `HTTP ${answer.status}`;
}
