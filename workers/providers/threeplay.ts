// 3Play Media API v3 adapter (https://api.3playmedia.com/v3/): order a transcript of a media
// file reachable at a URL, follow its status, download the captions as WebVTT.
//
//   POST {base}/v3/files                               api_key, source_url, name, language_id
//                                                      → { data: { id } }  (the media file)
//   POST {base}/v3/transcripts/order/transcription     api_key, media_file_id,
//                                                      turnaround_level_id, callback
//                                                      → { data: { id, status } }
//   GET  {base}/v3/transcripts/{id}?api_key=…          → { data: { id, status } }
//   GET  {base}/v3/transcripts/{id}/captions?api_key=…&caption_format=webvtt
//                                                      → the WebVTT (or { data: "WEBVTT…" })
//
// 3Play calls the order's `callback` URL when the transcript's status changes; the callback
// route (workers/providers/callbacks.ts) does not trust the call's body: it asks getStatus.
// Form bodies carry the API key on POSTs (out of URLs); GETs must put it in the query.
import { errorFromResponse, ProviderError, providerFetch } from "./errors.ts";

export type ThreePlayConfig = {
  /** https://api.3playmedia.com unless a test points elsewhere. */
  apiBase: string;
  apiKey: string;
  /** 3Play's turnaround level (5 = standard in OCW's use); defaults to 5. */
  turnaroundLevelId?: number;
};

export type TranscriptStatus = { status: string; complete: boolean; failed: boolean };

const FAILED = new Set(["cancelled", "canceled", "failed", "rejected", "error"]);
const MAX_CAPTIONS_BYTES = 5 * 1024 * 1024;

type Envelope = { data?: unknown; is_error?: unknown; error_description?: unknown; code?: unknown };

async function envelope(what: string, res: Response): Promise<Record<string, unknown>> {
  if (!res.ok) throw await errorFromResponse("threeplay", what, res);
  const body = (await res.json().catch(() => null)) as Envelope | null;
  if (!body || typeof body !== "object") {
    throw new ProviderError("threeplay", "unavailable", `${what}: the answer is not JSON`);
  }
  // An error carried in the body of an HTTP 200: { code: 401, errors: … }.
  if (typeof body.code === "number" && body.code >= 400) {
    const c = body.code;
    const kind =
      c === 401 || c === 403
        ? "auth"
        : c === 404
          ? "not_found"
          : c === 429
            ? "quota"
            : c >= 500
              ? "unavailable"
              : "invalid";
    throw new ProviderError("threeplay", kind, `${what} failed with code ${c}`, c);
  }
  // Older error shape: HTTP 200 with { is_error: true }.
  if (body.is_error === true) {
    const why = typeof body.error_description === "string" ? body.error_description : "error";
    const kind = /api.?key|unauthori[sz]ed|authenticat/i.test(why) ? "auth" : "invalid";
    throw new ProviderError("threeplay", kind, `${what} failed (${why.slice(0, 200)})`);
  }
  if (!body.data || typeof body.data !== "object") {
    throw new ProviderError("threeplay", "unavailable", `${what}: the answer has no data`);
  }
  return body.data as Record<string, unknown>;
}

function idOf(what: string, data: Record<string, unknown>): string {
  const id = data.id;
  if (typeof id === "number" || (typeof id === "string" && id)) return String(id);
  throw new ProviderError("threeplay", "unavailable", `${what}: the answer has no id`);
}

function validId(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new Error("not a 3Play id");
  return id;
}

/**
 * Registers the media at `mediaUrl` with 3Play and orders its transcript; 3Play fetches the
 * media itself, and calls `callbackUrl` when the transcript's status changes.
 */
export async function orderTranscript(
  cfg: ThreePlayConfig,
  order: { mediaUrl: string; name: string; callbackUrl: string; referenceId?: string },
): Promise<{ fileId: string; transcriptId: string }> {
  const fileRes = await providerFetch(
    "threeplay",
    "adding the media file",
    `${cfg.apiBase}/v3/files`,
    {
      method: "POST",
      body: new URLSearchParams({
        api_key: cfg.apiKey,
        source_url: order.mediaUrl,
        name: order.name.slice(0, 200),
        language_id: "1",
        ...(order.referenceId ? { reference_id: order.referenceId } : {}),
      }),
    },
  );
  const fileId = idOf("adding the media file", await envelope("adding the media file", fileRes));
  const orderRes = await providerFetch(
    "threeplay",
    "ordering the transcript",
    `${cfg.apiBase}/v3/transcripts/order/transcription`,
    {
      method: "POST",
      body: new URLSearchParams({
        api_key: cfg.apiKey,
        media_file_id: fileId,
        turnaround_level_id: String(cfg.turnaroundLevelId ?? 5),
        callback: order.callbackUrl,
      }),
    },
  );
  const transcriptId = idOf(
    "ordering the transcript",
    await envelope("ordering the transcript", orderRes),
  );
  return { fileId, transcriptId };
}

export async function getTranscriptStatus(
  cfg: ThreePlayConfig,
  transcriptId: string,
): Promise<TranscriptStatus> {
  const url = new URL(`${cfg.apiBase}/v3/transcripts/${validId(transcriptId)}`);
  url.searchParams.set("api_key", cfg.apiKey);
  const res = await providerFetch("threeplay", "reading the transcript status", url.toString(), {
    method: "GET",
  });
  const data = await envelope("reading the transcript status", res);
  const status = typeof data.status === "string" ? data.status.toLowerCase() : "unknown";
  return { status, complete: status === "complete", failed: FAILED.has(status) };
}

/** The finished transcript's captions as WebVTT text. */
export async function downloadCaptions(
  cfg: ThreePlayConfig,
  transcriptId: string,
  format: "vtt",
): Promise<string> {
  if (format !== "vtt") throw new Error("only WebVTT is supported");
  const url = new URL(`${cfg.apiBase}/v3/transcripts/${validId(transcriptId)}/captions`);
  url.searchParams.set("api_key", cfg.apiKey);
  url.searchParams.set("caption_format", "webvtt");
  const res = await providerFetch("threeplay", "downloading captions", url.toString(), {
    method: "GET",
  });
  if (!res.ok) throw await errorFromResponse("threeplay", "downloading captions", res);
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > MAX_CAPTIONS_BYTES) {
    await res.body?.cancel();
    throw new ProviderError("threeplay", "invalid", "the captions are larger than 5 MiB");
  }
  const text = await res.text();
  if (text.length > MAX_CAPTIONS_BYTES) {
    throw new ProviderError("threeplay", "invalid", "the captions are larger than 5 MiB");
  }
  let vtt = text;
  if ((res.headers.get("content-type") ?? "").includes("json")) {
    const body = JSON.parse(text) as Envelope;
    if (body.is_error === true || typeof body.data !== "string") {
      throw new ProviderError("threeplay", "not_found", "downloading captions: no captions yet");
    }
    vtt = body.data;
  }
  vtt = vtt.replace(/^\uFEFF/, "");
  if (!vtt.startsWith("WEBVTT")) {
    throw new ProviderError("threeplay", "invalid", "downloading captions: not WebVTT");
  }
  return vtt;
}
