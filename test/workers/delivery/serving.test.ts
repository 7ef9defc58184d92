import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { handleDelivery } from "#workers/delivery/index";
import { exec, uniq } from "../../factories.ts";
import {
  activate,
  BASIC_SITE,
  createSite,
  deliver,
  publishedSite,
  uploadDeploy,
} from "./fixtures.ts";

/** Bytes as text, without workerd's warning about reading a video as text. */
const bytesOf = async (res: Response) => new TextDecoder().decode(await res.arrayBuffer());

function expectSecurityHeaders(res: Response) {
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  expect(res.headers.get("permissions-policy")).toMatch(
    /camera=\(\).*microphone=\(\).*geolocation=\(\)/,
  );
  expect(res.headers.get("content-security-policy")).toBe("frame-ancestors 'self'");
}

describe("delivery: which requests it answers", () => {
  it("leaves the app's own host and unrelated hosts to the app (null)", async () => {
    const ctx = createExecutionContext();
    expect(await handleDelivery(new Request("http://lectern.test/"), env, ctx)).toBeNull();
    expect(await handleDelivery(new Request("http://127.0.0.1:8787/healthz"), env, ctx)).toBeNull();
    expect(
      await handleDelivery(
        new Request(`http://${uniq("nobody").toLowerCase()}.example.org/`),
        env,
        ctx,
      ),
    ).toBeNull();
  });

  it("answers 404 for unknown sites and odd names under the sites domain (never the app)", async () => {
    for (const url of [
      `http://${uniq("s").toLowerCase()}.${uniq("t").toLowerCase()}.sites.localhost/`,
      "http://sites.localhost/",
      "http://a.b.c.sites.localhost/",
    ]) {
      const res = await deliver(url);
      expect(res.status, url).toBe(404);
      expectSecurityHeaders(res);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });
});

describe("delivery: serving files", () => {
  it("serves index pages, files with their content types, and redirects to the slash", async () => {
    const site = await publishedSite(BASIC_SITE);
    const home = await deliver(site.live("/"));
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await home.text()).toBe("<h1>Home</h1>");
    expectSecurityHeaders(home);
    expect(home.headers.get("strict-transport-security")).toBeNull();

    const about = await deliver(site.live("/about/"));
    expect(await about.text()).toBe("<h1>About</h1>");

    const noSlash = await deliver(site.live("/about?x=1&y=2"));
    expect(noSlash.status).toBe(301);
    expect(noSlash.headers.get("location")).toBe("/about/?x=1&y=2");
    expectSecurityHeaders(noSlash);

    const text = await deliver(site.live("/notes.txt"));
    expect(text.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(text.headers.get("accept-ranges")).toBe("bytes");
    expect(text.headers.get("content-length")).toBe("11");
    expect(await text.text()).toBe("plain notes");

    const css = await deliver(site.live("/css/main.3f9a2c1d.css"));
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it("adds HSTS on https", async () => {
    const site = await publishedSite(BASIC_SITE);
    const res = await deliver(site.live("/").replace("http:", "https:"));
    expect(res.status).toBe(200);
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
  });

  it("caches fingerprinted assets forever and everything else briefly, tagged by site", async () => {
    const site = await publishedSite({
      ...BASIC_SITE,
      "notes.20240131.html": { body: "dated, not fingerprinted" },
    });
    const tag = `lectern-site-${site.siteId.toLowerCase()}`;
    const css = await deliver(site.live("/css/main.3f9a2c1d.css"));
    expect(css.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(css.headers.get("cache-tag")).toBe(tag);
    for (const path of ["/", "/notes.txt", "/notes.20240131.html"]) {
      const res = await deliver(site.live(path));
      expect(res.headers.get("cache-control"), path).toBe("public, max-age=60, must-revalidate");
      expect(res.headers.get("cache-tag"), path).toBe(tag);
    }
  });

  it("caches Pagefind's content-named index chunks forever, its entry file and scripts briefly", async () => {
    const site = await publishedSite({
      ...BASIC_SITE,
      "pagefind/pagefind-entry.json": { body: "{}" },
      "pagefind/pagefind.js": { body: "export {}" },
      "pagefind/wasm.en.pagefind": { body: "wasm" },
      "pagefind/pagefind.en_3d55df92b370eae.pf_meta": { body: "meta" },
      "pagefind/index/en_56765db.pf_index": { body: "index" },
      "pagefind/fragment/en_189b882.pf_fragment": { body: "fragment" },
      "files/en_189b882.pf_fragment": { body: "not Pagefind's" },
    });
    const forever = [
      "/pagefind/pagefind.en_3d55df92b370eae.pf_meta",
      "/pagefind/index/en_56765db.pf_index",
      "/pagefind/fragment/en_189b882.pf_fragment",
    ];
    const briefly = [
      "/pagefind/pagefind-entry.json",
      "/pagefind/pagefind.js",
      "/pagefind/wasm.en.pagefind",
      "/files/en_189b882.pf_fragment",
    ];
    for (const path of forever) {
      const res = await deliver(site.live(path));
      expect(res.headers.get("cache-control"), path).toBe("public, max-age=31536000, immutable");
    }
    for (const path of briefly) {
      const res = await deliver(site.live(path));
      expect(res.headers.get("cache-control"), path).toBe("public, max-age=60, must-revalidate");
    }
  });

  it("answers HEAD with the headers and no body, and refuses other methods with 405", async () => {
    const site = await publishedSite(BASIC_SITE);
    const head = await deliver(site.live("/notes.txt"), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toMatch(/^"[0-9a-f]{64}"$/);
    expect(head.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await head.text()).toBe("");

    for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
      const res = await deliver(site.live("/"), { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
      expectSecurityHeaders(res);
    }
  });

  it("answers If-None-Match with 304 (strong, weak, lists, *) and 200 otherwise", async () => {
    const site = await publishedSite(BASIC_SITE);
    const first = await deliver(site.live("/notes.txt"));
    const etag = first.headers.get("etag") ?? "";
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, "*"]) {
      const res = await deliver(site.live("/notes.txt"), { headers: { "if-none-match": inm } });
      expect(res.status, inm).toBe(304);
      expect(res.headers.get("etag")).toBe(etag);
      expect(res.headers.get("cache-control")).toBe("public, max-age=60, must-revalidate");
      expect(await res.text()).toBe("");
    }
    const other = await deliver(site.live("/notes.txt"), {
      headers: { "if-none-match": '"other"' },
    });
    expect(other.status).toBe(200);
  });

  it("serves byte ranges (closed, open-ended, suffix), 416 when unsatisfiable, If-Range", async () => {
    const site = await publishedSite(BASIC_SITE);
    const url = site.live("/video.mp4");
    const closed = await deliver(url, { headers: { range: "bytes=2-5" } });
    expect(closed.status).toBe(206);
    expect(closed.headers.get("content-range")).toBe("bytes 2-5/20");
    expect(closed.headers.get("content-length")).toBe("4");
    expect(await bytesOf(closed)).toBe("2345");

    const open = await deliver(url, { headers: { range: "bytes=15-" } });
    expect(open.status).toBe(206);
    expect(open.headers.get("content-range")).toBe("bytes 15-19/20");
    expect(await bytesOf(open)).toBe("fghij");

    const suffix = await deliver(url, { headers: { range: "bytes=-3" } });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get("content-range")).toBe("bytes 17-19/20");
    expect(await bytesOf(suffix)).toBe("hij");

    const beyondEnd = await deliver(url, { headers: { range: "bytes=18-100" } });
    expect(beyondEnd.headers.get("content-range")).toBe("bytes 18-19/20");
    expect(await bytesOf(beyondEnd)).toBe("ij");

    const unsatisfiable = await deliver(url, { headers: { range: "bytes=20-" } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get("content-range")).toBe("bytes */20");
    await bytesOf(unsatisfiable);

    const headRange = await deliver(url, { method: "HEAD", headers: { range: "bytes=0-1" } });
    expect(headRange.status).toBe(206);
    expect(headRange.headers.get("content-range")).toBe("bytes 0-1/20");

    // Several ranges or another unit: the whole body (RFC 9110 lets a server ignore Range).
    const multi = await deliver(url, { headers: { range: "bytes=0-1,4-5" } });
    expect(multi.status).toBe(200);
    expect(await bytesOf(multi)).toBe("0123456789abcdefghij");

    const etag = closed.headers.get("etag") ?? "";
    const sameVersion = await deliver(url, { headers: { range: "bytes=0-1", "if-range": etag } });
    expect(sameVersion.status).toBe(206);
    await bytesOf(sameVersion);
    const changed = await deliver(url, { headers: { range: "bytes=0-1", "if-range": '"old"' } });
    expect(changed.status).toBe(200);
    expect(await bytesOf(changed)).toBe("0123456789abcdefghij");
  });

  it("serves the site's own 404 page, or a plain one when it has none", async () => {
    const site = await publishedSite(BASIC_SITE);
    const own = await deliver(site.live("/no/such/page/"));
    expect(own.status).toBe(404);
    expect(await own.text()).toContain("the course's own 404");
    expectSecurityHeaders(own);

    const bare = await publishedSite({ "index.html": { body: "hi" } });
    const plain = await deliver(bare.live("/missing.html"));
    expect(plain.status).toBe(404);
    expect(plain.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await plain.text()).toContain("Not found");
  });

  it("refuses encoded slashes, NUL and dot segments with 400", async () => {
    const site = await publishedSite(BASIC_SITE);
    for (const path of [
      "/about%2Findex.html",
      "/%00",
      "/a%5C..%5Cb",
      "/about/%2e%2e%2findex.html",
      "/%E0%A4%A",
    ]) {
      const res = await deliver(site.live(path));
      expect(res.status, path).toBe(400);
      expectSecurityHeaders(res);
      await res.text();
    }
    // The URL parser folds literal dot segments before delivery sees the path: no escape.
    const folded = await deliver(site.live("/about/../notes.txt"));
    expect(await folded.text()).toBe("plain notes");
  });

  it("says a site is not published when its target has no deploy", async () => {
    const site = await createSite();
    const res = await deliver(site.live("/"));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("This site is not published");
  });

  it("serves the offline copy of the current deploy, or 404 when there is none", async () => {
    const site = await publishedSite(BASIC_SITE);
    const missing = await deliver(site.live("/__lectern/offline.zip"));
    expect(missing.status).toBe(404);
    await missing.text();

    await env.SITES.put(`offline/${site.siteId}/${site.deployId}.zip`, "PK-zip-bytes");
    const zip = await deliver(site.live("/__lectern/offline.zip"));
    expect(zip.status).toBe(200);
    expect(zip.headers.get("content-type")).toBe("application/zip");
    expect(zip.headers.get("content-disposition")).toBe(
      `attachment; filename="${site.siteSlug}.zip"`,
    );
    expect(await bytesOf(zip)).toBe("PK-zip-bytes");

    const other = await deliver(site.live("/__lectern/anything"));
    expect(other.status).toBe(404);
    await other.text();
  });

  it("answers 503 (and logs) when a deploy's manifest is missing", async () => {
    const site = await createSite();
    await exec(
      "UPDATE sites SET live_deploy_id = ? WHERE id = ?",
      "dep_01JAAAAAAAAAAAAAAAAAAAAAAA",
      site.siteId,
    );
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await deliver(site.live("/"));
    expect(res.status).toBe(503);
    await res.text();
    expect(String(logged.mock.calls[0]?.[0])).toContain("manifest missing");
    logged.mockRestore();
  });
});

describe("delivery: custom domains", () => {
  it("serves a mapped hostname's site live, and caches unknown names", async () => {
    const site = await publishedSite(BASIC_SITE);
    const hostname = `${uniq("course").toLowerCase()}.example.edu`;
    const ctx = createExecutionContext();
    // Unknown first (and remembered as unknown)...
    expect(await handleDelivery(new Request(`https://${hostname}/`), env, ctx)).toBeNull();
    await exec(
      "INSERT INTO site_domains (hostname, tenant_id, site_id) VALUES (?, ?, ?)",
      hostname,
      site.t.tenant.id,
      site.siteId,
    );
    // ...so the new mapping is not seen until the host is forgotten (the API does that).
    expect(await handleDelivery(new Request(`https://${hostname}/`), env, ctx)).toBeNull();
    const { forgetDomain } = await import("#workers/delivery/index");
    await forgetDomain(hostname);
    const res = await deliver(`https://${hostname}/about/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("<h1>About</h1>");
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
    expect(res.headers.get("cache-tag")).toBe(`lectern-site-${site.siteId.toLowerCase()}`);
  });

  it("serves only the live deploy on a custom domain", async () => {
    const site = await createSite();
    await activate(site.siteId, "preview", await uploadDeploy({ "index.html": { body: "draft" } }));
    const hostname = `${uniq("draft").toLowerCase()}.example.edu`;
    await exec(
      "INSERT INTO site_domains (hostname, tenant_id, site_id) VALUES (?, ?, ?)",
      hostname,
      site.t.tenant.id,
      site.siteId,
    );
    const res = await deliver(`http://${hostname}/`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("This site is not published");
  });
});
