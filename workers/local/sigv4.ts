// AWS Signature Version 4 verification of the Authorization header, as S3 does it: the
// canonical URI is encoded once (S3 does not double-encode), the payload hash is whatever the
// client declared in x-amz-content-sha256 (hex digest, UNSIGNED-PAYLOAD or STREAMING-*), and the
// signature is compared in constant time. Presigned URLs (X-Amz-Signature in the query) are not
// supported: the builder only ever signs headers.
// Reference: AWS General Reference, "Create a signed AWS API request" and the S3 API Reference,
// "Authenticating Requests (AWS Signature Version 4)".

const encoder = new TextEncoder();

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** S3 rejects requests whose x-amz-date is further than this from its own clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export type SigV4Failure =
  | "AccessDenied"
  | "AuthorizationHeaderMalformed"
  | "InvalidAccessKeyId"
  | "SignatureDoesNotMatch"
  | "RequestTimeTooSkewed";

export type SigV4Result =
  | { ok: true; accessKeyId: string; scope: string; amzDate: string; signature: string }
  | { ok: false; code: SigV4Failure; message: string };

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface VerifyOptions {
  credentials: SigV4Credentials;
  /** The service in the credential scope: "s3" here, "iam" in AWS's worked example. */
  service: string;
  /** The hashed payload that goes into the canonical request (x-amz-content-sha256 for S3). */
  payloadHash: string;
  now: Date;
}

export async function sha256Hex(data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return hex(await crypto.subtle.digest("SHA-256", bytes));
}

export async function hmacSha256(
  key: ArrayBuffer | Uint8Array<ArrayBuffer>,
  data: string,
): Promise<ArrayBuffer> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    key,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(data));
}

export function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export async function signingKey(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
): Promise<ArrayBuffer> {
  // Copied into a fresh ArrayBuffer: under Node's types encode() may be backed by a shared one.
  const kDate = await hmacSha256(new Uint8Array(encoder.encode(`AWS4${secretAccessKey}`)), date);
  const kRegion = await hmacSha256(kDate, region);
  const kService = await hmacSha256(kRegion, service);
  return hmacSha256(kService, "aws4_request");
}

/** AWS's UriEncode: every byte except the unreserved characters is %XX (upper-case hex). */
export function awsUriEncode(value: string): string {
  let out = "";
  for (const byte of encoder.encode(value)) {
    const unreserved =
      (byte >= 0x41 && byte <= 0x5a) || // A-Z
      (byte >= 0x61 && byte <= 0x7a) || // a-z
      (byte >= 0x30 && byte <= 0x39) || // 0-9
      byte === 0x2d || // -
      byte === 0x2e || // .
      byte === 0x5f || // _
      byte === 0x7e; // ~
    out += unreserved
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * Each segment is decoded and re-encoded, so whichever characters the client chose to escape,
 * the result is the one encoding AWS defines; S3 signs the path encoded once, with no dot-segment
 * normalisation. Throws URIError on malformed percent-encoding.
 */
export function canonicalUri(pathname: string): string {
  if (pathname === "") return "/";
  return pathname
    .split("/")
    .map((segment) => awsUriEncode(decodeURIComponent(segment)))
    .join("/");
}

/** `+` is kept literal (AWS clients encode a space as %20), pairs sorted by encoded name, value. */
export function canonicalQuery(search: string): string {
  const raw = search.startsWith("?") ? search.slice(1) : search;
  if (raw === "") return "";
  return raw
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair): [string, string] => {
      const eq = pair.indexOf("=");
      const name = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? "" : pair.slice(eq + 1);
      return [awsUriEncode(decodeURIComponent(name)), awsUriEncode(decodeURIComponent(value))];
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

export function canonicalRequest(parts: {
  method: string;
  uri: string;
  query: string;
  headers: ReadonlyArray<readonly [name: string, value: string]>;
  payloadHash: string;
}): string {
  const headerLines = parts.headers
    .map(([name, value]) => `${name}:${value.trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const signedHeaders = parts.headers.map(([name]) => name).join(";");
  return [parts.method, parts.uri, parts.query, headerLines, signedHeaders, parts.payloadHash].join(
    "\n",
  );
}

export async function stringToSign(
  amzDate: string,
  scope: string,
  canonical: string,
): Promise<string> {
  return [SIGV4_ALGORITHM, amzDate, scope, await sha256Hex(canonical)].join("\n");
}

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(header: string): ParsedAuthorization | string {
  if (!header.startsWith(`${SIGV4_ALGORITHM} `)) {
    return `Only ${SIGV4_ALGORITHM} is supported`;
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(SIGV4_ALGORITHM.length + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) return "Authorization fields must be name=value";
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential")?.split("/");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || !signedHeaders || !signature) {
    return "Authorization needs Credential, SignedHeaders and Signature";
  }
  const [accessKeyId, date, region, service, terminator] = credential;
  if (credential.length !== 5 || !accessKeyId || !/^\d{8}$/.test(date ?? "") || !region) {
    return "Credential must be <key>/<yyyymmdd>/<region>/<service>/aws4_request";
  }
  if (terminator !== "aws4_request" || !service) {
    return "Credential must end with /<service>/aws4_request";
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) return "Signature must be 64 lower-case hex digits";
  const names = signedHeaders.split(";");
  if (names.some((name) => name === "" || name !== name.toLowerCase())) {
    return "SignedHeaders must be lower-case names separated by ';'";
  }
  return {
    accessKeyId,
    date: date as string,
    region,
    service,
    signedHeaders: names,
    signature,
  };
}

function parseAmzDate(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
}

/** Constant time for equal lengths; the lengths compared here are fixed by the format. */
function timingSafeEqualText(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.byteLength !== right.byteLength) return false;
  let difference = 0;
  for (let i = 0; i < left.byteLength; i++) {
    difference |= (left[i] as number) ^ (right[i] as number);
  }
  return difference === 0;
}

export async function verifySigV4(request: Request, options: VerifyOptions): Promise<SigV4Result> {
  const fail = (code: SigV4Failure, message: string): SigV4Result => ({ ok: false, code, message });
  const url = new URL(request.url);
  const header = request.headers.get("authorization");
  if (!header) {
    return fail(
      "AccessDenied",
      url.searchParams.has("X-Amz-Signature")
        ? "Presigned URLs are not supported by the local S3 API"
        : "Requests must be signed with AWS Signature Version 4",
    );
  }
  const auth = parseAuthorization(header);
  if (typeof auth === "string") return fail("AuthorizationHeaderMalformed", auth);
  if (auth.service !== options.service) {
    return fail(
      "AuthorizationHeaderMalformed",
      `The credential scope must name ${options.service}`,
    );
  }
  // Compare before any hashing so an unknown key costs the same as a known one up to here.
  if (!timingSafeEqualText(auth.accessKeyId, options.credentials.accessKeyId)) {
    return fail("InvalidAccessKeyId", "The access key id does not exist in our records");
  }
  const amzDate = request.headers.get("x-amz-date");
  const signedAt = amzDate ? parseAmzDate(amzDate) : null;
  if (!amzDate || signedAt === null) {
    return fail("AccessDenied", "x-amz-date must be present as yyyymmddThhmmssZ");
  }
  if (amzDate.slice(0, 8) !== auth.date) {
    return fail("AuthorizationHeaderMalformed", "The credential date differs from x-amz-date");
  }
  if (!auth.signedHeaders.includes("host") || !auth.signedHeaders.includes("x-amz-date")) {
    return fail("AuthorizationHeaderMalformed", "host and x-amz-date must be signed");
  }

  const headers: [string, string][] = [];
  for (const name of auth.signedHeaders) {
    // workerd drops Host from the headers of requests made in-process; the URL still has it.
    const value = request.headers.get(name) ?? (name === "host" ? url.host : null);
    if (value === null) return fail("SignatureDoesNotMatch", `Signed header ${name} is missing`);
    headers.push([name, value]);
  }
  let canonical: string;
  try {
    canonical = canonicalRequest({
      method: request.method,
      uri: canonicalUri(url.pathname),
      query: canonicalQuery(url.search),
      headers,
      payloadHash: options.payloadHash,
    });
  } catch {
    return fail("SignatureDoesNotMatch", "The path or query is not valid percent-encoding");
  }
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const key = await signingKey(
    options.credentials.secretAccessKey,
    auth.date,
    auth.region,
    auth.service,
  );
  const expected = hex(await hmacSha256(key, await stringToSign(amzDate, scope, canonical)));
  if (!timingSafeEqualText(expected, auth.signature)) {
    return fail(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided",
    );
  }
  // After the signature, so a stale request is only reported to someone who holds the key.
  if (Math.abs(options.now.getTime() - signedAt) > MAX_CLOCK_SKEW_MS) {
    return fail(
      "RequestTimeTooSkewed",
      "The difference between the request time and the server's time is too large",
    );
  }
  return { ok: true, accessKeyId: auth.accessKeyId, scope, amzDate, signature: auth.signature };
}
