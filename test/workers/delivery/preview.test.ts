import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signToken } from "#workers/domain/signed-tokens";
import { BASIC_SITE, deliver, publishedSite } from "./fixtures.ts";

const SECRET = env.AUTH_SECRET;
const HOUR = 3600 * 1000;

const cookiePair = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

describe("delivery: preview access", () => {
  it("sends a visitor without access to the app's preview-access page", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const res = await deliver(site.preview("/about/?q=1"));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.origin).toBe("http://lectern.test");
    expect(location.pathname).toBe("/preview-access");
    expect(location.searchParams.get("tenantId")).toBe(site.t.tenant.id);
    expect(location.searchParams.get("siteId")).toBe(site.siteId);
    expect(location.searchParams.get("return")).toBe("/about/?q=1");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("x-robots-tag")).toBe("noindex");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("swaps a handoff token for a host-only cookie and lands on the return path", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const token = await signToken(
      SECRET,
      "preview-handoff",
      { s: site.siteId, r: "/about/" },
      Date.now() + 60_000,
    );
    const res = await deliver(site.preview(`/__lectern/preview-access?token=${token}`));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/about/");
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(
      /^lectern_preview=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect(setCookie).not.toMatch(/Domain=/i);

    const page = await deliver(site.preview("/about/"), {
      headers: { cookie: `other=1; ${cookiePair(res)}` },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toBe("<h1>About</h1>");
    expect(page.headers.get("cache-control")).toBe("private, no-store");
    expect(page.headers.get("x-robots-tag")).toBe("noindex");
    expect(page.headers.get("cache-tag")).toBeNull();

    // Fingerprinted assets are not cached on preview either.
    const css = await deliver(site.preview("/css/main.3f9a2c1d.css"), {
      headers: { cookie: cookiePair(res) },
    });
    expect(css.headers.get("cache-control")).toBe("private, no-store");
  });

  it("marks the cookie Secure on https", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const token = await signToken(
      SECRET,
      "preview-handoff",
      { s: site.siteId, r: "/" },
      Date.now() + 60_000,
    );
    const res = await deliver(
      site.preview(`/__lectern/preview-access?token=${token}`).replace("http:", "https:"),
    );
    expect(res.headers.get("set-cookie")).toMatch(/; Secure$/);
  });

  it("refuses expired, forged, other-site and open-redirect handoffs", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const other = await publishedSite(BASIC_SITE, { preview: true });
    const tokens = [
      await signToken(SECRET, "preview-handoff", { s: site.siteId, r: "/" }, Date.now() - 1000),
      await signToken(SECRET, "preview-handoff", { s: other.siteId, r: "/" }, Date.now() + 60_000),
      await signToken(SECRET, "preview-link", { s: site.siteId, r: "/" }, Date.now() + 60_000),
      await signToken(
        "another-secret-0123456789abcdef0123456789",
        "preview-handoff",
        { s: site.siteId, r: "/" },
        Date.now() + 60_000,
      ),
      await signToken(
        SECRET,
        "preview-handoff",
        { s: site.siteId, r: "//evil.example/" },
        Date.now() + 60_000,
      ),
      await signToken(
        SECRET,
        "preview-handoff",
        { s: site.siteId, r: "https://evil.example/" },
        Date.now() + 60_000,
      ),
      await signToken(
        SECRET,
        "preview-handoff",
        { s: site.siteId, r: "/\\evil.example" },
        Date.now() + 60_000,
      ),
      "garbage",
    ];
    for (const token of tokens) {
      const res = await deliver(
        site.preview(`/__lectern/preview-access?token=${encodeURIComponent(token)}`),
      );
      expect(res.status, token).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
      await res.text();
    }
  });

  it("refuses cookies made for another site, another purpose, or expired", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const other = await publishedSite(BASIC_SITE, { preview: true });
    for (const token of [
      await signToken(SECRET, "preview-access", { s: other.siteId }, Date.now() + HOUR),
      await signToken(SECRET, "preview-access", { s: site.siteId }, Date.now() - 1000),
      await signToken(SECRET, "preview-link", { s: site.siteId }, Date.now() + HOUR),
    ]) {
      const res = await deliver(site.preview("/"), {
        headers: { cookie: `lectern_preview=${token}` },
      });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toMatch(/^http:\/\/lectern\.test\/preview-access\?/);
    }
    const good = await signToken(SECRET, "preview-access", { s: site.siteId }, Date.now() + HOUR);
    const ok = await deliver(site.preview("/"), { headers: { cookie: `lectern_preview=${good}` } });
    expect(ok.status).toBe(200);
    await ok.text();
  });

  it("a shared link sets the cookie (never longer than the link) and drops the token from the URL", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const link = await signToken(SECRET, "preview-link", { s: site.siteId }, Date.now() + HOUR);
    const res = await deliver(site.preview(`/about/?a=1&lectern_preview=${link}&b=2`));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/about/?a=1&b=2");
    const maxAge = Number(/Max-Age=(\d+)/.exec(res.headers.get("set-cookie") ?? "")?.[1]);
    expect(maxAge).toBeGreaterThan(3500);
    expect(maxAge).toBeLessThanOrEqual(3600);
    const page = await deliver(site.preview("/about/?a=1&b=2"), {
      headers: { cookie: cookiePair(res) },
    });
    expect(page.status).toBe(200);
    await page.text();
  });

  it("an expired or other-site link gets no cookie and goes to the app", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const other = await publishedSite(BASIC_SITE, { preview: true });
    for (const link of [
      await signToken(SECRET, "preview-link", { s: site.siteId }, Date.now() - 1000),
      await signToken(SECRET, "preview-link", { s: other.siteId }, Date.now() + HOUR),
    ]) {
      const res = await deliver(site.preview(`/?lectern_preview=${link}`));
      expect(res.status).toBe(302);
      expect(res.headers.get("set-cookie")).toBeNull();
      const location = new URL(res.headers.get("location") ?? "");
      expect(location.pathname).toBe("/preview-access");
      expect(location.searchParams.get("return")).toBe("/");
    }
  });

  it("the handoff endpoint does not exist on live hosts", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const token = await signToken(
      SECRET,
      "preview-handoff",
      { s: site.siteId, r: "/" },
      Date.now() + 60_000,
    );
    const res = await deliver(site.live(`/__lectern/preview-access?token=${token}`));
    expect(res.status).toBe(404);
    expect(res.headers.get("set-cookie")).toBeNull();
    await res.text();
  });
});
