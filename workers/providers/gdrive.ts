// Google Drive API v3 adapter (https://developers.google.com/drive/api/reference/rest/v3): list
// the files of a folder and download each, the way OCW syncs course files from a Drive folder.
//
//   GET {base}/drive/v3/files?q='<folderId>' in parents and trashed = false
//       &fields=nextPageToken,files(id,name,mimeType,size,md5Checksum,modifiedTime)
//       &pageSize=…&pageToken=…&supportsAllDrives=true&includeItemsFromAllDrives=true
//       → { files: [...], nextPageToken? }          (followed until there is no next page)
//   GET {base}/drive/v3/files/{fileId}?alt=media&supportsAllDrives=true   → the bytes
//
// Folders and Google-native documents (Docs, Sheets: no bytes to download) are listed with
// `downloadable: false`; callers skip them.
import { errorFromResponse, ProviderError, providerFetch } from "./errors.ts";
import { forgetAccessToken, type GoogleOAuth, googleAccessToken } from "./google-auth.ts";

export type GDriveConfig = {
  /** https://www.googleapis.com unless a test points elsewhere. */
  apiBase: string;
  oauth: GoogleOAuth;
  pageSize?: number;
};

export type DriveFile = {
  id: string;
  name: string;
  mimeType: string;
  size: number | null;
  md5: string | null;
  modifiedTime: string | null;
  downloadable: boolean;
};

/** Drive ids are URL-safe base64-ish; anything else could break out of the `q` expression. */
export const DRIVE_ID = /^[A-Za-z0-9_-]{10,200}$/;

async function authHeader(cfg: GDriveConfig) {
  return `Bearer ${await googleAccessToken("gdrive", cfg.oauth)}`;
}

async function failed(cfg: GDriveConfig, what: string, res: Response): Promise<never> {
  if (res.status === 401) await forgetAccessToken(cfg.oauth);
  throw await errorFromResponse("gdrive", what, res);
}

export async function* listFolder(cfg: GDriveConfig, folderId: string): AsyncGenerator<DriveFile> {
  if (!DRIVE_ID.test(folderId)) {
    throw new ProviderError("gdrive", "invalid", "listing the folder: not a Drive folder id");
  }
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const url = new URL(`${cfg.apiBase}/drive/v3/files`);
    url.searchParams.set("q", `'${folderId}' in parents and trashed = false`);
    url.searchParams.set(
      "fields",
      "nextPageToken,files(id,name,mimeType,size,md5Checksum,modifiedTime)",
    );
    url.searchParams.set("pageSize", String(cfg.pageSize ?? 100));
    url.searchParams.set("supportsAllDrives", "true");
    url.searchParams.set("includeItemsFromAllDrives", "true");
    if (pageToken) url.searchParams.set("pageToken", pageToken);
    const res = await providerFetch("gdrive", "listing the folder", url.toString(), {
      headers: { authorization: await authHeader(cfg) },
    });
    if (!res.ok) await failed(cfg, "listing the folder", res);
    const body = (await res.json().catch(() => null)) as {
      files?: Record<string, unknown>[];
      nextPageToken?: unknown;
    } | null;
    if (!body || !Array.isArray(body.files)) {
      throw new ProviderError("gdrive", "unavailable", "listing the folder: no file list");
    }
    for (const f of body.files) {
      if (typeof f.id !== "string" || typeof f.name !== "string") continue;
      const mimeType = typeof f.mimeType === "string" ? f.mimeType : "application/octet-stream";
      const size = f.size === undefined ? null : Number(f.size);
      yield {
        id: f.id,
        name: f.name,
        mimeType,
        size: size !== null && Number.isFinite(size) ? size : null,
        md5: typeof f.md5Checksum === "string" ? f.md5Checksum : null,
        modifiedTime: typeof f.modifiedTime === "string" ? f.modifiedTime : null,
        downloadable: !mimeType.startsWith("application/vnd.google-apps."),
      };
    }
    pageToken = typeof body.nextPageToken === "string" ? body.nextPageToken : undefined;
    pages += 1;
    if (pages > 1000) throw new ProviderError("gdrive", "invalid", "the folder has too many pages");
  } while (pageToken);
}

/** The file's bytes as a stream (not buffered), with its size and content type. */
export async function downloadFile(
  cfg: GDriveConfig,
  fileId: string,
): Promise<{ body: ReadableStream<Uint8Array>; size: number | null; contentType: string }> {
  if (!DRIVE_ID.test(fileId)) {
    throw new ProviderError("gdrive", "invalid", "downloading: not a Drive file id");
  }
  const url = `${cfg.apiBase}/drive/v3/files/${fileId}?alt=media&supportsAllDrives=true`;
  const res = await providerFetch(
    "gdrive",
    "downloading a file",
    url,
    { headers: { authorization: await authHeader(cfg) } },
    // Covers reading the body too: large files get half an hour.
    1_800_000,
  );
  if (!res.ok || !res.body) await failed(cfg, "downloading a file", res);
  const length = res.headers.get("content-length");
  return {
    body: res.body as ReadableStream<Uint8Array>,
    size: length === null ? null : Number(length),
    contentType: res.headers.get("content-type") ?? "application/octet-stream",
  };
}
