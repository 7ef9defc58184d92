import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createTenant, json, type TenantFixture } from "../../factories.ts";

async function makeSite(
  t: TenantFixture,
  as: keyof TenantFixture["roles"],
  body: Record<string, unknown> = {},
) {
  const res = await call(`/tenants/${t.tenant.id}/sites`, {
    cookie: t.roles[as].cookie,
    body: { title: "Classical Mechanics", starterId: "course", ...body },
  });
  if (res.status !== 201) throw new Error(`site create failed: ${res.status} ${await res.text()}`);
  return json(res);
}

describe("sites", () => {
  it("an author provisions a site from the course starter and administers it", async () => {
    const t = await createTenant();
    const site = await makeSite(t, "author", { title: "8.01 Classical Mechanics" });
    expect(site).toMatchObject({
      slug: "8-01-classical-mechanics",
      title: "8.01 Classical Mechanics",
      starter: { slug: "course", version: 1 },
      ownerUserId: t.roles.author.id,
      archived: false,
      role: "admin",
      publish: {
        contentVersion: 0,
        previewVersion: null,
        liveVersion: null,
        previewChanges: true,
        liveChanges: true,
      },
    });
    const read = await call(`/tenants/${t.tenant.id}/sites/${site.id}`, {
      cookie: t.roles.author.cookie,
    });
    expect(read.status).toBe(200);
    const collabs = await json(
      await call(`/tenants/${t.tenant.id}/sites/${site.id}/collaborators`, {
        cookie: t.roles.author.cookie,
      }),
    );
    expect(collabs.items).toEqual([
      expect.objectContaining({ userId: t.roles.author.id, role: "admin" }),
    ]);
    // Same title again gets a fresh slug.
    const second = await makeSite(t, "author", { title: "8.01 Classical Mechanics" });
    expect(second.slug).toBe("8-01-classical-mechanics-2");
  });

  it("validates the body: unknown starter, taken slug, owner outside the tenant", async () => {
    const t = await createTenant();
    const other = await createTenant();
    const base = `/tenants/${t.tenant.id}/sites`;
    const noStarter = await call(base, {
      cookie: t.roles.admin.cookie,
      body: { title: "X", starterId: "nope" },
    });
    expect(noStarter.status).toBe(400);
    expect((await json(noStarter)).errors[0].field).toBe("starterId");
    await makeSite(t, "admin", { slug: "taken" });
    const taken = await call(base, {
      cookie: t.roles.admin.cookie,
      body: { title: "Y", starterId: "website", slug: "taken" },
    });
    expect(taken.status).toBe(409);
    const outsider = await call(base, {
      cookie: t.roles.admin.cookie,
      body: { title: "Z", starterId: "course", ownerUserId: other.roles.owner.id },
    });
    expect(outsider.status).toBe(400);
    expect((await json(outsider)).errors[0].field).toBe("ownerUserId");
    const authorForOthers = await call(base, {
      cookie: t.roles.author.cookie,
      body: { title: "Z", starterId: "course", ownerUserId: t.roles.member.id },
    });
    expect(authorForOthers.status).toBe(403);
    const badSlug = await call(base, {
      cookie: t.roles.admin.cookie,
      body: { title: "Z", starterId: "course", slug: "../etc" },
    });
    expect(badSlug.status).toBe(400);
    const n = await env.DB.prepare("SELECT count(*) AS n FROM sites WHERE tenant_id = ?")
      .bind(t.tenant.id)
      .first<{ n: number }>();
    expect(n?.n).toBe(1);
  });

  it("members see only the sites they collaborate on, with their role", async () => {
    const t = await createTenant();
    const a = await makeSite(t, "admin", { title: "Alpha" });
    const b = await makeSite(t, "admin", { title: "Beta" });
    const listAs = async (role: keyof TenantFixture["roles"], query = "") =>
      json(await call(`/tenants/${t.tenant.id}/sites${query}`, { cookie: t.roles[role].cookie }));
    expect((await listAs("member")).items).toEqual([]);
    expect((await listAs("admin")).items.map((s: { title: string }) => s.title).sort()).toEqual([
      "Alpha",
      "Beta",
    ]);
    const hidden = await call(`/tenants/${t.tenant.id}/sites/${a.id}`, {
      cookie: t.roles.member.cookie,
    });
    expect(hidden.status).toBe(404);

    const added = await call(`/tenants/${t.tenant.id}/sites/${b.id}/collaborators`, {
      cookie: t.roles.admin.cookie,
      body: { userId: t.roles.member.id, role: "editor" },
    });
    expect(added.status).toBe(201);
    const mine = await listAs("member");
    expect(mine.items).toEqual([expect.objectContaining({ title: "Beta", role: "editor" })]);
    // An editor may read but not change settings or collaborators.
    const settings = await call(`/tenants/${t.tenant.id}/sites/${b.id}`, {
      method: "PATCH",
      cookie: t.roles.member.cookie,
      body: { title: "Gamma" },
    });
    expect(settings.status).toBe(403);
    const dup = await call(`/tenants/${t.tenant.id}/sites/${b.id}/collaborators`, {
      cookie: t.roles.admin.cookie,
      body: { userId: t.roles.member.id, role: "viewer" },
    });
    expect(dup.status).toBe(409);
    const collab = (await json(added)).id;
    const demote = await call(`/tenants/${t.tenant.id}/sites/${b.id}/collaborators/${collab}`, {
      method: "PATCH",
      cookie: t.roles.admin.cookie,
      body: { role: "viewer" },
    });
    expect((await json(demote)).role).toBe("viewer");
    const removed = await call(`/tenants/${t.tenant.id}/sites/${b.id}/collaborators/${collab}`, {
      method: "DELETE",
      cookie: t.roles.admin.cookie,
    });
    expect(removed.status).toBe(200);
    expect((await listAs("member")).items).toEqual([]);
  });

  it("searches, filters, sorts and pages", async () => {
    const t = await createTenant();
    for (const title of ["Linear Algebra", "Calculus I", "Calculus II", "Poetry 100%"]) {
      await makeSite(t, "admin", { title });
    }
    await makeSite(t, "admin", { title: "Club site", starterId: "website" });
    const q = async (query: string) =>
      json(await call(`/tenants/${t.tenant.id}/sites?${query}`, { cookie: t.roles.owner.cookie }));
    expect((await q("q=calculus&sort=title")).items.map((s: { title: string }) => s.title)).toEqual(
      ["Calculus I", "Calculus II"],
    );
    expect((await q("q=100%25")).items.map((s: { title: string }) => s.title)).toEqual([
      "Poetry 100%",
    ]);
    expect((await q("starter=website")).items.map((s: { title: string }) => s.title)).toEqual([
      "Club site",
    ]);
    expect((await q("published=live")).items).toEqual([]);
    const first = await q("sort=title&limit=2");
    expect(first.items.map((s: { title: string }) => s.title)).toEqual([
      "Calculus I",
      "Calculus II",
    ]);
    const second = await q(`sort=title&limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((s: { title: string }) => s.title)).toEqual([
      "Club site",
      "Linear Algebra",
    ]);
    const third = await q(`sort=title&limit=2&cursor=${second.nextCursor}`);
    expect(third.items.map((s: { title: string }) => s.title)).toEqual(["Poetry 100%"]);
    expect(third.nextCursor).toBeNull();
    const newest = await q("limit=3");
    const rest = await q(`limit=3&cursor=${newest.nextCursor}`);
    expect(newest.items.length + rest.items.length).toBe(5);
    expect(new Set([...newest.items, ...rest.items].map((s: { id: string }) => s.id)).size).toBe(5);
    const badCursor = await call(`/tenants/${t.tenant.id}/sites?cursor=zzz`, {
      cookie: t.roles.owner.cookie,
    });
    expect(badCursor.status).toBe(400);
  });

  it("archives and restores, and renames with a slug check", async () => {
    const t = await createTenant();
    const s = await makeSite(t, "author");
    const base = `/tenants/${t.tenant.id}/sites/${s.id}`;
    const archived = await call(`${base}/archive`, {
      method: "POST",
      cookie: t.roles.author.cookie,
    });
    expect((await json(archived)).archived).toBe(true);
    const again = await call(`${base}/archive`, { method: "POST", cookie: t.roles.author.cookie });
    expect(again.status).toBe(409);
    const list = await json(
      await call(`/tenants/${t.tenant.id}/sites`, { cookie: t.roles.owner.cookie }),
    );
    expect(list.items).toEqual([]);
    const onlyArchived = await json(
      await call(`/tenants/${t.tenant.id}/sites?archived=only`, { cookie: t.roles.owner.cookie }),
    );
    expect(onlyArchived.items).toHaveLength(1);
    const restored = await call(`${base}/restore`, {
      method: "POST",
      cookie: t.roles.owner.cookie,
    });
    expect((await json(restored)).archived).toBe(false);
    const renamed = await call(base, {
      method: "PATCH",
      cookie: t.roles.author.cookie,
      body: { title: "New", slug: "new-slug" },
    });
    expect(await json(renamed)).toMatchObject({ title: "New", slug: "new-slug" });
    const audit = await json(
      await call(`/tenants/${t.tenant.id}/audit?targetType=site`, { cookie: t.roles.owner.cookie }),
    );
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual([
      "site.updated",
      "site.restored",
      "site.archived",
      "site.created",
    ]);
  });

  it("removing someone from the tenant removes them from its sites", async () => {
    const t = await createTenant();
    const s = await makeSite(t, "admin");
    await call(`/tenants/${t.tenant.id}/sites/${s.id}/collaborators`, {
      cookie: t.roles.admin.cookie,
      body: { userId: t.roles.member.id, role: "editor" },
    });
    const removed = await call(`/tenants/${t.tenant.id}/members/${t.roles.member.membershipId}`, {
      method: "DELETE",
      cookie: t.roles.owner.cookie,
    });
    expect(removed.status).toBe(200);
    const collabs = await json(
      await call(`/tenants/${t.tenant.id}/sites/${s.id}/collaborators`, {
        cookie: t.roles.admin.cookie,
      }),
    );
    expect(collabs.items.map((c: { userId: string }) => c.userId)).not.toContain(t.roles.member.id);
  });

  it("another tenant's site is a 404 for every route", async () => {
    const t = await createTenant();
    const other = await createTenant();
    const s = await makeSite(t, "admin");
    for (const [method, path] of [
      ["GET", `/tenants/${t.tenant.id}/sites/${s.id}`],
      ["PATCH", `/tenants/${t.tenant.id}/sites/${s.id}`],
      ["POST", `/tenants/${t.tenant.id}/sites/${s.id}/archive`],
      ["GET", `/tenants/${other.tenant.id}/sites/${s.id}`],
      ["POST", `/tenants/${other.tenant.id}/sites/${s.id}/archive`],
    ] as const) {
      const res = await call(path, {
        method,
        cookie: other.roles.owner.cookie,
        ...(method === "PATCH" ? { body: { title: "pwned" } } : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });
});
