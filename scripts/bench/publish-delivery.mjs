// Delivery of a published course against a static baseline, in the same run and from the same
// client: `wrangler dev` serving the bare Hugo build's output as assets (no Worker code).
//
// What "cached" and "uncached" mean here (workers/delivery/): Lectern keeps host → site and
// site → deploy pointers in isolate memory (and the Cache API), and deploy manifests in memory
// (and the Cache API); page bytes come from R2 on every request, and the Cache API holds no
// pages. The query string plays no part in delivery's lookup, so a cache-busting query would
// change nothing: "uncached" is distinct pages, each asked for once (until the list runs out),
// whose R2 objects have not been read since the upload; "cached" is one page asked for over
// and over. There is no CDN in front of `wrangler dev`, so neither is a CDN hit.
import { seededRandom } from "./course-content.mjs";
import { watchGroup } from "./process-group.mjs";
import { shuffled, vsStatic } from "./publish-figures.mjs";
import { loadSite } from "./publish-steps.mjs";
import { pagePaths, siteClient } from "./site-client.mjs";
import { startStaticSite } from "./static-site.mjs";
import { summarize } from "./stats.mjs";

/**
 * @param {{
 *   lectern: ReturnType<typeof siteClient>,
 *   workerUsage: ReturnType<typeof watchGroup>,
 *   site: { files: string[], output: string, editPath: string },
 *   options: import("./options.mjs").BenchOptions,
 *   step: (message: string) => void,
 *   onStop: (stop: () => Promise<void>) => void,
 * }} ctx
 */
export async function measureDelivery({ lectern, workerUsage, site, options, step, onStop }) {
  const { concurrency } = options;
  const paths = pagePaths(site.files);
  // A course page (not the section's list, not the page the republish edited).
  const cachedPath = paths.find((p) => /^\/pages\/[^/]+\/$/.test(p) && p !== site.editPath) ?? "/";
  const distinct = shuffled(paths, seededRandom(7));
  const warmup = Math.min(options.requests, concurrency * 2);
  const measured = options.durationS
    ? { durationMs: options.durationS * 1000 }
    : { count: options.requests };
  // Warm-up takes its distinct pages from the end of the list, the measurement from the start.
  const warmPath = (/** @type {number} */ i) =>
    /** @type {string} */ (distinct[distinct.length - 1 - (i % distinct.length)]);
  const distinctPath = (/** @type {number} */ i) =>
    /** @type {string} */ (distinct[i % distinct.length]);

  step(`delivery: starting wrangler dev on the bare build's output (${paths.length} pages)`);
  const staticSite = await startStaticSite({ dir: site.output });
  onStop(staticSite.stop);
  const baseline = siteClient({ url: staticSite.url, sockets: concurrency });
  onStop(async () => baseline.close());
  const staticUsage = watchGroup(staticSite.pid);

  const servers = {
    lectern: { client: lectern, usage: workerUsage },
    static: { client: baseline, usage: staticUsage },
  };
  const kinds = {
    cached: {
      request: `GET ${cachedPath}, the same page every time`,
      warm: () => cachedPath,
      path: () => cachedPath,
    },
    uncached: {
      request: `GET <one of ${paths.length} pages>, each once in a seeded order`,
      warm: warmPath,
      path: distinctPath,
    },
  };
  /** @type {Record<string, any>} */
  const operations = {};
  for (const [kind, def] of Object.entries(kinds)) {
    for (const [server, { client, usage }] of Object.entries(servers)) {
      const name = `${server}-${kind}`;
      step(`delivery: ${name}: ${def.request}`);
      await loadSite({ client, concurrency, count: warmup, pathOf: def.warm });
      usage.phase();
      const load = await loadSite({ client, concurrency, ...measured, pathOf: def.path });
      const used = usage.phase();
      const summary = summarize(load.samples, load.wallMs);
      operations[name] = {
        request: def.request,
        ...summary,
        meanBytes: load.meanBytes,
        server: {
          cpuSeconds: used.cpuSeconds,
          cpuMsPerRequest:
            used.cpuSeconds === null || summary.count === 0
              ? null
              : Math.round((used.cpuSeconds / summary.count) * 100000) / 100,
          peakRssBytes: used.peakRssBytes,
        },
        ...(load.errorDetails.length ? { errorDetails: load.errorDetails } : {}),
      };
    }
  }
  const staticServer = staticUsage.stop();
  return {
    course: "generated",
    concurrency,
    warmupRequests: warmup,
    pages: paths.length,
    operations,
    vsStatic: {
      cached: vsStatic(operations["lectern-cached"], operations["static-cached"]),
      uncached: vsStatic(operations["lectern-uncached"], operations["static-uncached"]),
    },
    staticServer: { peakRssBytes: staticServer.peakRssBytes },
  };
}
