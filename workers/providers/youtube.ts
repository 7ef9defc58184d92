// YouTube Data API v3 adapter (https://developers.google.com/youtube/v3): resumable video
// upload, privacy changes and caption tracks, with a tenant's OAuth credentials.
//
//   upload:   POST {base}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status
//             (JSON metadata, X-Upload-Content-Length/-Type) → 200 + Location: the session URI;
//             then PUT chunks to the session URI with Content-Range: bytes a-b/total. Every chunk
//             but the last is a multiple of 256 KiB; the answer is 308 Resume Incomplete with
//             Range: bytes=0-N (what the server holds) until the last, which answers 200/201 and
//             the video resource. After a 5xx or a network failure the adapter asks where the
//             upload stands (PUT with Content-Range: bytes */total) and resends from there.
//   privacy:  PUT {base}/youtube/v3/videos?part=status  {id, status: {privacyStatus, …}}
//   captions: POST {base}/upload/youtube/v3/captions?uploadType=multipart&part=snippet
//             (multipart/related: the JSON snippet, then the caption file)
//
// The video streams from R2: only one chunk (8 MiB by default) is held in memory at a time.
import { errorFromResponse, ProviderError, providerFetch } from "./errors.ts";
import { forgetAccessToken, type GoogleOAuth, googleAccessToken } from "./google-auth.ts";

export type YouTubeConfig = {
  /** https://www.googleapis.com unless a test points elsewhere. */
  apiBase: string;
  oauth: GoogleOAuth;
  /** Bytes per PUT; a multiple of 256 KiB. */
  chunkSize?: number;
  /** Attempts per chunk after 5xx or network failures. */
  maxChunkAttempts?: number;
  /** Base delay between those attempts (doubles each time). */
  retryDelayMs?: number;
};

export type YouTubePrivacy = "private" | "unlisted" | "public";

export type VideoMetadata = {
  title: string;
  description: string;
  tags?: string[];
  privacy: YouTubePrivacy;
  /** The original's content type; defaults to video/*. */
  contentType?: string;
};

const CHUNK_UNIT = 256 * 1024;
const DEFAULT_CHUNK = 32 * CHUNK_UNIT; // 8 MiB
/** YouTube's "Education" category. */
const EDUCATION = "27";

async function authHeader(cfg: YouTubeConfig): Promise<string> {
  return `Bearer ${await googleAccessToken("youtube", cfg.oauth)}`;
}

async function failed(cfg: YouTubeConfig, what: string, res: Response): Promise<never> {
  if (res.status === 401) await forgetAccessToken(cfg.oauth);
  throw await errorFromResponse("youtube", what, res);
}

/** Titles are at most 100 characters and may not contain < or >; descriptions 5000 bytes. */
function snippetOf(meta: VideoMetadata) {
  const clean = (s: string) => s.replace(/[<>]/g, "");
  return {
    title: clean(meta.title).slice(0, 100) || "Untitled",
    description: clean(meta.description).slice(0, 4900),
    ...(meta.tags?.length ? { tags: meta.tags.slice(0, 30) } : {}),
    categoryId: EDUCATION,
  };
}

/**
 * The not-yet-confirmed bytes of the upload: what has been read from the stream but the server
 * does not hold yet. Reads ahead up to `want` bytes; drops bytes once the server confirms them.
 */
class Pending {
  private parts: Uint8Array[] = [];
  length = 0;
  ended = false;
  constructor(private reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async fill(want: number): Promise<void> {
    while (!this.ended && this.length < want) {
      const { value, done } = await this.reader.read();
      if (done) this.ended = true;
      else if (value.byteLength) {
        this.parts.push(value);
        this.length += value.byteLength;
      }
    }
  }

  /** The first `n` bytes, as one array. */
  head(n: number): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(n);
    let at = 0;
    for (const p of this.parts) {
      if (at >= n) break;
      const take = Math.min(p.byteLength, n - at);
      out.set(p.subarray(0, take), at);
      at += take;
    }
    return out;
  }

  drop(n: number): void {
    let left = n;
    while (left > 0 && this.parts.length) {
      const p = this.parts[0] as Uint8Array;
      if (p.byteLength <= left) {
        this.parts.shift();
        left -= p.byteLength;
      } else {
        this.parts[0] = p.subarray(left);
        left = 0;
      }
    }
    this.length -= n - left;
  }
}

/** "bytes=0-N" → N + 1; no header → 0. */
function receivedFrom(res: Response): number {
  const range = res.headers.get("range");
  const m = range ? /bytes=0-(\d+)/.exec(range) : null;
  return m ? Number(m[1]) + 1 : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function videoIdOf(res: Response): Promise<string> {
  const video = (await res.json().catch(() => null)) as { id?: unknown } | null;
  if (!video || typeof video.id !== "string") {
    throw new ProviderError("youtube", "unavailable", "the upload finished without a video id");
  }
  return video.id;
}

/**
 * Uploads a video of `size` bytes from `body` and returns its id. Metadata (title, description,
 * tags, privacy) is set in the same call; captions go up separately (insertCaptions).
 */
export async function uploadVideo(
  cfg: YouTubeConfig,
  meta: VideoMetadata,
  body: ReadableStream<Uint8Array>,
  size: number,
): Promise<{ videoId: string }> {
  const chunkSize = cfg.chunkSize ?? DEFAULT_CHUNK;
  if (chunkSize % CHUNK_UNIT !== 0) throw new Error("chunkSize must be a multiple of 256 KiB");
  if (!Number.isSafeInteger(size) || size <= 0) throw new Error("size must be a positive integer");
  const maxAttempts = cfg.maxChunkAttempts ?? 5;
  const retryDelay = cfg.retryDelayMs ?? 1000;

  const start = await providerFetch(
    "youtube",
    "starting the upload",
    `${cfg.apiBase}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`,
    {
      method: "POST",
      headers: {
        authorization: await authHeader(cfg),
        "content-type": "application/json; charset=UTF-8",
        "x-upload-content-length": String(size),
        "x-upload-content-type": meta.contentType ?? "video/*",
      },
      body: JSON.stringify({
        snippet: snippetOf(meta),
        status: {
          privacyStatus: meta.privacy,
          selfDeclaredMadeForKids: false,
          embeddable: true,
        },
      }),
    },
  );
  if (!start.ok) await failed(cfg, "starting the upload", start);
  await start.body?.cancel();
  const session = start.headers.get("location");
  if (!session) {
    throw new ProviderError("youtube", "unavailable", "the upload session has no Location");
  }

  /** Bytes the server has confirmed; `pending` holds the stream's bytes from there on. */
  let confirmed = 0;
  const reader = body.getReader();
  const pending = new Pending(reader);
  let attempts = 0;
  try {
    for (;;) {
      await pending.fill(chunkSize);
      // Holding every declared byte: read once more to learn whether the stream really ends
      // here (a size that is a multiple of the chunk size ends exactly on a chunk).
      if (!pending.ended && confirmed + pending.length >= size) {
        await pending.fill(pending.length + 1);
      }
      if (confirmed + pending.length > size) {
        throw new ProviderError("youtube", "invalid", "the video is longer than its declared size");
      }
      const holdsRest = pending.ended && confirmed + pending.length === size;
      // The last PUT carries the rest, at most one chunk of it.
      const isLast = holdsRest && pending.length <= chunkSize;
      if (pending.ended && !holdsRest) {
        throw new ProviderError(
          "youtube",
          "invalid",
          "the video is shorter than its declared size",
        );
      }
      // Every PUT but the last carries a multiple of 256 KiB (after a partial receipt too).
      const n = isLast
        ? pending.length
        : Math.floor(Math.min(pending.length, chunkSize) / CHUNK_UNIT) * CHUNK_UNIT;
      const part = pending.head(n);
      const last = confirmed + n - 1;
      let res: Response | null = null;
      try {
        res = await providerFetch(
          "youtube",
          "uploading",
          session,
          {
            method: "PUT",
            headers: {
              authorization: await authHeader(cfg),
              "content-range": `bytes ${confirmed}-${last}/${size}`,
            },
            body: part,
          },
          300_000,
        );
      } catch (err) {
        if (!(err instanceof ProviderError && err.retryable)) throw err;
      }
      if (res && (res.status === 200 || res.status === 201)) {
        if (!isLast) {
          throw new ProviderError("youtube", "invalid", "the upload ended before the last byte");
        }
        return { videoId: await videoIdOf(res) };
      }
      let status: Response | null = res && res.status === 308 ? res : null;
      if (res && res.status === 404) {
        throw new ProviderError("youtube", "unavailable", "the upload session expired", 404);
      }
      if (res && res.status !== 308 && res.status < 500) await failed(cfg, "uploading", res);
      if (!status) {
        // 5xx or a network failure: wait, then ask where the upload stands.
        await res?.body?.cancel();
        attempts += 1;
        if (attempts >= maxAttempts) {
          throw new ProviderError(
            "youtube",
            "unavailable",
            `uploading failed ${attempts} times${res ? ` (last HTTP ${res.status})` : ""}`,
            res?.status ?? null,
          );
        }
        await sleep(retryDelay * 2 ** (attempts - 1));
        const asked = await providerFetch("youtube", "asking for the upload status", session, {
          method: "PUT",
          headers: { authorization: await authHeader(cfg), "content-range": `bytes */${size}` },
        }).catch(() => null);
        if (asked && (asked.status === 200 || asked.status === 201)) {
          return { videoId: await videoIdOf(asked) };
        }
        if (asked?.status !== 308) {
          await asked?.body?.cancel();
          continue; // resend the same bytes
        }
        status = asked;
      } else {
        attempts = 0;
      }
      await status.body?.cancel();
      const received = receivedFrom(status);
      if (received < confirmed) {
        // The server lost bytes it had confirmed, which are no longer in memory.
        throw new ProviderError("youtube", "unavailable", "the upload lost bytes; start over");
      }
      pending.drop(received - confirmed);
      confirmed = received;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Makes a video private, unlisted or public (e.g. public when its site goes live). */
export async function setVideoPrivacy(
  cfg: YouTubeConfig,
  videoId: string,
  privacy: YouTubePrivacy,
): Promise<void> {
  const res = await providerFetch(
    "youtube",
    "changing the privacy",
    `${cfg.apiBase}/youtube/v3/videos?part=status`,
    {
      method: "PUT",
      headers: {
        authorization: await authHeader(cfg),
        "content-type": "application/json; charset=UTF-8",
      },
      body: JSON.stringify({
        id: videoId,
        status: { privacyStatus: privacy, selfDeclaredMadeForKids: false, embeddable: true },
      }),
    },
  );
  if (!res.ok) await failed(cfg, "changing the privacy", res);
  await res.body?.cancel();
}

/** Adds a caption track (WebVTT text) to a video. */
export async function insertCaptions(
  cfg: YouTubeConfig,
  videoId: string,
  track: { language: string; name: string; vtt: string },
): Promise<{ captionId: string }> {
  const boundary = `lectern-${crypto.randomUUID()}`;
  const snippet = JSON.stringify({
    snippet: { videoId, language: track.language, name: track.name, isDraft: false },
  });
  const body =
    `--${boundary}\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n${snippet}\r\n` +
    `--${boundary}\r\ncontent-type: text/vtt\r\n\r\n${track.vtt}\r\n--${boundary}--\r\n`;
  const res = await providerFetch(
    "youtube",
    "adding captions",
    `${cfg.apiBase}/upload/youtube/v3/captions?uploadType=multipart&part=snippet`,
    {
      method: "POST",
      headers: {
        authorization: await authHeader(cfg),
        "content-type": `multipart/related; boundary=${boundary}`,
      },
      body,
    },
  );
  if (!res.ok) await failed(cfg, "adding captions", res);
  const caption = (await res.json().catch(() => null)) as { id?: unknown } | null;
  if (!caption || typeof caption.id !== "string") {
    throw new ProviderError("youtube", "unavailable", "captions were added without an id");
  }
  return { captionId: caption.id };
}
