import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  addMember,
  auditOf,
  call,
  createTenant,
  expectProblem,
  json,
  uniq,
} from "../../factories.ts";
import { BASIC_SITE, deliver, publishedSite } from "../delivery/fixtures.ts";

const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

describe("preview links", () => {
  it("a site admin makes a link that opens the preview for anyone, and it is audited", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const res = await call(`/tenants/${site.t.tenant.id}/sites/${site.siteId}/preview-links`, {
      cookie: site.t.roles.admin.cookie,
      body: { expiresInHours: 2 },
    });
    expect(res.status).toBe(200);
    const body = await json<{ url: string; expiresAt: string }>(res);
    const url = new URL(body.url);
    expect(url.origin).toBe(`http://${site.siteSlug}.${site.tenantSlug}.preview.localhost`);
    expect(url.pathname).toBe("/");
    expect(url.searchParams.get("lectern_preview")).toBeTruthy();
    const expires = Date.parse(body.expiresAt) - Date.now();
    expect(expires).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(expires).toBeLessThanOrEqual(2 * 3600_000);

    const audit = await auditOf(res);
    expect(audit.map((a) => a.action)).toEqual(["site.preview_link_created"]);
    expect(audit[0]?.data ?? "").not.toContain(url.searchParams.get("lectern_preview") ?? "-");

    // A stranger opens the link: cookie, then the page.
    const opened = await deliver(body.url);
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toBe("/");
    const page = await deliver(`${url.origin}/`, { headers: { cookie: cookieOf(opened) } });
    expect(page.status).toBe(200);
    expect(await page.text()).toBe("<h1>Home</h1>");
  });

  it("defaults to 72 hours and refuses lifetimes beyond 30 days", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const path = `/tenants/${site.t.tenant.id}/sites/${site.siteId}/preview-links`;
    const res = await call(path, { cookie: site.t.roles.owner.cookie, body: {} });
    const { expiresAt } = await json(res);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(71 * 3600_000);
    await expectProblem(
      await call(path, { cookie: site.t.roles.owner.cookie, body: { expiresInHours: 24 * 31 } }),
      400,
      "VALIDATION_FAILED",
    );
  });
});

describe("preview access handoff", () => {
  it("gives a collaborator a one-shot URL that lets the browser into the preview", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const res = await call(`/tenants/${site.t.tenant.id}/sites/${site.siteId}/preview-access`, {
      cookie: site.t.roles.owner.cookie,
      query: { return: "/about/?x=1" },
    });
    expect(res.status).toBe(200);
    const { url } = await json<{ url: string }>(res);
    expect(url).toMatch(
      new RegExp(
        `^http://${site.siteSlug}\\.${site.tenantSlug}\\.preview\\.localhost/__lectern/preview-access\\?token=`,
      ),
    );
    const handoff = await deliver(url);
    expect(handoff.status).toBe(302);
    expect(handoff.headers.get("location")).toBe("/about/?x=1");
    const page = await deliver(site.preview("/about/"), { headers: { cookie: cookieOf(handoff) } });
    expect(await page.text()).toBe("<h1>About</h1>");
  });

  it("defaults the return path to / and refuses anything that is not a path on the site", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const path = `/tenants/${site.t.tenant.id}/sites/${site.siteId}/preview-access`;
    const plain = await call(path, { cookie: site.t.roles.owner.cookie });
    const handoff = await deliver((await json(plain)).url);
    expect(handoff.headers.get("location")).toBe("/");
    for (const bad of [
      "//evil.example/",
      "https://evil.example/",
      "about",
      "/\\evil.example",
      `/${"a".repeat(2048)}`,
    ]) {
      await expectProblem(
        await call(path, { cookie: site.t.roles.owner.cookie, query: { return: bad } }),
        400,
        "VALIDATION_FAILED",
      );
    }
  });

  it("is not given to someone who cannot see the site", async () => {
    const site = await publishedSite(BASIC_SITE, { preview: true });
    const member = site.t.roles.member;
    await expectProblem(
      await call(`/tenants/${site.t.tenant.id}/sites/${site.siteId}/preview-access`, {
        cookie: member.cookie,
      }),
      404,
      "NOT_FOUND",
    );
  });
});

describe("custom domains", () => {
  it("an admin maps a hostname; delivery serves the site there; removing it stops that", async () => {
    const site = await publishedSite(BASIC_SITE);
    const hostname = `${uniq("courses").toLowerCase()}.example.edu`;
    const base = `/tenants/${site.t.tenant.id}/domains`;

    // Delivery saw the name as unknown before (and remembers that)...
    expect(await deliverOrNull(`http://${hostname}/`)).toBeNull();

    const created = await call(base, {
      cookie: site.t.roles.admin.cookie,
      body: { hostname: hostname.toUpperCase(), siteId: site.siteId },
    });
    expect(created.status).toBe(201);
    const admin = site.t.roles.admin;
    expect(await json(created)).toMatchObject({
      hostname,
      siteId: site.siteId,
      createdBy: { id: admin.id, email: admin.email },
    });
    expect((await auditOf(created)).map((a) => a.action)).toEqual(["domain.added"]);

    // ...and the API made it forget.
    const served = await deliver(`http://${hostname}/about/`);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe("<h1>About</h1>");

    const list = await json(await call(base, { cookie: site.t.roles.owner.cookie }));
    expect(list.items).toEqual([
      expect.objectContaining({
        hostname,
        siteId: site.siteId,
        createdBy: expect.objectContaining({ id: admin.id }),
      }),
    ]);

    const removed = await call(`${base}/${hostname}`, {
      method: "DELETE",
      cookie: site.t.roles.admin.cookie,
    });
    expect(removed.status).toBe(200);
    expect((await auditOf(removed)).map((a) => a.action)).toEqual(["domain.removed"]);
    expect(await deliverOrNull(`http://${hostname}/`)).toBeNull();
    await expectProblem(
      await call(`${base}/${hostname}`, { method: "DELETE", cookie: site.t.roles.admin.cookie }),
      404,
      "NOT_FOUND",
    );
  });

  it("a hostname belongs to one site across all tenants", async () => {
    const site = await publishedSite(BASIC_SITE);
    const other = await publishedSite(BASIC_SITE);
    const hostname = `${uniq("taken").toLowerCase()}.example.edu`;
    const first = await call(`/tenants/${site.t.tenant.id}/domains`, {
      cookie: site.t.roles.owner.cookie,
      body: { hostname, siteId: site.siteId },
    });
    expect(first.status).toBe(201);
    await expectProblem(
      await call(`/tenants/${other.t.tenant.id}/domains`, {
        cookie: other.t.roles.owner.cookie,
        body: { hostname, siteId: other.siteId },
      }),
      409,
      "CONFLICT",
    );
    // The other tenant cannot see or remove it either.
    expect(
      (
        await json(
          await call(`/tenants/${other.t.tenant.id}/domains`, {
            cookie: other.t.roles.owner.cookie,
          }),
        )
      ).items,
    ).toEqual([]);
    await expectProblem(
      await call(`/tenants/${other.t.tenant.id}/domains/${hostname}`, {
        method: "DELETE",
        cookie: other.t.roles.owner.cookie,
      }),
      404,
      "NOT_FOUND",
    );
  });

  it("refuses names Lectern owns, bad names, and sites of another tenant", async () => {
    const site = await publishedSite(BASIC_SITE);
    const other = await publishedSite(BASIC_SITE);
    const base = `/tenants/${site.t.tenant.id}/domains`;
    for (const hostname of [
      "lectern.test",
      "x.y.sites.localhost",
      "sites.localhost",
      "a.b.preview.localhost",
      "not a host",
      "localhost",
    ]) {
      const body = await expectProblem(
        await call(base, {
          cookie: site.t.roles.owner.cookie,
          body: { hostname, siteId: site.siteId },
        }),
        400,
        "VALIDATION_FAILED",
      );
      expect(body.errors?.[0]?.field, hostname).toBe("hostname");
    }
    await expectProblem(
      await call(base, {
        cookie: site.t.roles.owner.cookie,
        body: { hostname: `${uniq("x").toLowerCase()}.example.edu`, siteId: other.siteId },
      }),
      404,
      "NOT_FOUND",
    );
  });

  it("is for tenant owners and admins only", async () => {
    const t = await createTenant();
    const author = await addMember(t.tenant.id, "author");
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/domains`, { cookie: author.cookie }),
      403,
      "FORBIDDEN",
    );
  });
});

async function deliverOrNull(url: string) {
  const { handleDelivery } = await import("#workers/delivery/index");
  const { createExecutionContext } = await import("cloudflare:test");
  return handleDelivery(new Request(url), env, createExecutionContext());
}
