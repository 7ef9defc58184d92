// Local mode only: R2's S3 API, which Miniflare lacks, served by the Worker over its own R2
// bindings so the builder's real @aws-sdk/client-s3 code path (forcePathStyle, endpoint
// http://127.0.0.1:8787/__local/s3) writes exactly what the Worker then serves
// (ARCHITECTURE.md, "Local mode"). Path style: /__local/s3/<bucket>/<key…>.
//
// When LOCAL_MODE is not "true" the handler steps aside with next(), so the request goes on to
// whatever answers an unknown path: the deployed Worker has no trace of this API. In local mode
// every request must carry a valid SigV4 signature made with LOCAL_S3_ACCESS_KEY_ID /
// LOCAL_S3_SECRET_ACCESS_KEY (wrangler.toml [vars]).
import { Hono } from "hono";
import { z } from "zod";
import { config } from "#workers/env";
import { deleteObjects, getObject, listObjectsV2, putObject } from "./s3-objects.ts";
import { errorResponse, S3Error } from "./s3-xml.ts";
import { verifySigV4 } from "./sigv4.ts";

export const LOCAL_S3_BASE = "/__local/s3";

/** S3 bucket name → R2 binding. */
const buckets = { sites: "SITES", media: "MEDIA" } as const satisfies Record<string, keyof Env>;

const credentialsSchema = z.object({
  LOCAL_S3_ACCESS_KEY_ID: z.string().min(1),
  LOCAL_S3_SECRET_ACCESS_KEY: z.string().min(1),
});

/** The values x-amz-content-sha256 may take; anything else is refused before verification. */
const PAYLOAD_HASH =
  /^(?:[0-9a-f]{64}|UNSIGNED-PAYLOAD|STREAMING-UNSIGNED-PAYLOAD-TRAILER|STREAMING-AWS4-HMAC-SHA256-PAYLOAD(?:-TRAILER)?)$/;

/** Sub-resources S3 has and this stand-in does not (multipart uploads, ACLs, …). */
const UNSUPPORTED_SUBRESOURCES = [
  "uploads",
  "uploadId",
  "partNumber",
  "acl",
  "tagging",
  "versioning",
  "versions",
  "policy",
  "cors",
  "lifecycle",
  "location",
];

async function authenticate(request: Request, env: Env): Promise<string> {
  const parsed = credentialsSchema.safeParse(env);
  if (!parsed.success) {
    throw new S3Error(
      "InternalError",
      "LOCAL_S3_ACCESS_KEY_ID and LOCAL_S3_SECRET_ACCESS_KEY must be set in local mode",
    );
  }
  const payloadHash = request.headers.get("x-amz-content-sha256");
  if (request.headers.has("authorization") && payloadHash === null) {
    throw new S3Error("InvalidRequest", "Missing required header: x-amz-content-sha256");
  }
  if (payloadHash !== null && !PAYLOAD_HASH.test(payloadHash)) {
    throw new S3Error("InvalidArgument", "x-amz-content-sha256 must be a SHA-256 hex digest");
  }
  const result = await verifySigV4(request, {
    credentials: {
      accessKeyId: parsed.data.LOCAL_S3_ACCESS_KEY_ID,
      secretAccessKey: parsed.data.LOCAL_S3_SECRET_ACCESS_KEY,
    },
    service: "s3",
    payloadHash: payloadHash ?? "",
    now: new Date(),
  });
  if (!result.ok) throw new S3Error(result.code, result.message);
  return payloadHash as string;
}

async function handle(request: Request, env: Env): Promise<Response> {
  const payloadHash = await authenticate(request, env);
  const url = new URL(request.url);
  const path = url.pathname.startsWith(`${LOCAL_S3_BASE}/`)
    ? url.pathname.slice(LOCAL_S3_BASE.length + 1)
    : "";
  const slash = path.indexOf("/");
  const bucketName = slash < 0 ? path : path.slice(0, slash);
  if (bucketName === "") {
    throw new S3Error("NotImplemented", "ListBuckets is not supported by the local S3 API");
  }
  const binding = Object.hasOwn(buckets, bucketName)
    ? buckets[bucketName as keyof typeof buckets]
    : undefined;
  if (!binding) throw new S3Error("NoSuchBucket", "The specified bucket does not exist");
  const bucket = env[binding];
  let key: string;
  try {
    key = slash < 0 ? "" : decodeURIComponent(path.slice(slash + 1));
  } catch {
    throw new S3Error("InvalidURI", "Couldn't parse the specified URI.");
  }
  const unsupported = UNSUPPORTED_SUBRESOURCES.find((name) => url.searchParams.has(name));
  if (unsupported) {
    throw new S3Error("NotImplemented", `?${unsupported} is not supported by the local S3 API`);
  }

  const method = request.method;
  if (key === "") {
    if (method === "HEAD") return new Response(null, { status: 200 });
    if (method === "GET" && url.searchParams.get("list-type") === "2") {
      return listObjectsV2(bucketName, bucket, url);
    }
    if (method === "GET") {
      throw new S3Error("NotImplemented", "Only ListObjectsV2 (list-type=2) is supported");
    }
    if (method === "POST" && url.searchParams.has("delete")) {
      return deleteObjects(request, bucket, payloadHash);
    }
    throw new S3Error("MethodNotAllowed", `${method} is not allowed on a bucket here`);
  }
  switch (method) {
    case "GET":
    case "HEAD":
      return getObject(request, bucket, key);
    case "PUT":
      return putObject(request, bucket, key, payloadHash);
    case "DELETE":
      await bucket.delete(key);
      return new Response(null, { status: 204 });
    default:
      throw new S3Error("MethodNotAllowed", `${method} is not allowed on an object here`);
  }
}

export const localS3 = new Hono<{ Bindings: Env }>().all("*", async (c, next) => {
  if (!config(c.env).LOCAL_MODE) return next();
  const resource = new URL(c.req.url).pathname;
  try {
    return await handle(c.req.raw, c.env);
  } catch (err) {
    if (err instanceof S3Error) return errorResponse(err, resource);
    console.error("local S3 API failed", err);
    return errorResponse(
      new S3Error("InternalError", "We encountered an internal error"),
      resource,
    );
  }
});
