import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AwsChunkedDecoder } from "#workers/local/aws-chunked";
import { LOCAL_S3_BASE, localS3 } from "#workers/local/s3";
import {
  canonicalRequest,
  EMPTY_SHA256,
  hex,
  sha256Hex,
  signingKey,
  verifySigV4,
} from "#workers/local/sigv4";

// Local mode on for this file only: the shared test configuration keeps it off, as deployed.
const localEnv = { ...env, LOCAL_MODE: "true" } as Env;
const KEY_ID = env.LOCAL_S3_ACCESS_KEY_ID;
const SECRET = env.LOCAL_S3_SECRET_ACCESS_KEY;
const ORIGIN = "http://127.0.0.1:8787";
const enc = new TextEncoder();

// --- A minimal SigV4 signer written from the AWS docs, independent of the one under test. ---

async function hmac(key: BufferSource, data: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return crypto.subtle.sign("HMAC", k, enc.encode(data));
}

const toHex = (b: ArrayBuffer) =>
  [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
const sha = async (data: string) => toHex(await crypto.subtle.digest("SHA-256", enc.encode(data)));
/** RFC 3986 unreserved characters stay, everything else is %XX: AWS's UriEncode. */
const strict = (s: string) =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
const amzDateOf = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

interface SignInput {
  method: string;
  /** Path and query exactly as sent (already encoded). */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  payloadHash?: string;
  date?: Date;
  keyId?: string;
  secret?: string;
  region?: string;
}

async function sign(input: SignInput): Promise<Request> {
  const url = new URL(input.path, ORIGIN);
  const date = input.date ?? new Date();
  const amzDate = amzDateOf(date);
  const payloadHash = input.payloadHash ?? (await sha(input.body ?? ""));
  const headers: Record<string, string> = {
    host: url.host,
    "x-amz-date": amzDate,
    "x-amz-content-sha256": payloadHash,
  };
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
  const names = Object.keys(headers).sort();
  const query = [...url.searchParams]
    .map(([k, v]): [string, string] => [strict(k), strict(v)])
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonical = [
    input.method,
    url.pathname,
    query,
    names.map((n) => `${n}:${headers[n]}\n`).join(""),
    names.join(";"),
    payloadHash,
  ].join("\n");
  const region = input.region ?? "auto";
  const scope = `${amzDate.slice(0, 8)}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, await sha(canonical)].join("\n");
  let key: ArrayBuffer = enc.encode(`AWS4${input.secret ?? SECRET}`).buffer as ArrayBuffer;
  for (const part of [amzDate.slice(0, 8), region, "s3", "aws4_request"]) {
    key = await hmac(key, part);
  }
  const signature = toHex(await hmac(key, toSign));
  const { host: _host, ...sent } = headers;
  return new Request(url, {
    method: input.method,
    headers: {
      ...sent,
      authorization: `AWS4-HMAC-SHA256 Credential=${input.keyId ?? KEY_ID}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`,
    },
    body: input.body,
  });
}

const call = (request: Request, bindings: Env = localEnv) => localS3.fetch(request, bindings);

async function s3(input: SignInput, bindings: Env = localEnv) {
  return call(await sign(input), bindings);
}

async function errorCode(response: Response) {
  const text = await response.text();
  expect(text).toMatch(/^<\?xml/);
  return /<Error><Code>([^<]+)<\/Code><Message>[^<]+<\/Message>/.exec(text)?.[1];
}

/** A fresh key prefix per test: the buckets are shared by every test in the run. */
const fresh = () => `test-${crypto.randomUUID()}/`;
const object = (prefix: string, name: string) => `${LOCAL_S3_BASE}/sites/${prefix}${name}`;

async function put(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await s3({
    method: "PUT",
    path,
    body,
    headers: { "content-length": String(enc.encode(body).byteLength), ...headers },
  });
  expect(response.status).toBe(200);
  return response;
}

// --- AWS's published worked examples -------------------------------------------------------

describe("SigV4 against AWS's worked examples", () => {
  const AKID = {
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  };
  const iamRequest = (signature: string) =>
    new Request("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", {
      headers: {
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        "x-amz-date": "20150830T123600Z",
        authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${signature}`,
      },
    });
  const IAM_SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
  const iamOptions = {
    credentials: AKID,
    service: "iam",
    payloadHash: EMPTY_SHA256,
    now: new Date("2015-08-30T12:36:00Z"),
  };

  it("derives the documented signing key and canonical request hash", async () => {
    const key = await signingKey(AKID.secretAccessKey, "20150830", "us-east-1", "iam");
    expect(hex(key)).toBe("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    const canonical = canonicalRequest({
      method: "GET",
      uri: "/",
      query: "Action=ListUsers&Version=2010-05-08",
      headers: [
        ["content-type", "application/x-www-form-urlencoded; charset=utf-8"],
        ["host", "iam.amazonaws.com"],
        ["x-amz-date", "20150830T123600Z"],
      ],
      payloadHash: EMPTY_SHA256,
    });
    expect(await sha256Hex(canonical)).toBe(
      "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
    );
  });

  it("accepts the IAM ListUsers example's published signature and nothing else", async () => {
    expect(await verifySigV4(iamRequest(IAM_SIGNATURE), iamOptions)).toMatchObject({ ok: true });
    const wrong = IAM_SIGNATURE.replace(/^5/, "6");
    expect(await verifySigV4(iamRequest(wrong), iamOptions)).toMatchObject({
      ok: false,
      code: "SignatureDoesNotMatch",
    });
  });

  const S3_EXAMPLE = {
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  };

  it("accepts the S3 GetObject example (Range, x-amz-content-sha256 signed)", async () => {
    const request = new Request("https://examplebucket.s3.amazonaws.com/test.txt", {
      headers: {
        range: "bytes=0-9",
        "x-amz-content-sha256": EMPTY_SHA256,
        "x-amz-date": "20130524T000000Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
      },
    });
    const options = {
      credentials: S3_EXAMPLE,
      service: "s3",
      payloadHash: EMPTY_SHA256,
      now: new Date("2013-05-24T00:05:00Z"),
    };
    expect(await verifySigV4(request, options)).toMatchObject({ ok: true });
    expect(await verifySigV4(request, { ...options, service: "iam" })).toMatchObject({
      ok: false,
      code: "AuthorizationHeaderMalformed",
    });
  });

  it("accepts the streaming example's seed signature and decodes its aws-chunked body", async () => {
    const request = new Request("https://s3.amazonaws.com/examplebucket/chunkObject.txt", {
      method: "PUT",
      headers: {
        "content-encoding": "aws-chunked",
        "content-length": "66824",
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-date": "20130524T000000Z",
        "x-amz-decoded-content-length": "66560",
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
      },
    });
    const verified = await verifySigV4(request, {
      credentials: S3_EXAMPLE,
      service: "s3",
      payloadHash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      now: new Date("2013-05-24T00:00:00Z"),
    });
    expect(verified).toMatchObject({ ok: true });

    const body =
      `10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n${"a".repeat(65536)}\r\n` +
      `400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n${"a".repeat(1024)}\r\n` +
      "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";
    expect(body.length).toBe(66824);
    const decoded = await decode([enc.encode(body)]);
    expect(decoded).toBe("a".repeat(66560));
  });
});

// --- aws-chunked framing --------------------------------------------------------------------

async function decode(parts: Uint8Array[]) {
  const decoder = new AwsChunkedDecoder();
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
  return new Response(source.pipeThrough(decoder)).text();
}

/** The unsigned-with-trailer framing @aws-sdk/client-s3 sends for stream bodies. */
function unsignedTrailerBody(chunks: string[], trailer = "x-amz-checksum-crc32:AAAAAA==") {
  const framed = chunks.map((c) => `${enc.encode(c).byteLength.toString(16)}\r\n${c}\r\n`).join("");
  return `${framed}0\r\n${trailer}\r\n\r\n`;
}

describe("AwsChunkedDecoder", () => {
  it("decodes however the bytes are split, trailers included", async () => {
    const body = enc.encode(unsignedTrailerBody(["hello ", "wörld", "!"]));
    for (const size of [1, 2, 3, 7, body.length]) {
      const parts: Uint8Array[] = [];
      for (let i = 0; i < body.length; i += size) parts.push(body.slice(i, i + size));
      expect(await decode(parts)).toBe("hello wörld!");
    }
  });

  it("exposes the trailers", async () => {
    const decoder = new AwsChunkedDecoder();
    const stream = new Response(unsignedTrailerBody(["abc"])).body as ReadableStream<Uint8Array>;
    await new Response(stream.pipeThrough(decoder)).text();
    expect(decoder.trailers.get("x-amz-checksum-crc32")).toBe("AAAAAA==");
  });

  it.each([
    ["a size that is not hex", "zz\r\nabc\r\n0\r\n\r\n"],
    ["data not followed by CRLF", "3\r\nabcd\r\n0\r\n\r\n"],
    ["a body that stops mid-chunk", "5\r\nab"],
    ["bytes after the end", "0\r\n\r\nextra"],
    ["a bare LF line end", "3\nabc\r\n0\r\n\r\n"],
    ["an unknown extension", "3;foo=bar\r\nabc\r\n0\r\n\r\n"],
  ])("rejects %s", async (_, body) => {
    const decoder = new AwsChunkedDecoder();
    const stream = new Response(body).body as ReadableStream<Uint8Array>;
    await expect(new Response(stream.pipeThrough(decoder)).text()).rejects.toThrow();
    expect(decoder.failure).not.toBeNull();
  });
});

// --- The S3 API over R2 ---------------------------------------------------------------------

describe("local S3 API: objects", () => {
  it("round-trips put, head, get, list and delete", async () => {
    const prefix = fresh();
    const path = object(prefix, "index.html");
    const putResponse = await put(path, "<h1>Hi</h1>", {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "max-age=60",
      "x-amz-meta-origin": "builder",
    });
    const etag = putResponse.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]+"$/);

    const stored = await env.SITES.get(`${prefix}index.html`);
    expect(await stored?.text()).toBe("<h1>Hi</h1>");
    expect(stored?.httpMetadata?.contentType).toBe("text/html; charset=utf-8");
    expect(stored?.customMetadata).toEqual({ origin: "builder" });

    const head = await s3({ method: "HEAD", path });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("11");
    expect(head.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(head.headers.get("etag")).toBe(etag);
    expect(head.headers.get("x-amz-meta-origin")).toBe("builder");
    expect(Date.parse(head.headers.get("last-modified") ?? "")).not.toBeNaN();

    const get = await s3({ method: "GET", path: `${path}?x-id=GetObject` });
    expect(get.status).toBe(200);
    expect(get.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(get.headers.get("content-length")).toBe("11");
    expect(get.headers.get("cache-control")).toBe("max-age=60");
    expect(get.headers.get("etag")).toBe(etag);
    expect(await get.text()).toBe("<h1>Hi</h1>");

    const list = await s3({
      method: "GET",
      path: `${LOCAL_S3_BASE}/sites/?list-type=2&prefix=${strict(prefix)}`,
    });
    expect(list.status).toBe(200);
    const xml = await list.text();
    expect(xml).toContain(`<Key>${prefix}index.html</Key>`);
    expect(xml).toContain(`<ETag>&quot;${etag?.slice(1, -1)}&quot;</ETag>`);
    expect(xml).toContain("<Size>11</Size>");
    expect(xml).toContain("<KeyCount>1</KeyCount>");

    const deleted = await s3({ method: "DELETE", path });
    expect(deleted.status).toBe(204);
    expect(await env.SITES.head(`${prefix}index.html`)).toBeNull();
    const missing = await s3({ method: "GET", path });
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe("NoSuchKey");
    expect((await s3({ method: "HEAD", path })).status).toBe(404);
  });

  it("serves the media bucket from the MEDIA binding", async () => {
    const key = `${fresh()}clip.txt`;
    await put(`${LOCAL_S3_BASE}/media/${key}`, "media!");
    expect(await (await env.MEDIA.get(key))?.text()).toBe("media!");
    expect(await env.SITES.head(key)).toBeNull();
  });

  it("keeps keys with spaces, plus signs and non-ASCII characters", async () => {
    const prefix = fresh();
    const name = "notes/a b+c ü.txt";
    const path = `${LOCAL_S3_BASE}/sites/${prefix}${name.split("/").map(strict).join("/")}`;
    await put(path, "odd");
    expect(await (await env.SITES.get(`${prefix}${name}`))?.text()).toBe("odd");
    expect(await (await s3({ method: "GET", path })).text()).toBe("odd");
  });

  it("stores an empty object", async () => {
    const path = object(fresh(), "empty");
    await put(path, "");
    const get = await s3({ method: "GET", path });
    expect(get.headers.get("content-length")).toBe("0");
    expect(await get.text()).toBe("");
  });

  it("accepts UNSIGNED-PAYLOAD bodies", async () => {
    const prefix = fresh();
    const response = await s3({
      method: "PUT",
      path: object(prefix, "u.txt"),
      body: "unsigned",
      payloadHash: "UNSIGNED-PAYLOAD",
      headers: { "content-length": "8" },
    });
    expect(response.status).toBe(200);
    expect(await (await env.SITES.get(`${prefix}u.txt`))?.text()).toBe("unsigned");
  });

  it("refuses a body whose SHA-256 differs from x-amz-content-sha256", async () => {
    const prefix = fresh();
    const response = await s3({
      method: "PUT",
      path: object(prefix, "x.txt"),
      body: "actual",
      payloadHash: await sha("declared"),
      headers: { "content-length": "6" },
    });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("XAmzContentSHA256Mismatch");
    expect(await env.SITES.head(`${prefix}x.txt`)).toBeNull();
  });

  it("needs a Content-Length to store a plain body", async () => {
    const response = await s3({ method: "PUT", path: object(fresh(), "n.txt"), body: "abc" });
    expect(response.status).toBe(411);
    expect(await errorCode(response)).toBe("MissingContentLength");
  });
});

describe("local S3 API: aws-chunked uploads", () => {
  const chunked = async (
    path: string,
    body: string,
    decodedLength: number,
    payloadHash: string,
    extra: Record<string, string> = {},
  ) =>
    s3({
      method: "PUT",
      path,
      body,
      payloadHash,
      headers: {
        "content-encoding": "aws-chunked",
        "content-type": "text/css",
        "content-length": String(enc.encode(body).byteLength),
        "x-amz-decoded-content-length": String(decodedLength),
        ...extra,
      },
    });

  it("decodes STREAMING-UNSIGNED-PAYLOAD-TRAILER with a checksum trailer", async () => {
    const prefix = fresh();
    const parts = ["body { color: red }\n", "p { margin: 0 }\n".repeat(100)];
    const text = parts.join("");
    const response = await chunked(
      object(prefix, "site.css"),
      unsignedTrailerBody(parts),
      enc.encode(text).byteLength,
      "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      { "x-amz-trailer": "x-amz-checksum-crc32" },
    );
    expect(response.status).toBe(200);
    const stored = await env.SITES.get(`${prefix}site.css`);
    expect(await stored?.text()).toBe(text);
    // aws-chunked is transport framing: it is not stored as the object's encoding.
    expect(stored?.httpMetadata?.contentEncoding).toBeUndefined();
    expect(stored?.httpMetadata?.contentType).toBe("text/css");
  });

  it("decodes STREAMING-AWS4-HMAC-SHA256-PAYLOAD with chunk signatures", async () => {
    const prefix = fresh();
    const sig = "0".repeat(64);
    const body = `5;chunk-signature=${sig}\r\nhello\r\n1;chunk-signature=${sig}\r\n!\r\n0;chunk-signature=${sig}\r\n\r\n`;
    const response = await chunked(
      object(prefix, "s.txt"),
      body,
      6,
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    );
    expect(response.status).toBe(200);
    expect(await (await env.SITES.get(`${prefix}s.txt`))?.text()).toBe("hello!");
  });

  it("refuses broken framing and a decoded length that does not match", async () => {
    const prefix = fresh();
    // The framing breaks after exactly the declared bytes: nothing may be stored, and an
    // object already there must survive.
    await env.SITES.put(`${prefix}kept.txt`, "kept");
    const overwrite = await chunked(
      object(prefix, "kept.txt"),
      "5\r\nhello\r\nbroken",
      5,
      "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    );
    expect(await errorCode(overwrite)).toBe("InvalidRequest");
    expect(await (await env.SITES.get(`${prefix}kept.txt`))?.text()).toBe("kept");

    const broken = await chunked(
      object(prefix, "b.txt"),
      "5\r\nhello!!\r\n0\r\n\r\n",
      5,
      "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    );
    expect(broken.status).toBe(400);
    expect(await errorCode(broken)).toBe("InvalidRequest");

    const short = await chunked(
      object(prefix, "c.txt"),
      unsignedTrailerBody(["abc"]),
      10,
      "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    );
    expect(short.status).toBe(400);
    expect(await errorCode(short)).toBe("IncompleteBody");
    expect(await env.SITES.head(`${prefix}b.txt`)).toBeNull();
    expect(await env.SITES.head(`${prefix}c.txt`)).toBeNull();
  });
});

describe("local S3 API: ranges and conditions", () => {
  it("answers a Range with 206 and Content-Range", async () => {
    const path = object(fresh(), "digits.txt");
    await put(path, "0123456789");
    const middle = await s3({ method: "GET", path, headers: { range: "bytes=2-5" } });
    expect(middle.status).toBe(206);
    expect(middle.headers.get("content-range")).toBe("bytes 2-5/10");
    expect(middle.headers.get("content-length")).toBe("4");
    expect(await middle.text()).toBe("2345");

    const suffix = await s3({ method: "GET", path, headers: { range: "bytes=-3" } });
    expect(suffix.headers.get("content-range")).toBe("bytes 7-9/10");
    expect(await suffix.text()).toBe("789");

    const open = await s3({ method: "GET", path, headers: { range: "bytes=8-" } });
    expect(await open.text()).toBe("89");

    const beyond = await s3({ method: "GET", path, headers: { range: "bytes=10-" } });
    expect(beyond.status).toBe(416);
    expect(await errorCode(beyond)).toBe("InvalidRange");
  });

  it("answers If-None-Match with 304 and a failed If-Match with 412", async () => {
    const path = object(fresh(), "page.html");
    const etag = (await put(path, "<p>x</p>")).headers.get("etag") as string;
    const notModified = await s3({ method: "GET", path, headers: { "if-none-match": etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("etag")).toBe(etag);
    expect(await notModified.text()).toBe("");

    const changed = await s3({ method: "GET", path, headers: { "if-none-match": '"other"' } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe("<p>x</p>");

    const failed = await s3({ method: "GET", path, headers: { "if-match": '"other"' } });
    expect(failed.status).toBe(412);
    expect(await errorCode(failed)).toBe("PreconditionFailed");
  });
});

describe("local S3 API: listing", () => {
  const list = async (query: string) => {
    const response = await s3({ method: "GET", path: `${LOCAL_S3_BASE}/sites/?${query}` });
    expect(response.status).toBe(200);
    const xml = await response.text();
    return {
      xml,
      keys: [...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]),
      token: /<NextContinuationToken>([^<]+)</.exec(xml)?.[1],
      truncated: /<IsTruncated>true</.test(xml),
    };
  };

  it("pages with max-keys and continuation tokens, and honours start-after", async () => {
    const prefix = fresh();
    const names = ["a", "b", "c", "d", "e"];
    for (const name of names) await put(object(prefix, name), name);
    const base = `list-type=2&prefix=${strict(prefix)}&max-keys=2`;

    const seen: string[] = [];
    let page = await list(base);
    seen.push(...(page.keys as string[]));
    expect(page.keys).toHaveLength(2);
    expect(page.truncated).toBe(true);
    while (page.truncated) {
      page = await list(`${base}&continuation-token=${strict(page.token as string)}`);
      expect(page.xml).toContain("<ContinuationToken>");
      seen.push(...(page.keys as string[]));
    }
    expect(seen).toEqual(names.map((n) => `${prefix}${n}`));

    const after = await list(
      `list-type=2&prefix=${strict(prefix)}&start-after=${strict(`${prefix}c`)}`,
    );
    expect(after.keys).toEqual([`${prefix}d`, `${prefix}e`]);
    expect(after.truncated).toBe(false);
  });

  it("groups by delimiter into CommonPrefixes", async () => {
    const prefix = fresh();
    for (const name of ["index.html", "css/a.css", "css/b.css", "img/x.png"]) {
      await put(object(prefix, name), name);
    }
    const page = await list(`list-type=2&prefix=${strict(prefix)}&delimiter=%2F`);
    expect(page.keys).toEqual([`${prefix}index.html`]);
    expect(page.xml).toContain(`<CommonPrefixes><Prefix>${prefix}css/</Prefix></CommonPrefixes>`);
    expect(page.xml).toContain(`<CommonPrefixes><Prefix>${prefix}img/</Prefix></CommonPrefixes>`);
    expect(page.xml).toContain("<KeyCount>3</KeyCount>");
  });

  it("answers HeadBucket for known buckets and NoSuchBucket otherwise", async () => {
    expect((await s3({ method: "HEAD", path: `${LOCAL_S3_BASE}/sites` })).status).toBe(200);
    expect((await s3({ method: "HEAD", path: `${LOCAL_S3_BASE}/media` })).status).toBe(200);
    expect((await s3({ method: "HEAD", path: `${LOCAL_S3_BASE}/other` })).status).toBe(404);
    const unknown = await s3({ method: "GET", path: `${LOCAL_S3_BASE}/other/?list-type=2` });
    expect(unknown.status).toBe(404);
    expect(await errorCode(unknown)).toBe("NoSuchBucket");
    const unknownObject = await s3({ method: "GET", path: `${LOCAL_S3_BASE}/other/key` });
    expect(await errorCode(unknownObject)).toBe("NoSuchBucket");
  });

  it("deletes several objects with DeleteObjects", async () => {
    const prefix = fresh();
    for (const name of ["a&b", "c"]) await put(object(prefix, strict(name)), name);
    const body = `<Delete><Object><Key>${prefix}a&amp;b</Key></Object><Object><Key>${prefix}c</Key></Object></Delete>`;
    const response = await s3({
      method: "POST",
      path: `${LOCAL_S3_BASE}/sites/?delete`,
      body,
      headers: { "content-type": "application/xml" },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`<Deleted><Key>${prefix}a&amp;b</Key></Deleted>`);
    expect((await env.SITES.list({ prefix })).objects).toEqual([]);
  });
});

describe("local S3 API: authentication", () => {
  const path = `${LOCAL_S3_BASE}/sites/?list-type=2`;

  it("refuses unsigned requests", async () => {
    const response = await call(new Request(`${ORIGIN}${path}`));
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("AccessDenied");
  });

  it("refuses an unknown access key id", async () => {
    const response = await s3({ method: "GET", path, keyId: "someone-else" });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("InvalidAccessKeyId");
  });

  it("refuses a signature made with another secret", async () => {
    const response = await s3({ method: "GET", path, secret: "not-the-secret" });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("SignatureDoesNotMatch");
  });

  it("refuses a request changed after signing", async () => {
    const signed = await sign({ method: "GET", path: object("a/", "one") });
    const moved = new Request(`${ORIGIN}${object("a/", "two")}`, { headers: signed.headers });
    const response = await call(moved);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("SignatureDoesNotMatch");

    const headers = new Headers(signed.headers);
    headers.set("x-amz-date", amzDateOf(new Date(Date.now() - 1000)));
    const redated = await call(new Request(signed.url, { headers }));
    expect(await errorCode(redated)).toBe("SignatureDoesNotMatch");
  });

  it("refuses a body that is not the signed one", async () => {
    const prefix = fresh();
    const signed = await sign({
      method: "PUT",
      path: object(prefix, "t.txt"),
      body: "original",
      headers: { "content-length": "8" },
    });
    const response = await call(new Request(signed, { body: "tampered" }));
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("XAmzContentSHA256Mismatch");
  });

  it("refuses requests signed more than 15 minutes away from now", async () => {
    const minutes = (n: number) => new Date(Date.now() + n * 60_000);
    for (const offset of [-16, 16]) {
      const response = await s3({ method: "GET", path, date: minutes(offset) });
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe("RequestTimeTooSkewed");
    }
    for (const offset of [-14, 14]) {
      expect((await s3({ method: "GET", path, date: minutes(offset) })).status).toBe(200);
    }
  });

  it("refuses malformed Authorization headers and missing payload hashes", async () => {
    const signed = await sign({ method: "GET", path });
    const headers = new Headers(signed.headers);
    headers.set("authorization", "AWS4-HMAC-SHA256 Credential=lectern-local, Signature=abc");
    const malformed = await call(new Request(signed.url, { headers }));
    expect(malformed.status).toBe(400);
    expect(await errorCode(malformed)).toBe("AuthorizationHeaderMalformed");

    const noHash = new Headers(signed.headers);
    noHash.delete("x-amz-content-sha256");
    const missing = await call(new Request(signed.url, { headers: noHash }));
    expect(missing.status).toBe(400);
    expect(await errorCode(missing)).toBe("InvalidRequest");
  });

  it("checks credentials before saying whether a bucket exists", async () => {
    const response = await s3({ method: "GET", path: `${LOCAL_S3_BASE}/other/x`, secret: "no" });
    expect(await errorCode(response)).toBe("SignatureDoesNotMatch");
  });
});

describe("local S3 API outside local mode", () => {
  it("answers 404 like an unknown path, even to a correctly signed request", async () => {
    expect(env.LOCAL_MODE).toBe("false");
    const prefix = fresh();
    await env.SITES.put(`${prefix}here.txt`, "here");
    for (const request of [
      await sign({ method: "GET", path: object(prefix, "here.txt") }),
      await sign({ method: "GET", path: `${LOCAL_S3_BASE}/sites/?list-type=2` }),
      await sign({
        method: "PUT",
        path: object(prefix, "new.txt"),
        body: "x",
        headers: { "content-length": "1" },
      }),
    ]) {
      const response = await call(request, env);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain("<Error>");
    }
    expect(await env.SITES.head(`${prefix}new.txt`)).toBeNull();
  });
});
