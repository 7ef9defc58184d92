// The Google Drive adapter against a local server following the Drive API v3: listing a
// folder across pages (nextPageToken), downloading with alt=media, and typed failures.
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../workers/providers/errors.ts";
import {
  type DriveFile,
  downloadFile,
  type GDriveConfig,
  listFolder,
} from "../../workers/providers/gdrive.ts";
import { type FakeProviders, startFakeProviders } from "../support/fake-providers.ts";
import { control, googleGrant } from "./support.ts";

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(() => fake.close());

let folderSeq = 0;
async function folderWith(files: { name: string; mimeType: string; content?: string }[]) {
  const oauth = await googleGrant(fake.url);
  folderSeq += 1;
  const folderId = `1AbCdEfGhIjKlMn_${folderSeq}-${Date.now()}`;
  await control(fake.url, "/__drive/folders", {
    folderId,
    refreshToken: oauth.refreshToken,
    files,
  });
  const cfg: GDriveConfig = { apiBase: fake.url, oauth, pageSize: 2 };
  return { cfg, folderId };
}

async function all(it: AsyncIterable<DriveFile>) {
  const out: DriveFile[] = [];
  for await (const f of it) out.push(f);
  return out;
}

describe("Google Drive", () => {
  it("lists every page of a folder and downloads each file's bytes", async () => {
    const files = Array.from({ length: 5 }, (_, i) => ({
      name: `notes-${i}.pdf`,
      mimeType: "application/pdf",
      content: `%PDF-1.4 file ${i}`,
    }));
    const { cfg, folderId } = await folderWith([
      ...files,
      { name: "Syllabus", mimeType: "application/vnd.google-apps.document" },
    ]);
    const before = fake.requests.length;
    const listed = await all(listFolder(cfg, folderId));
    expect(listed.map((f) => f.name)).toEqual([...files.map((f) => f.name), "Syllabus"]);
    // 6 files, 2 a page: three pages.
    expect(fake.requests.slice(before).filter((r) => r === "GET /drive/v3/files")).toHaveLength(3);
    expect(listed[0]).toMatchObject({ mimeType: "application/pdf", size: 15, downloadable: true });
    expect(listed[0]?.md5).toMatch(/^[0-9a-f]{32}$/);
    expect(listed[5]).toMatchObject({ size: null, downloadable: false });

    const got = await downloadFile(cfg, listed[3]?.id ?? "");
    expect(got.size).toBe(15);
    expect(got.contentType).toBe("application/pdf");
    expect(await new Response(got.body).text()).toBe("%PDF-1.4 file 3");
  });

  it("fails as auth when the refresh token is revoked", async () => {
    const { cfg, folderId } = await folderWith([]);
    const bad = { ...cfg, oauth: { ...cfg.oauth, refreshToken: "1//revoked-0000000" } };
    const err = await all(listFolder(bad, folderId)).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe("auth");
    expect(err.message).not.toContain("revoked-0000000");
  });

  it("answers not_found for a folder the account cannot see, and refuses a bad id", async () => {
    const { folderId } = await folderWith([]);
    const other = await folderWith([]);
    const err = await all(listFolder(other.cfg, folderId)).catch((e) => e);
    expect(err.kind).toBe("not_found");
    const bad = await all(listFolder(other.cfg, "x' or name contains '")).catch((e) => e);
    expect(bad.kind).toBe("invalid");
  });

  it("turns a 503 into a retryable error and a native Doc's download into a refusal", async () => {
    const { cfg, folderId } = await folderWith([
      { name: "Doc", mimeType: "application/vnd.google-apps.document" },
    ]);
    await control(fake.url, "/__faults", { method: "GET", path: "/drive/v3/files", status: 503 });
    const err = await all(listFolder(cfg, folderId)).catch((e) => e);
    expect(err.retryable).toBe(true);
    const [doc] = await all(listFolder(cfg, folderId));
    const refused = await downloadFile(cfg, doc?.id ?? "").catch((e) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused.retryable).toBe(false);
  });
});

describe("Google Drive with a service account", () => {
  it("signs a JWT with the key, gets a token and lists the folder shared with it", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const clientEmail = `sync-${Date.now()}@lectern-e2e.iam.gserviceaccount.com`;
    await control(fake.url, "/__google/service-accounts", {
      clientEmail,
      publicKey: publicKey.export({ type: "spki", format: "pem" }),
    });
    folderSeq += 1;
    const folderId = `1SeRvIcEaCcOuNt_${folderSeq}`;
    await control(fake.url, "/__drive/folders", {
      folderId,
      refreshToken: clientEmail,
      files: [{ name: "a.pdf", mimeType: "application/pdf", content: "%PDF-1.4 a" }],
    });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const cfg: GDriveConfig = {
      apiBase: fake.url,
      oauth: {
        tokenUrl: `${fake.url}/token`,
        clientEmail,
        privateKey: pem,
        scope: "https://www.googleapis.com/auth/drive.readonly",
      },
    };
    expect((await all(listFolder(cfg, folderId))).map((f) => f.name)).toEqual(["a.pdf"]);

    // Another key for the same email: refused, as auth.
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const forged = {
      ...cfg,
      oauth: {
        ...cfg.oauth,
        privateKey: other.export({ type: "pkcs8", format: "pem" }).toString(),
      },
    };
    const err = await all(listFolder(forged, folderId)).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe("auth");
    // Not a key at all.
    const broken = {
      ...cfg,
      oauth: {
        ...cfg.oauth,
        privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
      },
    };
    expect((await all(listFolder(broken, folderId)).catch((e) => e)).kind).toBe("auth");
  });
});
