// Published sites, served by hostname from R2 SITES (ARCHITECTURE.md, "Publishing"):
//   <site>.<tenant>.SITES_DOMAIN    live      (and custom domains mapped to the site)
//   <site>.<tenant>.PREVIEW_DOMAIN  preview   (collaborators and shared links only)
// The hot path is memory → Cache API → R2: host → site and site → deploy pointers come from
// site-lookup.ts, the manifest from manifests.ts, the bytes from `blobs/<hash>`. D1 is read
// only when a location's caches miss.
//
// Caching policy for clients and CDNs: fingerprinted assets are immutable; everything else on
// live is short (60 s, must-revalidate) and tagged with the site's cache tag, which publishing,
// rollback and unpublish purge; preview is never cached (private, no-store, noindex).
import type { BuildTarget } from "#schemas/build-job";
import { blobKey, siteMediaPrefix } from "#schemas/deploy";
import { mediaSafetyHeaders } from "#workers/domain/media";
import { createPurgeClient } from "#workers/domain/purge";
import { parseSiteHost, siteCacheTag } from "#workers/domain/site-hosts";
import { type Config, config } from "#workers/env";
import {
  applySecurityHeaders,
  ifNoneMatchHits,
  ifRangeAllows,
  parseRange,
  plainPage,
} from "./http.ts";
import { clearManifestMemory, loadManifest, type Manifest } from "./manifests.ts";
import { decodePath, isFingerprinted, resolvePath } from "./paths.ts";
import { previewGate } from "./preview-access.ts";
import {
  forgetAllLookupsLocally,
  forgetSiteLocally,
  type HostQuery,
  pointersOf,
  type SiteRef,
  siteForHost,
} from "./site-lookup.ts";

export { forgetDomain, forgetSiteLocally } from "./site-lookup.ts";

export const OFFLINE_PATH = "/__lectern/offline.zip";
const RESERVED_PREFIX = "/__lectern/";
const IMMUTABLE = "public, max-age=31536000, immutable";
const SHORT = "public, max-age=60, must-revalidate";
const NO_STORE = "no-store";

/** A site's answers on one target: what every response of this request shares. */
type Served = { target: BuildTarget; site: SiteRef | null; https: boolean };

function respond(
  served: Served,
  status: number,
  body: BodyInit | null,
  init: { headers?: HeadersInit; cache?: string } = {},
): Response {
  const headers = new Headers(init.headers);
  applySecurityHeaders(headers, served.https);
  if (served.target === "preview") {
    headers.set("cache-control", "private, no-store");
    headers.set("x-robots-tag", "noindex");
  } else {
    headers.set("cache-control", init.cache ?? NO_STORE);
    if (served.site) headers.set("cache-tag", siteCacheTag(served.site.siteId));
  }
  return new Response(body, { status, headers });
}

function page(served: Served, status: number, title: string, message: string, head: boolean) {
  return respond(served, status, head ? null : plainPage(title, message), {
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

function isOurDomain(cfg: Config, hostname: string): boolean {
  return [cfg.SITES_DOMAIN, cfg.PREVIEW_DOMAIN].some((d) => {
    const domain = d.toLowerCase();
    return hostname === domain || hostname.endsWith(`.${domain}`);
  });
}

/** Could be a tenant's custom domain (the API only accepts names like this). */
const customDomainShape = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * The answer for a request to a published-site host, or null when the hostname is not one
 * (the app's own host, or an unknown name), so the Worker routes it to the app.
 */
export async function handleDelivery(
  request: Request,
  env: Env,
  _ctx: ExecutionContext,
): Promise<Response | null> {
  const cfg = config(env);
  const url = new URL(request.url);
  const hostname = url.hostname.toLowerCase().replace(/\.$/, "");
  if (hostname === cfg.appHostname) return null;

  const parsed = parseSiteHost(cfg, hostname);
  let query: HostQuery;
  if (parsed) {
    query = { kind: "slugs", hostname, tenantSlug: parsed.tenantSlug, siteSlug: parsed.siteSlug };
  } else if (isOurDomain(cfg, hostname)) {
    // Under our site domains but not a site's name: never let the app answer on these origins.
    const served: Served = { target: "live", site: null, https: url.protocol === "https:" };
    return page(served, 404, "Not found", "There is no site at this address.", false);
  } else if (customDomainShape.test(hostname)) {
    query = { kind: "domain", hostname };
  } else {
    return null;
  }

  const site = await siteForHost(env, query);
  const target: BuildTarget = parsed?.target ?? "live";
  const served: Served = { target, site, https: url.protocol === "https:" };
  const head = request.method === "HEAD";
  if (!site) {
    if (!parsed) return null;
    return page(served, 404, "Not found", "There is no site at this address.", head);
  }
  if (request.method !== "GET" && !head) {
    const res = page(served, 405, "Method not allowed", "Only GET and HEAD are served.", false);
    res.headers.set("allow", "GET, HEAD");
    return res;
  }

  if (target === "preview") {
    const gate = await previewGate(request, url, cfg, site);
    if (gate.kind === "forbidden") {
      return page(
        served,
        403,
        "This preview link has expired",
        "Open the preview from Lectern again to get a fresh link.",
        head,
      );
    }
    if (gate.kind === "redirect") {
      const headers = new Headers({ location: gate.location });
      if (gate.cookie) headers.append("set-cookie", gate.cookie);
      return respond(served, 302, null, { headers });
    }
  }

  const pointers = await pointersOf(env, site);
  const deployId = target === "live" ? pointers?.liveDeployId : pointers?.previewDeployId;
  if (!pointers || !deployId) {
    return page(
      served,
      404,
      "This site is not published",
      target === "live"
        ? "The site has not been published yet, or it was unpublished."
        : "The site has no preview yet.",
      head,
    );
  }

  if (url.pathname === OFFLINE_PATH) {
    return offlineCopy(env, served, site, pointers.slug, deployId, request);
  }
  if (url.pathname.startsWith(RESERVED_PREFIX)) {
    return page(served, 404, "Not found", "There is no page at this address.", head);
  }

  const path = decodePath(url.pathname);
  if (!path) return page(served, 400, "Bad request", "This address is not valid.", head);

  const manifest = await loadManifest(env, deployId);
  if (!manifest) return unavailable(served, head, { deployId, problem: "manifest missing" });

  const resolved = resolvePath(manifest, path);
  if (resolved.kind === "missing") {
    const media = manifest.media.get(path.segments.join("/"));
    // Only the site's own uploads, whatever a manifest says.
    if (media?.key.startsWith(siteMediaPrefix(site.tenantId, site.siteId))) {
      return serveStored(env.MEDIA, served, request, media.key, {
        size: media.size,
        contentType: media.contentType,
        etag: `"m-${media.etag.replace(/"/g, "")}"`,
        // The same key can be given a new file: revalidate, never immutable.
        cache: SHORT,
        // A file deleted from the media library since: gone, not an outage.
        missing: "not-found",
        // Uploaded files are the authors', not the theme's: never sniffed, and anything that
        // could run script on the site's origin (SVG, HTML) downloaded and sandboxed (ADR 012).
        headers: mediaSafetyHeaders(
          media.contentType,
          media.key.slice(media.key.lastIndexOf("/") + 1),
        ),
      });
    }
  }
  if (resolved.kind === "redirect") {
    return respond(served, 301, null, {
      headers: { location: `${url.pathname}/${url.search}` },
      cache: SHORT,
    });
  }
  if (resolved.kind === "missing") return siteNotFound(env, served, manifest, head);
  return serveStored(env.SITES, served, request, blobKey(resolved.file.hash), {
    size: resolved.file.size,
    contentType: resolved.file.contentType,
    etag: `"${resolved.file.hash}"`,
    cache: isFingerprinted(resolved.path) ? IMMUTABLE : SHORT,
  });
}

function unavailable(served: Served, head: boolean, detail: Record<string, string>) {
  console.error(
    JSON.stringify({ level: "error", msg: "delivery", siteId: served.site?.siteId, ...detail }),
  );
  return page(
    served,
    503,
    "This site is temporarily unavailable",
    "Please try again in a moment.",
    head,
  );
}

async function siteNotFound(env: Env, served: Served, manifest: Manifest, head: boolean) {
  const own = manifest.files.get("404.html");
  if (own) {
    const object = head ? null : await env.SITES.get(blobKey(own.hash));
    if (head || object) {
      return respond(served, 404, object?.body ?? null, {
        headers: { "content-type": own.contentType },
        cache: SHORT,
      });
    }
  }
  return page(served, 404, "Not found", "There is no page at this address.", head);
}

/** A built file (a blob in SITES) or an uploaded one (MEDIA), with ETag, 304 and Range. */
async function serveStored(
  bucket: R2Bucket,
  served: Served,
  request: Request,
  key: string,
  file: {
    size: number;
    contentType: string;
    etag: string;
    cache: string;
    missing?: "unavailable" | "not-found";
    headers?: Record<string, string>;
  },
): Promise<Response> {
  const head = request.method === "HEAD";
  const { etag, cache } = file;
  const headers = new Headers({
    ...file.headers,
    "content-type": file.contentType,
    etag,
    "accept-ranges": "bytes",
  });

  if (ifNoneMatchHits(request.headers.get("if-none-match"), etag)) {
    headers.delete("content-type");
    return respond(served, 304, null, { headers, cache });
  }

  const range = ifRangeAllows(request.headers.get("if-range"), etag)
    ? parseRange(request.headers.get("range"), file.size)
    : ({ kind: "none" } as const);
  if (range.kind === "unsatisfiable") {
    headers.set("content-range", `bytes */${file.size}`);
    headers.delete("content-type");
    return respond(served, 416, null, { headers, cache });
  }

  const status = range.kind === "range" ? 206 : 200;
  const length = range.kind === "range" ? range.length : file.size;
  if (range.kind === "range") {
    headers.set(
      "content-range",
      `bytes ${range.offset}-${range.offset + range.length - 1}/${file.size}`,
    );
  }
  headers.set("content-length", String(length));
  if (head) return respond(served, status, null, { headers, cache });

  const object = await bucket.get(
    key,
    range.kind === "range" ? { range: { offset: range.offset, length: range.length } } : {},
  );
  if (!object) {
    if (file.missing === "not-found") {
      return page(served, 404, "Not found", "This file is no longer available.", false);
    }
    return unavailable(served, false, { problem: "stored file missing", key });
  }
  return respond(served, status, object.body, { headers, cache });
}

async function offlineCopy(
  env: Env,
  served: Served,
  site: SiteRef,
  siteSlug: string,
  deployId: string,
  request: Request,
): Promise<Response> {
  const head = request.method === "HEAD";
  const key = `offline/${site.siteId}/${deployId}.zip`;
  const object = head ? await env.SITES.head(key) : await env.SITES.get(key);
  if (!object) {
    return page(served, 404, "Not found", "There is no offline copy of this site yet.", head);
  }
  const headers = new Headers({
    "content-type": "application/zip",
    "content-disposition": `attachment; filename="${siteSlug}.zip"`,
    "content-length": String(object.size),
    etag: object.httpEtag,
  });
  if (ifNoneMatchHits(request.headers.get("if-none-match"), object.httpEtag)) {
    return respond(served, 304, null, { headers, cache: SHORT });
  }
  const body = "body" in object ? (object as R2ObjectBody).body : null;
  return respond(served, 200, body, { headers, cache: SHORT });
}

/**
 * Make the next request for `siteId` see its current pointers: forget them in this isolate and
 * this location's Cache API, and, when a zone is configured, purge the site's cache tag
 * everywhere (errors are logged: the pointer switch already happened and short TTLs bound the
 * staleness). Call it after every activation, rollback and unpublish.
 */
export async function invalidateSite(env: Env, siteId: string): Promise<void> {
  await forgetSiteLocally(siteId);
  const cfg = config(env);
  if (!cfg.PURGE_ZONE_ID || !cfg.PURGE_API_TOKEN) return;
  try {
    await createPurgeClient({
      ...(cfg.PURGE_API_BASE ? { apiBase: cfg.PURGE_API_BASE } : {}),
      zoneId: cfg.PURGE_ZONE_ID,
      token: cfg.PURGE_API_TOKEN,
    }).purge({ tags: [siteCacheTag(siteId)] });
  } catch (err) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "cache purge failed",
        siteId,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
  }
}

/**
 * Forget everything this isolate remembers about sites and the lookups it cached in this
 * location (local purge_everything). Manifests stay in the Cache API: they never change.
 */
export async function forgetEverythingLocally(): Promise<void> {
  clearManifestMemory();
  await forgetAllLookupsLocally();
}
