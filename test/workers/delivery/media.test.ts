// Uploaded media in published sites: a deploy's manifest references the files in R2 MEDIA
// (never copies them), delivery serves them with the same HTTP semantics as built files, and
// only the site's own; the builder learns what there is from the export token's media listing.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type DeployManifest, deployManifestKey, resourceMediaKey } from "#schemas/deploy";
import { newId } from "#workers/domain/ids";
import { signToken } from "#workers/domain/signed-tokens";
import { call, expectProblem, json } from "../../factories.ts";
import { activate, createSite, deliver, type SiteFixture, uploadDeploy } from "./fixtures.ts";

const PDF = new TextEncoder().encode("%PDF-1.4 lecture notes ".repeat(40));

/** A live deploy whose manifest references `media` (path → MEDIA key) besides its files. */
async function withMedia(site: SiteFixture, media: Record<string, string>) {
  const deployId = await uploadDeploy({ "index.html": { body: "<h1>Home</h1>" } });
  const manifest = JSON.parse(
    (await (await env.SITES.get(deployManifestKey(deployId)))?.text()) ?? "{}",
  ) as DeployManifest;
  manifest.media = {};
  for (const [path, key] of Object.entries(media)) {
    const head = await env.MEDIA.head(key);
    manifest.media[path] = {
      key,
      size: head?.size ?? PDF.byteLength,
      contentType: "application/pdf",
      etag: head?.httpEtag ?? '"gone"',
    };
  }
  await env.SITES.put(deployManifestKey(deployId), JSON.stringify(manifest));
  await activate(site.siteId, "live", deployId);
  return deployId;
}

describe("media in published sites", () => {
  it("serves a referenced upload from MEDIA with its type, ETag, 304 and ranges", async () => {
    const site = await createSite();
    const key = resourceMediaKey(site.t.tenant.id, site.siteId, crypto.randomUUID(), "notes.pdf");
    await env.MEDIA.put(key, PDF);
    await withMedia(site, { "notes.pdf": key });

    const res = await deliver(site.live("/notes.pdf"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("cache-control")).toBe("public, max-age=60, must-revalidate");
    expect(res.headers.get("cache-tag")).toContain(site.siteId.toLowerCase());
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF);
    const etag = res.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"m-/);

    const again = await deliver(site.live("/notes.pdf"), { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    const part = await deliver(site.live("/notes.pdf"), { headers: { range: "bytes=0-7" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-7/${PDF.byteLength}`);
    expect(await part.text()).toBe("%PDF-1.4");
    // Referenced, not copied: SITES has no such object.
    expect(await env.SITES.head(key)).toBeNull();
  });

  it("never serves another site's upload, and a deleted upload is a 404", async () => {
    const site = await createSite();
    const other = await createSite();
    const theirs = resourceMediaKey(other.t.tenant.id, other.siteId, crypto.randomUUID(), "x.pdf");
    await env.MEDIA.put(theirs, PDF);
    const gone = resourceMediaKey(site.t.tenant.id, site.siteId, crypto.randomUUID(), "gone.pdf");
    await withMedia(site, { "theirs.pdf": theirs, "gone.pdf": gone });
    expect((await deliver(site.live("/theirs.pdf"))).status).toBe(404);
    const res = await deliver(site.live("/gone.pdf"));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("no longer available");
  });
});

describe("uploaded files are never run as the site's own code", () => {
  it("serves SVG as a sandboxed attachment and a PDF inline, neither sniffed", async () => {
    const site = await createSite();
    const svgKey = resourceMediaKey(site.t.tenant.id, site.siteId, crypto.randomUUID(), "logo.svg");
    const pdfKey = resourceMediaKey(
      site.t.tenant.id,
      site.siteId,
      crypto.randomUUID(),
      "notes.pdf",
    );
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>';
    await env.MEDIA.put(svgKey, svg);
    await env.MEDIA.put(pdfKey, PDF);
    const deployId = await uploadDeploy({ "index.html": { body: "<h1>Home</h1>" } });
    const manifest = JSON.parse(
      (await (await env.SITES.get(deployManifestKey(deployId)))?.text()) ?? "{}",
    ) as DeployManifest;
    manifest.media = {
      "logo.svg": { key: svgKey, size: svg.length, contentType: "image/svg+xml", etag: '"s"' },
      "notes.pdf": {
        key: pdfKey,
        size: PDF.byteLength,
        contentType: "application/pdf",
        etag: '"p"',
      },
    };
    await env.SITES.put(deployManifestKey(deployId), JSON.stringify(manifest));
    await activate(site.siteId, "live", deployId);

    const logo = await deliver(site.live("/logo.svg"));
    expect(logo.status).toBe(200);
    expect(logo.headers.get("content-type")).toBe("image/svg+xml");
    expect(logo.headers.get("content-disposition")).toMatch(/^attachment; filename="logo.svg"/);
    expect(logo.headers.get("content-security-policy")).toMatch(/^sandbox; default-src 'none'/);
    expect(logo.headers.get("content-security-policy")).toContain("frame-ancestors 'self'");
    expect(logo.headers.get("x-content-type-options")).toBe("nosniff");

    const notes = await deliver(site.live("/notes.pdf"));
    expect(notes.headers.get("content-disposition")).toMatch(/^inline; filename="notes.pdf"/);
    expect(notes.headers.get("content-security-policy")).toBe("frame-ancestors 'self'");
    expect(notes.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("the builder's media listing", () => {
  it("lists the site's stored resource files, page by page, with the export token only", async () => {
    const site = await createSite();
    const other = await createSite();
    const uids = [crypto.randomUUID(), crypto.randomUUID()].sort();
    for (const uid of uids) {
      await env.MEDIA.put(resourceMediaKey(site.t.tenant.id, site.siteId, uid, "a.pdf"), PDF);
    }
    await env.MEDIA.put(
      resourceMediaKey(other.t.tenant.id, other.siteId, crypto.randomUUID(), "b.pdf"),
      PDF,
    );
    const deployId = newId("dep");
    const token = await signToken(
      env.AUTH_SECRET,
      "build-export",
      { d: deployId, s: site.siteId, t: site.t.tenant.id },
      Date.now() + 60_000,
    );
    const url = `http://lectern.test/internal/v1/exports/${deployId}/media`;
    const res = await call(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const page = await json<{ items: { uid: string; key: string; size: number }[] }>(res);
    expect(page.items.map((i) => i.uid)).toEqual(uids);
    expect(page.items.every((i) => i.size === PDF.byteLength)).toBe(true);
    expect(page).toMatchObject({ cursor: null });

    // One file, for the offline copy: the site's own keys only.
    const own = page.items[0]?.key ?? "";
    const file = await call(`${url}-file?key=${encodeURIComponent(own)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(PDF);
    const theirs = resourceMediaKey(other.t.tenant.id, other.siteId, crypto.randomUUID(), "b.pdf");
    for (const key of [theirs, `${own}/../../x`, ""]) {
      await expectProblem(
        await call(`${url}-file?key=${encodeURIComponent(key)}`, {
          headers: { authorization: `Bearer ${token}` },
        }),
        404,
        "NOT_FOUND",
      );
    }
    await expectProblem(
      await call(`${url}-file?key=${encodeURIComponent(own)}`),
      401,
      "UNAUTHENTICATED",
    );

    await expectProblem(await call(url), 401, "UNAUTHENTICATED");
    const elsewhere = url.replace(deployId, newId("dep"));
    await expectProblem(
      await call(elsewhere, { headers: { authorization: `Bearer ${token}` } }),
      401,
      "UNAUTHENTICATED",
    );
  });
});
