import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createTenant, json } from "../../factories.ts";

const validYaml = `
root-url-path: handbooks
collections:
  - name: chapter
    label: Chapters
    folder: content/chapters
    fields:
      - { label: Title, name: title, widget: string, required: true }
      - { label: Body, name: body, widget: markdown }
      - { label: Level, name: level, widget: select, options: [Intro, Advanced] }
`;

describe("starters", () => {
  it("every tenant has the built-in course and website starters", async () => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}/starters`, { cookie: t.roles.member.cookie });
    expect(res.status).toBe(200);
    const { items } = await json(res);
    expect(items.map((s: { slug: string }) => s.slug).sort()).toEqual(["course", "website"]);
    expect(items.every((s: { builtIn: boolean }) => s.builtIn)).toBe(true);
    // Listing twice does not duplicate them.
    const again = await json(
      await call(`/tenants/${t.tenant.id}/starters`, { cookie: t.roles.owner.cookie }),
    );
    expect(again.items).toHaveLength(2);
    const course = items.find((s: { slug: string }) => s.slug === "course");
    const detail = await json(
      await call(`/tenants/${t.tenant.id}/starters/${course.id}`, {
        cookie: t.roles.author.cookie,
      }),
    );
    expect(detail.config.collections.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining([
        "page",
        "resource",
        "instructor",
        "video_gallery",
        "resource-list",
        "metadata",
        "menu",
      ]),
    );
  });

  it("admins upload a starter, version it, and deactivate it", async () => {
    const t = await createTenant();
    const base = `/tenants/${t.tenant.id}/starters`;
    const created = await call(base, {
      cookie: t.roles.admin.cookie,
      body: { slug: "handbook", name: "Handbook", source: validYaml },
    });
    expect(created.status).toBe(201);
    const s = await json(created);
    expect(s).toMatchObject({
      slug: "handbook",
      currentVersion: 1,
      builtIn: false,
      status: "active",
    });
    expect(s.config.collections[0].fields[2].widget).toBe("select");

    const v2 = await call(`${base}/${s.id}/versions`, {
      cookie: t.roles.owner.cookie,
      body: { source: validYaml.replace("Intro, Advanced", "Intro, Advanced, Expert") },
    });
    expect(v2.status).toBe(201);
    expect((await json(v2)).currentVersion).toBe(2);
    const versions = await json(
      await call(`${base}/${s.id}/versions`, { cookie: t.roles.member.cookie }),
    );
    expect(versions.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    const off = await call(`${base}/${s.id}`, {
      method: "PATCH",
      cookie: t.roles.admin.cookie,
      body: { status: "inactive" },
    });
    expect(off.status).toBe(200);
    const active = await json(await call(base, { cookie: t.roles.admin.cookie }));
    expect(active.items.map((x: { slug: string }) => x.slug)).not.toContain("handbook");
    const all = await json(await call(`${base}?status=all`, { cookie: t.roles.admin.cookie }));
    expect(all.items.map((x: { slug: string }) => x.slug)).toContain("handbook");

    const audit = await json(
      await call(`/tenants/${t.tenant.id}/audit?targetType=starter`, {
        cookie: t.roles.owner.cookie,
      }),
    );
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual([
      "starter.updated",
      "starter.version_added",
      "starter.created",
    ]);
  });

  it("a site keeps the starter version it was made with", async () => {
    const t = await createTenant();
    const base = `/tenants/${t.tenant.id}/starters`;
    const s = await json(
      await call(base, {
        cookie: t.roles.admin.cookie,
        body: { slug: "kept", name: "Kept", source: validYaml },
      }),
    );
    const site = await json(
      await call(`/tenants/${t.tenant.id}/sites`, {
        cookie: t.roles.admin.cookie,
        body: { title: "Pinned", starterId: s.id },
      }),
    );
    await call(`${base}/${s.id}/versions`, {
      cookie: t.roles.admin.cookie,
      body: { source: validYaml.replace("name: chapter", "name: unit") },
    });
    const res = await call(`/tenants/${t.tenant.id}/sites/${site.id}/starter`, {
      cookie: t.roles.admin.cookie,
    });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ id: s.id, slug: "kept", version: 1 });
    expect(body.config.collections[0].name).toBe("chapter");
    const fresh = await json(
      await call(`/tenants/${t.tenant.id}/sites`, {
        cookie: t.roles.admin.cookie,
        body: { title: "Fresh", starterId: s.id },
      }),
    );
    const freshStarter = await json(
      await call(`/tenants/${t.tenant.id}/sites/${fresh.id}/starter`, {
        cookie: t.roles.admin.cookie,
      }),
    );
    expect(freshStarter).toMatchObject({ version: 2 });
    expect(freshStarter.config.collections[0].name).toBe("unit");
  });

  it("rejects an invalid starter with the offending path and writes nothing", async () => {
    const t = await createTenant();
    const bad = validYaml.replace("widget: markdown", "widget: wysiwyg");
    const res = await call(`/tenants/${t.tenant.id}/starters`, {
      cookie: t.roles.admin.cookie,
      body: { slug: "broken", name: "Broken", source: bad },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = await json(res);
    expect(problem.code).toBe("VALIDATION_FAILED");
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(
      "collections[0].fields[1].widget",
    );
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM starters WHERE tenant_id = ? AND slug = 'broken'",
    )
      .bind(t.tenant.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);

    const yamlError = await call(`/tenants/${t.tenant.id}/starters`, {
      cookie: t.roles.admin.cookie,
      body: { slug: "broken", name: "Broken", source: "collections: [\n  - name" },
    });
    expect(yamlError.status).toBe(400);
  });

  it("refuses reserved and duplicate slugs, and changes to built-ins", async () => {
    const t = await createTenant();
    const base = `/tenants/${t.tenant.id}/starters`;
    const reserved = await call(base, {
      cookie: t.roles.admin.cookie,
      body: { slug: "course", name: "X", source: validYaml },
    });
    expect(reserved.status).toBe(409);
    expect((await json(reserved)).errors[0].field).toBe("slug");
    await call(base, {
      cookie: t.roles.admin.cookie,
      body: { slug: "dup", name: "X", source: validYaml },
    });
    const dup = await call(base, {
      cookie: t.roles.admin.cookie,
      body: { slug: "dup", name: "Y", source: validYaml },
    });
    expect(dup.status).toBe(409);
    const list = await json(await call(base, { cookie: t.roles.admin.cookie }));
    const course = list.items.find((s: { slug: string }) => s.slug === "course");
    const version = await call(`${base}/${course.id}/versions`, {
      cookie: t.roles.admin.cookie,
      body: { source: validYaml },
    });
    expect(version.status).toBe(403);
    const rename = await call(`${base}/${course.id}`, {
      method: "PATCH",
      cookie: t.roles.admin.cookie,
      body: { name: "Mine" },
    });
    expect(rename.status).toBe(403);
  });

  it("only owners and admins manage starters; other tenants see nothing", async () => {
    const t = await createTenant();
    const other = await createTenant();
    const base = `/tenants/${t.tenant.id}/starters`;
    const asAuthor = await call(base, {
      cookie: t.roles.author.cookie,
      body: { slug: "a", name: "A", source: validYaml },
    });
    expect(asAuthor.status).toBe(403);
    const created = await json(
      await call(base, {
        cookie: t.roles.owner.cookie,
        body: { slug: "mine", name: "Mine", source: validYaml },
      }),
    );
    const cross = await call(`${base}/${created.id}`, { cookie: other.roles.owner.cookie });
    expect(cross.status).toBe(404);
    const viaOwnTenant = await call(`/tenants/${other.tenant.id}/starters/${created.id}`, {
      cookie: other.roles.owner.cookie,
    });
    expect(viaOwnTenant.status).toBe(404);
  });
});
