// The signed catalog endpoints for Learn (any catalog), mounted at /public/v1 by
// workers/worker.ts. No session, no token: every request carries a URL signed with one of the
// tenant's signing keys (workers/domain/catalog-signing.ts). A bad signature, an expired URL,
// an unknown, expired or revoked key → 401; a site that is not live in that tenant → 404.
// Answers are public-cacheable per URL (bounded by the URL's expiry) with an ETag.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { problem } from "#schemas/common";
import { catalogPage, catalogQuery, siteJson } from "#schemas/learn";
import { problemResponse } from "#workers/api/errors";
import { createDb, type Db } from "#workers/db/client";
import {
  getSigningKey,
  liveSiteBySlug,
  liveSitesPage,
  touchSigningKey,
} from "#workers/db/queries/learn";
import { getTenantBySlug } from "#workers/db/queries/tenants";
import { verifySignedUrl } from "#workers/domain/catalog-signing";
import { newId, sha256Hex } from "#workers/domain/ids";
import { loadSiteJson, siteIdentity } from "./site-json-loader.ts";
import { catalogPath, PUBLIC_BASE, signedPublicUrl, siteJsonPath } from "./urls.ts";

type PublicEnv = { Bindings: Env; Variables: { requestId: string } };
type Signer = {
  tenantId: string;
  tenantSlug: string;
  key: { id: string; secret: string };
  exp: number;
};

const MAX_CACHE_SECONDS = 300;
const LAST_USED_GRANULARITY_MS = 60 * 60_000;

const incomingRequestId = /^[A-Za-z0-9._-]{8,64}$/;

/** A problem with the request's id (the same as the API's problems carry). */
function problemFor(
  c: Context<PublicEnv>,
  code: Parameters<typeof problemResponse>[0],
  detail: string,
  extra: { errors?: { field: string; message: string }[] } = {},
) {
  return problemResponse(code, detail, {
    instance: new URL(c.req.url).pathname,
    requestId: c.get("requestId"),
    ...extra,
  });
}

/** Checks the signature of the request's URL against the tenant's key it names. */
async function verify(
  db: Db,
  url: URL,
  method: string,
  tenantSlug: string,
  ctx: ExecutionContext,
): Promise<Signer | string> {
  const kid = url.searchParams.get("kid");
  if (!kid || !url.searchParams.get("exp") || !url.searchParams.get("sig")) {
    return "Sign the URL: kid, exp and sig are required";
  }
  const tenant = await getTenantBySlug(db, tenantSlug);
  // An unknown tenant answers like an unknown key: nothing about which tenants exist leaks.
  const key = tenant ? await getSigningKey(db, tenant.id, kid) : null;
  const now = Date.now();
  if (!tenant || !key) return "Unknown signing key";
  if (key.revokedAt) return "The signing key was revoked";
  if (key.expiresAt && key.expiresAt.getTime() <= now) {
    return "The signing key has expired (rotated)";
  }
  const check = await verifySignedUrl(url, method, key.secret, now);
  if (!check.ok) {
    return {
      missing: "Sign the URL: kid, exp and sig are required",
      expired: "The signed URL has expired",
      "too-long": "The URL's expiry is too far away",
      mismatch: "The signature does not match the URL",
    }[check.reason];
  }
  if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    ctx.waitUntil(touchSigningKey(db, tenant.id, key.id, new Date(now)).then(() => undefined));
  }
  return {
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    key: { id: key.id, secret: key.secret },
    exp: Number(url.searchParams.get("exp")) * 1000,
  };
}

/** JSON with an ETag and a public cache lifetime no longer than the URL's signature. */
async function cacheable(request: Request, body: unknown, exp: number): Promise<Response> {
  const text = JSON.stringify(body);
  const etag = `"${(await sha256Hex(text)).slice(0, 32)}"`;
  const maxAge = Math.max(0, Math.min(MAX_CACHE_SECONDS, Math.floor((exp - Date.now()) / 1000)));
  const headers = {
    ETag: etag,
    "Cache-Control": `public, max-age=${maxAge}`,
  };
  const inm = request.headers.get("if-none-match");
  if (inm?.split(",").some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(request.method === "HEAD" ? null : text, {
    status: 200,
    headers: { ...headers, "Content-Type": "application/json; charset=utf-8" },
  });
}

const problemContent = { "application/problem+json": { schema: problem } } as const;
const signedParams = z.object({
  tenantSlug: z.string().meta({ description: "The tenant's slug" }),
});
const errors = {
  401: {
    description: "Unsigned, expired or tampered URL; unknown, expired or revoked key",
    content: problemContent,
  },
  404: { description: "No such live site in this tenant", content: problemContent },
} as const;

const siteRoute = createRoute({
  method: "get",
  path: "/tenants/{tenantSlug}/sites/{siteFile}",
  summary: "One live site's JSON (signed URL)",
  description:
    "`siteFile` is `<site slug>.json`. The query carries `kid`, `exp` (Unix seconds) and `sig` = base64url(HMAC-SHA256(key secret, `GET\\n<path>\\n<query>`)), where `<query>` is every parameter but `sig`, RFC 3986-encoded, sorted by name, joined with `&`.",
  request: {
    params: signedParams.extend({ siteFile: z.string().meta({ example: "physics-101.json" }) }),
    query: z.object({ kid: z.string(), exp: z.string(), sig: z.string() }),
  },
  responses: {
    200: {
      description: "The site's JSON (ETag; Cache-Control bounded by the URL's expiry)",
      content: { "application/json": { schema: siteJson } },
    },
    304: { description: "Not modified (If-None-Match)" },
    ...errors,
  },
});

const catalogRoute = createRoute({
  method: "get",
  path: "/tenants/{tenantSlug}/sites",
  summary: "The tenant's live sites, for a full re-ingestion (signed URL)",
  description:
    "Cursor pagination: follow `next_url` (signed with the same key and expiry). `updated_since` (ISO time) lists only sites changed or published since.",
  request: { params: signedParams, query: catalogQuery },
  responses: {
    200: {
      description: "A page of live sites",
      content: { "application/json": { schema: catalogPage } },
    },
    304: { description: "Not modified (If-None-Match)" },
    400: { description: "Invalid query", content: problemContent },
    ...errors,
  },
});

export const publicApp = new OpenAPIHono<PublicEnv>();

publicApp.use("*", async (c, next) => {
  const given = c.req.header("x-request-id");
  const id = given && incomingRequestId.test(given) ? given : newId("req");
  c.set("requestId", id);
  await next();
  c.header("X-Request-Id", id);
});

publicApp.onError((err, c) => {
  console.error(
    JSON.stringify({
      level: "error",
      requestId: c.get("requestId"),
      path: new URL(c.req.url).pathname,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    }),
  );
  return problemFor(c, "INTERNAL", "Quote the request id when reporting this");
});

publicApp.get("/tenants/:tenantSlug/sites/:siteFile", async (c) => {
  const url = new URL(c.req.url);
  const db = createDb(c.env.DB);
  const signer = await verify(
    db,
    url,
    c.req.method,
    c.req.param("tenantSlug"),
    c.executionCtx as ExecutionContext,
  );
  if (typeof signer === "string") return problemFor(c, "SIGNATURE_INVALID", signer);
  const file = c.req.param("siteFile");
  const slug = file.endsWith(".json") ? file.slice(0, -".json".length) : "";
  const live = slug ? await liveSiteBySlug(db, signer.tenantId, slug) : null;
  if (!live) return problemFor(c, "NOT_FOUND", "No such live site");
  const body = await loadSiteJson(
    c.env,
    db,
    signer.tenantSlug,
    live.site,
    live.activatedAt ?? live.site.updatedAt,
  );
  return cacheable(c.req.raw, body, signer.exp);
});

publicApp.get("/tenants/:tenantSlug/sites", async (c) => {
  const url = new URL(c.req.url);
  const db = createDb(c.env.DB);
  const signer = await verify(
    db,
    url,
    c.req.method,
    c.req.param("tenantSlug"),
    c.executionCtx as ExecutionContext,
  );
  if (typeof signer === "string") return problemFor(c, "SIGNATURE_INVALID", signer);
  const parsed = catalogQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    return problemFor(c, "VALIDATION_FAILED", "Some query parameters are not valid", {
      errors: parsed.error.issues.map((i) => ({
        field: i.path.join(".") || "query",
        message: i.message,
      })),
    });
  }
  const q = parsed.data;
  const limit = Math.min(100, Math.max(1, Number(q.limit ?? "50")));
  let page: Awaited<ReturnType<typeof liveSitesPage>>;
  try {
    page = await liveSitesPage(db, signer.tenantId, {
      cursor: q.cursor,
      limit,
      updatedSince: q.updated_since ? new Date(q.updated_since) : undefined,
    });
  } catch {
    return problemFor(c, "VALIDATION_FAILED", "The cursor is not valid", {
      errors: [{ field: "cursor", message: "is not a cursor this API issued" }],
    });
  }
  const items = [];
  for (const { site, activatedAt } of page.items) {
    const identity = await siteIdentity(c.env, db, signer.tenantSlug, site);
    items.push({
      site_id: site.id,
      site_uid: identity.siteUid,
      site_short_id: site.slug,
      title: site.title,
      url: identity.liveUrl,
      published_at: (activatedAt ?? site.updatedAt).toISOString(),
      updated_at: site.updatedAt.toISOString(),
      json_url: await signedPublicUrl(
        c.env,
        siteJsonPath(signer.tenantSlug, site.slug),
        signer.key,
        signer.exp,
      ),
    });
  }
  const nextParams: Record<string, string> = { limit: String(limit) };
  if (q.updated_since) nextParams.updated_since = q.updated_since;
  const next = page.nextCursor
    ? await signedPublicUrl(c.env, catalogPath(signer.tenantSlug), signer.key, signer.exp, {
        ...nextParams,
        cursor: page.nextCursor,
      })
    : null;
  return cacheable(c.req.raw, { tenant: signer.tenantSlug, items, next_url: next }, signer.exp);
});

// The routes above are plain Hono handlers (the signature check needs the raw URL before any
// query parsing); these definitions document them in /public/v1/openapi.json.
publicApp.openAPIRegistry.registerPath(siteRoute);
publicApp.openAPIRegistry.registerPath(catalogRoute);
publicApp.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "Lectern catalog (Learn) API",
    version: "1.0.0",
    description:
      "Signed, read-only endpoints for catalogs. See docs/decisions/011-learn-integration.md for the signature and the webhook events.",
  },
  servers: [{ url: PUBLIC_BASE }],
});
/** The site JSON's JSON Schema, for consumers that validate what they ingest. */
publicApp.get("/schemas/site.json", (c) =>
  c.json(z.toJSONSchema(siteJson, { target: "draft-2020-12", unrepresentable: "any" }), 200, {
    "Cache-Control": "public, max-age=3600",
  }),
);
publicApp.all("*", (c) => problemFor(c, "NOT_FOUND", "No such endpoint"));
