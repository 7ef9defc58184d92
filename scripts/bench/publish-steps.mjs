// The publish benchmark's steps against a running stack: import a course, publish it live and
// wait until the live host serves it, follow the deploy to its end (and its offline copy),
// make a one-word edit, and load a site's pages from concurrent clients.
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { runLoad } from "./load.mjs";
import { editOneWord } from "./publish-figures.mjs";
import { pollUntil } from "./site-client.mjs";

/**
 * @typedef {ReturnType<typeof import("./load.mjs").apiClient>} Api
 * @typedef {ReturnType<typeof import("./site-client.mjs").siteClient>} SiteClient
 * @typedef {import("./site-client.mjs").SiteAnswer} SiteAnswer
 * @typedef {{
 *   id: string, state: string, message: string | null, files: number | null,
 *   blobsUploaded: number | null, bytesUploaded: number | null, offlineUrl: string | null,
 *   offlineBytes: number | null, createdAt: string, startedAt: string | null,
 *   activatedAt: string | null, finishedAt: string | null, durationMs: number | null,
 *   timings: Record<string, number> | null, log?: string | null,
 * }} Deploy
 */

const FINAL_STATES = new Set(["succeeded", "failed", "cancelled"]);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {import("./load.mjs").Timed} res
 * @param {number} expected
 * @param {string} what
 */
function expectStatus(res, expected, what) {
  if (res.status !== expected) {
    throw new Error(`${what} answered ${res.status}: ${res.text.slice(0, 2000)}`);
  }
  return JSON.parse(res.text);
}

/**
 * `POST …/sites/import` with a tar.gz as the raw body, timed to the answer.
 * @param {Api} api
 * @param {string} tenantId
 * @param {string} archive path of the tar.gz
 * @param {string} slug the new site's slug
 */
export async function importCourse(api, tenantId, archive, slug) {
  const body = await readFile(archive);
  const started = performance.now();
  const res = await fetch(`${api.baseUrl}/tenants/${tenantId}/sites/import?slug=${slug}`, {
    method: "POST",
    headers: { ...api.headers, "content-type": "application/gzip" },
    body,
  });
  const text = await res.text();
  const ms = Math.round(performance.now() - started);
  if (res.status !== 201) throw new Error(`Importing ${archive} failed: ${res.status} ${text}`);
  const { site, report } = JSON.parse(text);
  return {
    ms,
    archiveBytes: body.byteLength,
    items: report.items,
    byCollection: report.byCollection,
    missingFiles: report.missingFiles.length,
    site: { id: /** @type {string} */ (site.id), slug: /** @type {string} */ (site.slug) },
  };
}

/**
 * Where the site's live target is served (`live.url` of its publish status).
 * @param {Api} api
 * @param {string} sitePath
 * @returns {Promise<URL>}
 */
export async function liveUrl(api, sitePath) {
  const status = expectStatus(
    await api.request("GET", `${sitePath}/publish`),
    200,
    "GET …/publish",
  );
  return new URL(status.live.url);
}

/**
 * Publishes live and asks the live host for `path` until `accept` takes the answer: the time
 * from the request to the new version being served.
 * @param {{ api: Api, sitePath: string, client: SiteClient, path: string,
 *   accept: (answer: SiteAnswer) => boolean, pollMs: number, timeoutMs: number }} options
 */
export async function publishUntilServed({
  api,
  sitePath,
  client,
  path,
  accept,
  pollMs,
  timeoutMs,
}) {
  // A live publish confirms broken internal links (OCW's fixture course has some on purpose),
  // as an author would to publish anyway; a Worker without that check refuses the field (400)
  // and gets the plain `{}`.
  let body = /** @type {Record<string, boolean>} */ ({ confirmBrokenLinks: true });
  let since = performance.now();
  let res = await api.request("POST", `${sitePath}/publish/live`, { json: body });
  if (res.status === 400) {
    body = {};
    since = performance.now();
    res = await api.request("POST", `${sitePath}/publish/live`, { json: body });
  }
  const accepted = expectStatus(res, 202, "POST …/publish/live");
  const deployId = /** @type {string} */ (accepted.deploy.id);
  /** @type {number | null} */
  let succeededAt = null;
  // Gives up when the deploy failed, or succeeded a while ago and the host still shows the old
  // version (one poll costs delivery little; this one asks the API, so only once a second).
  let unanswered = 0;
  const check = async () => {
    let res;
    try {
      res = await api.request("GET", `${sitePath}/deploys/${deployId}`);
      unanswered = 0;
    } catch (error) {
      // A busy server may drop a connection; one that stays away for ten checks is gone.
      if (++unanswered < 10) return;
      throw new Error(`The API stopped answering while publishing: ${error}`, { cause: error });
    }
    const deploy = expectStatus(res, 200, "GET …/deploys/{id}");
    if (deploy.state === "failed" || deploy.state === "cancelled") {
      throw new Error(
        `Deploy ${deployId} ${deploy.state}: ${deploy.message}\n${deploy.log ?? ""}`.slice(0, 6000),
      );
    }
    if (deploy.state === "succeeded") succeededAt ??= performance.now();
    if (succeededAt !== null && performance.now() - succeededAt > 30_000) {
      throw new Error(
        `Deploy ${deployId} succeeded 30 s ago, but ${path} still shows the old version`,
      );
    }
  };
  const served = await pollUntil(client, path, accept, {
    since,
    intervalMs: pollMs,
    timeoutMs,
    check,
  });
  return {
    deployId,
    body,
    acceptedMs: Math.round(res.ms),
    servedMs: served.ms,
    polls: served.polls,
  };
}

/**
 * Follows a deploy until it has finished and, with `offline`, until its offline copy is
 * stored too (the builder's follow-up, which runs after the deploy is live and would otherwise
 * take CPU from the next measurement).
 * @param {Api} api
 * @param {string} sitePath
 * @param {string} deployId
 * @param {{ offline: boolean, timeoutMs: number, since: number }} options `since`: a
 *   performance.now() value the offline copy's time is counted from
 * @returns {Promise<{ deploy: Deploy, offlineReadyMs: number | null }>}
 */
export async function followDeploy(api, sitePath, deployId, { offline, timeoutMs, since }) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const res = await api.request("GET", `${sitePath}/deploys/${deployId}`);
    /** @type {Deploy} */
    const deploy = expectStatus(res, 200, "GET …/deploys/{id}");
    if (FINAL_STATES.has(deploy.state)) {
      if (deploy.state !== "succeeded") {
        throw new Error(
          `Deploy ${deployId} ended ${deploy.state}: ${deploy.message}\n${deploy.log ?? ""}`.slice(
            0,
            6000,
          ),
        );
      }
      if (!offline || deploy.offlineUrl) {
        const offlineReadyMs = deploy.offlineUrl ? Math.round(performance.now() - since) : null;
        const { log: _log, ...rest } = deploy;
        return { deploy: rest, offlineReadyMs };
      }
    }
    if (performance.now() > deadline) {
      throw new Error(
        `Deploy ${deployId} is still ${deploy.state}${offline ? " (or has no offline copy)" : ""} after ${timeoutMs} ms`,
      );
    }
    await sleep(500);
  }
}

/**
 * Replaces one word of a page's body with `word` (PATCH with If-Match): the first page, by
 * file name, whose body has a plain word to replace. Returns the page and its URL path.
 * @param {Api} api
 * @param {string} contentPath
 * @param {string} word
 */
export async function editOnePage(api, contentPath, word) {
  const list = expectStatus(
    await api.request("GET", `${contentPath}?collection=page&sort=filename&limit=20`),
    200,
    "GET …/content?collection=page",
  );
  for (const summary of list.items) {
    const path = `${contentPath}/${summary.uid}`;
    const read = await api.request("GET", path);
    const item = expectStatus(read, 200, "GET …/content/{uid}");
    const body = editOneWord(item.body ?? "", word);
    if (body === null) continue;
    const res = await api.request("PATCH", path, {
      json: { body },
      headers: { "if-match": read.headers.get("etag") ?? "" },
    });
    expectStatus(res, 200, "PATCH …/content/{uid}");
    return {
      uid: /** @type {string} */ (item.uid),
      filename: /** @type {string} */ (item.filename),
      path: `/pages/${item.filename}/`,
      word,
    };
  }
  throw new Error("No page of the site has a plain word to edit");
}

/**
 * `count` GETs (or `durationMs` of them) from `concurrency` clients, path `pathOf(i)`, each
 * answer expected to be 200; the mean body size of the successful ones comes along.
 * @param {{ client: SiteClient, concurrency: number, count?: number, durationMs?: number,
 *   pathOf: (i: number) => string }} options
 */
export async function loadSite({ client, concurrency, count, durationMs, pathOf }) {
  let bytes = 0;
  let ok = 0;
  const load = await runLoad({
    concurrency,
    ...(durationMs === undefined ? { count } : { durationMs }),
    op: async (i) => {
      const path = pathOf(i);
      const res = await client.get(path);
      if (res.status === 200) {
        bytes += res.bytes;
        ok++;
      }
      return {
        ms: res.ms,
        outcome: res.status === 200 ? "ok" : "error",
        status: res.status,
        detail: `${path}: ${res.body.toString("utf8", 0, 200)}`,
      };
    },
  });
  return { ...load, meanBytes: ok === 0 ? null : Math.round(bytes / ok) };
}
