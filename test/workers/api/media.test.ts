// The media library's uploads, in workerd with real R2 multipart and D1: parts, resume, abort,
// limits and quota, sniffing (zero bytes, lying extensions, truncation), recognising the same
// file twice, serving with safe headers, deleting (refused while linked; files kept while a
// deploy serves them) and zip imports whose bad entries fail alone.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deployManifestKey } from "#schemas/deploy";
import { insertDeploy } from "#workers/db/queries/deploys";
import { updateMediaMetadata } from "#workers/db/queries/media";
import { newId } from "#workers/domain/ids";
import { DEFAULT_PART_BYTES } from "#workers/domain/media";
import {
  call,
  createTenant,
  db,
  expectProblem,
  json,
  rows,
  type TenantFixture,
} from "../../factories.ts";
import { buildZip } from "../../support/archive-builders.ts";
import { makeSite } from "../publish/support.ts";

const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bytes that start like a PNG (sniffing reads the start) and are otherwise random. */
function png(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65_536) {
    crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65_536)));
  }
  bytes.set(PNG_HEAD, 0);
  return bytes;
}
const text = (s: string) => new TextEncoder().encode(s) as Uint8Array<ArrayBuffer>;
const PDF = text(`%PDF-1.4\n${"lecture notes ".repeat(50)}\n%%EOF\n`);
const MP4 = (() => {
  const b = new Uint8Array(2048);
  b.set([0, 0, 0, 0x18], 0);
  b.set(text("ftypisom"), 4);
  return b;
})();

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>) {
  const d = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function setup() {
  const t = await createTenant();
  const { site, base } = await makeSite(t);
  return { t, site, base, cookie: t.roles.admin.cookie };
}

async function createUpload(s: { base: string; cookie: string }, body: Record<string, unknown>) {
  return call(`${s.base}/media/uploads`, { cookie: s.cookie, body });
}

async function putPart(
  s: { base: string; cookie: string },
  id: string,
  n: number,
  bytes: Uint8Array<ArrayBuffer>,
) {
  return call(`${s.base}/media/uploads/${id}/parts/${n}`, {
    method: "PUT",
    cookie: s.cookie,
    rawBody: bytes,
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(bytes.byteLength),
    },
  });
}

/** Uploads a whole file through the API (parts in order); returns the complete response. */
async function upload(
  s: { base: string; cookie: string },
  filename: string,
  bytes: Uint8Array<ArrayBuffer>,
  type = "",
) {
  const res = await createUpload(s, { filename, type, size: bytes.byteLength });
  expect(res.status, await res.clone().text()).toBe(201);
  const { upload: u } = await json(res);
  for (let n = 1; n <= u.partCount; n++) {
    const part = bytes.subarray((n - 1) * u.partSize, n * u.partSize);
    const r = await putPart(s, u.item.id, n, part);
    expect(r.status, await r.clone().text()).toBe(200);
  }
  return {
    id: u.item.id as string,
    res: await call(`${s.base}/media/uploads/${u.item.id}/complete`, {
      cookie: s.cookie,
      method: "POST",
    }),
  };
}

describe("multipart uploads", () => {
  it("uploads a file in several parts, hashes it and makes it an Image resource", async () => {
    const s = await setup();
    const bytes = png(DEFAULT_PART_BYTES * 2 + 12_345);
    const created = await createUpload(s, {
      filename: "Lecture Diagram.png",
      type: "image/png",
      size: bytes.byteLength,
    });
    expect(created.status).toBe(201);
    const { upload: u, duplicateOf } = await json(created);
    expect(duplicateOf).toBeNull();
    expect(u).toMatchObject({ partSize: DEFAULT_PART_BYTES, partCount: 3, parts: [] });
    expect(u.item).toMatchObject({ status: "uploading", filename: "Lecture Diagram.png" });

    // Parts may arrive in any order.
    for (const n of [3, 1, 2]) {
      const r = await putPart(
        s,
        u.item.id,
        n,
        bytes.subarray((n - 1) * u.partSize, n * u.partSize),
      );
      expect(r.status, await r.clone().text()).toBe(200);
    }
    const done = await call(`${s.base}/media/uploads/${u.item.id}/complete`, {
      cookie: s.cookie,
      method: "POST",
    });
    expect(done.status, await done.clone().text()).toBe(200);
    const { item, duplicate } = await json(done);
    expect(duplicate).toBe(false);
    expect(item).toMatchObject({
      status: "ready",
      kind: "image",
      sniffedType: "image/png",
      size: bytes.byteLength,
      sha256: await sha256Hex(bytes),
    });
    expect(item.resourceUid).toMatch(/^[0-9a-f-]{36}$/);

    // The resource: an Image with the file's path, type and size, editable like any other.
    const resource = await json(
      await call(`${s.base}/content/${item.resourceUid}`, { cookie: s.cookie }),
    );
    expect(resource).toMatchObject({
      collection: "resource",
      title: "Lecture Diagram",
      resourcetype: "Image",
      fields: {
        resourcetype: "Image",
        file: `/files/${item.resourceUid}/Lecture-Diagram.png`,
        file_type: "image/png",
        file_size: bytes.byteLength,
      },
    });
    // Stored once, at the resource's file key (what the builder links), and listed.
    const stored = await env.MEDIA.head(
      `t/${s.t.tenant.id}/s/${s.site.id}/files/${item.resourceUid}/Lecture-Diagram.png`,
    );
    expect(stored?.size).toBe(bytes.byteLength);
    const list = await json(await call(`${s.base}/media`, { cookie: s.cookie }));
    expect(list.items.map((i: { id: string }) => i.id)).toContain(item.id);
    // The parts' bookkeeping is gone once the file is whole.
    expect(await rows("SELECT * FROM media_upload_parts WHERE media_id = ?", item.id)).toEqual([]);

    const file = await call(`${s.base}/media/${item.id}/file`, { cookie: s.cookie });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect(file.headers.get("content-disposition")).toMatch(
      /^inline; filename="Lecture Diagram.png"/,
    );
    expect(await sha256Hex(new Uint8Array(await file.arrayBuffer()))).toBe(item.sha256);
    // A byte range, as a video player seeks.
    const part = await call(`${s.base}/media/${item.id}/file`, {
      cookie: s.cookie,
      headers: { range: "bytes=0-7" },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-7/${bytes.byteLength}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(0, 8));
  });

  it("resumes: lists the parts stored so far, refuses to complete without the rest", async () => {
    const s = await setup();
    const bytes = png(DEFAULT_PART_BYTES + 1000);
    const { upload: u } = await json(
      await createUpload(s, { filename: "big.png", size: bytes.byteLength }),
    );
    expect((await putPart(s, u.item.id, 1, bytes.subarray(0, u.partSize))).status).toBe(200);

    // The connection dropped; the client asks what arrived.
    const resumed = await json(
      await call(`${s.base}/media/uploads/${u.item.id}`, { cookie: s.cookie }),
    );
    expect(resumed.parts).toEqual([
      { partNumber: 1, size: DEFAULT_PART_BYTES, etag: expect.any(String) },
    ]);
    const early = await call(`${s.base}/media/uploads/${u.item.id}/complete`, {
      cookie: s.cookie,
      method: "POST",
    });
    const problem = await expectProblem(early, 422, "UNPROCESSABLE");
    expect(problem.detail).toContain("big.png is incomplete: part 2 of 2 missing");

    expect((await putPart(s, u.item.id, 2, bytes.subarray(u.partSize))).status).toBe(200);
    const done = await call(`${s.base}/media/uploads/${u.item.id}/complete`, {
      cookie: s.cookie,
      method: "POST",
    });
    expect(done.status).toBe(200);
    expect((await json(done)).item.sha256).toBe(await sha256Hex(bytes));
  });

  it("refuses a part of the wrong size (a truncated part) and a part number out of range", async () => {
    const s = await setup();
    const bytes = png(5000);
    const { upload: u } = await json(await createUpload(s, { filename: "a.png", size: 5000 }));
    const short = await putPart(s, u.item.id, 1, bytes.subarray(0, 4000));
    const p = await expectProblem(short, 422, "UNPROCESSABLE");
    expect(p.errors).toEqual([{ field: "Content-Length", message: "must be 5000" }]);
    await expectProblem(await putPart(s, u.item.id, 2, bytes), 400, "VALIDATION_FAILED");
  });

  it("aborts uploads abandoned for a week when the library is listed", async () => {
    const s = await setup();
    const { upload: u } = await json(await createUpload(s, { filename: "old.png", size: 3000 }));
    const { upload: recent } = await json(
      await createUpload(s, { filename: "new.png", size: 3000 }),
    );
    await env.DB.prepare("UPDATE media_items SET updated_at = ? WHERE id = ?")
      .bind(Date.now() - 8 * 24 * 3600 * 1000, u.item.id)
      .run();
    await call(`${s.base}/media`, { cookie: s.cookie });
    expect(await rows("SELECT id FROM media_items WHERE id = ?", u.item.id)).toEqual([]);
    expect(await rows("SELECT status FROM media_items WHERE id = ?", recent.item.id)).toEqual([
      { status: "uploading" },
    ]);
  });

  it("aborts an upload: the multipart upload and the item are gone", async () => {
    const s = await setup();
    const bytes = png(3000);
    const { upload: u } = await json(await createUpload(s, { filename: "x.png", size: 3000 }));
    expect((await putPart(s, u.item.id, 1, bytes)).status).toBe(200);
    const aborted = await call(`${s.base}/media/uploads/${u.item.id}`, {
      cookie: s.cookie,
      method: "DELETE",
    });
    expect(aborted.status).toBe(204);
    await expectProblem(
      await call(`${s.base}/media/${u.item.id}`, { cookie: s.cookie }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(await putPart(s, u.item.id, 1, bytes), 404, "NOT_FOUND");
    expect(await rows("SELECT id FROM media_items WHERE id = ?", u.item.id)).toEqual([]);
  });
});

describe("uploading from a resource's file field", () => {
  it("gives an existing resource without a file its file, once", async () => {
    const s = await setup();
    const created = await call(`${s.base}/content`, {
      cookie: s.cookie,
      body: {
        collection: "resource",
        fields: { title: "Problem set 1", resourcetype: "Document" },
      },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const resource = await json(created);

    const res = await createUpload(s, {
      filename: "ps1.pdf",
      size: PDF.byteLength,
      resourceUid: resource.uid,
    });
    expect(res.status).toBe(201);
    const { upload: u } = await json(res);
    expect(u.item.resourceUid).toBe(resource.uid);
    expect((await putPart(s, u.item.id, 1, PDF)).status).toBe(200);
    const done = await call(`${s.base}/media/uploads/${u.item.id}/complete`, {
      cookie: s.cookie,
      method: "POST",
    });
    expect(done.status, await done.clone().text()).toBe(200);

    const after = await json(await call(`${s.base}/content/${resource.uid}`, { cookie: s.cookie }));
    expect(after).toMatchObject({
      version: 2,
      title: "Problem set 1",
      fields: {
        file: `/files/${resource.uid}/ps1.pdf`,
        file_type: "application/pdf",
        file_size: PDF.byteLength,
      },
    });
    // No second resource was made.
    expect(
      await rows(
        "SELECT uid FROM content_items WHERE site_id = ? AND collection = 'resource'",
        s.site.id,
      ),
    ).toHaveLength(1);
    // The resource has its file now: another upload for it is refused.
    const again = await createUpload(s, {
      filename: "other.pdf",
      size: PDF.byteLength,
      resourceUid: resource.uid,
    });
    await expectProblem(again, 409, "CONFLICT");
    const nowhere = await createUpload(s, {
      filename: "x.pdf",
      size: 10,
      resourceUid: crypto.randomUUID(),
    });
    await expectProblem(nowhere, 400, "VALIDATION_FAILED");
  });
});

describe("limits and bad files", () => {
  it("refuses an empty file, one over the tenant's size limit, and one over its quota", async () => {
    const s = await setup();
    const zero = await expectProblem(
      await createUpload(s, { filename: "empty.pdf", size: 0 }),
      422,
      "UNPROCESSABLE",
    );
    expect(zero.errors).toEqual([{ field: "size", message: "empty.pdf is empty (0 bytes)" }]);

    const set = await call(`/tenants/${s.t.tenant.id}/media-limits`, {
      method: "PUT",
      cookie: s.cookie,
      body: { maxFileBytes: 10_000, quotaBytes: 15_000 },
    });
    expect(set.status).toBe(200);
    expect(await json(set)).toEqual({ maxFileBytes: 10_000, quotaBytes: 15_000, usedBytes: 0 });

    const big = await expectProblem(
      await createUpload(s, { filename: "big.pdf", size: 10_001 }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    expect(big.detail).toContain("big.pdf is 10001 bytes; files are limited to 10000 bytes");
    // An upload in progress counts against the quota.
    expect((await createUpload(s, { filename: "one.pdf", size: 9000 })).status).toBe(201);
    const over = await expectProblem(
      await createUpload(s, { filename: "two.pdf", size: 9000 }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    expect(over.detail).toContain(
      "two.pdf would exceed the media quota (9000 of 15000 bytes used)",
    );
    // A member may not change the limits.
    await expectProblem(
      await call(`/tenants/${s.t.tenant.id}/media-limits`, {
        method: "PUT",
        cookie: s.t.roles.member.cookie,
        body: { maxFileBytes: null, quotaBytes: null },
      }),
      403,
      "FORBIDDEN",
    );
  });

  it("refuses a file whose bytes are not what its extension says, and keeps it visible as failed", async () => {
    const s = await setup();
    const { id, res } = await upload(s, "photo.png", PDF);
    const p = await expectProblem(res, 422, "UNPROCESSABLE");
    expect(p.detail).toBe("photo.png: the name says .png, but the content is a PDF");
    expect(p.errors).toEqual([{ field: "file", message: p.detail }]);
    const item = await json(await call(`${s.base}/media/${id}`, { cookie: s.cookie }));
    expect(item).toMatchObject({
      status: "failed",
      error: p.detail,
      resourceUid: expect.any(String),
    });
    // No resource was made and the bytes are not kept.
    await expectProblem(
      await call(`${s.base}/content/${item.resourceUid}`, { cookie: s.cookie }),
      404,
      "NOT_FOUND",
    );
    expect(
      await env.MEDIA.head(`t/${s.t.tenant.id}/s/${s.site.id}/files/${item.resourceUid}/photo.png`),
    ).toBeNull();
    // …and a declared type that lies too.
    const declared = await upload(s, "notes", PDF, "image/jpeg");
    expect((await expectProblem(declared.res, 422, "UNPROCESSABLE")).detail).toBe(
      "notes: declared as image/jpeg, but the content is a PDF",
    );
  });

  it("recognises the same file uploaded twice, before and after sending it", async () => {
    const s = await setup();
    const first = await upload(s, "notes.pdf", PDF);
    expect(first.res.status).toBe(200);
    const original = (await json(first.res)).item;

    const again = await upload(s, "notes-copy.pdf", PDF);
    expect(again.res.status).toBe(200);
    const body = await json(again.res);
    expect(body.duplicate).toBe(true);
    expect(body.item.id).toBe(original.id);
    // The second copy is gone: its row and no second resource.
    expect(await rows("SELECT id FROM media_items WHERE id = ?", again.id)).toEqual([]);
    const resources = await rows(
      "SELECT uid FROM content_items WHERE site_id = ? AND collection = 'resource'",
      s.site.id,
    );
    expect(resources).toHaveLength(1);

    // A client that hashed first is told without uploading.
    const known = await createUpload(s, {
      filename: "whatever.pdf",
      size: PDF.byteLength,
      sha256: original.sha256,
    });
    expect(known.status).toBe(200);
    expect(await json(known)).toMatchObject({ upload: null, duplicateOf: { id: original.id } });
  });

  it("serves SVG as a sandboxed attachment, never inline", async () => {
    const s = await setup();
    const svg = text(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
    );
    const { res } = await upload(s, "logo.svg", svg, "image/svg+xml");
    expect(res.status).toBe(200);
    const { item } = await json(res);
    expect(item).toMatchObject({ kind: "image", sniffedType: "image/svg+xml" });
    const file = await call(`${s.base}/media/${item.id}/file`, { cookie: s.cookie });
    expect(file.headers.get("content-type")).toBe("image/svg+xml");
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; /);
    expect(file.headers.get("content-security-policy")).toContain("sandbox");
    expect(file.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("deleting", () => {
  it("refuses while a page links the resource, lists the pages, deletes with force", async () => {
    const s = await setup();
    const { res } = await upload(s, "notes.pdf", PDF);
    const { item } = await json(res);
    const page = await call(`${s.base}/content`, {
      cookie: s.cookie,
      body: {
        collection: "page",
        fields: { title: "Week 1" },
        body: `Read {{% resource_link "${item.resourceUid}" "the notes" %}}.`,
      },
    });
    expect(page.status).toBe(201);

    const refused = await call(`${s.base}/media/${item.id}`, {
      cookie: s.cookie,
      method: "DELETE",
    });
    const p = (await expectProblem(refused, 409, "CONFLICT")) as { references?: unknown };
    expect(p.references).toEqual([
      expect.objectContaining({ collection: "page", title: "Week 1" }),
    ]);

    const forced = await call(`${s.base}/media/${item.id}`, {
      cookie: s.cookie,
      method: "DELETE",
      query: { force: "true" },
    });
    expect(forced.status).toBe(204);
    await expectProblem(
      await call(`${s.base}/media/${item.id}`, { cookie: s.cookie }),
      404,
      "NOT_FOUND",
    );
    const resource = await json(
      await call(`${s.base}/content/${item.resourceUid}`, { cookie: s.cookie }),
    );
    expect(resource.deleted).toBe(true);
  });

  it("keeps the file while a deploy references it, and sweeps it once none does", async () => {
    const s = await setup();
    const { res } = await upload(s, "notes.pdf", PDF);
    const { item } = await json(res);
    const key = `t/${s.t.tenant.id}/s/${s.site.id}/files/${item.resourceUid}/notes.pdf`;
    // A succeeded deploy (a rollback target) whose manifest links the file.
    const deployId = newId("dep");
    await insertDeploy(db(), {
      id: deployId,
      tenantId: s.t.tenant.id,
      siteId: s.site.id,
      target: "live",
      state: "succeeded",
      contentVersion: 1,
      finishedAt: new Date(),
    }).run();
    await env.SITES.put(
      deployManifestKey(deployId),
      JSON.stringify({
        version: 1,
        deployId,
        files: {},
        media: {
          "notes.pdf": { key, size: PDF.byteLength, contentType: "application/pdf", etag: '"x"' },
        },
      }),
    );
    expect(
      (await call(`${s.base}/media/${item.id}`, { cookie: s.cookie, method: "DELETE" })).status,
    ).toBe(204);
    // The sweep ran (waitUntil) and kept the file: a rollback could serve it.
    expect(await env.MEDIA.head(key)).not.toBeNull();
    expect(await rows("SELECT status FROM media_items WHERE id = ?", item.id)).toEqual([
      { status: "deleted" },
    ]);

    // That deploy is gone from R2 (no longer servable): the next sweep removes the file.
    await env.SITES.delete(deployManifestKey(deployId));
    await call(`${s.base}/media`, { cookie: s.cookie });
    expect(await env.MEDIA.head(key)).toBeNull();
    expect(await rows("SELECT id FROM media_items WHERE id = ?", item.id)).toEqual([]);
  });
});

describe("warnings before publishing", () => {
  it("names videos without captions, images without alt text and jobs still running", async () => {
    const s = await setup();
    const image = (await json((await upload(s, "chart.png", png(400))).res)).item;
    const video = (await json((await upload(s, "lecture.mp4", MP4)).res)).item;
    await env.DB.prepare("DELETE FROM media_jobs WHERE site_id = ?").bind(s.site.id).run();
    await env.DB.prepare(
      "INSERT INTO media_jobs (id, tenant_id, site_id, media_id, kind, state) VALUES (?, ?, ?, ?, 'transcode', 'running')",
    )
      .bind(newId("mjob"), s.t.tenant.id, s.site.id, video.id)
      .run();

    const res = await call(`${s.base}/media/warnings`, { cookie: s.cookie });
    expect(res.status).toBe(200);
    const w = await json(res);
    expect(w).toMatchObject({ videosWithoutCaptions: 1, imagesWithoutAlt: 1, jobsRunning: 1 });
    expect(w.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "video_without_captions", resourceUid: video.resourceUid }),
        expect.objectContaining({ kind: "image_without_alt", resourceUid: image.resourceUid }),
        expect.objectContaining({
          kind: "job_running",
          mediaId: video.id,
          message: "lecture.mp4: transcode is still running",
        }),
      ]),
    );

    // Alt text through the content editor clears the image's warning; captions made by the
    // pipeline (a `captions` variant) clear the video's.
    const item = await call(`${s.base}/content/${image.resourceUid}`, { cookie: s.cookie });
    const patched = await call(`${s.base}/content/${image.resourceUid}`, {
      method: "PATCH",
      cookie: s.cookie,
      headers: { "if-match": item.headers.get("etag") ?? "" },
      body: { fields: { image_metadata: { "image-alt": "A bar chart of grades" } } },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    await updateMediaMetadata(db(), s.t.tenant.id, video.id, {
      variants: [{ role: "captions", key: "k.vtt", type: "text/vtt", size: 10, lang: "en" }],
    });
    await env.DB.prepare("UPDATE media_jobs SET state = 'done' WHERE media_id = ?")
      .bind(video.id)
      .run();
    const after = await json(await call(`${s.base}/media/warnings`, { cookie: s.cookie }));
    expect(after).toEqual({
      videosWithoutCaptions: 0,
      imagesWithoutAlt: 0,
      jobsRunning: 0,
      items: [],
    });
  });
});

describe("zip import", () => {
  it("imports each file as a resource; bad entries fail alone with their reason", async () => {
    const s = await setup();
    const zip = await buildZip([
      { name: "images/diagram.png", data: png(300) },
      { name: "videos_final/lecture-1.mp4", data: MP4 },
      { name: "videos_final/lecture-1.vtt", data: text("WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n") },
      { name: "docs/syllabus.pdf", data: PDF },
      { name: "../escape.pdf", data: PDF },
      { name: "docs/empty.pdf", data: new Uint8Array(0) },
      { name: "docs/fake.pdf", data: png(100) },
    ]);
    const res = await call(`${s.base}/media/import`, {
      cookie: s.cookie,
      rawBody: zip,
      headers: { "content-type": "application/zip", "content-length": String(zip.byteLength) },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const report = await json(res);
    const byPath = Object.fromEntries(report.entries.map((e: { path: string }) => [e.path, e]));
    expect(byPath["images/diagram.png"]).toMatchObject({ status: "imported", kind: "image" });
    expect(byPath["videos_final/lecture-1.mp4"]).toMatchObject({
      status: "imported",
      kind: "video",
    });
    expect(byPath["videos_final/lecture-1.vtt"]).toMatchObject({
      status: "captions",
      kind: "other",
    });
    expect(byPath["docs/syllabus.pdf"]).toMatchObject({ status: "imported", kind: "document" });
    expect(byPath["../escape.pdf"]).toMatchObject({ status: "failed" });
    expect(byPath["../escape.pdf"].message).toContain("escapes the archive root");
    expect(byPath["docs/empty.pdf"]).toMatchObject({
      status: "failed",
      message: "empty.pdf is empty (0 bytes)",
    });
    expect(byPath["docs/fake.pdf"]).toMatchObject({
      status: "failed",
      message: "fake.pdf: the name says .pdf, but the content is a PNG image",
    });
    expect(report).toMatchObject({ imported: 3, captions: 1, failed: 3, duplicates: 0 });
    // Captions come after the video they belong to.
    const order = report.entries.map((e: { path: string }) => e.path);
    expect(order.indexOf("videos_final/lecture-1.vtt")).toBeGreaterThan(
      order.indexOf("videos_final/lecture-1.mp4"),
    );
    const video = await json(
      await call(`${s.base}/content/${byPath["videos_final/lecture-1.mp4"].resourceUid}`, {
        cookie: s.cookie,
      }),
    );
    expect(video.fields.resourcetype).toBe("Video");
    // A staged zip is not left behind.
    const staged = await env.MEDIA.list({ prefix: `staging/media-import/${s.t.tenant.id}/` });
    expect(staged.objects).toEqual([]);
  });

  it("refuses a body that is not a zip", async () => {
    const s = await setup();
    const res = await call(`${s.base}/media/import`, {
      cookie: s.cookie,
      rawBody: PDF,
      headers: { "content-type": "application/zip", "content-length": String(PDF.byteLength) },
    });
    await expectProblem(res, 422, "UNPROCESSABLE");
  });
});

describe("isolation", () => {
  async function otherSiteItem(t: TenantFixture) {
    const { base } = await makeSite(t, "Other course");
    const s = { base, cookie: t.roles.admin.cookie };
    const { res } = await upload(s, "secret.pdf", PDF);
    return (await json(res)).item;
  }

  it("another tenant's or another site's item is a 404 on every media route", async () => {
    const mine = await setup();
    const theirs = await createTenant();
    const foreign = await otherSiteItem(theirs);
    const sameTenant = await otherSiteItem(mine.t);
    for (const id of [foreign.id, sameTenant.id]) {
      for (const [method, path] of [
        ["GET", `/media/${id}`],
        ["GET", `/media/${id}/file`],
        ["DELETE", `/media/${id}`],
        ["GET", `/media/uploads/${id}`],
        ["POST", `/media/uploads/${id}/complete`],
        ["DELETE", `/media/uploads/${id}`],
      ] as const) {
        const res = await call(`${mine.base}${path}`, { cookie: mine.cookie, method });
        await expectProblem(res, 404, "NOT_FOUND");
      }
    }
    // Tenant B's admin sees nothing of A's library.
    await expectProblem(
      await call(`${mine.base}/media`, { cookie: theirs.roles.admin.cookie }),
      404,
      "NOT_FOUND",
    );
  });

  it("a site viewer may list and read but not upload or delete", async () => {
    const s = await setup();
    const { res } = await upload(s, "notes.pdf", PDF);
    const { item } = await json(res);
    const viewer = s.t.roles.member;
    const col = await call(`${s.base}/collaborators`, {
      cookie: s.cookie,
      body: { userId: viewer.id, role: "viewer" },
    });
    expect(col.status).toBe(201);
    expect((await call(`${s.base}/media`, { cookie: viewer.cookie })).status).toBe(200);
    expect((await call(`${s.base}/media/${item.id}/file`, { cookie: viewer.cookie })).status).toBe(
      200,
    );
    await expectProblem(
      await createUpload({ base: s.base, cookie: viewer.cookie }, { filename: "a.pdf", size: 10 }),
      403,
      "FORBIDDEN",
    );
    await expectProblem(
      await call(`${s.base}/media/${item.id}`, { cookie: viewer.cookie, method: "DELETE" }),
      403,
      "FORBIDDEN",
    );
  });
});
