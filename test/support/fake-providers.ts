// Local stand-ins for the media providers, following their documented HTTP APIs closely enough
// that the adapters in workers/providers/ run unchanged against them:
//   - Google OAuth 2.0 token endpoint (refresh_token grant)          POST /token
//   - YouTube Data API v3: resumable videos.insert (session URI, chunked PUTs with
//     Content-Range, 308 Resume Incomplete + Range, status queries `bytes */N`), videos.update
//     part=status, captions.insert (multipart/related)
//   - 3Play Media API v3: files, transcripts/order/transcription, transcripts/{id},
//     transcripts/{id}/captions?caption_format=webvtt
//   - Google Drive API v3: files.list (q='<folder>' in parents, pageToken), files.get alt=media
// Tests arrange state and read what happened through /__… control endpoints (JSON), and can
// inject faults (`POST /__faults`): the next N requests matching a method and path prefix
// answer a given status, or (`partial`) a resumable PUT stores only half of its bytes.
// Used by the node-project adapter tests (each starts its own) and by the Worker tests (one
// started in vitest.config.ts, its URL bound as GOOGLE_API_BASE and friends).
import { createHash, createVerify, type Hash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type Grant = { clientId: string; clientSecret: string; refreshToken: string };
type Session = {
  id: string;
  size: number;
  contentType: string;
  meta: { snippet?: Record<string, unknown>; status?: Record<string, unknown> };
  owner: string;
  /** SHA-256 of the bytes received so far (not kept: large uploads stay cheap). */
  hash: Hash;
  received: number;
  videoId: string | null;
};
type Video = {
  id: string;
  owner: string;
  snippet: Record<string, unknown>;
  status: Record<string, unknown>;
  size: number;
  sha256: string;
  contentType: string;
};
type Caption = { id: string; videoId: string; language: string; name: string; body: string };
type Fault = {
  method: string;
  path: string;
  status: number;
  times: number;
  partial?: boolean;
  /** The body to answer instead of a generic error. */
  body?: unknown;
};
type TpFile = { id: string; apiKey: string; sourceUrl: string; name: string };
type Transcript = {
  id: string;
  apiKey: string;
  fileId: string;
  status: string;
  callback: string | null;
  turnaround: string;
  vtt: string | null;
};
type DriveItem = { id: string; name: string; mimeType: string; content: Buffer | null };
type Folder = { id: string; owner: string; items: DriveItem[] };

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const json = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
  res.end(JSON.stringify(body));
};

const googleError = (res: ServerResponse, code: number, reason: string, message = reason) =>
  json(res, code, { error: { code, message, errors: [{ reason, message }] } });

export type FakeProviders = {
  url: string;
  /** Counts of requests by "METHOD /path" (no query), for assertions. */
  requests: string[];
  close(): Promise<void>;
};

export async function startFakeProviders(): Promise<FakeProviders> {
  const grants = new Map<string, Grant>(); // by refresh token
  const serviceAccounts = new Map<string, string>(); // client email → public key (PEM)
  const accessTokens = new Map<string, string>(); // access token → refresh token
  const sessions = new Map<string, Session>();
  const videos = new Map<string, Video>();
  const captions: Caption[] = [];
  const faults: Fault[] = [];
  const tpKeys = new Set<string>();
  const tpFiles = new Map<string, TpFile>();
  const transcripts = new Map<string, Transcript>();
  const folders = new Map<string, Folder>();
  const driveItems = new Map<string, { item: DriveItem; folder: Folder }>();
  const requests: string[] = [];
  let seq = 1000;
  const nextId = (p = "") => `${p}${++seq}${randomBytes(4).toString("hex")}`;

  /** The refresh token behind a request's bearer token, or null (then a 401 was sent). */
  function bearer(req: IncomingMessage, res: ServerResponse): string | null {
    const auth = req.headers.authorization ?? "";
    const owner = auth.startsWith("Bearer ") ? accessTokens.get(auth.slice(7)) : undefined;
    if (!owner) {
      json(res, 401, {
        error: {
          code: 401,
          message: "Request had invalid authentication credentials.",
          status: "UNAUTHENTICATED",
          errors: [{ reason: "authError", message: "Invalid Credentials" }],
        },
      });
      return null;
    }
    return owner;
  }

  function takeFault(method: string, path: string): Fault | null {
    const f = faults.find((x) => x.method === method && path.startsWith(x.path) && x.times > 0);
    if (!f) return null;
    f.times -= 1;
    return f;
  }

  function threeplayKey(params: URLSearchParams, res: ServerResponse): string | null {
    const key = params.get("api_key") ?? "";
    if (!tpKeys.has(key)) {
      json(res, 401, { code: 401, errors: { api_key: ["is invalid"] } });
      return null;
    }
    return key;
  }

  const videoView = (v: Video) => ({
    kind: "youtube#video",
    id: v.id,
    snippet: v.snippet,
    status: v.status,
  });

  const server = createServer(async (req, res) => {
    try {
      const origin = `http://${req.headers.host}`;
      const url = new URL(req.url ?? "/", origin);
      const method = req.method ?? "GET";
      const path = url.pathname;
      const body = await readBody(req);
      if (!path.startsWith("/__")) requests.push(`${method} ${path}`);

      // ---- control ----
      if (path.startsWith("/__")) {
        const input = body.length ? JSON.parse(body.toString("utf8")) : {};
        if (method === "POST" && path === "/__google/grants") {
          grants.set(input.refreshToken, input);
          return json(res, 200, { ok: true });
        }
        if (method === "POST" && path === "/__google/service-accounts") {
          serviceAccounts.set(input.clientEmail, input.publicKey);
          return json(res, 200, { ok: true });
        }
        if (method === "POST" && path === "/__faults") {
          faults.push({ times: 1, ...input });
          return json(res, 200, { ok: true });
        }
        if (method === "GET" && path.startsWith("/__youtube/videos/")) {
          const v = videos.get(path.slice("/__youtube/videos/".length));
          if (!v) return json(res, 404, {});
          return json(res, 200, { ...v, captions: captions.filter((c) => c.videoId === v.id) });
        }
        if (method === "POST" && path === "/__threeplay/keys") {
          tpKeys.add(input.apiKey);
          return json(res, 200, { ok: true });
        }
        const tp = /^\/__threeplay\/transcripts\/([^/]+)$/.exec(path);
        if (tp) {
          const t = transcripts.get(tp[1] ?? "");
          if (!t) return json(res, 404, {});
          if (method === "POST") Object.assign(t, input);
          const file = tpFiles.get(t.fileId);
          return json(res, 200, { ...t, file });
        }
        if (method === "POST" && path === "/__drive/folders") {
          const folder: Folder = { id: input.folderId, owner: input.refreshToken, items: [] };
          for (const f of input.files as {
            name: string;
            mimeType: string;
            content?: string;
            /** A subfolder: its id (register its own files with another call). */
            folderId?: string;
          }[]) {
            const item = {
              id: f.folderId ?? nextId("drv_file_"),
              name: f.name,
              mimeType: f.mimeType,
              content: f.content === undefined ? null : Buffer.from(f.content, "utf8"),
            };
            folder.items.push(item);
            driveItems.set(item.id, { item, folder });
          }
          folders.set(folder.id, folder);
          return json(res, 200, { files: folder.items.map((i) => ({ id: i.id, name: i.name })) });
        }
        return json(res, 404, { error: "no such control endpoint" });
      }

      const fault = takeFault(method, path);
      if (fault && !fault.partial && fault.body !== undefined) {
        return json(res, fault.status, fault.body);
      }
      if (fault && !fault.partial) {
        if (fault.status === 403) return googleError(res, 403, "quotaExceeded", "quota exceeded");
        return json(res, fault.status, { error: { code: fault.status, message: "injected" } });
      }

      // ---- Google OAuth ----
      if (method === "POST" && path === "/token") {
        const form = new URLSearchParams(body.toString("utf8"));
        if (form.get("grant_type") === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
          // A service account's RS256-signed JWT: signature, audience, scope and lifetime.
          const [head, claims, sig] = (form.get("assertion") ?? "").split(".");
          const decode = (part = "") => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
          let payload: { iss?: string; aud?: string; scope?: string; exp?: number; iat?: number };
          try {
            if (decode(head).alg !== "RS256") throw new Error("alg");
            payload = decode(claims);
          } catch {
            return json(res, 400, { error: "invalid_grant", error_description: "bad assertion" });
          }
          const publicKey = serviceAccounts.get(payload.iss ?? "");
          const verified =
            publicKey !== undefined &&
            createVerify("RSA-SHA256")
              .update(`${head}.${claims}`)
              .verify(publicKey, Buffer.from(sig ?? "", "base64url"));
          const now = Date.now() / 1000;
          if (
            !verified ||
            payload.aud !== `${origin}/token` ||
            !payload.scope ||
            (payload.exp ?? 0) < now ||
            (payload.exp ?? 0) - (payload.iat ?? 0) > 3600
          ) {
            return json(res, 400, { error: "invalid_grant", error_description: "Invalid JWT" });
          }
          const token = `ya29.sa.${randomBytes(12).toString("hex")}`;
          accessTokens.set(token, payload.iss ?? "");
          return json(res, 200, { access_token: token, expires_in: 3599, token_type: "Bearer" });
        }
        if (form.get("grant_type") !== "refresh_token") {
          return json(res, 400, { error: "unsupported_grant_type" });
        }
        const g = grants.get(form.get("refresh_token") ?? "");
        if (!g || g.clientId !== form.get("client_id")) {
          return json(res, 400, { error: "invalid_grant", error_description: "Bad Request" });
        }
        if (g.clientSecret !== form.get("client_secret")) {
          return json(res, 401, { error: "invalid_client", error_description: "Unauthorized" });
        }
        const token = `ya29.${randomBytes(12).toString("hex")}`;
        accessTokens.set(token, g.refreshToken);
        return json(res, 200, { access_token: token, expires_in: 3599, token_type: "Bearer" });
      }

      // ---- YouTube ----
      if (path === "/upload/youtube/v3/videos" && method === "POST") {
        const owner = bearer(req, res);
        if (!owner) return;
        if (url.searchParams.get("uploadType") !== "resumable") {
          return googleError(res, 400, "invalidUploadType");
        }
        const size = Number(req.headers["x-upload-content-length"]);
        if (!Number.isSafeInteger(size) || size <= 0) return googleError(res, 400, "badContent");
        const meta = JSON.parse(body.toString("utf8"));
        if (!meta.snippet?.title) return googleError(res, 400, "invalidTitle");
        const s: Session = {
          id: nextId("up"),
          size,
          contentType: String(req.headers["x-upload-content-type"] ?? ""),
          meta,
          owner,
          hash: createHash("sha256"),
          received: 0,
          videoId: null,
        };
        sessions.set(s.id, s);
        res.writeHead(200, {
          location: `${origin}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${s.id}`,
        });
        return res.end();
      }
      if (path === "/upload/youtube/v3/videos" && method === "PUT") {
        const s = sessions.get(url.searchParams.get("upload_id") ?? "");
        if (!s) return googleError(res, 404, "notFound");
        if (!bearer(req, res)) return;
        const range = String(req.headers["content-range"] ?? "");
        const done = () => {
          const v = videos.get(s.videoId ?? "");
          return v ? json(res, 201, videoView(v)) : googleError(res, 500, "backendError");
        };
        const incomplete = () => {
          const headers = s.received > 0 ? { range: `bytes=0-${s.received - 1}` } : {};
          res.writeHead(308, headers);
          return res.end();
        };
        if (range === `bytes */${s.size}`) return s.videoId ? done() : incomplete();
        const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range);
        if (!m) return googleError(res, 400, "badContentRange");
        const [from, to, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
        if (total !== s.size || to - from + 1 !== body.length || from > s.received) {
          return googleError(res, 400, "badContentRange");
        }
        const isLast = to === s.size - 1;
        if (!isLast && body.length % (256 * 1024) !== 0) {
          return googleError(res, 400, "badChunkSize");
        }
        // Bytes the server already holds are skipped; the rest appended.
        let fresh = body.subarray(s.received - from);
        if (fault?.partial) fresh = fresh.subarray(0, Math.floor(fresh.length / 2));
        s.hash.update(fresh);
        s.received += fresh.length;
        if (s.received < s.size) return incomplete();
        const v: Video = {
          id: nextId("vid"),
          owner: s.owner,
          snippet: s.meta.snippet ?? {},
          status: s.meta.status ?? {},
          size: s.received,
          sha256: s.hash.digest("hex"),
          contentType: s.contentType,
        };
        videos.set(v.id, v);
        s.videoId = v.id;
        return done();
      }
      if (path === "/youtube/v3/videos" && method === "PUT") {
        const owner = bearer(req, res);
        if (!owner) return;
        if (url.searchParams.get("part") !== "status")
          return googleError(res, 400, "unexpectedPart");
        const input = JSON.parse(body.toString("utf8"));
        const v = videos.get(input.id);
        if (!v || v.owner !== owner) return googleError(res, 404, "videoNotFound");
        if (!["private", "unlisted", "public"].includes(input.status?.privacyStatus)) {
          return googleError(res, 400, "invalidPrivacyStatus");
        }
        v.status = input.status;
        return json(res, 200, videoView(v));
      }
      if (path === "/upload/youtube/v3/captions" && method === "POST") {
        const owner = bearer(req, res);
        if (!owner) return;
        const type = String(req.headers["content-type"] ?? "");
        const boundary = /boundary=([^;]+)/.exec(type)?.[1];
        if (!type.startsWith("multipart/related") || !boundary) {
          return googleError(res, 400, "mediaBodyRequired");
        }
        const parts = body
          .toString("utf8")
          .split(`--${boundary}`)
          .slice(1, -1)
          .map((p) => p.replace(/^\r\n/, "").replace(/\r\n$/, ""))
          .map((p) => p.slice(p.indexOf("\r\n\r\n") + 4));
        const snippet = JSON.parse(parts[0] ?? "{}").snippet ?? {};
        const v = videos.get(snippet.videoId);
        if (!v || v.owner !== owner) return googleError(res, 404, "videoNotFound");
        const c: Caption = {
          id: nextId("cap"),
          videoId: v.id,
          language: snippet.language,
          name: snippet.name,
          body: parts[1] ?? "",
        };
        captions.push(c);
        return json(res, 200, { kind: "youtube#caption", id: c.id, snippet });
      }

      // ---- 3Play Media ----
      if (path === "/v3/files" && method === "POST") {
        const form = new URLSearchParams(body.toString("utf8"));
        const key = threeplayKey(form, res);
        if (!key) return;
        if (!form.get("source_url") || !form.get("name")) {
          return json(res, 422, { code: 422, errors: { source_url: ["is required"] } });
        }
        const f: TpFile = {
          id: String(++seq),
          apiKey: key,
          sourceUrl: form.get("source_url") ?? "",
          name: form.get("name") ?? "",
        };
        tpFiles.set(f.id, f);
        return json(res, 200, { code: 200, data: { id: Number(f.id), name: f.name } });
      }
      if (path === "/v3/transcripts/order/transcription" && method === "POST") {
        const form = new URLSearchParams(body.toString("utf8"));
        const key = threeplayKey(form, res);
        if (!key) return;
        const file = tpFiles.get(form.get("media_file_id") ?? "");
        if (!file || file.apiKey !== key) {
          return json(res, 404, { code: 404, errors: { media_file_id: ["not found"] } });
        }
        const t: Transcript = {
          id: String(++seq),
          apiKey: key,
          fileId: file.id,
          status: "in_progress",
          callback: form.get("callback"),
          turnaround: form.get("turnaround_level_id") ?? "",
          vtt: null,
        };
        transcripts.set(t.id, t);
        return json(res, 200, {
          code: 200,
          data: { id: Number(t.id), media_file_id: Number(file.id), status: t.status },
        });
      }
      const tr = /^\/v3\/transcripts\/(\d+)(\/captions)?$/.exec(path);
      if (tr && method === "GET") {
        const key = threeplayKey(url.searchParams, res);
        if (!key) return;
        const t = transcripts.get(tr[1] ?? "");
        if (!t || t.apiKey !== key) {
          return json(res, 404, { code: 404, errors: { id: ["not found"] } });
        }
        if (!tr[2]) {
          return json(res, 200, {
            code: 200,
            data: { id: Number(t.id), media_file_id: Number(t.fileId), status: t.status },
          });
        }
        if (url.searchParams.get("caption_format") !== "webvtt") {
          return json(res, 422, { code: 422, errors: { caption_format: ["is invalid"] } });
        }
        if (t.status !== "complete" || !t.vtt) {
          return json(res, 404, { code: 404, errors: { transcript: ["is not complete"] } });
        }
        res.writeHead(200, { "content-type": "text/vtt; charset=utf-8" });
        return res.end(t.vtt);
      }

      // ---- Google Drive ----
      if (path === "/drive/v3/files" && method === "GET") {
        const owner = bearer(req, res);
        if (!owner) return;
        const q = url.searchParams.get("q") ?? "";
        const folderId = /^'([^']+)' in parents and trashed = false$/.exec(q)?.[1];
        if (!folderId) return googleError(res, 400, "invalidQuery");
        const folder = folders.get(folderId);
        if (!folder || folder.owner !== owner) return googleError(res, 404, "notFound");
        const pageSize = Math.min(Number(url.searchParams.get("pageSize") ?? "100"), 100);
        const token = url.searchParams.get("pageToken");
        const start = token ? Number(token.replace(/^page-/, "")) : 0;
        const page = folder.items.slice(start, start + pageSize);
        const next = start + pageSize < folder.items.length ? `page-${start + pageSize}` : null;
        return json(res, 200, {
          files: page.map((i) => ({
            id: i.id,
            name: i.name,
            mimeType: i.mimeType,
            ...(i.content
              ? {
                  size: String(i.content.length),
                  md5Checksum: createHash("md5").update(i.content).digest("hex"),
                }
              : {}),
            modifiedTime: "2026-01-02T03:04:05.000Z",
          })),
          ...(next ? { nextPageToken: next } : {}),
        });
      }
      const df = /^\/drive\/v3\/files\/([^/]+)$/.exec(path);
      if (df && method === "GET") {
        const owner = bearer(req, res);
        if (!owner) return;
        const hit = driveItems.get(df[1] ?? "");
        if (!hit || hit.folder.owner !== owner) return googleError(res, 404, "notFound");
        if (url.searchParams.get("alt") !== "media") return json(res, 200, { id: hit.item.id });
        if (!hit.item.content) return googleError(res, 403, "fileNotDownloadable");
        res.writeHead(200, {
          "content-type": hit.item.mimeType,
          "content-length": String(hit.item.content.length),
        });
        return res.end(hit.item.content);
      }

      return json(res, 404, { error: { code: 404, message: `no route ${method} ${path}` } });
    } catch (err) {
      json(res, 500, { error: { code: 500, message: String(err) } });
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  // Never what keeps the test runner alive.
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
