// The S3 operations of the local stand-in, each over one R2 binding. Path-style addressing and
// SigV4 are handled by s3.ts; here a request is already authenticated and names its bucket.
import { AwsChunkedDecoder } from "./aws-chunked.ts";
import { element, S3Error, unescapeXml, xmlResponse } from "./s3-xml.ts";
import { sha256Hex } from "./sigv4.ts";

const S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";
const MAX_KEYS = 1000;
/** DeleteObjects names at most 1,000 keys: its XML stays well under this. */
const MAX_DELETE_BODY_BYTES = 2 * 1024 * 1024;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

function objectHeaders(object: R2Object): Headers {
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  if (!headers.has("content-type")) headers.set("content-type", "application/octet-stream");
  headers.set("etag", object.httpEtag);
  headers.set("last-modified", object.uploaded.toUTCString());
  headers.set("accept-ranges", "bytes");
  for (const [name, value] of Object.entries(object.customMetadata ?? {})) {
    headers.set(`x-amz-meta-${name}`, value);
  }
  return headers;
}

function etagMatches(header: string, object: R2Object): boolean {
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === "*" || tag === object.httpEtag);
}

/** HTTP dates have whole seconds; R2's upload time has milliseconds. */
function modifiedAfter(object: R2Object, httpDate: string): boolean | null {
  const date = Date.parse(httpDate);
  if (Number.isNaN(date)) return null;
  return Math.floor(object.uploaded.getTime() / 1000) > Math.floor(date / 1000);
}

/** S3's order: If-Match / If-Unmodified-Since fail with 412, then If-None-Match / -Since 304. */
function precondition(headers: Headers, object: R2Object): 200 | 304 | 412 {
  const ifMatch = headers.get("if-match");
  const ifUnmodifiedSince = headers.get("if-unmodified-since");
  if (ifMatch !== null) {
    if (!etagMatches(ifMatch, object)) return 412;
  } else if (ifUnmodifiedSince !== null && modifiedAfter(object, ifUnmodifiedSince) === true) {
    return 412;
  }
  const ifNoneMatch = headers.get("if-none-match");
  const ifModifiedSince = headers.get("if-modified-since");
  if (ifNoneMatch !== null) {
    if (etagMatches(ifNoneMatch, object)) return 304;
  } else if (ifModifiedSince !== null && modifiedAfter(object, ifModifiedSince) === false) {
    return 304;
  }
  return 200;
}

/**
 * One `bytes=first-last`, `bytes=first-` or `bytes=-suffix` range. Anything else (several
 * ranges, other units, bad syntax) is ignored and the whole object served, as HTTP allows.
 */
export function parseRange(
  header: string,
  size: number,
): { offset: number; length: number } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  const unsatisfiable = () =>
    new S3Error("InvalidRange", `The requested range is not satisfiable (object size ${size})`);
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    const offset = Math.max(0, size - suffix);
    return { offset, length: size - offset };
  }
  const first = Number(m[1]);
  const last = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < first) return null;
  if (first >= size) throw unsatisfiable();
  return { offset: first, length: last - first + 1 };
}

export async function getObject(
  request: Request,
  bucket: R2Bucket,
  key: string,
): Promise<Response> {
  // head() first, then get(): the conditions and the range are decided against the object's
  // metadata here, with HTTP's and S3's rules, rather than relying on R2's onlyIf mapping.
  const meta = await bucket.head(key);
  if (!meta) throw new S3Error("NoSuchKey", "The specified key does not exist.");
  const outcome = precondition(request.headers, meta);
  if (outcome === 412) throw new S3Error("PreconditionFailed", "A precondition did not hold");
  if (outcome === 304) {
    const headers = new Headers({
      etag: meta.httpEtag,
      "last-modified": meta.uploaded.toUTCString(),
    });
    return new Response(null, { status: 304, headers });
  }
  if (request.method === "HEAD") {
    const headers = objectHeaders(meta);
    headers.set("content-length", String(meta.size));
    return new Response(null, { status: 200, headers });
  }
  const rangeHeader = request.headers.get("range");
  const range = rangeHeader === null ? null : parseRange(rangeHeader, meta.size);
  const object = await bucket.get(key, range ? { range } : {});
  if (!object) throw new S3Error("NoSuchKey", "The specified key does not exist.");
  const headers = objectHeaders(object);
  if (!range) {
    headers.set("content-length", String(object.size));
    return new Response(object.body, { status: 200, headers });
  }
  const last = range.offset + range.length - 1;
  headers.set("content-length", String(range.length));
  headers.set("content-range", `bytes ${range.offset}-${last}/${object.size}`);
  return new Response(object.body, { status: 206, headers });
}

/**
 * R2 commits an object as soon as it has read the declared length, so a body whose framing
 * breaks after its last data byte (or that carries too many bytes) would be stored although the
 * request fails. This gate holds back the latest chunk until the source has ended cleanly with
 * exactly `length` bytes: on any failure R2 sees too few bytes and stores nothing.
 */
class CompleteBodyGate extends TransformStream<Uint8Array, Uint8Array> {
  received = 0;

  constructor(length: number) {
    let pending: Uint8Array | null = null;
    super({
      transform: (chunk, controller) => {
        if (chunk.byteLength === 0) return;
        this.received += chunk.byteLength;
        if (this.received > length) throw new Error("The body is longer than declared");
        if (pending) controller.enqueue(pending);
        pending = chunk;
      },
      flush: (controller) => {
        if (this.received !== length) throw new Error("The body is shorter than declared");
        if (pending) controller.enqueue(pending);
      },
    });
  }
}

function parseLength(value: string | null): number | null {
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

function putOptions(headers: Headers, payloadHash: string): R2PutOptions {
  // aws-chunked is transport framing, not part of what is stored.
  const contentEncoding = headers
    .get("content-encoding")
    ?.split(",")
    .map((token) => token.trim())
    .filter((token) => token !== "" && token.toLowerCase() !== "aws-chunked")
    .join(", ");
  const customMetadata: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (name.startsWith("x-amz-meta-")) customMetadata[name.slice("x-amz-meta-".length)] = value;
  }
  const httpMetadata: R2HTTPMetadata = {
    contentType: headers.get("content-type") ?? undefined,
    contentLanguage: headers.get("content-language") ?? undefined,
    contentDisposition: headers.get("content-disposition") ?? undefined,
    contentEncoding: contentEncoding || undefined,
    cacheControl: headers.get("cache-control") ?? undefined,
  };
  return {
    httpMetadata,
    customMetadata,
    // R2 checks a declared digest itself and refuses the object when it differs.
    ...(HEX_SHA256.test(payloadHash) ? { sha256: payloadHash } : {}),
  };
}

export async function putObject(
  request: Request,
  bucket: R2Bucket,
  key: string,
  payloadHash: string,
): Promise<Response> {
  if (request.headers.has("x-amz-copy-source")) {
    throw new S3Error("NotImplemented", "CopyObject is not supported by the local S3 API");
  }
  const streaming = payloadHash.startsWith("STREAMING-");
  const lengthHeader = streaming ? "x-amz-decoded-content-length" : "content-length";
  const length = parseLength(request.headers.get(lengthHeader));
  if (length === null) {
    throw new S3Error("MissingContentLength", `PutObject needs a valid ${lengthHeader} header`);
  }
  const options = putOptions(request.headers, payloadHash);
  let stored: R2Object | null;
  if (!request.body || (length === 0 && !streaming)) {
    if (length !== 0) throw new S3Error("IncompleteBody", "The request has no body");
    stored = await put(() => bucket.put(key, "", options), options);
  } else {
    // R2 needs the length up front: FixedLengthStream carries it and fails on any other count.
    const fixed = new FixedLengthStream(length);
    const decoder = streaming ? new AwsChunkedDecoder() : null;
    const gate = new CompleteBodyGate(length);
    // Explicit pipes, each awaited: a failed stage must not surface as an unhandled rejection.
    const stages = decoder
      ? [request.body.pipeTo(decoder.writable), decoder.readable.pipeTo(gate.writable)]
      : [request.body.pipeTo(gate.writable)];
    const [written, ...piped] = await Promise.allSettled([
      put(() => bucket.put(key, fixed.readable, options), options),
      gate.readable.pipeTo(fixed.writable),
      ...stages,
    ]);
    if (decoder?.failure) throw new S3Error("InvalidRequest", decoder.failure.message);
    if (piped.some((stage) => stage.status === "rejected") || gate.received !== length) {
      throw new S3Error("IncompleteBody", `The body does not have the declared ${lengthHeader}`);
    }
    if (written.status === "rejected") throw written.reason;
    stored = written.value;
  }
  if (!stored) throw new S3Error("InternalError", "R2 did not store the object");
  return new Response(null, { status: 200, headers: { etag: stored.httpEtag } });
}

async function put(
  write: () => Promise<R2Object | null>,
  options: R2PutOptions,
): Promise<R2Object | null> {
  try {
    return await write();
  } catch (err) {
    if (options.sha256 !== undefined && /sha-?256|checksum|digest/i.test(String(err))) {
      throw new S3Error(
        "XAmzContentSHA256Mismatch",
        "The provided x-amz-content-sha256 header does not match what was computed.",
      );
    }
    throw err;
  }
}

export async function listObjectsV2(bucketName: string, bucket: R2Bucket, url: URL) {
  const params = url.searchParams;
  const maxKeysParam = params.get("max-keys");
  const maxKeys = maxKeysParam === null ? MAX_KEYS : Number(maxKeysParam);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw new S3Error("InvalidArgument", "max-keys must be a non-negative integer");
  }
  const encodingType = params.get("encoding-type");
  if (encodingType !== null && encodingType !== "url") {
    throw new S3Error("InvalidArgument", "encoding-type must be url");
  }
  const encode = (value: string) => (encodingType === "url" ? encodeURIComponent(value) : value);
  const prefix = params.get("prefix") ?? "";
  const delimiter = params.get("delimiter") || undefined;
  const token = params.get("continuation-token") || undefined;
  const startAfter = params.get("start-after") || undefined;

  let listed: R2Objects = { objects: [], delimitedPrefixes: [], truncated: false };
  if (maxKeys > 0) {
    try {
      listed = await bucket.list({
        prefix,
        delimiter,
        limit: Math.min(maxKeys, MAX_KEYS),
        // S3 ignores start-after once a continuation token carries the position.
        ...(token ? { cursor: token } : { startAfter }),
      });
    } catch {
      throw new S3Error("InvalidArgument", "The continuation token provided is incorrect");
    }
  }
  const contents = listed.objects
    .map(
      (object) =>
        `<Contents>${element("Key", encode(object.key))}${element("LastModified", object.uploaded.toISOString())}${element("ETag", object.httpEtag)}${element("Size", object.size)}${element("StorageClass", "STANDARD")}</Contents>`,
    )
    .join("");
  const commonPrefixes = listed.delimitedPrefixes
    .map((common) => `<CommonPrefixes>${element("Prefix", encode(common))}</CommonPrefixes>`)
    .join("");
  return xmlResponse(
    `<ListBucketResult xmlns="${S3_NS}">${element("Name", bucketName)}${element("Prefix", encode(prefix))}${element("Delimiter", delimiter && encode(delimiter))}${element("MaxKeys", maxKeys)}${element("KeyCount", listed.objects.length + listed.delimitedPrefixes.length)}${element("IsTruncated", listed.truncated)}${element("ContinuationToken", token)}${element("NextContinuationToken", listed.truncated ? listed.cursor : undefined)}${element("StartAfter", startAfter && encode(startAfter))}${element("EncodingType", encodingType ?? undefined)}${contents}${commonPrefixes}</ListBucketResult>`,
  );
}

export async function deleteObjects(
  request: Request,
  bucket: R2Bucket,
  payloadHash: string,
): Promise<Response> {
  const length = parseLength(request.headers.get("content-length"));
  if (length !== null && length > MAX_DELETE_BODY_BYTES) {
    throw new S3Error("MalformedXML", "The Delete document is too large");
  }
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_DELETE_BODY_BYTES) {
    throw new S3Error("MalformedXML", "The Delete document is too large");
  }
  if (HEX_SHA256.test(payloadHash) && (await sha256Hex(bytes)) !== payloadHash) {
    throw new S3Error(
      "XAmzContentSHA256Mismatch",
      "The provided x-amz-content-sha256 header does not match what was computed.",
    );
  }
  const xml = new TextDecoder().decode(bytes);
  if (!/<Delete[\s>]/.test(xml)) throw new S3Error("MalformedXML", "The body is not a Delete");
  const keys = [...xml.matchAll(/<Object>\s*<Key>([^<]*)<\/Key>/g)].map((m) =>
    unescapeXml(m[1] as string),
  );
  if (keys.length === 0 || keys.length > MAX_KEYS) {
    throw new S3Error("MalformedXML", `A Delete names between 1 and ${MAX_KEYS} objects`);
  }
  await bucket.delete(keys);
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/.test(xml);
  const deleted = quiet
    ? ""
    : keys.map((key) => `<Deleted>${element("Key", key)}</Deleted>`).join("");
  return xmlResponse(`<DeleteResult xmlns="${S3_NS}">${deleted}</DeleteResult>`);
}
