// Which site a hostname serves and which deploys that site points at, without D1 on the hot
// path: per-isolate memory (short TTL) → the Cache API (this location, ~a minute, tagged with
// the site's cache tag so a purge by tag drops it) → D1 on a miss, whose answer fills both.
// Unknown hostnames are cached too (negatively), so a flood of random Host headers costs one
// D1 read per name and location per minute, not one per request.
//
// Invalidation: `forgetSiteLocally` drops this isolate's memory and this location's Cache API
// entry for a site's pointers; other locations drop theirs through the purge by tag (see
// invalidateSite in index.ts), other isolates within POINTER_MEMORY_MS.
import { createDb } from "#workers/db/client";
import {
  findSiteByDomain,
  findSiteBySlugs,
  getSitePointers,
  type SiteHostRow,
} from "#workers/db/queries/delivery";
import { siteCacheTag } from "#workers/domain/site-hosts";
import { TtlCache } from "./memory.ts";

/** Synthetic origin of delivery's Cache API keys; never a real host. */
export const INTERNAL_ORIGIN = "https://lectern-delivery.internal";
/** How long an isolate trusts a pointer it has seen (the staleness bound after a purge). */
export const POINTER_MEMORY_MS = 2_000;
const HOST_MEMORY_MS = 10_000;
/** How long a location's Cache API keeps pointers and host mappings. */
export const LOOKUP_CACHE_SECONDS = 60;

export type SiteRef = SiteHostRow;

/**
 * This location's Cache API. (The project compiles with the DOM lib for the UI, whose
 * CacheStorage type lacks workerd's `default`.)
 */
export function edgeCache(): Cache {
  return (caches as unknown as { default: Cache }).default;
}
export type SitePointers = {
  slug: string;
  previewDeployId: string | null;
  liveDeployId: string | null;
};

const hosts = new TtlCache<SiteRef | null>(HOST_MEMORY_MS, 10_000);
const pointers = new TtlCache<SitePointers | null>(POINTER_MEMORY_MS, 10_000);

export const hostKey = (kind: HostQuery["kind"], hostname: string) =>
  `${INTERNAL_ORIGIN}/host/${kind}/${hostname}`;
// Keyed by the lower-cased id: cache tags carry it lower-cased (siteCacheTag), and the local
// purge stand-in finds sites by their tag.
export const pointerKey = (siteId: string) => `${INTERNAL_ORIGIN}/pointer/${siteId.toLowerCase()}`;

async function cacheRead<T>(key: string): Promise<{ value: T } | undefined> {
  const hit = await edgeCache().match(key);
  if (!hit) return undefined;
  try {
    return { value: (await hit.json()) as T };
  } catch {
    return undefined;
  }
}

/**
 * Cache API keys this isolate wrote, so a purge of everything can delete them (the Cache API
 * cannot be listed). Bounded: past the bound the oldest are dropped, and live at most a minute.
 */
const written = new Set<string>();
const MAX_WRITTEN = 50_000;

async function cacheWrite(key: string, value: unknown, tag?: string): Promise<void> {
  written.delete(key);
  written.add(key);
  if (written.size > MAX_WRITTEN) {
    const oldest = written.values().next();
    if (!oldest.done) written.delete(oldest.value);
  }
  const headers = new Headers({
    "content-type": "application/json",
    "cache-control": `public, max-age=${LOOKUP_CACHE_SECONDS}`,
  });
  if (tag) headers.set("cache-tag", tag);
  await edgeCache().put(key, new Response(JSON.stringify(value), { headers }));
}

export type HostQuery =
  | { kind: "slugs"; hostname: string; tenantSlug: string; siteSlug: string }
  | { kind: "domain"; hostname: string };

/** The site a hostname names, or null when none does (cached either way). */
export async function siteForHost(env: Env, query: HostQuery): Promise<SiteRef | null> {
  const key = hostKey(query.kind, query.hostname);
  const remembered = hosts.get(key);
  if (remembered) return remembered.value;
  const cached = await cacheRead<SiteRef | null>(key);
  if (cached) {
    hosts.set(key, cached.value);
    return cached.value;
  }
  const db = createDb(env.DB);
  const row =
    query.kind === "slugs"
      ? await findSiteBySlugs(db, query.tenantSlug, query.siteSlug)
      : await findSiteByDomain(db, query.hostname);
  const value = row ? { tenantId: row.tenantId, siteId: row.siteId, siteSlug: row.siteSlug } : null;
  hosts.set(key, value);
  await cacheWrite(key, value, value ? siteCacheTag(value.siteId) : undefined);
  return value;
}

/** The deploys a site's targets serve; null when the site is gone. */
export async function pointersOf(env: Env, site: SiteRef): Promise<SitePointers | null> {
  const key = pointerKey(site.siteId);
  const remembered = pointers.get(key);
  if (remembered) return remembered.value;
  const cached = await cacheRead<SitePointers | null>(key);
  if (cached) {
    pointers.set(key, cached.value);
    return cached.value;
  }
  const row = await getSitePointers(createDb(env.DB), site.tenantId, site.siteId);
  const value = row
    ? { slug: row.slug, previewDeployId: row.previewDeployId, liveDeployId: row.liveDeployId }
    : null;
  pointers.set(key, value);
  await cacheWrite(key, value, siteCacheTag(site.siteId));
  return value;
}

/** Forget a site's pointers in this isolate and this location's Cache API (id in any case). */
export async function forgetSiteLocally(siteId: string): Promise<void> {
  const key = pointerKey(siteId);
  pointers.delete(key);
  await edgeCache().delete(key);
}

/** Forget what a custom hostname maps to (after the mapping changed). */
export async function forgetDomain(hostname: string): Promise<void> {
  const key = hostKey("domain", hostname);
  hosts.delete(key);
  await edgeCache().delete(key);
}

/**
 * Drop every lookup this isolate remembers, and the Cache API entries it wrote (the local
 * purge stand-in's purge_everything).
 */
export async function forgetAllLookupsLocally(): Promise<void> {
  hosts.clear();
  pointers.clear();
  const keys = [...written];
  written.clear();
  await Promise.all(keys.map((key) => edgeCache().delete(key)));
}
