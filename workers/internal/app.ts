// /internal/v1: what the builder calls. Not for people or API tokens, and not in the public
// OpenAPI document. Two kinds of credential:
// - GET /exports/{deployId} and GET /exports/{deployId}/media: the job's export token (bearer;
//   signToken purpose "build-export", scoped to that deploy of that site, an hour's life), so
//   the builder reads one site's content, and the list of its stored media, and nothing else.
// - POST /sites/{siteId}/jobs/{jobId}/{status|activate|offline}: signed with the job secret
//   (workers/domain/job-signing.ts; method, path and body signed; five-minute window). A forged
//   request fails the signature; a replayed one is ignored by the SitePublisher (it accepts a
//   job's reports only forwards and only for its running job).
// - POST /media/{mediaId}/jobs/{jobId}/result: a media job's progress or result from the builder,
//   signed the same way; the item's MediaPipeline takes it only for the running attempt (token).

import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import type { z } from "zod";
import { buildJobStatus } from "#schemas/build-job";
import {
  deployManifestKey,
  resourceMediaKey,
  type SiteMediaPage,
  siteMediaPrefix,
} from "#schemas/deploy";
import { mediaJobResult, type SiteMediaVariantsPage } from "#schemas/media-jobs";
import { activateBody, offlineBody } from "#schemas/publish";
import type { StarterConfig } from "#schemas/starter";
import { problemResponse } from "#workers/api/errors";
import { exportFiles, exportSiteOf } from "#workers/api/routes/site-export";
import { createDb } from "#workers/db/client";
import { getSiteWithTenant, updateDeploy } from "#workers/db/queries/deploys";
import { siteMediaWithVariants } from "#workers/db/queries/media-jobs";
import { getStarterVersionById } from "#workers/db/queries/starters";
import { deploys } from "#workers/db/schema";
import { tarWriter } from "#workers/domain/archive/index";
import { verifyRequest } from "#workers/domain/job-signing";
import { deployIdOfJob } from "#workers/domain/publish-machine";
import { verifyToken } from "#workers/domain/signed-tokens";
import { config } from "#workers/env";
import { pipelineOf } from "#workers/media/pipeline";
import { providerInternal } from "#workers/providers/internal-routes";
import { publisherOf } from "#workers/publishing/publisher";

export const INTERNAL_BASE = "/internal/v1";

const SITE_ID = /^site_[0-9A-Z]{26}$/;
const DEPLOY_ID = /^dep_[0-9A-Z]{26}$/;
const MEDIA_ID = /^med_[0-9A-Z]{26}$/;
const MEDIA_JOB_ID = /^mjob_[0-9A-Z]{26}$/;
// A status with a log tail (64 KiB) and a build report (at most ~100 KiB).
const MAX_CALLBACK_BYTES = 256 * 1024;

type Verified<T> = { ok: true; body: T } | { ok: false; response: Response };

/** Reads a signed JSON body and checks it against `schema`. */
async function signedJson<T>(req: Request, env: Env, schema: z.ZodType<T>): Promise<Verified<T>> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_CALLBACK_BYTES) {
    return { ok: false, response: problemResponse("PAYLOAD_TOO_LARGE", "Callback too large") };
  }
  const raw = new Uint8Array(await req.arrayBuffer());
  if (raw.byteLength > MAX_CALLBACK_BYTES) {
    return { ok: false, response: problemResponse("PAYLOAD_TOO_LARGE", "Callback too large") };
  }
  const url = new URL(req.url);
  const secrets = config(env).builderSecrets;
  const verdict = await verifyRequest({
    secrets,
    method: req.method,
    path: url.pathname + url.search,
    body: raw,
    header: req.headers.get("x-lectern-signature"),
  });
  if (!verdict.ok) {
    return {
      ok: false,
      response: problemResponse("UNAUTHENTICATED", `Signature ${verdict.reason}`),
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return { ok: false, response: problemResponse("MALFORMED_JSON") };
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    return {
      ok: false,
      response: problemResponse("VALIDATION_FAILED", "The callback body is not valid", {
        errors: result.error.issues.map((i) => ({
          field: i.path.join(".") || "body",
          message: i.message,
        })),
      }),
    };
  }
  return { ok: true, body: result.data };
}

/** The export token's claims, when it is valid for `deployId`; else the 401 to answer. */
async function exportClaims(req: Request, env: Env, deployId: string) {
  const auth = req.headers.get("authorization") ?? "";
  const token = auth.startsWith("Bearer ") ? auth.slice(7) : null;
  const claims = await verifyToken<{ d: string; s: string; t: string }>(
    config(env).AUTH_SECRET,
    "build-export",
    token,
  );
  if (!claims || claims.d !== deployId || !DEPLOY_ID.test(deployId)) {
    return problemResponse("UNAUTHENTICATED", "The export token is not valid for this deploy");
  }
  return claims;
}

function checkIds(siteId: string, jobId: string) {
  if (!SITE_ID.test(siteId)) return problemResponse("NOT_FOUND", "No such site");
  if (!deployIdOfJob(jobId)) return problemResponse("NOT_FOUND", "No such job");
  return null;
}

export const internal = new Hono<{ Bindings: Env }>()
  // Problems carry a request id (and the x-request-id header) like the API's, for the logs.
  .use("*", async (c, next) => {
    await next();
    if (!c.res.headers.get("content-type")?.startsWith("application/problem+json")) return;
    const requestId = crypto.randomUUID();
    const body = (await c.res.clone().json()) as Record<string, unknown>;
    const headers = new Headers(c.res.headers);
    headers.set("x-request-id", requestId);
    c.res = new Response(
      JSON.stringify({ ...body, instance: new URL(c.req.url).pathname, requestId }),
      { status: c.res.status, headers },
    );
  })
  // 3Play Media's media fetch and status callback (workers/providers/internal-routes.ts).
  .route("/providers", providerInternal)
  .get("/exports/:deployId", async (c) => {
    const claims = await exportClaims(c.req.raw, c.env, c.req.param("deployId"));
    if (claims instanceof Response) return claims;
    const db = createDb(c.env.DB);
    const site = await getSiteWithTenant(db, claims.t, claims.s);
    if (!site) return problemResponse("NOT_FOUND", "No such site");
    const version = await getStarterVersionById(db, claims.t, site.site.starterVersionId);
    if (!version) return problemResponse("NOT_FOUND", "The site's starter is missing");
    const starter = version.config as unknown as StarterConfig;
    const tar = tarWriter(
      exportFiles(db, claims.t, claims.s, starter, exportSiteOf(starter, site.site)),
    );
    return new Response(tar.pipeThrough(new CompressionStream("gzip")), {
      headers: {
        "content-type": "application/gzip",
        "cache-control": "no-store",
        "x-lectern-content-version": String(site.site.contentVersion),
      },
    });
  })
  // The site's stored resource files, for the deploy's media references (never copied).
  .get("/exports/:deployId/media", async (c) => {
    const claims = await exportClaims(c.req.raw, c.env, c.req.param("deployId"));
    if (claims instanceof Response) return claims;
    const prefix = resourceMediaKey(claims.t, claims.s, "", "").replace(/\/$/, "");
    const cursor = c.req.query("cursor");
    const listed = await c.env.MEDIA.list({
      prefix,
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    const items: SiteMediaPage["items"] = [];
    for (const object of listed.objects) {
      // <prefix><uid>/<name>: one file per resource.
      const [uid, name, ...rest] = object.key.slice(prefix.length).split("/");
      if (!uid || !name || rest.length > 0) continue;
      items.push({ uid, key: object.key, size: object.size, etag: object.httpEtag });
    }
    const page: SiteMediaPage = { items, cursor: listed.truncated ? listed.cursor : null };
    return c.json(page, 200, { "cache-control": "no-store" });
  })
  // The derived files of the site's media (thumbnails, web MP4, poster, captions), for the
  // theme and the deploy's media references; etags from R2, one listing per item.
  .get("/exports/:deployId/media-variants", async (c) => {
    const claims = await exportClaims(c.req.raw, c.env, c.req.param("deployId"));
    if (claims instanceof Response) return claims;
    const after = c.req.query("cursor") ?? null;
    const rows = await siteMediaWithVariants(createDb(c.env.DB), claims.t, claims.s, after, 100);
    const items: SiteMediaVariantsPage["items"] = [];
    for (const row of rows.slice(0, 100)) {
      const prefix = `t/${claims.t}/s/${claims.s}/media/${row.id}/`;
      const listed = await c.env.MEDIA.list({ prefix, limit: 1000 });
      const etags = new Map(listed.objects.map((o) => [o.key, o.httpEtag]));
      const variants = row.variants.flatMap((v) => {
        const etag = etags.get(v.key);
        const name = v.key.slice(prefix.length);
        // Only the item's own files that are really there.
        if (!etag || !v.key.startsWith(prefix) || name.includes("/")) return [];
        return [{ ...v, name, etag }];
      });
      if (variants.length > 0 && row.resourceUid) {
        items.push({ uid: row.resourceUid, mediaId: row.id, metadata: row.metadata, variants });
      }
    }
    const page: SiteMediaVariantsPage = {
      items,
      cursor: rows.length > 100 ? (rows[99]?.id ?? null) : null,
    };
    return c.json(page, 200, { "cache-control": "no-store" });
  })
  // One stored file of the site, for the offline copy (only keys under the site's prefix).
  .get("/exports/:deployId/media-file", async (c) => {
    const claims = await exportClaims(c.req.raw, c.env, c.req.param("deployId"));
    if (claims instanceof Response) return claims;
    const key = c.req.query("key") ?? "";
    if (!key.startsWith(siteMediaPrefix(claims.t, claims.s)) || key.includes("..")) {
      return problemResponse("NOT_FOUND", "No such file of this site");
    }
    const object = await c.env.MEDIA.get(key);
    if (!object) return problemResponse("NOT_FOUND", "No such file of this site");
    return new Response(object.body, {
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(object.size),
        etag: object.httpEtag,
        "cache-control": "no-store",
      },
    });
  })
  .post("/sites/:siteId/jobs/:jobId/status", async (c) => {
    const { siteId, jobId } = c.req.param();
    const bad = checkIds(siteId, jobId);
    if (bad) return bad;
    const v = await signedJson(c.req.raw, c.env, buildJobStatus);
    if (!v.ok) return v.response;
    if (v.body.jobId !== jobId) {
      return problemResponse("VALIDATION_FAILED", "jobId does not match the path", {
        errors: [{ field: "jobId", message: "must match the path" }],
      });
    }
    const result = await publisherOf(c.env, siteId).report(siteId, jobId, v.body);
    return c.json({ ok: true, ignored: result.ignored });
  })
  .post("/sites/:siteId/jobs/:jobId/activate", async (c) => {
    const { siteId, jobId } = c.req.param();
    const bad = checkIds(siteId, jobId);
    if (bad) return bad;
    const v = await signedJson(c.req.raw, c.env, activateBody);
    if (!v.ok) return v.response;
    if (v.body.jobId !== jobId) {
      return problemResponse("VALIDATION_FAILED", "jobId does not match the path", {
        errors: [{ field: "jobId", message: "must match the path" }],
      });
    }
    const result = await publisherOf(c.env, siteId).activate(siteId, jobId, v.body);
    if (!result.ok) return problemResponse("CONFLICT", result.message);
    return c.json({ ok: true });
  })
  .post("/sites/:siteId/jobs/:jobId/offline", async (c) => {
    const { siteId, jobId } = c.req.param();
    const bad = checkIds(siteId, jobId);
    if (bad) return bad;
    const v = await signedJson(c.req.raw, c.env, offlineBody);
    if (!v.ok) return v.response;
    const deployId = deployIdOfJob(jobId) as string;
    if (v.body.jobId !== jobId || v.body.key !== `offline/${siteId}/${deployId}.zip`) {
      return problemResponse("VALIDATION_FAILED", "The offline copy is not this job's", {
        errors: [{ field: "key", message: `must be offline/${siteId}/${deployId}.zip` }],
      });
    }
    const db = createDb(c.env.DB);
    const row = await db
      .select({ tenantId: deploys.tenantId, state: deploys.state })
      .from(deploys)
      .where(and(eq(deploys.id, deployId), eq(deploys.siteId, siteId)))
      .limit(1);
    const deploy = row[0];
    if (!deploy) return problemResponse("NOT_FOUND", "No such deploy");
    const [zip, manifest] = await Promise.all([
      c.env.SITES.head(v.body.key),
      c.env.SITES.head(deployManifestKey(deployId)),
    ]);
    if (!zip || !manifest) {
      return problemResponse("CONFLICT", "The offline copy or its deploy is not in storage");
    }
    await updateDeploy(db, deploy.tenantId, deployId, {
      offlineKey: v.body.key,
      offlineBytes: zip.size,
    });
    await publisherOf(c.env, siteId).changed(siteId, deploy.tenantId);
    return c.json({ ok: true });
  })
  .post("/media/:mediaId/jobs/:jobId/result", async (c) => {
    const { mediaId, jobId } = c.req.param();
    if (!MEDIA_ID.test(mediaId) || !MEDIA_JOB_ID.test(jobId)) {
      return problemResponse("NOT_FOUND", "No such media job");
    }
    const v = await signedJson(c.req.raw, c.env, mediaJobResult);
    if (!v.ok) return v.response;
    if (v.body.jobId !== jobId) {
      return problemResponse("VALIDATION_FAILED", "jobId does not match the path", {
        errors: [{ field: "jobId", message: "must match the path" }],
      });
    }
    const body = v.body;
    if (body.state === "done" && !body.output) {
      return problemResponse("VALIDATION_FAILED", "A done result needs its output", {
        errors: [{ field: "output", message: "required when state is done" }],
      });
    }
    const result =
      body.state === "running"
        ? ({ state: "running" } as const)
        : body.state === "done" && body.output
          ? ({ state: "done", output: body.output } as const)
          : ({
              state: "failed",
              error: body.error ?? "The builder reported a failure without a reason",
              permanent: body.permanent === true,
            } as const);
    const out = await pipelineOf(c.env, mediaId).result(jobId, body.token, result);
    return c.json({ ok: true, ignored: out.ignored });
  })
  .all("*", (c) =>
    problemResponse("NOT_FOUND", "No such endpoint", { instance: new URL(c.req.url).pathname }),
  );
