// Typed failures of the provider adapters (YouTube, 3Play Media, Google Drive). Jobs decide from
// `retryable` whether to try again later; `message` is safe to store and show (it never carries
// a credential or a token, only the provider's status and its short error code).
export type ProviderName = "youtube" | "threeplay" | "gdrive";
export type ProviderErrorKind =
  /** The credentials were refused (revoked refresh token, wrong API key): fix the settings. */
  | "auth"
  /** A rate limit or quota: retry later. */
  | "quota"
  | "not_found"
  /** The provider refused the request as malformed: retrying will not help. */
  | "invalid"
  /** Network failure, timeout or a 5xx: retry later. */
  | "unavailable";

export class ProviderError extends Error {
  override readonly name = "ProviderError";
  constructor(
    readonly provider: ProviderName,
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(`${provider}: ${message}`);
  }
  get retryable(): boolean {
    return this.kind === "quota" || this.kind === "unavailable";
  }
}

/** Reads at most `limit` characters of a failed response's body, for an error code. */
async function errorDetail(res: Response, limit = 300): Promise<string> {
  try {
    const text = (await res.text()).slice(0, limit);
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      const err = json.error;
      if (typeof err === "string") return err;
      if (err && typeof err === "object") {
        const e = err as { message?: unknown; status?: unknown; errors?: { reason?: unknown }[] };
        const reason = e.errors?.[0]?.reason;
        return [e.status, reason, e.message].filter((x) => typeof x === "string").join(" ");
      }
      if (typeof json.error_description === "string") return json.error_description;
      if (json.errors && typeof json.errors === "object") return JSON.stringify(json.errors);
    } catch {
      // not JSON
    }
    return text.replace(/\s+/g, " ").trim();
  } catch {
    return "";
  }
}

/** The typed error for a failed HTTP response; `quotaReasons` are 403 reasons meaning quota. */
export async function errorFromResponse(
  provider: ProviderName,
  what: string,
  res: Response,
): Promise<ProviderError> {
  const detail = await errorDetail(res);
  const msg = `${what} failed with HTTP ${res.status}${detail ? ` (${detail})` : ""}`;
  const s = res.status;
  let kind: ProviderErrorKind;
  if (s === 401) kind = "auth";
  else if (s === 429) kind = "quota";
  else if (s === 403) kind = /quota|rateLimit|limitExceeded/i.test(detail) ? "quota" : "auth";
  else if (s === 404) kind = "not_found";
  else if (s === 408 || s >= 500) kind = "unavailable";
  else kind = "invalid";
  return new ProviderError(provider, kind, msg, s);
}

/** fetch() with network failures and timeouts turned into retryable ProviderErrors. */
export async function providerFetch(
  provider: ProviderName,
  what: string,
  url: string,
  init: RequestInit,
  timeoutMs = 60_000,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const why = err instanceof Error && err.name === "TimeoutError" ? "timed out" : "network error";
    throw new ProviderError(provider, "unavailable", `${what}: ${why}`);
  }
}
