// Signing the requests between the Worker (the SitePublisher Durable Object) and the builder:
// jobs sent to the builder, status callbacks sent back. Runtime-neutral (WebCrypto and
// TextEncoder only) so that both sides use this one module (docs/decisions/008).
//
//   x-lectern-signature: t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=<hex>…]
//   signed text:         `${t}.${METHOD}.${path}.${hex SHA-256 of the body}`
//
// Decisions:
// - The method and path are signed with the body, so a signature made for one endpoint cannot
//   be replayed against another (a status callback's signature is no job). The path is what the
//   receiver sees as its request target (pathname and query); no host, which proxies rewrite.
// - The body enters as its SHA-256, so the signed text stays small and unambiguous whatever the
//   body holds (it may contain "." too).
// - The timestamp bounds replays to `toleranceSeconds` either side of the receiver's clock;
//   the builder's memory of job ids covers that window (a replayed job is not run twice).
//   "future" is told apart from "expired" because it points at clock skew, not an attack.
// - Rotation: the receiver accepts a list of secrets and the sender may sign with several
//   (one v1= each), so the secret can be changed on either side first.
// - Comparison is constant-time over every (secret, signature) pair: how much of a guess was
//   right does not show in how long the answer takes. Unknown keys (a future v2=) are ignored.

export const SIGNATURE_HEADER = "x-lectern-signature";

export const DEFAULT_TOLERANCE_SECONDS = 300;

export type VerifyFailure = "missing" | "malformed" | "expired" | "future" | "mismatch";
export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

export type SignInput = {
  /** One secret, or several during a rotation (one v1= value each). */
  secret: string | readonly string[];
  method: string;
  /** The request target as the receiver sees it: pathname plus query. */
  path: string;
  body: string | Uint8Array;
  /** Milliseconds since the epoch; defaults to now. */
  now?: number;
};

export type VerifyInput = {
  /** Every secret currently accepted (new and old during a rotation). */
  secrets: readonly string[];
  method: string;
  path: string;
  body: string | Uint8Array;
  header: string | null | undefined;
  now?: number;
  toleranceSeconds?: number;
};

const encoder = new TextEncoder();

/** The header value for a request. */
export async function signRequest(input: SignInput): Promise<string> {
  const secrets = typeof input.secret === "string" ? [input.secret] : [...input.secret];
  if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
    throw new Error("signRequest needs a non-empty secret");
  }
  const timestamp = Math.floor((input.now ?? Date.now()) / 1000);
  const text = await signedText(timestamp, input.method, input.path, input.body);
  const signatures = await Promise.all(secrets.map((secret) => hmacHex(secret, text)));
  return [`t=${timestamp}`, ...signatures.map((signature) => `v1=${signature}`)].join(",");
}

export async function verifyRequest(input: VerifyInput): Promise<VerifyResult> {
  const header = input.header?.trim();
  if (!header) return { ok: false, reason: "missing" };
  const parsed = parseHeader(header);
  if (!parsed) return { ok: false, reason: "malformed" };

  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  if (parsed.timestamp < nowSeconds - tolerance) return { ok: false, reason: "expired" };
  if (parsed.timestamp > nowSeconds + tolerance) return { ok: false, reason: "future" };

  const secrets = input.secrets.filter((secret) => secret.length > 0);
  if (secrets.length === 0) return { ok: false, reason: "mismatch" };
  const text = await signedText(parsed.timestamp, input.method, input.path, input.body);
  const expected = await Promise.all(secrets.map((secret) => hmacHex(secret, text)));
  // No early exit: every pair is compared whichever matches.
  let matched = false;
  for (const want of expected) {
    for (const got of parsed.signatures) matched = timingSafeEqualHex(want, got) || matched;
  }
  return matched ? { ok: true } : { ok: false, reason: "mismatch" };
}

/**
 * The secrets in an environment variable: comma-separated, the one to sign with first
 * (`BUILDER_JOB_SECRET="new,old"` during a rotation).
 */
export function secretList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter((secret) => secret.length > 0);
}

/** Lowercase hex SHA-256 of a body. */
export async function sha256Hex(body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  return toHex(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

async function signedText(
  timestamp: number,
  method: string,
  path: string,
  body: string | Uint8Array,
): Promise<string> {
  return `${timestamp}.${method.toUpperCase()}.${path}.${await sha256Hex(body)}`;
}

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return toHex(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
}

function parseHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const separator = part.indexOf("=");
    if (separator <= 0) return null;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === "t") {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) return null;
      timestamp = Number(value);
    } else if (key === "v1") {
      if (!/^[0-9a-f]{64}$/.test(value)) return null;
      signatures.push(value);
    }
  }
  if (timestamp === undefined || signatures.length === 0) return null;
  return { timestamp, signatures };
}

/** Constant time for equal lengths; both are 64 hex digits here (checked by parseHeader). */
function timingSafeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

function toHex(buffer: ArrayBuffer): string {
  let out = "";
  for (const byte of new Uint8Array(buffer)) out += byte.toString(16).padStart(2, "0");
  return out;
}
