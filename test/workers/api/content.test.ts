import { describe, expect, it } from "vitest";
import {
  addMember,
  call,
  countRows,
  createTenant,
  expectProblem,
  json,
  type TenantFixture,
} from "../../factories.ts";

async function makeSite(t: TenantFixture, starterId = "course") {
  const res = await call(`/tenants/${t.tenant.id}/sites`, {
    cookie: t.roles.admin.cookie,
    body: { title: "Classical Mechanics", starterId },
  });
  if (res.status !== 201) throw new Error(`site create failed: ${res.status} ${await res.text()}`);
  const site = await json(res);
  return { site, base: `/tenants/${t.tenant.id}/sites/${site.id}` };
}

const page = (title: string, extra: Record<string, unknown> = {}) => ({
  collection: "page",
  fields: { title, ...extra },
  body: `# ${title}\n\nSome text.`,
});

async function create(base: string, cookie: string, body: unknown) {
  const res = await call(`${base}/content`, { cookie, body });
  if (res.status !== 201)
    throw new Error(`content create failed: ${res.status} ${await res.text()}`);
  return { item: await json(res), etag: res.headers.get("etag") as string };
}

function patch(base: string, cookie: string, uid: string, etag: string | null, body: unknown) {
  return call(`${base}/content/${uid}`, {
    method: "PATCH",
    cookie,
    body,
    ...(etag ? { headers: { "if-match": etag } } : {}),
  });
}

describe("content items", () => {
  it("creates a page with a uid, a slug from its title, defaults, and an ETag", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    const res = await call(`${base}/content`, {
      cookie: t.roles.admin.cookie,
      body: page("Syllabus & Policies"),
    });
    expect(res.status).toBe(201);
    const item = await json(res);
    expect(item).toMatchObject({
      collection: "page",
      filename: "syllabus-policies",
      title: "Syllabus & Policies",
      body: "# Syllabus & Policies\n\nSome text.",
      version: 1,
      deleted: false,
      fileMissing: false,
      extra: {},
      createdBy: { id: t.roles.admin.id },
    });
    expect(item.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(item.fields.title).toBe("Syllabus & Policies");
    expect(res.headers.get("etag")).toBe('"1"');
    expect(res.headers.get("location")).toBe(`/api/v1${base}/content/${item.uid}`);
    // A second page with the same title gets a free filename.
    const again = await create(base, t.roles.admin.cookie, page("Syllabus & Policies"));
    expect(again.item.filename).toBe("syllabus-policies-2");
    // Reading returns the same item and ETag.
    const read = await call(`${base}/content/${item.uid}`, { cookie: t.roles.owner.cookie });
    expect(read.status).toBe(200);
    expect(read.headers.get("etag")).toBe('"1"');
    expect((await json(read)).uid).toBe(item.uid);
    // The site now has unpublished changes at content version 2.
    const s = await json(
      await call(`/tenants/${t.tenant.id}/sites/${site.id}`, { cookie: t.roles.admin.cookie }),
    );
    expect(s.publish).toMatchObject({ contentVersion: 2, previewChanges: true, liveChanges: true });
    expect(
      await countRows(
        "SELECT count(*) AS n FROM audit_events WHERE action = 'content.created' AND tenant_id = ?",
        t.tenant.id,
      ),
    ).toBe(2);
  });

  it("keeps a given uid and filename; refuses taken ones, traversal and bad names", async () => {
    const t = await createTenant();
    const { base } = await makeSite(t);
    const uid = crypto.randomUUID();
    const { item } = await create(base, t.roles.admin.cookie, {
      ...page("Intro"),
      uid,
      filename: "intro",
    });
    expect(item).toMatchObject({ uid, filename: "intro" });
    const dupUid = await call(`${base}/content`, {
      cookie: t.roles.admin.cookie,
      body: { ...page("Other"), uid },
    });
    expect((await expectProblem(dupUid, 409, "ALREADY_EXISTS")).errors?.[0]?.field).toBe("uid");
    const dupName = await call(`${base}/content`, {
      cookie: t.roles.admin.cookie,
      body: { ...page("Other"), filename: "intro" },
    });
    expect((await expectProblem(dupName, 409, "ALREADY_EXISTS")).errors?.[0]?.field).toBe(
      "filename",
    );
    for (const filename of ["../etc/passwd", "a/b", "x.md", "UPPER", "", ".hidden", "a\\b"]) {
      const bad = await call(`${base}/content`, {
        cookie: t.roles.admin.cookie,
        body: { ...page("Bad"), filename },
      });
      const problem = await expectProblem(bad, 400, "VALIDATION_FAILED");
      expect(problem.errors?.[0]?.field, filename).toBe("filename");
    }
    expect(
      await countRows(
        "SELECT count(*) AS n FROM content_items WHERE site_id = (SELECT site_id FROM content_items WHERE uid = ?)",
        uid,
      ),
    ).toBe(1);
  });

  it("validates against the starter, naming each field; nothing is written", async () => {
    const t = await createTenant();
    const { base } = await makeSite(t);
    const cases: [unknown, string][] = [
      [{ collection: "nope", fields: {} }, "collection"],
      [{ collection: "page", fields: {} }, "fields.title"],
      [{ collection: "page", fields: { title: "T", bogus: 1 } }, "fields.bogus"],
      [{ collection: "page", fields: { title: "T", uid: crypto.randomUUID() } }, "fields.uid"],
      [{ collection: "page", fields: { title: "T", body: "x" } }, "fields.body"],
      [
        { collection: "resource", fields: { title: "R", resourcetype: "Spreadsheet" } },
        "fields.resourcetype",
      ],
      [{ collection: "page", fields: { title: 42 } }, "fields.title"],
      [{ collection: "metadata", fields: {} }, "filename"],
      [{ collection: "metadata", filename: "nope", fields: {} }, "filename"],
    ];
    for (const [body, field] of cases) {
      const res = await call(`${base}/content`, { cookie: t.roles.admin.cookie, body });
      const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
      expect(
        problem.errors?.map((e) => e.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    const siteId = base.split("/").at(-1);
    expect(
      await countRows("SELECT count(*) AS n FROM content_items WHERE site_id = ?", siteId),
    ).toBe(0);
    expect(
      await countRows("SELECT count(*) AS n FROM content_revisions WHERE site_id = ?", siteId),
    ).toBe(0);
  });

  it("checks relation targets exist in this site, in the right collection, with the filter", async () => {
    const t = await createTenant();
    const { base } = await makeSite(t);
    const other = await makeSite(t);
    const cookie = t.roles.admin.cookie;
    const image = await create(base, cookie, {
      collection: "resource",
      fields: { title: "Photo", resourcetype: "Image", file: "/media/photo.jpg" },
    });
    const doc = await create(base, cookie, {
      collection: "resource",
      fields: { title: "Notes", resourcetype: "Document", file: "/media/notes.pdf" },
    });
    const elsewhere = await create(other.base, cookie, {
      collection: "resource",
      fields: { title: "Photo 2", resourcetype: "Image", file: "/media/p2.jpg" },
    });
    const meta = (courseImage: string) => ({
      collection: "metadata",
      filename: "sitemetadata",
      fields: {
        course_title: "Mechanics",
        primary_course_number: "8.01",
        course_image: courseImage,
      },
    });
    const okRes = await call(`${base}/content`, { cookie, body: meta(image.item.uid) });
    expect(okRes.status, await okRes.clone().text()).toBe(201);
    const singleton = await json(okRes);
    expect(singleton).toMatchObject({
      collection: "metadata",
      filename: "sitemetadata",
      title: "Course metadata",
    });
    for (const uid of [doc.item.uid, elsewhere.item.uid, crypto.randomUUID()]) {
      const res = await patch(base, cookie, singleton.uid, '"1"', {
        fields: { course_image: uid },
      });
      const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
      expect(problem.errors?.[0]?.field).toBe("fields.course_image");
    }
    // `parent_uid` is a system key in OCW, but the course starter declares it: it is a field.
    const parent = await create(base, cookie, page("Unit 1"));
    const child = await call(`${base}/content`, {
      cookie,
      body: page("Unit 1, part a", { parent_uid: parent.item.uid }),
    });
    expect(child.status, await child.clone().text()).toBe(201);
    expect((await json(child)).fields.parent_uid).toBe(parent.item.uid);
    const orphan = await call(`${base}/content`, {
      cookie,
      body: page("Lost", { parent_uid: image.item.uid }),
    });
    expect((await expectProblem(orphan, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe(
      "fields.parent_uid",
    );
    // The singleton exists once; a second create of the same file is refused.
    const second = await call(`${base}/content`, { cookie, body: meta(image.item.uid) });
    await expectProblem(second, 409, "ALREADY_EXISTS");
    // Singletons cannot be renamed.
    const rename = await patch(base, cookie, singleton.uid, '"1"', { filename: "other" });
    expect((await expectProblem(rename, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe(
      "filename",
    );
  });

  it("optimistic concurrency: If-Match required, stale writes get 412 with the current item", async () => {
    const t = await createTenant();
    const { base } = await makeSite(t);
    const cookie = t.roles.admin.cookie;
    const { item } = await create(base, cookie, page("Draft"));
    await expectProblem(
      await patch(base, cookie, item.uid, null, { body: "x" }),
      428,
      "PRECONDITION_REQUIRED",
    );
    await expectProblem(
      await patch(base, cookie, item.uid, "garbage", { body: "x" }),
      400,
      "VALIDATION_FAILED",
    );
    const first = await patch(base, cookie, item.uid, '"1"', { body: "Alice's text" });
    expect(first.status).toBe(200);
    expect(first.headers.get("etag")).toBe('"2"');
    // Bob still holds version 1.
    const stale = await patch(base, t.roles.owner.cookie, item.uid, '"1"', { body: "Bob's text" });
    const problem = await expectProblem(stale, 412, "VERSION_CONFLICT");
    expect(stale.headers.get("etag")).toBe('"2"');
    expect(
      (problem as unknown as { current: { body: string; version: number } }).current,
    ).toMatchObject({
      body: "Alice's text",
      version: 2,
    });
    // Weak form of the same ETag works.
    const ok = await patch(base, cookie, item.uid, 'W/"2"', { fields: { description: "About" } });
    expect(ok.status).toBe(200);
    const now = await json(ok);
    expect(now).toMatchObject({
      version: 3,
      body: "Alice's text",
      fields: { title: "Draft", description: "About" },
    });
    // null clears a field.
    const cleared = await json(
      await patch(base, cookie, item.uid, '"3"', { fields: { description: null } }),
    );
    expect(cleared.fields).not.toHaveProperty("description");
  });

  it("two writers racing on the same version: exactly one wins, the other gets 412", async () => {
    const t = await createTenant();
    const { base } = await makeSite(t);
    const cookie = t.roles.admin.cookie;
    const { item } = await create(base, cookie, page("Race"));
    const results = await Promise.all(
      ["one", "two", "three", "four"].map((body) => patch(base, cookie, item.uid, '"1"', { body })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412, 412, 412]);
    expect(
      await countRows(
        "SELECT count(*) AS n FROM content_revisions WHERE item_id = (SELECT id FROM content_items WHERE uid = ?)",
        item.uid,
      ),
    ).toBe(2);
  });

  it("refuses to delete a resource that pages link, naming them, unless forced", async () => {
    const t = await createTenant();
    const { base } = await makeSite(t);
    const cookie = t.roles.admin.cookie;
    const { item: notes } = await create(base, cookie, {
      collection: "resource",
      fields: { title: "Lecture notes", resourcetype: "Document" },
    });
    const { item: linking } = await create(base, cookie, {
      ...page("Week 1"),
      body: `Read {{% resource_link "${notes.uid}" "the notes" %}}.`,
    });
    const refused = await call(`${base}/content/${notes.uid}`, {
      method: "DELETE",
      cookie,
      headers: { "if-match": '"1"' },
    });
    const problem = (await expectProblem(refused, 409, "CONFLICT")) as {
      references?: unknown;
      detail?: string;
    };
    expect(problem.references).toEqual([
      { uid: linking.uid, collection: "page", filename: linking.filename, title: "Week 1" },
    ]);
    expect(problem.detail).toContain("linked from 1 item");
    // Nothing was written: still version 1, not deleted.
    const still = await json(await call(`${base}/content/${notes.uid}`, { cookie }));
    expect(still).toMatchObject({ deleted: false, version: 1 });
    // Forced, the delete goes through (the file stays for a restore).
    const forced = await call(`${base}/content/${notes.uid}`, {
      method: "DELETE",
      cookie,
      headers: { "if-match": '"1"' },
      query: { force: "true" },
    });
    expect(forced.status).toBe(200);
    expect(await json(forced)).toMatchObject({ deleted: true, version: 2 });
    // Once the page that linked it is gone, a resource deletes without force.
    const { item: other } = await create(base, cookie, {
      collection: "resource",
      fields: { title: "Slides", resourcetype: "Document" },
    });
    const plain = await call(`${base}/content/${other.uid}`, {
      method: "DELETE",
      cookie,
      headers: { "if-match": '"1"' },
    });
    expect(plain.status).toBe(200);
    await expectProblem(
      await call(`${base}/content/${other.uid}`, {
        method: "DELETE",
        cookie,
        headers: { "if-match": '"2"' },
        query: { force: "maybe" },
      }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("soft delete and restore, with revisions; deleted items are listed on request only", async () => {
    const t = await createTenant();
    const { base } = await makeSite(t);
    const cookie = t.roles.admin.cookie;
    const { item } = await create(base, cookie, { ...page("Gone"), filename: "gone" });
    await expectProblem(
      await call(`${base}/content/${item.uid}`, { method: "DELETE", cookie }),
      428,
      "PRECONDITION_REQUIRED",
    );
    const del = await call(`${base}/content/${item.uid}`, {
      method: "DELETE",
      cookie,
      headers: { "if-match": '"1"' },
    });
    expect(del.status).toBe(200);
    expect(await json(del)).toMatchObject({ deleted: true, version: 2 });
    const listed = await json(
      await call(`${base}/content`, { cookie, query: { collection: "page" } }),
    );
    expect(listed.items).toEqual([]);
    const deleted = await json(
      await call(`${base}/content`, { cookie, query: { deleted: "only" } }),
    );
    expect(deleted.items.map((i: { uid: string }) => i.uid)).toEqual([item.uid]);
    // Editing a deleted item is refused; its name can be reused meanwhile.
    await expectProblem(await patch(base, cookie, item.uid, '"2"', { body: "x" }), 409, "CONFLICT");
    const reuse = await create(base, cookie, { ...page("Gone again"), filename: "gone" });
    await expectProblem(
      await call(`${base}/content/${item.uid}/restore`, { method: "POST", cookie }),
      409,
      "ALREADY_EXISTS",
    );
    await call(`${base}/content/${reuse.item.uid}`, {
      method: "DELETE",
      cookie,
      headers: { "if-match": '"1"' },
    });
    const restored = await call(`${base}/content/${item.uid}/restore`, { method: "POST", cookie });
    expect(restored.status).toBe(200);
    expect(await json(restored)).toMatchObject({ deleted: false, version: 3 });
    await expectProblem(
      await call(`${base}/content/${item.uid}/restore`, { method: "POST", cookie }),
      409,
      "CONFLICT",
    );
    const revs = await json(await call(`${base}/content/${item.uid}/revisions`, { cookie }));
    expect(revs.items.map((r: { action: string }) => r.action)).toEqual([
      "restored",
      "deleted",
      "created",
    ]);
  });

  it("revisions: list, read one, diff two, restore one as a new revision", async () => {
    const t = await createTenant();
    const { base } = await makeSite(t);
    const cookie = t.roles.admin.cookie;
    const { item } = await create(base, cookie, {
      collection: "page",
      fields: { title: "Week 1", description: "Intro" },
      body: "line one\nline two\nline three",
    });
    await patch(base, cookie, item.uid, '"1"', {
      fields: { title: "Week One", description: null },
      body: "line one\nline 2\nline three\nline four",
    });
    const revs = await json(
      await call(`${base}/content/${item.uid}/revisions`, { cookie, query: { limit: "1" } }),
    );
    expect(revs.items).toHaveLength(1);
    expect(revs.items[0]).toMatchObject({
      version: 2,
      action: "updated",
      title: "Week One",
      createdBy: { id: t.roles.admin.id },
    });
    const older = await json(
      await call(`${base}/content/${item.uid}/revisions`, {
        cookie,
        query: { cursor: revs.nextCursor },
      }),
    );
    expect(older.items.map((r: { version: number }) => r.version)).toEqual([1]);
    expect(older.nextCursor).toBeNull();
    const v1 = await json(await call(`${base}/content/${item.uid}/revisions/1`, { cookie }));
    expect(v1).toMatchObject({
      version: 1,
      body: "line one\nline two\nline three",
      fields: { title: "Week 1", description: "Intro" },
    });
    await expectProblem(
      await call(`${base}/content/${item.uid}/revisions/9`, { cookie }),
      404,
      "NOT_FOUND",
    );
    const diff = await json(
      await call(`${base}/content/${item.uid}/diff`, { cookie, query: { from: "1", to: "2" } }),
    );
    expect(diff.fields).toEqual(
      expect.arrayContaining([
        { path: "title", kind: "changed", before: "Week 1", after: "Week One" },
        { path: "description", kind: "removed", before: "Intro" },
      ]),
    );
    expect(diff.body).toEqual([
      { op: "equal", text: "line one" },
      { op: "delete", text: "line two" },
      { op: "insert", text: "line 2" },
      { op: "equal", text: "line three" },
      { op: "insert", text: "line four" },
    ]);
    await expectProblem(
      await call(`${base}/content/${item.uid}/diff`, { cookie, query: { from: "1", to: "5" } }),
      404,
      "NOT_FOUND",
    );
    // Restoring needs If-Match too, and writes revision 3 with v1's content.
    await expectProblem(
      await call(`${base}/content/${item.uid}/revisions/1/restore`, { method: "POST", cookie }),
      428,
      "PRECONDITION_REQUIRED",
    );
    const back = await call(`${base}/content/${item.uid}/revisions/1/restore`, {
      method: "POST",
      cookie,
      headers: { "if-match": '"2"' },
    });
    expect(back.status).toBe(200);
    expect(await json(back)).toMatchObject({
      version: 3,
      title: "Week 1",
      body: "line one\nline two\nline three",
    });
    const all = await json(await call(`${base}/content/${item.uid}/revisions`, { cookie }));
    expect(all.items[0]).toMatchObject({ version: 3, action: "reverted", revertedFrom: 1 });
  });

  it("search, filter, sort and cursor paging", async () => {
    const t = await createTenant();
    const { base } = await makeSite(t);
    const cookie = t.roles.admin.cookie;
    for (const [title, type] of [
      ["Lecture 1 notes", "Document"],
      ["Lecture 2 video", "Video"],
      ["Campus photo", "Image"],
      ["Problem set", "Document"],
    ] as const) {
      await create(base, cookie, {
        collection: "resource",
        fields: {
          title,
          resourcetype: type,
          file: `/media/${title.replaceAll(" ", "_")}`,
          ...(title === "Problem set"
            ? { description: "Uses {{< resource_link x >}} and Newton" }
            : {}),
        },
      });
    }
    await create(base, cookie, page("Lecture overview"));
    const q = async (query: Record<string, string>) =>
      (await json(await call(`${base}/content`, { cookie, query }))).items.map(
        (i: { title: string }) => i.title,
      );
    expect(await q({ q: "lecture" })).toEqual([
      "Lecture 1 notes",
      "Lecture 2 video",
      "Lecture overview",
    ]);
    expect(await q({ q: "lecture", collection: "resource" })).toEqual([
      "Lecture 1 notes",
      "Lecture 2 video",
    ]);
    expect(await q({ resourcetype: "Document", sort: "-title" })).toEqual([
      "Problem set",
      "Lecture 1 notes",
    ]);
    expect(await q({ text: "newton" })).toEqual(["Problem set"]);
    expect(await q({ q: "100%_" })).toEqual([]);
    // Longer than D1's 50-byte LIKE pattern limit: still a plain substring search.
    expect(await q({ q: "x".repeat(120) })).toEqual([]);
    expect(
      await q({ text: `uses {{< resource_link x >}} and newton`.padEnd(60, " ").trim() }),
    ).toEqual(["Problem set"]);
    // Paging by title, two at a time, visits everything once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = {
        limit: "2",
        sort: "title",
        ...(cursor ? { cursor } : {}),
      };
      const pageRes = await json(await call(`${base}/content`, { cookie, query }));
      seen.push(...pageRes.items.map((i: { title: string }) => i.title));
      cursor = pageRes.nextCursor;
    } while (cursor);
    expect(seen).toEqual([
      "Campus photo",
      "Lecture 1 notes",
      "Lecture 2 video",
      "Lecture overview",
      "Problem set",
    ]);
    // Same by -updated.
    const byUpdated: string[] = [];
    cursor = null;
    do {
      const query: Record<string, string> = {
        limit: "3",
        sort: "-updated",
        ...(cursor ? { cursor } : {}),
      };
      const pageRes = await json(await call(`${base}/content`, { cookie, query }));
      byUpdated.push(...pageRes.items.map((i: { title: string }) => i.title));
      cursor = pageRes.nextCursor;
    } while (cursor);
    expect(byUpdated).toHaveLength(5);
    expect(new Set(byUpdated).size).toBe(5);
    await expectProblem(
      await call(`${base}/content`, { cookie, query: { cursor: "junk" } }),
      400,
      "VALIDATION_FAILED",
    );
    await expectProblem(
      await call(`${base}/content`, { cookie, query: { sort: "size" } }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("site roles: viewers read, editors write; archived sites are read-only", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    const viewer = await addMember(t.tenant.id, "member");
    const editor = await addMember(t.tenant.id, "member");
    for (const [m, role] of [
      [viewer, "viewer"],
      [editor, "editor"],
    ] as const) {
      const res = await call(`${base}/collaborators`, {
        cookie: t.roles.admin.cookie,
        body: { userId: m.id, role },
      });
      expect(res.status).toBe(201);
    }
    const { item } = await create(base, editor.cookie, page("By editor"));
    expect((await call(`${base}/content/${item.uid}`, { cookie: viewer.cookie })).status).toBe(200);
    await expectProblem(
      await call(`${base}/content`, { cookie: viewer.cookie, body: page("No") }),
      403,
      "FORBIDDEN",
    );
    await expectProblem(
      await patch(base, viewer.cookie, item.uid, '"1"', { body: "x" }),
      403,
      "FORBIDDEN",
    );
    // A tenant member who is not a collaborator does not see the site at all.
    await expectProblem(
      await call(`${base}/content`, { cookie: t.roles.member.cookie }),
      404,
      "NOT_FOUND",
    );
    await call(`/tenants/${t.tenant.id}/sites/${site.id}/archive`, {
      method: "POST",
      cookie: t.roles.admin.cookie,
    });
    await expectProblem(
      await patch(base, editor.cookie, item.uid, '"1"', { body: "x" }),
      409,
      "CONFLICT",
    );
    await expectProblem(
      await call(`${base}/content`, { cookie: editor.cookie, body: page("No") }),
      409,
      "CONFLICT",
    );
    expect((await call(`${base}/content/${item.uid}`, { cookie: editor.cookie })).status).toBe(200);
  });

  it("another tenant's item is a 404, even with the right uid", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const { base } = await makeSite(a);
    const other = await makeSite(b);
    const { item } = await create(base, a.roles.admin.cookie, page("Private"));
    await expectProblem(
      await call(`${base}/content/${item.uid}`, { cookie: b.roles.owner.cookie }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(`${other.base}/content/${item.uid}`, { cookie: b.roles.owner.cookie }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await patch(other.base, b.roles.owner.cookie, item.uid, '"1"', { body: "x" }),
      404,
      "NOT_FOUND",
    );
  });

  it("accepts a 200 KiB markdown body, refuses bigger ones with a field error", async () => {
    const t = await createTenant();
    const { base } = await makeSite(t);
    const cookie = t.roles.admin.cookie;
    const big = "a".repeat(200 * 1024);
    const ok = await call(`${base}/content`, { cookie, body: { ...page("Big"), body: big } });
    expect(ok.status).toBe(201);
    const tooBig = await call(`${base}/content`, {
      cookie,
      body: { ...page("Bigger"), body: `${big}a` },
    });
    expect((await expectProblem(tooBig, 400, "VALIDATION_FAILED")).errors?.[0]?.field).toBe("body");
    const huge = await call(`${base}/content`, {
      cookie,
      body: { ...page("Huge"), body: "a".repeat(600 * 1024) },
    });
    await expectProblem(huge, 413, "PAYLOAD_TOO_LARGE");
  });
});
