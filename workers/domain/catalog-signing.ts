// Signed catalog URLs (docs/decisions/011-learn-integration.md): a catalog such as Learn reads
// /public/v1 without an account, with URLs signed by one of the tenant's signing keys.
//
//   https://app/public/v1/tenants/<tenant>/sites/<site>.json?exp=<unix s>&kid=<key id>&sig=<sig>
//   sig = base64url(HMAC-SHA256(secret, canonical)), no padding
//   canonical = "GET\n" + pathname + "\n" + query
//     query: every parameter but `sig`, names and values percent-encoded (RFC 3986: all but
//     A-Z a-z 0-9 - . _ ~), sorted by name then value, joined as name=value with "&".
//
// Decisions:
// - The path and every parameter are signed (cursor, limit and updated_since too), so no part
//   of a signed URL can be changed; the host is not, so the same URL works behind a proxy.
// - Verification goes through WebCrypto's HMAC verify, which compares in constant time.
// - `exp` is required and bounded (MAX_EXPIRY_SECONDS): no URL is valid forever; revoking the
//   key ends every URL it signed at once.
// Runtime-neutral (WebCrypto only): tests and the Node e2e consumer sign with this module too.

export const MAX_EXPIRY_SECONDS = 366 * 86_400;

const encoder = new TextEncoder();

/** RFC 3986 percent-encoding (encodeURIComponent leaves !'()* as they are). */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function canonicalString(method: string, pathname: string, params: URLSearchParams) {
  const pairs: [string, string][] = [];
  for (const [k, v] of params) if (k !== "sig") pairs.push([rfc3986(k), rfc3986(v)]);
  pairs.sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0,
  );
  const query = pairs.map(([k, v]) => `${k}=${v}`).join("&");
  return `${method.toUpperCase()}\n${pathname}\n${query}`;
}

function hmacKey(secret: string, usage: "sign" | "verify") {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [usage],
  );
}

function base64url(bytes: ArrayBuffer): string {
  let bin = "";
  for (const b of new Uint8Array(bytes)) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const bin = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * Signs a URL: adds `kid` and `exp` to its query and then `sig`. `url` may carry other
 * parameters (cursor, limit…); they are signed too.
 */
export async function signUrl(
  url: string | URL,
  key: { id: string; secret: string },
  expiresAt: number,
): Promise<string> {
  const u = new URL(url);
  u.searchParams.delete("sig");
  u.searchParams.set("kid", key.id);
  u.searchParams.set("exp", String(Math.floor(expiresAt / 1000)));
  const mac = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(key.secret, "sign"),
    encoder.encode(canonicalString("GET", u.pathname, u.searchParams)),
  );
  u.searchParams.set("sig", base64url(mac));
  return u.toString();
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: "missing" | "expired" | "too-long" | "mismatch" };

/** The parts of a request a signature covers, checked against one key's secret. */
export async function verifySignedUrl(
  url: URL,
  method: string,
  secret: string,
  now = Date.now(),
): Promise<SignatureCheck> {
  const exp = url.searchParams.get("exp");
  const sig = url.searchParams.get("sig");
  if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return { ok: false, reason: "missing" };
  const expMs = Number(exp) * 1000;
  if (expMs <= now) return { ok: false, reason: "expired" };
  if (expMs - now > MAX_EXPIRY_SECONDS * 1000) return { ok: false, reason: "too-long" };
  const bytes = fromBase64url(sig);
  if (bytes?.length !== 32) return { ok: false, reason: "mismatch" };
  // HEAD is a GET without the body: one signature serves both.
  const m = method.toUpperCase() === "HEAD" ? "GET" : method;
  const ok = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret, "verify"),
    bytes,
    encoder.encode(canonicalString(m, url.pathname, url.searchParams)),
  );
  return ok ? { ok: true } : { ok: false, reason: "mismatch" };
}
