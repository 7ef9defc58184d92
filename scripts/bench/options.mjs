// Options of `npm run bench`, from flags (which win) or BENCH_* environment variables.

export const USAGE = `Usage: npm run bench -- [--suite content|publish|media-transcode|media-upload|all] [--concurrency N]
                       [--requests N | --duration S] [--items N] [--pages N] [--resources N]
                       [--quick] [--skip-build] [--out FILE]
  --suite S        content (the content API), publish (publishing and delivery),
                   media-transcode (the builder's ffmpeg jobs), media-upload (a 500 MB
                   upload through the Worker vs straight into R2), or all (default: every
                   suite, in that order)
  --concurrency N  concurrent clients, for generation and every measurement (default 20)
  --requests N     requests per measured operation (default 2000)
  --duration S     measure each operation for S seconds instead of a number of requests
  --items N        content: items generated through the API (default 2000)
  --pages N        publish: pages of the generated course (default 1000)
  --resources N    publish: resources of the generated course (default 2000)
  --quick          a smoke test: 200 items, 50 pages, 100 resources, 200 requests
                   (explicit flags still win)
  --skip-build     reuse the last build of the Worker instead of running react-router build
  --out FILE       where the JSON results go, with one suite only (default
                   test/bench/results/<content-api|publish>.json, <…>-quick.json with --quick)
Environment: BENCH_SUITE, BENCH_ITEMS, BENCH_PAGES, BENCH_RESOURCES, BENCH_CONCURRENCY,
BENCH_REQUESTS, BENCH_DURATION.`;

export class UsageError extends Error {}

const FULL = { items: 2000, requests: 2000, pages: 1000, resources: 2000 };
const QUICK = { items: 200, requests: 200, pages: 50, resources: 100 };
/** The suites, in the order `all` runs them. */
export const SUITES = /** @type {const} */ ([
  "content",
  "publish",
  "media-transcode",
  "media-upload",
]);
/** Below this the item mix (70% resources, pages, two singletons) has nothing to measure. */
const MIN_ITEMS = 10;

/**
 * @typedef {(typeof SUITES)[number]} Suite
 * @typedef {{
 *   suites: Suite[], items: number, pages: number, resources: number,
 *   concurrency: number, requests: number, durationS: number | null,
 *   quick: boolean, build: boolean, out: string | null
 * }} BenchOptions
 */

/**
 * @param {readonly string[]} argv the arguments after the script name
 * @param {Record<string, string | undefined>} env
 * @returns {BenchOptions}
 */
export function parseOptions(argv, env = {}) {
  /** @type {Record<string, string>} */
  const given = {};
  let quick = false;
  let build = true;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    if (arg === "--quick") quick = true;
    else if (arg === "--skip-build") build = false;
    else if (arg === "--help" || arg === "-h") help = true;
    else if (
      [
        "--suite",
        "--items",
        "--pages",
        "--resources",
        "--concurrency",
        "--requests",
        "--duration",
        "--out",
      ].includes(arg)
    ) {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--"))
        throw new UsageError(`${arg} needs a value`);
      given[arg.slice(2)] = value;
    } else throw new UsageError(`Unknown argument: ${arg}`);
  }
  if (help) throw new UsageError("");
  const pick = (/** @type {string} */ name) => given[name] ?? env[`BENCH_${name.toUpperCase()}`];
  const defaults = quick ? QUICK : FULL;
  const items = positiveInt("items", pick("items"), defaults.items);
  if (items < MIN_ITEMS) throw new UsageError(`--items must be at least ${MIN_ITEMS}`);
  const duration = pick("duration");
  const suite = pick("suite") ?? "all";
  /** @type {Suite[]} */
  const suites =
    suite === "all"
      ? [...SUITES]
      : SUITES.includes(/** @type {Suite} */ (suite))
        ? [/** @type {Suite} */ (suite)]
        : [];
  if (suites.length === 0) {
    throw new UsageError(`--suite must be one of ${[...SUITES, "all"].join(", ")}, got "${suite}"`);
  }
  if (given.out !== undefined && suites.length > 1) {
    throw new UsageError("--out needs a single --suite (each suite writes its own file)");
  }
  return {
    suites,
    items,
    pages: positiveInt("pages", pick("pages"), defaults.pages),
    resources: positiveInt("resources", pick("resources"), defaults.resources),
    concurrency: positiveInt("concurrency", pick("concurrency"), 20),
    requests: positiveInt("requests", pick("requests"), defaults.requests),
    durationS: duration === undefined ? null : positiveInt("duration", duration, 0),
    quick,
    build,
    out: given.out ?? null,
  };
}

/**
 * @param {string} name
 * @param {string | undefined} raw
 * @param {number} fallback
 */
function positiveInt(name, raw, fallback) {
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new UsageError(`--${name} must be a positive whole number, got "${raw}"`);
  }
  return Number(raw);
}
