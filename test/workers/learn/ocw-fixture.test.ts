// OCW's real course export (../shared/fixtures/ocw/ocw-ci-test-course), imported, published
// live and read as Learn reads it: every field OCW's course data has comes back with OCW's
// value and JSON shape, so an OCW consumer needs no mapping change.
import { expect, it } from "vitest";
import { siteJson } from "#schemas/learn";
import courseJson from "../../../../shared/fixtures/ocw/ocw-ci-test-course/data/course.json?raw";
import { call, createTenant, json } from "../../factories.ts";
import ociZipB64 from "../../fixtures/archives/ocw-ci-test-course.zip.b64?raw";
import { createKey, publishLive, signedSiteUrl } from "./support.ts";

const fromB64 = (b64: string) =>
  Uint8Array.from(atob(b64.replace(/\s+/g, "")), (ch) => ch.charCodeAt(0));

/** Fields of OCW's Studio data that its published data.json resolves (relations). */
const RESOLVED = new Set(["instructors", "course_image", "course_image_thumbnail"]);

it("serves OCW's course data for an imported OCW course, with OCW's values and shapes", async () => {
  const t = await createTenant();
  const bytes = fromB64(ociZipB64);
  const res = await call(`/tenants/${t.tenant.id}/sites/import`, {
    cookie: t.roles.admin.cookie,
    rawBody: bytes,
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(bytes.byteLength),
    },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { site } = await json(res);
  await publishLive(site.id, `/tenants/${t.tenant.id}/sites/${site.id}`, t.roles.admin.cookie);
  const key = await createKey(t);
  const served = await call(
    await signedSiteUrl(t.tenant.slug, site.slug, { id: key.key.id, secret: key.secret }),
  );
  expect(served.status, await served.clone().text()).toBe(200);
  const body = siteJson.parse(await json(served)) as Record<string, unknown>;
  const ocw = JSON.parse(courseJson) as Record<string, unknown>;
  const shape = (v: unknown) => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);
  let compared = 0;
  for (const [field, value] of Object.entries(ocw)) {
    if (RESOLVED.has(field) || !(field in body)) continue;
    compared++;
    expect(shape(body[field]), field).toBe(shape(value));
    if (field === "course_description_html" || field === "site_uid") continue;
    expect(body[field], field).toEqual(value);
  }
  expect(compared).toBeGreaterThanOrEqual(16);
  // The description is rendered from its markdown (OCW's resource_link shortcodes become links).
  expect(body.course_description_html).toContain(
    '<a href="https://github.mit.edu/ocw-content-rc/ocw-ci-test-course">',
  );
  // The course image resolves to the imported resource; instructors live on OCW's ocw-www site,
  // which is not part of this export, so none resolve.
  expect((body.course_image_metadata as { uid: string }).uid).toBe(
    "5388b0c3-c599-4c42-8a3c-f89beed7c154",
  );
  expect(body.instructors).toEqual([]);
  expect((body.content as unknown[]).length).toBeGreaterThan(40);
});
