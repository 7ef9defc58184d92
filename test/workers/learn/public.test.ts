// The signed catalog endpoints: a live course's JSON (OCW data.json names and shapes, checked
// against the schema and the published site), the catalog listing with cursor pagination and
// updated_since, ETags and cache headers.
import { describe, expect, it } from "vitest";
import { catalogPage, siteJson } from "#schemas/learn";
import { signUrl } from "#workers/domain/catalog-signing";
import { call, createTenant, expectProblem, json } from "../../factories.ts";
import { siteHostUrl } from "../publish/support.ts";
import { APP, createKey, liveCourse, publishLive, signedSiteUrl } from "./support.ts";

describe("a live site's JSON", () => {
  it("carries OCW's data.json fields, resolved, and a map of the site's content", async () => {
    const t = await createTenant();
    const course = await liveCourse(t);
    const key = await createKey(t);
    const res = await call(
      await signedSiteUrl(t.tenant.slug, course.site.slug, { id: key.key.id, secret: key.secret }),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = siteJson.parse(await json(res));
    const live = siteHostUrl(t, course.site.slug, "live");
    expect(body).toMatchObject({
      site_id: course.site.id,
      site_short_id: course.site.slug,
      site_url_path: `courses/${course.site.slug}`,
      tenant: t.tenant.slug,
      starter: "course",
      course_title: "Classical Mechanics",
      primary_course_number: "8.01",
      extra_course_numbers: "8.011, 8.012",
      term: "Fall",
      year: "2026",
      level: ["Undergraduate"],
      department_numbers: ["8"],
      topics: [["Science", "Physics", "Classical Mechanics"]],
      learning_resource_types: ["Lecture Notes"],
      audience: ["Learners"],
      instructors: [
        {
          uid: course.instructor.uid,
          first_name: "Ada",
          last_name: "Lovelace",
          middle_initial: "",
          salutation: "Prof.",
          title: "Prof. Ada Lovelace",
        },
      ],
      image_src: `${live}cover.jpg`,
      course_image_metadata: {
        uid: course.image.uid,
        file: `${live}cover.jpg`,
        file_type: "image/jpeg",
        image_metadata: { "image-alt": "A pendulum", caption: "Swinging", credit: "MIT" },
      },
      hide_download: false,
      legacy_uid: "",
      url: live,
      download_url: `${live}__lectern/offline.zip`,
    });
    expect(body.site_uid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    // The description's markdown as HTML; OCW's resource_link shortcode is a link to the page.
    expect(body.course_description_html).toBe(
      `<p>Motion and <strong>forces</strong>. See <a href="${live}pages/syllabus/">the syllabus</a>.</p>\n`,
    );
    // The content map: pages, resources and instructors with their URLs; no drafts.
    const byUid = new Map(body.content.map((e) => [e.uid, e]));
    expect(byUid.get(course.syllabus.uid)).toMatchObject({
      type: "page",
      url: `${live}pages/syllabus/`,
      file_url: null,
    });
    expect(byUid.get(course.notes.uid)).toMatchObject({
      type: "resource",
      resource_type: "Document",
      url: `${live}resources/lecture-notes/`,
      file_url: "https://files.example.org/notes.pdf",
      file_type: "application/pdf",
      learning_resource_types: ["Lecture Notes"],
    });
    expect(byUid.get(course.instructor.uid)?.type).toBe("instructor");
    expect(byUid.has(course.draft.uid)).toBe(false);
    expect(body.content.some((e) => e.type === "metadata")).toBe(false);
    // Against the published site: it is live, at the URL the JSON names.
    expect((await call(body.url)).status).toBe(200);
    expect(Date.parse(body.published_at)).toBeLessThanOrEqual(Date.now());
    expect(body.live_content_version).toBe(body.content_version);
  });

  it("answers with an ETag and a cache lifetime bounded by the URL's expiry; 304 on a match", async () => {
    const t = await createTenant();
    const course = await liveCourse(t);
    const key = await createKey(t);
    const k = { id: key.key.id, secret: key.secret };
    const url = await signedSiteUrl(t.tenant.slug, course.site.slug, k, Date.now() + 60_000);
    const first = await call(url);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const maxAge = Number(/max-age=(\d+)/.exec(first.headers.get("cache-control") ?? "")?.[1]);
    expect(first.headers.get("cache-control")).toMatch(/^public, /);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(60);
    const again = await call(url, { headers: { "if-none-match": etag as string } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    // A metadata change changes the body, so the ETag.
    const patched = await call(`${course.base}/content/${course.metadata.uid}`, {
      method: "PATCH",
      cookie: course.cookie,
      headers: { "if-match": '"1"' },
      body: { fields: { course_title: "Mechanics II" } },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    const changed = await call(url, { headers: { "if-none-match": etag as string } });
    expect(changed.status).toBe(200);
    expect((await json(changed)).course_title).toBe("Mechanics II");
  });

  it("is documented: the OpenAPI document and the JSON Schema", async () => {
    const doc = await json(await call(`${APP}/public/v1/openapi.json`));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/tenants/{tenantSlug}/sites/{siteFile}",
        "/tenants/{tenantSlug}/sites",
      ]),
    );
    expect(doc.components.schemas.SiteJson.properties.course_title).toBeDefined();
    const schema = await json(await call(`${APP}/public/v1/schemas/site.json`));
    expect(schema.$ref).toBe("#/$defs/SiteJson");
    expect(schema.$defs.SiteJson.required).toEqual(
      expect.arrayContaining(["site_uid", "course_title", "content"]),
    );
  });
});

describe("the catalog listing", () => {
  it("pages through the tenant's live sites with signed next URLs and filters by updated_since", async () => {
    const t = await createTenant();
    const a = await liveCourse(t, "Course A");
    const b = await liveCourse(t, "Course B");
    const c = await liveCourse(t, "Course C");
    const key = await createKey(t);
    const k = { id: key.key.id, secret: key.secret };
    const first = await call(
      await signUrl(
        `${APP}/public/v1/tenants/${t.tenant.slug}/sites?limit=2`,
        k,
        Date.now() + 600_000,
      ),
    );
    expect(first.status, await first.clone().text()).toBe(200);
    const page1 = catalogPage.parse(await json(first));
    expect(page1.items).toHaveLength(2);
    expect(page1.next_url).not.toBeNull();
    const page2 = catalogPage.parse(await json(await call(page1.next_url as string)));
    expect(page2.next_url).toBeNull();
    const ids = [...page1.items, ...page2.items].map((i) => i.site_id).sort();
    expect(ids).toEqual([a.site.id, b.site.id, c.site.id].sort());
    // Each entry's json_url is signed and serves that site.
    const entry = page2.items[0];
    if (!entry) throw new Error("empty page");
    const one = await call(entry.json_url);
    expect(one.status).toBe(200);
    expect((await json(one)).site_id).toBe(entry.site_id);
    // updated_since: only what changed after the given time.
    const since = new Date(Date.now() + 1).toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await publishLive(b.site.id, b.base, b.cookie);
    const recent = catalogPage.parse(
      await json(
        await call(
          await signUrl(
            `${APP}/public/v1/tenants/${t.tenant.slug}/sites?updated_since=${encodeURIComponent(since)}`,
            k,
            Date.now() + 600_000,
          ),
        ),
      ),
    );
    expect(recent.items.map((i) => i.site_id)).toEqual([b.site.id]);
  });

  it("refuses a query it does not understand, naming the field", async () => {
    const t = await createTenant();
    const key = await createKey(t);
    const res = await call(
      await signUrl(
        `${APP}/public/v1/tenants/${t.tenant.slug}/sites?limit=lots`,
        { id: key.key.id, secret: key.secret },
        Date.now() + 60_000,
      ),
    );
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.[0]?.field).toBe("limit");
  });
});
