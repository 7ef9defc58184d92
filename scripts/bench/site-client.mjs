// HTTP to published sites. A site is served on its own hostname (`<site>.<tenant>.sites.localhost`
// locally), which Node cannot resolve, and fetch (undici) does not let a caller set `Host`; so
// requests go to 127.0.0.1 through node:http with the site's Host header, on a keep-alive
// agent with one socket per client. The static baseline is asked the same way (without a Host
// override), so both servers see the same client.
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

/**
 * @typedef {{ status: number, ms: number, bytes: number, body: Buffer,
 *   headers: import("node:http").IncomingHttpHeaders }} SiteAnswer
 */

/**
 * @param {{ url: string, host?: string, sockets?: number }} options
 *   `url` where the server listens (http://127.0.0.1:<port>), `host` the Host header to send
 */
export function siteClient({ url, host, sockets = 20 }) {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  /**
   * GET `path`, timed from the call to the last byte of the body.
   * @param {string} path
   * @param {{ timeoutMs?: number }} [options]
   * @returns {Promise<SiteAnswer>}
   */
  const get = (path, { timeoutMs = 30_000 } = {}) =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path,
          method: "GET",
          headers: host ? { host } : {},
          timeout: timeoutMs,
        },
        (res) => {
          /** @type {Buffer[]} */
          const chunks = [];
          res.on("data", (chunk) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const body = Buffer.concat(chunks);
            resolve({
              status: res.statusCode ?? 0,
              ms: performance.now() - started,
              bytes: body.byteLength,
              body,
              headers: res.headers,
            });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
      req.on("error", reject);
      req.end();
    });
  return { url, host: host ?? target.host, get, close: () => agent.destroy() };
}

/**
 * Asks for `path` every `intervalMs` until `accept` says yes; how long that took from `since`
 * (a performance.now() value, e.g. just before the publish request) and how many requests.
 * @param {ReturnType<typeof siteClient>} client
 * @param {string} path
 * @param {(answer: SiteAnswer) => boolean} accept
 * @param {{ since: number, intervalMs?: number, timeoutMs?: number,
 *   check?: () => Promise<void>, checkEveryMs?: number }} options
 *   `check` runs every `checkEveryMs` (default 1 s) and throws to give up early (a failed build)
 */
export async function pollUntil(
  client,
  path,
  accept,
  { since, intervalMs = 100, timeoutMs, check, checkEveryMs = 1000 },
) {
  const deadline = timeoutMs === undefined ? Infinity : since + timeoutMs;
  let nextCheck = performance.now() + checkEveryMs;
  let polls = 0;
  /** @type {SiteAnswer | null} */
  let last = null;
  for (;;) {
    polls++;
    try {
      last = await client.get(path);
      if (accept(last)) return { ms: Math.round(performance.now() - since), polls };
    } catch {
      // A refused or reset connection: the server is busy; ask again.
    }
    if (check && performance.now() >= nextCheck) {
      await check();
      nextCheck = performance.now() + checkEveryMs;
    }
    if (performance.now() > deadline) {
      throw new Error(
        `${client.host}${path} did not show the new version within ${timeoutMs} ms ` +
          `(last answer: ${last ? `${last.status}, ${last.bytes} bytes` : "none"})`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * URL paths of a built site's HTML pages from their files (`pages/a/index.html` → `/pages/a/`,
 * `index.html` → `/`), without the 404 page. Pure.
 * @param {readonly string[]} files paths relative to the site's root, `/`-separated
 */
export function pagePaths(files) {
  return files
    .filter((f) => f.endsWith(".html") && f !== "404.html")
    .map((f) => `/${f.replace(/(^|\/)index\.html$/, "$1")}`)
    .sort();
}
