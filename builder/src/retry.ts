// Retrying calls to R2's S3 API. The SDK's own retries are switched off (see storage.ts) so this
// is the one retry policy: it can reopen a file for each attempt, which the SDK cannot do with
// a stream body it has already consumed.

export type RetryOptions = {
  /** Attempts after the first. */
  retries: number;
  /** First wait; doubled per attempt, with jitter. */
  baseDelayMs: number;
  isRetryable: (error: unknown) => boolean;
};

export async function withRetry<T>(
  attempt: () => Promise<T>,
  { retries, baseDelayMs, isRetryable }: RetryOptions,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= retries || !isRetryable(error)) throw error;
      // Jitter: many uploads failing together (a hiccup) do not retry in lockstep.
      const delay = baseDelayMs * 2 ** n * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
