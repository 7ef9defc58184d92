// Short, self-contained, expiring tokens signed with HMAC-SHA256: the builder's export token
// (one build's export), preview access (a collaborator's cookie on a preview host) and shared
// preview links. Runtime-neutral (WebCrypto only).
//
//   <base64url JSON claims>.<base64url HMAC>     claims always carry `p` (purpose) and `exp`
//
// Decisions:
// - The key is derived per purpose from one secret (HMAC(secret, "lectern-token:" + purpose)),
//   so a token made for one purpose never verifies for another, even with equal claims.
// - Verification is constant-time (crypto.subtle.verify) and checks expiry after the
//   signature, so a forged token learns nothing about the clock.
// - Tokens are bearer credentials: keep lifetimes short and scopes narrow; they are never
//   logged (callers put them in headers, cookies or one-shot URLs).

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export type TokenClaims = Record<string, string | number | boolean | null>;

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string, purpose: string): Promise<CryptoKey> {
  const id = `${purpose}\u0000${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = (async () => {
      const root = await crypto.subtle.importKey(
        "raw",
        encoder.encode(secret),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
      const derived = await crypto.subtle.sign(
        "HMAC",
        root,
        encoder.encode(`lectern-token:${purpose}`),
      );
      return crypto.subtle.importKey("raw", derived, { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify",
      ]);
    })();
    if (keys.size > 64) keys.clear();
    keys.set(id, key);
  }
  return key;
}

/** A token for `purpose` carrying `claims`, valid until `expiresAt` (ms since the epoch). */
export async function signToken(
  secret: string,
  purpose: string,
  claims: TokenClaims,
  expiresAt: number,
): Promise<string> {
  if (!secret) throw new Error("signToken needs a secret");
  const payload = encoder.encode(
    JSON.stringify({ ...claims, p: purpose, exp: Math.floor(expiresAt / 1000) }),
  );
  const mac = await crypto.subtle.sign("HMAC", await keyFor(secret, purpose), payload);
  return `${b64url(payload)}.${b64url(new Uint8Array(mac))}`;
}

/** The claims of a valid, unexpired token for `purpose`; null for anything else. */
export async function verifyToken<T extends TokenClaims = TokenClaims>(
  secret: string,
  purpose: string,
  token: string | null | undefined,
  now = Date.now(),
): Promise<(T & { exp: number }) | null> {
  if (!secret || !token || token.length > 4096) return null;
  const dot = token.indexOf(".");
  if (dot <= 0 || dot !== token.lastIndexOf(".")) return null;
  const payload = fromB64url(token.slice(0, dot));
  const mac = fromB64url(token.slice(dot + 1));
  if (!payload || !mac || mac.length !== 32) return null;
  const valid = await crypto.subtle.verify(
    "HMAC",
    await keyFor(secret, purpose),
    mac as Uint8Array<ArrayBuffer>,
    payload as Uint8Array<ArrayBuffer>,
  );
  if (!valid) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(decoder.decode(payload));
  } catch {
    return null;
  }
  if (typeof claims !== "object" || claims === null) return null;
  const c = claims as Record<string, unknown>;
  if (c.p !== purpose || typeof c.exp !== "number" || c.exp * 1000 <= now) return null;
  return c as T & { exp: number };
}
