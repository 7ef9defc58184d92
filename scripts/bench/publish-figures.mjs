// The publish benchmark's arithmetic, apart from any server: the one-word edit, a deploy's
// phases, and delivery against the static baseline. Pure functions, unit-tested in
// test/scripts/bench-publish.test.ts.
import { ratio } from "./stats.mjs";

/** Lines that are markup, not prose: shortcodes, headings, lists, tables, HTML, maths, quotes. */
const NOT_PROSE = /^\s*({{|#|[-*+] |\d+\.|\||<|\$\$|!|>|```)/;

/**
 * The body with one word replaced by `word`: the first word of three or more letters, between
 * spaces or punctuation, on the first line of plain prose (never inside a shortcode, a link or
 * markup, so the page still renders and the word shows on it). Null when there is none.
 * @param {string} body
 * @param {string} word
 * @returns {string | null}
 */
export function editOneWord(body, word) {
  const lines = body.split("\n");
  for (const [i, line] of lines.entries()) {
    if (NOT_PROSE.test(line) || line.trim() === "") continue;
    // Only the text before the first link, shortcode, inline code or HTML tag.
    const cut = line.search(/\[|{{|`|<|\$/);
    const plain = cut === -1 ? line : line.slice(0, cut);
    const match = /(^|\s)([A-Za-z]{3,})(?=[\s.,;:!?]|$)/.exec(plain);
    if (!match) continue;
    const at = match.index + (match[1]?.length ?? 0);
    lines[i] = `${line.slice(0, at)}${word}${line.slice(at + (match[2]?.length ?? 0))}`;
    return lines.join("\n");
  }
  return null;
}

/**
 * The phases the builder lists at the end of its outcome message, which the deploy keeps as
 * its `message` ("…; fetch 2819 ms, build 16966 ms, upload 35916 ms, activate 14 ms, purge 30 ms").
 * @param {string | null | undefined} message
 * @returns {Record<string, number>}
 */
export function phasesFromMessage(message) {
  /** @type {Record<string, number>} */
  const phases = {};
  // The list is the message's last part; earlier parts have timed words of their own
  // ("Hugo 613 ms", "search index of 62 pages 111 ms").
  const list = (message ?? "").split(";").at(-1) ?? "";
  if (!/^\s*([a-z]+ \d+ ms(, |$))+\s*$/.test(list)) return phases;
  for (const m of list.matchAll(/\b([a-z]+) (\d+) ms\b/g)) {
    const [, name, ms] = m;
    if (name) phases[name] = Number(ms);
  }
  return phases;
}

/** The phases in the order they run; a record's other phases (e.g. `search`) go before `upload`. */
export const PHASES = ["queue", "fetch", "build", "upload", "activate", "purge"];

/**
 * Where a publish's time went, phase by phase in milliseconds. The deploy record's `timings`
 * come first (the SitePublisher's `queue` and `purge`, the builder's `fetch`, `build`, `upload`
 * and whatever else it times, such as `search`); the builder's message fills what the record
 * lacks (`activate`; any phase of an older Worker). `other` is the time to served that no phase
 * before activation explains: the job's dispatch to the builder, its status reports, and
 * delivery noticing the new pointer (up to one poll interval). `purge` runs after activation,
 * alongside serving, so it is not part of that sum.
 * @param {{ timings?: Record<string, number> | null, message?: string | null }} deploy
 * @param {number | null} servedMs request to served, as the client saw it
 * @returns {Record<string, number | null>}
 */
export function publishSplit(deploy, servedMs) {
  const record = deploy.timings ?? {};
  const builder = phasesFromMessage(deploy.message);
  const extra = [...new Set([...Object.keys(record), ...Object.keys(builder)])].filter(
    (p) => !PHASES.includes(p),
  );
  const order = [...PHASES.slice(0, 3), ...extra, ...PHASES.slice(3)];
  /** @type {Record<string, number | null>} */
  const split = {};
  for (const phase of order) split[phase] = record[phase] ?? builder[phase] ?? null;
  const before = order.filter((p) => p !== "purge").map((p) => split[p]);
  split.other =
    servedMs === null || before.some((v) => v === null)
      ? null
      : Math.max(0, servedMs - before.reduce((/** @type {number} */ n, v) => n + (v ?? 0), 0));
  return split;
}

/**
 * Lectern's delivery against the static baseline of the same run: p50 and p99 as multiples of
 * the baseline's (above 1 is slower), throughput as a fraction of it (below 1 is fewer).
 * @param {Pick<import("./stats.mjs").Summary, "p50" | "p99" | "throughput">} lectern
 * @param {Pick<import("./stats.mjs").Summary, "p50" | "p99" | "throughput">} baseline
 */
export function vsStatic(lectern, baseline) {
  return {
    p50: ratio(lectern.p50, baseline.p50),
    p99: ratio(lectern.p99, baseline.p99),
    throughput: ratio(lectern.throughput, baseline.throughput),
  };
}

/**
 * `count` paths from `paths`, each once in a seeded order before any repeats: distinct URLs
 * for the uncached measurement, the same ones for both servers.
 * @param {readonly string[]} paths
 * @param {() => number} rng
 */
export function shuffled(paths, rng) {
  const out = [...paths];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [/** @type {string} */ (out[j]), /** @type {string} */ (out[i])];
  }
  return out;
}
