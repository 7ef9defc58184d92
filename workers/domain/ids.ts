// Prefixed, sortable identifiers: `<prefix>_<ULID>` (time-ordered, 26 Crockford base32 chars).
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export type IdPrefix =
  | "usr"
  | "ses"
  | "acc"
  | "ver"
  | "ten"
  | "mem"
  | "inv"
  | "tok"
  | "aud"
  | "site"
  | "str"
  | "stv"
  | "col"
  | "itm"
  | "rev"
  | "imp"
  | "req"
  | "dep"
  | "psch"
  | "rbd"
  | "med"
  | "mjob"
  | "key"
  | "whe"
  | "evt"
  | "dlv"
  | "att";

function encodeTime(ms: number): string {
  let out = "";
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = "";
  for (const b of bytes) out += ALPHABET[b % 32];
  return out;
}

export function newId(prefix: IdPrefix, now = Date.now()): string {
  return `${prefix}_${encodeTime(now)}${encodeRandom()}`;
}

/** base64url without padding, of a binary (Latin-1) string. */
export function toBase64Url(binary: string): string {
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

/** The inverse of toBase64Url; throws on input that is not base64url. */
export function fromBase64Url(text: string): string {
  return atob(text.replaceAll("-", "+").replaceAll("_", "/"));
}

/** A URL-safe random secret of `bytes` bytes (base64url, no padding). */
export function randomSecret(bytes = 32): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  let bin = "";
  for (const b of raw) bin += String.fromCharCode(b);
  return toBase64Url(bin);
}

/** Hex SHA-256 of a string; used to store tokens and invitation secrets. */
export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
