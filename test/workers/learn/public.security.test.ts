// Security of the signed catalog endpoints: every way a URL can be wrong answers 401
// problem+json (expired, tampered path, query, kid or signature, unsigned, too long, unknown,
// rotated-out or revoked key, another tenant's key); a site that is not live in the URL's
// tenant answers 404, whatever the signature.
import { describe, expect, it } from "vitest";
import { signUrl } from "#workers/domain/catalog-signing";
import { call, createTenant, expectProblem, json } from "../../factories.ts";
import { makeSite } from "../publish/support.ts";
import { APP, createKey, liveCourse, signedSiteUrl } from "./support.ts";

async function liveWithKey() {
  const t = await createTenant();
  const course = await liveCourse(t);
  const created = await createKey(t);
  const key = { id: created.key.id, secret: created.secret };
  const url = await signedSiteUrl(t.tenant.slug, course.site.slug, key);
  expect((await call(url)).status).toBe(200);
  return { t, course, key, url };
}

const unauthorized = (res: Response) => expectProblem(res, 401, "SIGNATURE_INVALID");

describe("signed catalog URLs", () => {
  it("refuses an expired URL, and one whose expiry is too far away", async () => {
    const { t, course, key } = await liveWithKey();
    const expired = await signedSiteUrl(t.tenant.slug, course.site.slug, key, Date.now() - 1000);
    expect((await unauthorized(await call(expired))).detail).toMatch(/expired/);
    const forever = await signedSiteUrl(
      t.tenant.slug,
      course.site.slug,
      key,
      Date.now() + 400 * 86_400_000,
    );
    await unauthorized(await call(forever));
  });

  it("refuses a URL whose path, query, kid or signature was changed", async () => {
    const { t, course, url } = await liveWithKey();
    const other = await liveCourse(t, "Another course");
    // Path: the same signature on another site of the same tenant.
    const path = url.replace(`/sites/${course.site.slug}.json`, `/sites/${other.site.slug}.json`);
    expect((await unauthorized(await call(path))).detail).toMatch(/does not match/);
    // Query: a parameter added, or the expiry moved.
    await unauthorized(await call(`${url}&extra=1`));
    const u = new URL(url);
    u.searchParams.set("exp", String(Number(u.searchParams.get("exp")) + 60));
    await unauthorized(await call(u.toString()));
    // Kid: another key of the tenant.
    const second = await createKey(t, "Second");
    const kid = new URL(url);
    kid.searchParams.set("kid", second.key.id);
    await unauthorized(await call(kid.toString()));
    // Signature: one character flipped, truncated, or missing.
    const sig = new URL(url);
    const s = sig.searchParams.get("sig") as string;
    sig.searchParams.set("sig", (s[0] === "A" ? "B" : "A") + s.slice(1));
    await unauthorized(await call(sig.toString()));
    sig.searchParams.set("sig", s.slice(0, 20));
    await unauthorized(await call(sig.toString()));
    sig.searchParams.delete("sig");
    await unauthorized(await call(sig.toString()));
    // Unsigned altogether.
    await unauthorized(await call(url.split("?")[0] as string));
  });

  it("refuses an unknown key and another tenant's key", async () => {
    const { t, course, key } = await liveWithKey();
    await unauthorized(
      await call(await signedSiteUrl(t.tenant.slug, course.site.slug, { ...key, id: "key_nope" })),
    );
    const b = await createTenant();
    const bKey = await createKey(b);
    const res = await call(
      await signedSiteUrl(t.tenant.slug, course.site.slug, {
        id: bKey.key.id,
        secret: bKey.secret,
      }),
    );
    expect((await unauthorized(res)).detail).toBe("Unknown signing key");
    // An unknown tenant answers exactly like an unknown key.
    const ghost = await call(await signedSiteUrl("no-such-tenant", course.site.slug, key));
    expect((await unauthorized(ghost)).detail).toBe("Unknown signing key");
  });

  it("answers 404 for another tenant's site and for sites that are not live", async () => {
    const { t, key } = await liveWithKey();
    const b = await createTenant();
    const bCourse = await liveCourse(b, "Only in B");
    // A's valid key, B's site slug under A's path: not a site of A.
    await expectProblem(
      await call(await signedSiteUrl(t.tenant.slug, bCourse.site.slug, key)),
      404,
      "NOT_FOUND",
    );
    // A's site that was never published.
    const { site } = await makeSite(t, "Draft course");
    await expectProblem(
      await call(await signedSiteUrl(t.tenant.slug, site.slug, key)),
      404,
      "NOT_FOUND",
    );
  });

  it("answers 404 once the site is unpublished, with the same URL that worked before", async () => {
    const { t, course, url } = await liveWithKey();
    const res = await call(`${course.base}/unpublish`, { cookie: t.roles.admin.cookie, body: {} });
    expect(res.status, await res.clone().text()).toBe(200);
    await expectProblem(await call(url), 404, "NOT_FOUND");
  });

  it("keeps the old key working during a rotation's overlap, and stops a revoked key at once", async () => {
    const { t, course, key, url } = await liveWithKey();
    const base = `/tenants/${t.tenant.id}/signing-keys`;
    const cookie = t.roles.admin.cookie;
    const rotated = await json(
      await call(`${base}/${key.id}/rotate`, { cookie, body: { overlapHours: 24 } }),
    );
    expect(rotated.previous).toMatchObject({ id: key.id, state: "expiring" });
    const fresh = await signedSiteUrl(t.tenant.slug, course.site.slug, {
      id: rotated.key.id,
      secret: rotated.secret,
    });
    expect((await call(url)).status).toBe(200);
    expect((await call(fresh)).status).toBe(200);
    // Revoking the old key ends its URLs now, overlap or not; the new key goes on.
    expect((await call(`${base}/${key.id}`, { method: "DELETE", cookie })).status).toBe(200);
    expect((await unauthorized(await call(url))).detail).toMatch(/revoked/);
    expect((await call(fresh)).status).toBe(200);
    // A rotation with no overlap ends the old key at once.
    const again = await json(
      await call(`${base}/${rotated.key.id}/rotate`, { cookie, body: { overlapHours: 0 } }),
    );
    expect((await unauthorized(await call(fresh))).detail).toMatch(/expired/);
    const newest = await signedSiteUrl(t.tenant.slug, course.site.slug, {
      id: again.key.id,
      secret: again.secret,
    });
    expect((await call(newest)).status).toBe(200);
  });

  it("signs the catalog listing's query too (cursor, limit, updated_since)", async () => {
    const { t, key } = await liveWithKey();
    const url = await signUrl(
      `${APP}/public/v1/tenants/${t.tenant.slug}/sites?limit=1`,
      key,
      Date.now() + 60_000,
    );
    expect((await call(url)).status).toBe(200);
    await unauthorized(await call(url.replace("limit=1", "limit=2")));
    await unauthorized(await call(`${url}&updated_since=2020-01-01T00:00:00.000Z`));
  });
});
