// The figures of `npm run bench`: latency percentiles, throughput and the ratio against the
// bare route. Pure functions, so the arithmetic is unit-tested (test/scripts/bench-stats.test.ts)
// apart from the load it summarises.

/**
 * The p-th percentile (0–100) of `values` by the nearest-rank method: the smallest value that
 * at least p% of the values are less than or equal to. Always one of the measured values (no
 * interpolation), so a p99 of 2,000 samples is the 1,980th fastest request, not a blend.
 * Null for no values.
 * @param {readonly number[]} values
 * @param {number} p
 * @returns {number | null}
 */
export function percentile(values, p) {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be 0–100, got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sortedPercentile(sorted, p);
}

/**
 * @param {readonly number[]} sorted ascending
 * @param {number} p
 */
function sortedPercentile(sorted, p) {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return /** @type {number} */ (sorted[rank - 1]);
}

/** Milliseconds with two decimals: finer than the timer's noise, short enough for a table. */
const ms = (/** @type {number | null} */ v) => (v === null ? null : Math.round(v * 100) / 100);

/**
 * @typedef {"ok" | "conflict" | "error"} Outcome
 * @typedef {{ ms: number, outcome: Outcome, status: number }} Sample
 * @typedef {{
 *   count: number, ok: number, errors: number, conflicts: number,
 *   p50: number | null, p90: number | null, p99: number | null, max: number | null,
 *   throughput: number | null, wallMs: number
 * }} Summary
 */

/**
 * One operation's figures. `count` is every request that completed (ok, conflict or error);
 * percentiles are of the successful ones only, since a failure's latency (a refused connection,
 * a 500 thrown early) says nothing about the operation. Throughput is completed requests per
 * second of the phase's wall-clock time.
 * @param {readonly Sample[]} samples
 * @param {number} wallMs
 * @returns {Summary}
 */
export function summarize(samples, wallMs) {
  const okMs = samples.filter((s) => s.outcome === "ok").map((s) => s.ms);
  okMs.sort((a, b) => a - b);
  const at = (/** @type {number} */ p) => (okMs.length ? ms(sortedPercentile(okMs, p)) : null);
  return {
    count: samples.length,
    ok: okMs.length,
    errors: samples.filter((s) => s.outcome === "error").length,
    conflicts: samples.filter((s) => s.outcome === "conflict").length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: okMs.length ? ms(/** @type {number} */ (okMs.at(-1))) : null,
    throughput: wallMs > 0 ? Math.round((samples.length / wallMs) * 1000 * 10) / 10 : null,
    wallMs: Math.round(wallMs),
  };
}

/**
 * `value / base` with two decimals (how many times slower than the bare route), or null when
 * either is missing or the base is not positive.
 * @param {number | null | undefined} value
 * @param {number | null | undefined} base
 * @returns {number | null}
 */
export function ratio(value, base) {
  if (value === null || value === undefined || base === null || base === undefined) return null;
  if (!(base > 0)) return null;
  return Math.round((value / base) * 100) / 100;
}

/**
 * The p50 and p99 ratios of an operation against the baseline measured in the same run.
 * @param {Pick<Summary, "p50" | "p99">} op
 * @param {Pick<Summary, "p50" | "p99">} baseline
 */
export function ratios(op, baseline) {
  return { p50: ratio(op.p50, baseline.p50), p99: ratio(op.p99, baseline.p99) };
}
