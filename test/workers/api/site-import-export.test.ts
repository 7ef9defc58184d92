// Import of OCW's real course export (as zip and as tar.gz) into a new site, and the site's
// export streamed back as tar.gz: uids, fields and bodies survive the round trip.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readTar } from "#workers/domain/archive/index";
import {
  call,
  countRows,
  createTenant,
  expectProblem,
  json,
  type TenantFixture,
} from "../../factories.ts";
import ociTarGzB64 from "../../fixtures/archives/ocw-ci-test-course.tar.gz.b64?raw";
import ociZipB64 from "../../fixtures/archives/ocw-ci-test-course.zip.b64?raw";
import { buildZip, deflateBomb } from "../../support/archive-builders.ts";

const fromB64 = (b64: string) =>
  Uint8Array.from(atob(b64.replace(/\s+/g, "")), (ch) => ch.charCodeAt(0));
const fixtureFiles = import.meta.glob("../../../../shared/fixtures/ocw/ocw-ci-test-course/**/*", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

function importArchive(
  t: TenantFixture,
  bytes: Uint8Array<ArrayBuffer>,
  query: Record<string, string> = {},
) {
  return call(`/tenants/${t.tenant.id}/sites/import`, {
    cookie: t.roles.admin.cookie,
    rawBody: bytes,
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(bytes.byteLength),
    },
    query,
  });
}

async function exportFiles(t: TenantFixture, siteId: string) {
  const res = await call(`/tenants/${t.tenant.id}/sites/${siteId}/export`, {
    cookie: t.roles.admin.cookie,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/gzip");
  const etag = res.headers.get("etag");
  const files = new Map<string, string>();
  const bytes = new Uint8Array(await res.arrayBuffer());
  const stream = new Blob([bytes]).stream();
  for await (const entry of readTar(stream, {
    gzip: true,
    limits: { maxEntries: 10_000, maxEntryBytes: 1 << 24, maxTotalBytes: 1 << 28, maxRatio: 1000 },
  })) {
    files.set(entry.path, new TextDecoder().decode(await entry.bytes()));
  }
  return { files, bytes, etag };
}

function frontMatter(text: string) {
  const m = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`no front matter in ${text.slice(0, 80)}`);
  return { data: parse(m[1] ?? "") as Record<string, unknown>, body: m[2] ?? "" };
}

describe("import an OCW course and export it again", () => {
  it("imports the fixture zip: every page and resource, uids kept, missing media flagged", async () => {
    const t = await createTenant();
    const res = await importArchive(t, fromB64(ociZipB64));
    expect(res.status, await res.clone().text()).toBe(201);
    const { site, report } = await json(res);
    expect(site).toMatchObject({
      title: "OCW CI Test Course",
      slug: "ocw-ci-test-course",
      starter: { slug: "course" },
    });
    expect(report.byCollection).toMatchObject({ page: 18, resource: 29 });
    expect(report.errors).toEqual([]);
    expect(report.missingFiles.length).toBeGreaterThan(0);
    const items = await countRows(
      "SELECT count(*) AS n FROM content_items WHERE site_id = ?",
      site.id,
    );
    expect(items).toBe(report.items);
    const base = `/tenants/${t.tenant.id}/sites/${site.id}`;
    const syllabus = await json(
      await call(`${base}/content/24f3f26a-303f-4f90-b39f-672f367f0f57`, {
        cookie: t.roles.admin.cookie,
      }),
    );
    expect(syllabus).toMatchObject({ collection: "page", filename: "syllabus", title: "Syllabus" });
    expect(syllabus.body).toContain("## Grading Policy");
    const missing = await json(
      await call(`${base}/content`, {
        cookie: t.roles.admin.cookie,
        query: { fileMissing: "true", limit: "100" },
      }),
    );
    expect(missing.items.length).toBe(report.missingFiles.length);
    const revs = await json(
      await call(`${base}/content/${syllabus.uid}/revisions`, { cookie: t.roles.admin.cookie }),
    );
    expect(revs.items).toEqual([expect.objectContaining({ version: 1, action: "imported" })]);
  });

  it("exports the imported site: same uids, fields and body text as the fixture, same bytes twice", async () => {
    const t = await createTenant();
    const res = await importArchive(t, fromB64(ociTarGzB64), {
      title: "Round trip",
      slug: "round-trip",
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { site } = await json(res);
    const first = await exportFiles(t, site.id);
    const second = await exportFiles(t, site.id);
    expect(second.bytes).toEqual(first.bytes);
    expect(first.etag).toBeTruthy();
    // Conditional GET is free.
    const again = await call(`/tenants/${t.tenant.id}/sites/${site.id}/export`, {
      cookie: t.roles.admin.cookie,
      headers: { "if-none-match": first.etag as string },
    });
    expect(again.status).toBe(304);
    let compared = 0;
    for (const [key, text] of Object.entries(fixtureFiles)) {
      const m = /ocw-ci-test-course\/(content\/.+\.md)$/.exec(key);
      if (!m?.[1]) continue;
      const exported = first.files.get(m[1]);
      expect(exported, m[1]).toBeDefined();
      const a = frontMatter(text);
      const b = frontMatter(exported as string);
      expect(b.data.uid).toBe(a.data.uid);
      expect(b.data.title).toBe(a.data.title);
      expect(b.data.content_type).toBe(a.data.content_type);
      expect(b.body.trim(), m[1]).toBe(a.body.trim());
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(50);
    expect([...first.files.keys()]).toEqual(
      expect.arrayContaining(["data/course.json", "config/_default/menus.yaml"]),
    );
    const course = JSON.parse(first.files.get("data/course.json") as string);
    expect(course.course_title).toBe("OCW CI Test Course");
    // An edit changes the export and its ETag.
    const base = `/tenants/${t.tenant.id}/sites/${site.id}`;
    const edit = await call(`${base}/content/24f3f26a-303f-4f90-b39f-672f367f0f57`, {
      method: "PATCH",
      cookie: t.roles.admin.cookie,
      headers: { "if-match": '"1"' },
      body: { body: "New syllabus text" },
    });
    expect(edit.status).toBe(200);
    const third = await exportFiles(t, site.id);
    expect(third.etag).not.toBe(first.etag);
    expect(frontMatter(third.files.get("content/pages/syllabus.md") as string).body.trim()).toBe(
      "New syllabus text",
    );
  });

  it("rejects what is not an archive, unsafe archives and invalid content, leaving no site", async () => {
    const t = await createTenant();
    const sitesBefore = await countRows(
      "SELECT count(*) AS n FROM sites WHERE tenant_id = ?",
      t.tenant.id,
    );
    const notArchive = await importArchive(
      t,
      new TextEncoder().encode("%PDF-1.7 this is not an archive"),
    );
    await expectProblem(notArchive, 422, "UNPROCESSABLE");
    // An archive whose content fails validation: a page without a title.
    const badPage = await makeTarGz([
      [
        "course/content/pages/x.md",
        "---\ncontent_type: page\nuid: 0b4cb0b5-3b1c-4a5c-9d4e-000000000001\n---\nNo title",
      ],
    ]);
    const invalid = await importArchive(t, badPage);
    const problem = await expectProblem(invalid, 422, "UNPROCESSABLE");
    expect(JSON.stringify(problem)).toContain("title");
    // Paths escaping the root.
    const escaping = await makeTarGz([["../evil.md", "x"]]);
    await expectProblem(await importArchive(t, escaping), 422, "UNPROCESSABLE");
    // A zip bomb: 1 MB that inflates to 1 GB (declared honestly, then lying about its size).
    for (const declaredSize of [undefined, 10]) {
      const bomb = await buildZip([
        {
          name: "course/content/pages/bomb.md",
          method: "deflate",
          compressed: deflateBomb(4_000_000),
          ...(declaredSize ? { declaredSize } : {}),
        },
      ]);
      const refused = await expectProblem(await importArchive(t, bomb), 422, "UNPROCESSABLE");
      expect(refused.detail).toMatch(/ratio|large|declared|bomb|limit/i);
    }
    // No Content-Length.
    const noLength = await call(`/tenants/${t.tenant.id}/sites/import`, {
      cookie: t.roles.admin.cookie,
      rawBody: new Blob(["x"]).stream(),
      headers: { "content-type": "application/zip" },
    });
    expect(noLength.status).toBeGreaterThanOrEqual(400);
    expect(noLength.status).toBeLessThan(500);
    expect(
      await countRows("SELECT count(*) AS n FROM sites WHERE tenant_id = ?", t.tenant.id),
    ).toBe(sitesBefore);
    // Staged uploads are cleaned up.
    const staged = await env.MEDIA.list({ prefix: `imports/${t.tenant.id}/` });
    expect(staged.objects).toEqual([]);
  });

  it("stores resource files the archive carries; flags the ones it lacks", async () => {
    const t = await createTenant();
    const resource = (uid: string, file: string) =>
      `---\ncontent_type: resource\ntitle: ${file}\nresourcetype: Document\nfile: /courses/x/${file}\nuid: ${uid}\n---\n`;
    const present = crypto.randomUUID();
    const absent = crypto.randomUUID();
    // OCW courses reuse a file for several resources: each gets its own stored copy.
    const twin = crypto.randomUUID();
    const pdf = "%PDF-1.4 fake but present";
    const archive = await makeTarGz([
      ["x/content/resources/notes.md", resource(present, "notes.pdf")],
      ["x/content/resources/notes-again.md", resource(twin, "notes.pdf")],
      ["x/content/resources/gone.md", resource(absent, "gone.pdf")],
      ["x/static/notes.pdf", pdf],
    ]);
    const res = await importArchive(t, archive, { title: "With media" });
    expect(res.status, await res.clone().text()).toBe(201);
    const { site, report } = await json(res);
    expect(report.missingFiles).toEqual([
      expect.objectContaining({ uid: absent, file: "/courses/x/gone.pdf" }),
    ]);
    expect(report.media).toHaveLength(2);
    expect(report.media).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ uid: present, path: "x/static/notes.pdf" }),
        expect.objectContaining({ uid: twin, path: "x/static/notes.pdf" }),
      ]),
    );
    for (const stored of report.media) {
      expect(await (await env.MEDIA.get(stored.key))?.text()).toBe(pdf);
    }
    expect(report.media[0].key).toMatch(new RegExp(`^t/${t.tenant.id}/s/${site.id}/`));
    const items = await json(
      await call(`/tenants/${t.tenant.id}/sites/${site.id}/content`, {
        cookie: t.roles.admin.cookie,
      }),
    );
    const byUid = new Map(
      items.items.map((i: { uid: string; fileMissing: boolean }) => [i.uid, i.fileMissing]),
    );
    expect(byUid.get(present)).toBe(false);
    expect(byUid.get(absent)).toBe(true);
  });

  it("imports a large course in a few statements: 1,500 pages, every one with its revision", async () => {
    const t = await createTenant();
    const pages: [string, string][] = [];
    const uids: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const uid = crypto.randomUUID();
      uids.push(uid);
      const body = `Page ${i} ${"lorem ipsum dolor sit amet ".repeat(40)}\n`;
      pages.push([
        `big/content/pages/page-${i}.md`,
        `---\ncontent_type: page\ntitle: Page ${i}\nuid: ${uid}\n---\n${body}`,
      ]);
    }
    const res = await importArchive(t, await makeTarGz(pages), { title: "Big course" });
    expect(res.status, await res.clone().text()).toBe(201);
    const { site, report } = await json(res);
    expect(report.byCollection.page).toBe(1500);
    expect(
      await countRows("SELECT count(*) AS n FROM content_items WHERE site_id = ?", site.id),
    ).toBe(1500);
    expect(
      await countRows(
        "SELECT count(*) AS n FROM content_revisions WHERE site_id = ? AND action = 'imported' AND version = 1",
        site.id,
      ),
    ).toBe(1500);
    const last = await json(
      await call(`/tenants/${t.tenant.id}/sites/${site.id}/content/${uids[1499]}`, {
        cookie: t.roles.admin.cookie,
      }),
    );
    expect(last).toMatchObject({
      title: "Page 1499",
      filename: "page-1499",
      version: 1,
      fields: { title: "Page 1499" },
    });
    expect(last.body).toMatch(/^Page 1499 lorem/);
    const revs = await json(
      await call(`/tenants/${t.tenant.id}/sites/${site.id}/content/${uids[1499]}/revisions/1`, {
        cookie: t.roles.admin.cookie,
      }),
    );
    expect(revs).toMatchObject({ action: "imported", body: last.body, fields: last.fields });
  });

  it("members without sites:create cannot import", async () => {
    const t = await createTenant();
    const res = await call(`/tenants/${t.tenant.id}/sites/import`, {
      cookie: t.roles.member.cookie,
      rawBody: fromB64(ociZipB64),
      headers: { "content-type": "application/zip" },
    });
    await expectProblem(res, 403, "FORBIDDEN");
  });
});

/** A tar.gz with these entries, written by hand (the export's writer refuses unsafe paths). */
async function makeTarGz(entries: [string, string][]): Promise<Uint8Array<ArrayBuffer>> {
  const enc = new TextEncoder();
  const blocks: Uint8Array<ArrayBuffer>[] = [];
  for (const [name, text] of entries) {
    const data = enc.encode(text);
    const header = new Uint8Array(512);
    header.set(enc.encode(name), 0);
    header.set(enc.encode("0000644\0"), 100);
    header.set(enc.encode("0000000\0"), 108);
    header.set(enc.encode("0000000\0"), 116);
    header.set(enc.encode(`${data.byteLength.toString(8).padStart(11, "0")}\0`), 124);
    header.set(enc.encode("00000000000\0"), 136);
    header.set(enc.encode("        "), 148);
    header[156] = "0".charCodeAt(0);
    header.set(enc.encode("ustar\0"), 257);
    header.set(enc.encode("00"), 263);
    const sum = header.reduce((a, b) => a + b, 0);
    header.set(enc.encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
    blocks.push(header, data, new Uint8Array((512 - (data.byteLength % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const tar = new Uint8Array(await new Blob(blocks).arrayBuffer());
  const gz = new Blob([tar]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(gz).arrayBuffer());
}
