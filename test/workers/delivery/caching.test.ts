import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { invalidateSite } from "#workers/delivery/index";
import { SizedLru, TtlCache } from "#workers/delivery/memory";
import { edgeCache, pointerKey } from "#workers/delivery/site-lookup";
import { exec } from "../../factories.ts";
import { activate, BASIC_SITE, deliver, publishedSite, uploadDeploy } from "./fixtures.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("delivery: caches", () => {
  it("serves a warm site without D1, and sees the new pointer right after invalidateSite", async () => {
    const site = await publishedSite(BASIC_SITE);
    expect(await (await deliver(site.live("/"))).text()).toBe("<h1>Home</h1>");

    // D1 says "unpublished", but nobody invalidated: the cached pointer still serves.
    await exec("UPDATE sites SET live_deploy_id = NULL WHERE id = ?", site.siteId);
    const warm = await deliver(site.live("/"));
    expect(warm.status).toBe(200);
    expect(await warm.text()).toBe("<h1>Home</h1>");

    await invalidateSite(env, site.siteId);
    const cold = await deliver(site.live("/"));
    expect(cold.status).toBe(404);
    expect(await cold.text()).toContain("This site is not published");
  });

  it("switches to a newly activated deploy after invalidateSite", async () => {
    const site = await publishedSite(BASIC_SITE);
    expect(await (await deliver(site.live("/"))).text()).toBe("<h1>Home</h1>");
    const next = await uploadDeploy({ "index.html": { body: "<h1>Home v2</h1>" } });
    await activate(site.siteId, "live", next);
    expect(await (await deliver(site.live("/"))).text()).toBe("<h1>Home</h1>");
    await invalidateSite(env, site.siteId);
    expect(await (await deliver(site.live("/"))).text()).toBe("<h1>Home v2</h1>");
  });

  it("keeps the pointer in the Cache API, tagged with the site's cache tag", async () => {
    const site = await publishedSite(BASIC_SITE);
    await (await deliver(site.live("/"))).text();
    const entry = await edgeCache().match(pointerKey(site.siteId));
    expect(entry).toBeDefined();
    expect(entry?.headers.get("cache-tag")).toBe(`lectern-site-${site.siteId.toLowerCase()}`);
    expect(entry?.headers.get("cache-control")).toBe("public, max-age=60");
    expect(await entry?.json()).toMatchObject({ liveDeployId: site.deployId, slug: site.siteSlug });
    await invalidateSite(env, site.siteId);
    expect(await edgeCache().match(pointerKey(site.siteId))).toBeUndefined();
  });

  it("serves a manifest from cache once read (R2 is not asked again)", async () => {
    const site = await publishedSite(BASIC_SITE);
    await (await deliver(site.live("/"))).text();
    await env.SITES.delete(`deploys/${site.deployId}.json`);
    const res = await deliver(site.live("/about/"));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("<h1>About</h1>");
  });

  it("purges the site's tag through Cloudflare's API when a zone is configured", async () => {
    const site = await publishedSite(BASIC_SITE);
    const seen: { url: string; auth: string | null; body: unknown }[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input as RequestInfo, init as RequestInit);
      seen.push({
        url: request.url,
        auth: request.headers.get("authorization"),
        body: await request.json(),
      });
      return Response.json({ success: true, errors: [], messages: [], result: { id: "p1" } });
    });
    const zoned = { ...env, PURGE_ZONE_ID: "zone123", PURGE_API_TOKEN: "tok-secret" } as Env;
    await invalidateSite(zoned, site.siteId);
    expect(seen).toEqual([
      {
        url: "https://api.cloudflare.com/client/v4/zones/zone123/purge_cache",
        auth: "Bearer tok-secret",
        body: { tags: [`lectern-site-${site.siteId.toLowerCase()}`] },
      },
    ]);
  });

  it("logs a failed purge instead of throwing (the pointer switch already happened)", async () => {
    const site = await publishedSite(BASIC_SITE);
    vi.spyOn(globalThis, "fetch").mockImplementation(async () =>
      Response.json(
        { success: false, errors: [{ code: 10000, message: "Authentication error" }] },
        { status: 403 },
      ),
    );
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const zoned = { ...env, PURGE_ZONE_ID: "zone123", PURGE_API_TOKEN: "tok-secret" } as Env;
    await expect(invalidateSite(zoned, site.siteId)).resolves.toBeUndefined();
    const line = String(logged.mock.calls[0]?.[0]);
    expect(line).toContain("Authentication error");
    expect(line).not.toContain("tok-secret");
  });
});

describe("delivery: memory caches", () => {
  it("TtlCache expires entries and drops the oldest beyond its size", () => {
    const cache = new TtlCache<string | null>(1000, 2);
    cache.set("a", "A", 0);
    cache.set("n", null, 0);
    expect(cache.get("a", 999)).toEqual({ value: "A" });
    expect(cache.get("n", 999)).toEqual({ value: null });
    expect(cache.get("a", 1000)).toBeUndefined();
    cache.set("b", "B", 0);
    cache.set("c", "C", 0);
    expect(cache.get("n", 1)).toBeUndefined();
    expect(cache.get("c", 1)).toEqual({ value: "C" });
  });

  it("SizedLru keeps its total size under budget, evicting the least recently used", () => {
    const lru = new SizedLru<string>(100);
    lru.set("a", "A", 40);
    lru.set("b", "B", 40);
    expect(lru.get("a")).toBe("A"); // a is now the most recent
    lru.set("c", "C", 40);
    expect(lru.get("b")).toBeUndefined();
    expect(lru.get("a")).toBe("A");
    expect(lru.get("c")).toBe("C");
    expect(lru.bytes).toBe(80);
    lru.set("huge", "H", 101);
    expect(lru.get("huge")).toBeUndefined();
    expect(lru.bytes).toBe(80);
  });
});
