// The load generator: timed HTTP requests and N concurrent clients working through a number of
// requests or a stretch of time. Node's global fetch (undici) keeps connections alive, so each
// client reuses its socket as a browser or an API integration would.
import { performance } from "node:perf_hooks";

/**
 * @typedef {{ status: number, ms: number, headers: Headers, text: string, bytes: number }} Timed
 * @typedef {import("./stats.mjs").Sample} Sample
 */

/**
 * One request, timed from the call to the last byte of the body (the body is always read: an
 * unread body would keep its connection busy and make the next request open a new one).
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<Timed>}
 */
export async function timedFetch(url, init) {
  const started = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  const ms = performance.now() - started;
  return { status: res.status, ms, headers: res.headers, text, bytes: Buffer.byteLength(text) };
}

/**
 * A JSON API client for one base URL with one set of headers (the bearer token).
 * @param {string} baseUrl e.g. http://127.0.0.1:8787/api/v1
 * @param {Record<string, string>} headers
 */
export function apiClient(baseUrl, headers) {
  /**
   * @param {string} method
   * @param {string} path
   * @param {{ json?: unknown, headers?: Record<string, string> }} [options]
   */
  const request = (method, path, options = {}) =>
    timedFetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...headers,
        ...(options.json === undefined ? {} : { "content-type": "application/json" }),
        ...options.headers,
      },
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
    });
  return { baseUrl, headers, request };
}

/**
 * An outcome for the statistics: 2xx is ok, 412 (a stale If-Match) a conflict, anything else
 * an error.
 * @param {number} status
 * @returns {import("./stats.mjs").Outcome}
 */
export const outcomeOf = (status) =>
  status >= 200 && status < 300 ? "ok" : status === 412 ? "conflict" : "error";

/**
 * A failed answer in a line: a problem document's code, detail and field errors, or the start
 * of whatever else came back.
 * @param {string} text
 */
export function problemSummary(text) {
  try {
    const p = JSON.parse(text);
    const fields = Array.isArray(p.errors)
      ? ` ${p.errors.map((/** @type {{ field: string, message: string }} */ e) => `${e.field}: ${e.message}`).join("; ")}`
      : "";
    return `${p.code ?? ""} ${p.detail ?? p.title ?? ""}${fields}`.trim();
  } catch {
    return text.slice(0, 200);
  }
}

/**
 * Runs `op` from `concurrency` clients until `count` operations have started, or until
 * `durationMs` has passed (then clients finish what they started). `op(i)` gets a global
 * index and returns its timed sample; a thrown error counts as an error sample (status 0).
 * The first few unexpected answers are kept to explain a non-zero error count.
 * @param {{
 *   concurrency: number,
 *   count?: number,
 *   durationMs?: number,
 *   op: (i: number) => Promise<Sample & { detail?: string }>,
 * }} options
 */
export async function runLoad({ concurrency, count, durationMs, op }) {
  if (count === undefined && durationMs === undefined) throw new Error("give count or duration");
  /** @type {Sample[]} */
  const samples = [];
  /** @type {string[]} */
  const errorDetails = [];
  let next = 0;
  const started = performance.now();
  const deadline = durationMs === undefined ? Infinity : started + durationMs;
  const more = () => (count === undefined || next < count) && performance.now() < deadline;
  const client = async () => {
    while (more()) {
      const i = next++;
      const opStarted = performance.now();
      let sample;
      try {
        const { detail, ...s } = await op(i);
        sample = s;
        if (s.outcome === "error" && errorDetails.length < 5) {
          errorDetails.push(`${s.status}: ${problemSummary(detail ?? "")}`.slice(0, 300));
        }
      } catch (err) {
        sample = { ms: performance.now() - opStarted, outcome: "error", status: 0 };
        if (errorDetails.length < 5) errorDetails.push(String(err).slice(0, 300));
      }
      samples.push(/** @type {Sample} */ (sample));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { samples, wallMs: performance.now() - started, errorDetails };
}
