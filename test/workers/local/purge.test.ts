import { env } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createPurgeClient } from "#workers/domain/purge";
import { LOCAL_PURGE_BASE, localPurge } from "#workers/local/purge";
import {
  activate,
  BASIC_SITE,
  deliver,
  publishedSite,
  uploadDeploy,
} from "../delivery/fixtures.ts";

// Local mode on for this file only: the shared test configuration keeps it off, as deployed.
const localEnv = { ...env, LOCAL_MODE: "true" } as Env;
const TOKEN = env.LOCAL_PURGE_API_TOKEN;

// Mounted as workers/app.ts mounts it: unknown paths fall through to a 404 of the app's own.
const app = new Hono<{ Bindings: Env }>()
  .route(LOCAL_PURGE_BASE, localPurge)
  .all("*", (c) => c.text("app 404", 404));

const BASE = `http://127.0.0.1:8787${LOCAL_PURGE_BASE}/client/v4`;

function post(body: unknown, opts: { token?: string; e?: Env; zone?: string } = {}) {
  return app.fetch(
    new Request(`${BASE}/zones/${opts.zone ?? "local"}/purge_cache`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(opts.token !== "" ? { authorization: `Bearer ${opts.token ?? TOKEN}` } : {}),
      },
      body: JSON.stringify(body),
    }),
    opts.e ?? localEnv,
  );
}

describe("local purge API stand-in", () => {
  it("is not served outside local mode", async () => {
    const res = await post({ purge_everything: true }, { e: env });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("app 404");
  });

  it("rejects requests without the local token, in Cloudflare's error shape", async () => {
    for (const token of ["", "wrong"]) {
      const res = await post({ purge_everything: true }, { token });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        success: false,
        errors: [{ code: 10000, message: "Authentication error" }],
        messages: [],
        result: null,
      });
    }
  });

  it("rejects bodies Cloudflare would reject", async () => {
    for (const body of [
      {},
      { tags: [] },
      { tags: ["a"], files: ["b"] },
      { tags: Array(101).fill("t") },
    ]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(await res.json()).toMatchObject({ success: false, errors: [{ code: 1012 }] });
    }
  });

  it("a tag purge makes delivery see the site's new pointer", async () => {
    const site = await publishedSite(BASIC_SITE);
    expect(await (await deliver(site.live("/"))).text()).toBe("<h1>Home</h1>");
    await activate(site.siteId, "live", await uploadDeploy({ "index.html": { body: "v2" } }));
    expect(await (await deliver(site.live("/"))).text()).toBe("<h1>Home</h1>");

    const res = await post({ tags: [`lectern-site-${site.siteId.toLowerCase()}`, "unrelated"] });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      success: boolean;
      errors: unknown[];
      result: { id: string };
    };
    expect(answer.success).toBe(true);
    expect(answer.errors).toEqual([]);
    expect(answer.result.id).toMatch(/^[0-9a-f]{32}$/);
    expect(await (await deliver(site.live("/"))).text()).toBe("v2");
  });

  it("the real purge client works against it (the builder's configuration)", async () => {
    const site = await publishedSite(BASIC_SITE);
    await (await deliver(site.live("/"))).text();
    await activate(site.siteId, "live", await uploadDeploy({ "index.html": { body: "v3" } }));
    const purge = createPurgeClient({
      apiBase: BASE,
      zoneId: "local",
      token: TOKEN,
      fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
        app.fetch(new Request(input, init), localEnv)) as typeof fetch,
    });
    await purge.purge({ prefixes: [`${site.siteSlug}.${site.tenantSlug}.sites.localhost/`] });
    expect(await (await deliver(site.live("/"))).text()).toBe("v3");
  });

  it("purge_everything makes delivery see every site's new pointer", async () => {
    const site = await publishedSite(BASIC_SITE);
    await (await deliver(site.live("/"))).text();
    await activate(site.siteId, "live", await uploadDeploy({ "index.html": { body: "v4" } }));
    expect(await (await deliver(site.live("/"))).text()).toBe("<h1>Home</h1>");
    const res = await post({ purge_everything: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true });
    expect(await (await deliver(site.live("/"))).text()).toBe("v4");
  });
});
