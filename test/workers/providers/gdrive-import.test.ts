// "Import from Google Drive folder" in workerd against the fake Drive API: the tenant's Drive
// credentials list the folder (across pages, into subfolders) and each file is streamed into the
// library like a zip import; Google-native documents fail alone; errors are problems naming the
// field; other tenants get 404.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "#workers/db/client";
import { getMediaItem } from "#workers/db/queries/media";
import { auditOf, call, createTenant, expectProblem, json } from "../../factories.ts";
import { configureGoogle, control, serviceAccount, tenantWithSite } from "./support.ts";

let seq = 0;
const folderId = () => `1DrIvEfOlDeR_${Date.now().toString(36)}_${++seq}`;

const PDF = (n: string) => `%PDF-1.4\n% ${n}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`;

describe("Google Drive folder import", () => {
  it("imports the folder's files and its subfolders' with their paths", async () => {
    const { t, siteId } = await tenantWithSite();
    const grant = await configureGoogle(t, "gdrive");
    const root = folderId();
    const sub = folderId();
    await control("/__drive/folders", {
      folderId: sub,
      refreshToken: grant.refreshToken,
      files: [{ name: "notes.pdf", mimeType: "application/pdf", content: PDF("notes") }],
    });
    await control("/__drive/folders", {
      folderId: root,
      refreshToken: grant.refreshToken,
      files: [
        { name: "syllabus.pdf", mimeType: "application/pdf", content: PDF("syllabus") },
        { name: "Reading list", mimeType: "application/vnd.google-apps.document" },
        { name: "files", mimeType: "application/vnd.google-apps.folder", folderId: sub },
      ],
    });
    const res = await call(`/tenants/${t.tenant.id}/sites/${siteId}/media/import/gdrive`, {
      cookie: t.roles.admin.cookie,
      body: { folderId: root },
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const report = JSON.parse(text);
    expect(report).toMatchObject({ imported: 2, failed: 1 });
    const byPath = Object.fromEntries(report.entries.map((e: { path: string }) => [e.path, e]));
    expect(byPath["syllabus.pdf"]).toMatchObject({ status: "imported", kind: "document" });
    expect(byPath["files/notes.pdf"]).toMatchObject({ status: "imported" });
    expect(byPath["Reading list"]).toMatchObject({
      status: "failed",
      message: expect.stringContaining("Google Docs"),
    });
    const item = await getMediaItem(createDb(env.DB), t.tenant.id, byPath["syllabus.pdf"].mediaId);
    expect(item).toMatchObject({ status: "ready", siteId, filename: "syllabus.pdf" });
    expect(await (await env.MEDIA.get(item?.r2Key ?? ""))?.text()).toBe(PDF("syllabus"));
    const audit = await auditOf(res);
    expect(audit.map((a) => a.action)).toContain("media.imported_from_gdrive");
    expect(JSON.stringify(audit)).not.toContain(grant.refreshToken);
  });

  it("answers 409 without Google Drive set up, 422 for an unknown folder, 400 for a bad id", async () => {
    const { t, siteId } = await tenantWithSite();
    const path = `/tenants/${t.tenant.id}/sites/${siteId}/media/import/gdrive`;
    expect(await json(await call(path, { cookie: t.roles.admin.cookie }))).toEqual({
      configured: false,
    });
    await expectProblem(
      await call(path, { cookie: t.roles.admin.cookie, body: { folderId: folderId() } }),
      409,
      "CONFLICT",
    );
    await configureGoogle(t, "gdrive");
    expect(await json(await call(path, { cookie: t.roles.admin.cookie }))).toEqual({
      configured: true,
    });
    const missing = await expectProblem(
      await call(path, { cookie: t.roles.admin.cookie, body: { folderId: folderId() } }),
      422,
      "UNPROCESSABLE",
    );
    expect(missing.errors?.[0]?.field).toBe("folderId");
    const bad = await expectProblem(
      await call(path, { cookie: t.roles.admin.cookie, body: { folderId: "x' or 1=1" } }),
      400,
      "VALIDATION_FAILED",
    );
    expect(bad.errors?.[0]?.field).toBe("folderId");
  });

  it("answers 409 when Drive refuses the stored credentials", async () => {
    const { t, siteId } = await tenantWithSite();
    await call(`/tenants/${t.tenant.id}/providers/gdrive`, {
      method: "PUT",
      cookie: t.roles.owner.cookie,
      body: {
        clientId: "unknown.apps.googleusercontent.com",
        clientSecret: "not-a-real-secret",
        refreshToken: "1//revoked-refresh-token",
      },
    });
    const res = await call(`/tenants/${t.tenant.id}/sites/${siteId}/media/import/gdrive`, {
      cookie: t.roles.admin.cookie,
      body: { folderId: folderId() },
    });
    const problem = await expectProblem(res, 409, "CONFLICT");
    expect(problem.detail).not.toContain("revoked-refresh-token");
  });

  it("is another tenant's 404, and a member's who is not on the site", async () => {
    const { t, siteId } = await tenantWithSite();
    await configureGoogle(t, "gdrive");
    const other = await createTenant();
    const path = `/tenants/${t.tenant.id}/sites/${siteId}/media/import/gdrive`;
    await expectProblem(
      await call(path, { cookie: other.roles.owner.cookie, body: { folderId: folderId() } }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(path, { cookie: t.roles.member.cookie, body: { folderId: folderId() } }),
      404,
      "NOT_FOUND",
    );
    const items = await json(
      await call(`/tenants/${t.tenant.id}/sites/${siteId}/media`, { cookie: t.roles.admin.cookie }),
    );
    expect(items.items ?? []).toEqual([]);
  });

  it("works with a service account key (the folder shared with its email), key never shown", async () => {
    const { t, siteId } = await tenantWithSite();
    const sa = await serviceAccount();
    const put = await call(`/tenants/${t.tenant.id}/providers/gdrive`, {
      method: "PUT",
      cookie: t.roles.owner.cookie,
      body: { serviceAccountKey: sa.keyFile },
    });
    const putText = await put.text();
    expect(put.status, putText).toBe(200);
    expect(JSON.parse(putText)).toMatchObject({
      configured: true,
      hint: "ABCD",
      config: { auth: "service_account", clientEmail: sa.clientEmail },
    });
    expect(putText).not.toContain("PRIVATE KEY");
    const listed = await call(`/tenants/${t.tenant.id}/providers`, {
      cookie: t.roles.owner.cookie,
    });
    expect(await listed.text()).not.toContain("PRIVATE KEY");
    const [row] = await env.DB.prepare("SELECT * FROM tenant_providers WHERE tenant_id = ?")
      .bind(t.tenant.id)
      .all<Record<string, string>>()
      .then((r) => r.results);
    expect(JSON.stringify(row)).not.toContain(sa.privateKey.slice(40, 80));

    const folder = folderId();
    await control("/__drive/folders", {
      folderId: folder,
      refreshToken: sa.clientEmail,
      files: [{ name: "shared.pdf", mimeType: "application/pdf", content: PDF("shared") }],
    });
    const res = await call(`/tenants/${t.tenant.id}/sites/${siteId}/media/import/gdrive`, {
      cookie: t.roles.admin.cookie,
      body: { folderId: folder },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toMatchObject({ imported: 1, failed: 0 });
  });

  it("refuses a key file that is not one, and OAuth fields mixed with a key, naming the field", async () => {
    const { t } = await tenantWithSite();
    const path = `/tenants/${t.tenant.id}/providers/gdrive`;
    for (const body of [
      { serviceAccountKey: "{}" },
      { serviceAccountKey: "not json" },
      {
        serviceAccountKey: (await serviceAccount()).keyFile,
        clientId: "x.apps.googleusercontent.com",
      },
    ]) {
      const problem = await expectProblem(
        await call(path, { method: "PUT", cookie: t.roles.owner.cookie, body }),
        400,
        "VALIDATION_FAILED",
      );
      expect(problem.errors?.map((e) => e.field)).toEqual(["serviceAccountKey"]);
    }
    const missing = await expectProblem(
      await call(path, {
        method: "PUT",
        cookie: t.roles.owner.cookie,
        body: { clientId: "only.apps" },
      }),
      400,
      "VALIDATION_FAILED",
    );
    expect(missing.errors?.map((e) => e.field).sort()).toEqual(["clientSecret", "refreshToken"]);
  });
});
