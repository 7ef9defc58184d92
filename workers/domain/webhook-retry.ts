// When a failed webhook delivery is tried again: exponential backoff with full-range jitter
// (±20 %), from `base` seconds, growing ×4, capped at 10 hours. With the default base of 5 s
// the 10 attempts span about 27.6 hours (5 s, 20 s, 80 s, 5 min, 21 min, 85 min, 5.7 h, 10 h,
// 10 h), past a day of the receiver being down. Each wait fits one queue message delay
// (Cloudflare Queues allow at most 12 h).

export const MAX_ATTEMPTS = 10;
export const MAX_DELAY_SECONDS = 36_000;

/** Seconds to wait after failed attempt `attempt` (1-based), or null when it was the last. */
export function retryDelaySeconds(
  attempt: number,
  base: number,
  random = Math.random,
): number | null {
  if (attempt >= MAX_ATTEMPTS) return null;
  if (base <= 0) return 0;
  const raw = Math.min(base * 4 ** (attempt - 1), MAX_DELAY_SECONDS);
  const jittered = raw * (0.8 + 0.4 * random());
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.round(jittered)));
}

/** The whole schedule's length in seconds, without jitter (for docs and tests). */
export function scheduleSpanSeconds(base: number): number {
  let total = 0;
  for (let a = 1; a < MAX_ATTEMPTS; a++) total += Math.min(base * 4 ** (a - 1), MAX_DELAY_SECONDS);
  return total;
}
