// Tenants' provider credentials, encrypted at rest with AES-256-GCM (WebCrypto) under the Worker
// secret SECRETS_ENCRYPTION_KEY.
//
//   sealed = "v1." + base64url(12-byte IV) + "." + base64url(ciphertext + tag)
//
// Decisions (docs/decisions/014-media-providers.md):
// - The additional authenticated data names the tenant and provider, so a sealed value copied
//   to another tenant's row (or another provider's) does not open.
// - Rotation: SECRETS_ENCRYPTION_KEY may list several keys, newest first; sealing uses the
//   first, opening tries each. Re-saving a provider re-seals it under the newest key.
// - Local mode without a key derives one from AUTH_SECRET (SHA-256 of a label and the secret),
//   so `npm start` works without setup; a deployment without a key cannot store credentials.
// - Plaintext and keys are never logged; errors say only that a value did not open.
import { config } from "#workers/env";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class SecretsUnavailable extends Error {
  override readonly name = "SecretsUnavailable";
  constructor() {
    super("SECRETS_ENCRYPTION_KEY is not set on this deployment");
  }
}

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const keyCache = new WeakMap<object, Promise<CryptoKey[]>>();

function keysOf(env: Env): Promise<CryptoKey[]> {
  let keys = keyCache.get(env);
  if (!keys) {
    keys = (async () => {
      const cfg = config(env);
      const raw = cfg.SECRETS_ENCRYPTION_KEY.split(",")
        .map((k) => k.trim())
        .filter(Boolean)
        .map(fromB64);
      if (raw.length === 0 && cfg.LOCAL_MODE) {
        const derived = await crypto.subtle.digest(
          "SHA-256",
          encoder.encode(`lectern-local-secrets-key\u0000${cfg.AUTH_SECRET}`),
        );
        raw.push(new Uint8Array(derived));
      }
      return Promise.all(
        raw.map((k) => crypto.subtle.importKey("raw", k, "AES-GCM", false, ["encrypt", "decrypt"])),
      );
    })();
    keyCache.set(env, keys);
  }
  return keys;
}

/** Whether this deployment can store provider credentials. */
export async function secretsAvailable(env: Env): Promise<boolean> {
  return (await keysOf(env)).length > 0;
}

/** The additional data binding a sealed value to its row. */
export const secretContext = (tenantId: string, provider: string) =>
  `lectern-provider-secret\u0000${tenantId}\u0000${provider}`;

export async function seal(env: Env, context: string, plaintext: string): Promise<string> {
  const [key] = await keysOf(env);
  if (!key) throw new SecretsUnavailable();
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
    key,
    encoder.encode(plaintext),
  );
  return `v1.${b64url(iv)}.${b64url(new Uint8Array(ct))}`;
}

/** The plaintext, or null when no configured key opens it (wrong key, row or tampering). */
export async function open(env: Env, context: string, sealed: string): Promise<string | null> {
  const m = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]+)$/.exec(sealed);
  if (!m) return null;
  const iv = fromB64(m[1] as string);
  const ct = fromB64(m[2] as string);
  for (const key of await keysOf(env)) {
    try {
      const pt = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
        key,
        ct,
      );
      return decoder.decode(pt);
    } catch {
      // try the next key
    }
  }
  return null;
}
