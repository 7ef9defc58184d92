// Cloudflare's cache-purge API (POST /zones/{zone_id}/purge_cache), as documented at
// developers.cloudflare.com/api/resources/cache/methods/purge. Runtime-neutral (fetch only):
// the Worker uses it after rollbacks and unpublishes, the builder after publishing, and local
// mode points both at workers/local/purge.ts, which answers with the same shapes.
//
// Decisions:
// - One call purges one kind (tags, prefixes, files or everything), in chunks of at most 100
//   items: the documented "max operations per request" on every plan (Enterprise allows 500
//   URLs; 100 is the common floor).
// - 429 and 5xx are retried with exponential backoff, honouring Retry-After (capped), because
//   the purge rate limit is a small token bucket per account. Anything else fails at once.
// - Errors name Cloudflare's codes and messages and the HTTP status, never the token.

export const DEFAULT_PURGE_API_BASE = "https://api.cloudflare.com/client/v4";
/** Items per purge request (Cloudflare: 100 operations per request). */
export const PURGE_CHUNK = 100;

export type PurgeRequest = {
  tags?: string[];
  prefixes?: string[];
  files?: string[];
  purgeEverything?: boolean;
};

export type PurgeClientOptions = {
  /** Default https://api.cloudflare.com/client/v4 (no trailing slash needed). */
  apiBase?: string;
  zoneId: string;
  token: string;
  fetch?: typeof fetch;
  /** Retries after the first attempt for 429/5xx/network errors (default 3). */
  retries?: number;
  /** First backoff in ms, doubled per retry (default 500); tests set it low. */
  backoffMs?: number;
};

export type PurgeClient = { purge(request: PurgeRequest): Promise<void> };

/** The answer envelope every Cloudflare v4 endpoint uses. */
type CloudflareAnswer = {
  success?: boolean;
  errors?: { code?: number; message?: string }[];
  result?: unknown;
};

const MAX_RETRY_AFTER_MS = 30_000;

export class PurgeError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = "PurgeError";
    this.status = status;
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(header);
  if (Number.isNaN(date)) return null;
  return Math.min(Math.max(0, date - Date.now()), MAX_RETRY_AFTER_MS);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describeErrors(answer: CloudflareAnswer | null): string {
  const errors = answer?.errors ?? [];
  if (errors.length === 0) return "no error details";
  return errors.map((e) => `${e.code ?? "?"}: ${e.message ?? "unknown error"}`).join("; ");
}

export function createPurgeClient(options: PurgeClientOptions): PurgeClient {
  if (!options.zoneId) throw new Error("createPurgeClient needs a zone id");
  if (!options.token) throw new Error("createPurgeClient needs an API token");
  const base = (options.apiBase || DEFAULT_PURGE_API_BASE).replace(/\/+$/, "");
  const url = `${base}/zones/${encodeURIComponent(options.zoneId)}/purge_cache`;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const retries = options.retries ?? 3;
  const backoff = options.backoffMs ?? 500;

  async function send(body: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await doFetch(url, {
          method: "POST",
          headers: {
            authorization: `Bearer ${options.token}`,
            "content-type": "application/json",
          },
          body: JSON.stringify(body),
        });
      } catch (err) {
        if (attempt < retries) {
          await sleep(backoff * 2 ** attempt);
          continue;
        }
        throw new PurgeError(
          `Cache purge request failed: ${err instanceof Error ? err.message : String(err)}`,
          0,
        );
      }
      const transient = response.status === 429 || response.status >= 500;
      if (transient && attempt < retries) {
        const wait = retryAfterMs(response.headers.get("retry-after")) ?? backoff * 2 ** attempt;
        await response.body?.cancel();
        await sleep(wait);
        continue;
      }
      let answer: CloudflareAnswer | null = null;
      try {
        answer = (await response.json()) as CloudflareAnswer;
      } catch {
        answer = null;
      }
      if (!response.ok || answer?.success !== true) {
        throw new PurgeError(
          `Cache purge failed (HTTP ${response.status}): ${describeErrors(answer)}`,
          response.status,
        );
      }
      return;
    }
  }

  return {
    async purge(request) {
      if (request.purgeEverything) {
        await send({ purge_everything: true });
        return;
      }
      const kinds = [
        ["tags", request.tags],
        ["prefixes", request.prefixes],
        ["files", request.files],
      ] as const;
      for (const [field, items] of kinds) {
        const unique = [...new Set(items ?? [])];
        for (const chunk of chunks(unique, PURGE_CHUNK)) await send({ [field]: chunk });
      }
    },
  };
}
