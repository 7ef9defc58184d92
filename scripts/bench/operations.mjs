// The measured operations, each an `op(i)` for runLoad: the bare route (the baseline), list,
// search, read and write of content; and the export, timed to its last byte.
import { performance } from "node:perf_hooks";
import { editOf, pick, SEARCH_WORDS, seededRandom } from "./course-content.mjs";
import { outcomeOf, problemSummary, timedFetch } from "./load.mjs";

/**
 * @typedef {ReturnType<typeof import("./load.mjs").apiClient>} Api
 * @typedef {import("./load.mjs").Timed} Timed
 */

/** The list sorts of schemas/content.ts (contentListQuery). */
export const SORTS = ["title", "-title", "updated", "-updated", "filename", "-filename"];

/** @param {Timed} res */
const sampleOf = (res) => ({
  ms: res.ms,
  outcome: outcomeOf(res.status),
  status: res.status,
  detail: res.text,
});

/**
 * Every page's cursor of `GET …/content?collection=resource&limit=50` in each sort, by paging
 * through once (not measured): cursors are opaque, so "a random page" means one of these.
 * `null` stands for the first page.
 * @param {Api} api
 * @param {string} contentPath
 * @returns {Promise<{ sort: string, cursor: string | null }[]>}
 */
export async function harvestCursors(api, contentPath) {
  const pages = [];
  for (const sort of SORTS) {
    /** @type {string | null} */
    let cursor = null;
    for (;;) {
      pages.push({ sort, cursor });
      const res = await api.request("GET", listQuery(contentPath, sort, cursor));
      if (res.status !== 200) throw new Error(`Listing failed: ${res.status} ${res.text}`);
      cursor = JSON.parse(res.text).nextCursor;
      if (!cursor) break;
    }
  }
  return pages;
}

/** @param {string} contentPath @param {string} sort @param {string | null} cursor */
const listQuery = (contentPath, sort, cursor) =>
  `${contentPath}?${new URLSearchParams({
    collection: "resource",
    limit: "50",
    sort,
    ...(cursor ? { cursor } : {}),
  })}`;

/**
 * @param {{ api: Api, url: string, contentPath: string, uids: string[],
 *   cursors: { sort: string, cursor: string | null }[] }} ctx
 */
export function operations({ api, url, contentPath, uids, cursors }) {
  const rng = seededRandom(42);
  return {
    baseline: {
      request: "GET /healthz",
      op: async () => sampleOf(await timedFetch(`${url}/healthz`)),
    },
    list: {
      request: "GET …/content?collection=resource&limit=50&sort=<random>&cursor=<random page>",
      op: async () => {
        const { sort, cursor } = pick(rng, cursors);
        return sampleOf(await api.request("GET", listQuery(contentPath, sort, cursor)));
      },
    },
    "search-title": {
      request: `GET …/content?q=<one of ${SEARCH_WORDS.title.length} title words>`,
      op: async () => {
        const q = new URLSearchParams({ q: pick(rng, SEARCH_WORDS.title) });
        return sampleOf(await api.request("GET", `${contentPath}?${q}`));
      },
    },
    "search-text": {
      request: `GET …/content?text=<one of ${SEARCH_WORDS.text.length} body words>`,
      op: async () => {
        const q = new URLSearchParams({ text: pick(rng, SEARCH_WORDS.text) });
        return sampleOf(await api.request("GET", `${contentPath}?${q}`));
      },
    },
    read: {
      request: "GET …/content/{random uid}",
      op: async () => sampleOf(await api.request("GET", `${contentPath}/${pick(rng, uids)}`)),
    },
    write: {
      request: "PATCH …/content/{random uid} with If-Match (after an unmeasured GET)",
      op: async () => {
        const path = `${contentPath}/${pick(rng, uids)}`;
        const read = await api.request("GET", path);
        if (read.status !== 200) return sampleOf(read);
        const etag = read.headers.get("etag") ?? "";
        return sampleOf(
          await api.request("PATCH", path, {
            json: editOf(rng, JSON.parse(read.text)),
            headers: { "if-match": etag },
          }),
        );
      },
    },
  };
}

/**
 * Downloads the site's export `runs` times, one after another, timing the first and the last
 * byte. A 404 from the API's catch-all (no such route in this build) or any other failure is
 * reported as "not available" rather than failing the benchmark.
 * @param {Api} api
 * @param {string} sitePath /tenants/{t}/sites/{s}
 * @param {number} runs
 * @returns {Promise<import("./report.mjs").ExportResult>}
 */
export async function measureExport(api, sitePath, runs = 3) {
  const request = "GET …/export";
  const result = [];
  let contentType = null;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const res = await fetch(`${api.baseUrl}${sitePath}/export`, { headers: api.headers });
    const ttfbMs = performance.now() - started;
    if (res.status !== 200) {
      const detail = problemSummary(await res.text());
      return { available: false, request, status: res.status, detail };
    }
    contentType = res.headers.get("content-type");
    let bytes = 0;
    // Counted as they arrive (after any Content-Encoding the client undoes), never buffered.
    for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (res.body ?? [])) {
      bytes += chunk.byteLength;
    }
    const ms = performance.now() - started;
    result.push({ ttfbMs: Math.round(ttfbMs), ms: Math.round(ms), bytes });
  }
  return { available: true, request, status: 200, contentType, runs: result };
}
