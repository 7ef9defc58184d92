// The JSON API, mounted at /api/v1 by workers/app.ts. Sub-apps are chained so `AppType`
// carries every route's types to the UI's typed client.
import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { createDb } from "#workers/db/client";
import { isGuardFailure, isUniqueViolation } from "#workers/db/queries/guards";
import type { AppEnv } from "./context.ts";
import { ApiError, type ErrorCode, fieldErrors, problemResponse } from "./errors.ts";
import { authenticate } from "./middleware/authenticate.ts";
import { csrf } from "./middleware/csrf.ts";
import { requestId } from "./middleware/request-id.ts";
import { apiTokenRoutes } from "./routes/api-tokens.ts";
import { auditRoutes } from "./routes/audit.ts";
import { authRoutes } from "./routes/auth.ts";
import { contentRoutes } from "./routes/content.ts";
import { invitationRoutes } from "./routes/invitations.ts";
import { mediaRoutes } from "./routes/media.ts";
import { mediaGDriveRoutes } from "./routes/media-gdrive.ts";
import { mediaJobRoutes } from "./routes/media-jobs.ts";
import { mediaTranscriptRoutes } from "./routes/media-transcripts.ts";
import { memberRoutes } from "./routes/members.ts";
import { operatorRoutes } from "./routes/operator.ts";
import { providerRoutes } from "./routes/providers.ts";
import { publishRoutes } from "./routes/publish.ts";
import { rebuildRoutes } from "./routes/rebuilds.ts";
import { signingKeyRoutes } from "./routes/signing-keys.ts";
import { siteAccessRoutes } from "./routes/site-access.ts";
import { siteExportRoutes } from "./routes/site-export.ts";
import { siteImportRoutes } from "./routes/site-import.ts";
import { siteRoutes } from "./routes/sites.ts";
import { starterRoutes } from "./routes/starters.ts";
import { tenantRoutes } from "./routes/tenants.ts";
import { webhookRoutes } from "./routes/webhooks.ts";

export const API_BASE = "/api/v1";
export const MAX_JSON_BODY_BYTES = 64 * 1024;
/** Content items carry a markdown body of up to 200 KiB plus their fields. */
export const MAX_CONTENT_BODY_BYTES = 512 * 1024;
const CONTENT_PATH = /^\/api\/v1\/tenants\/[^/]+\/sites\/[^/]+\/content(\/|$)/;
/** Archive uploads stream to R2 and enforce their own limit (MAX_IMPORT_BYTES). */
const IMPORT_PATH = /^\/api\/v1\/tenants\/[^/]+\/sites\/import$/;
/** Media parts and zips stream to R2 with their own limits (workers/api/routes/media.ts). */
const MEDIA_STREAM_PATH =
  /^\/api\/v1\/tenants\/[^/]+\/sites\/[^/]+\/media\/(uploads\/[^/]+\/parts\/[^/]+|import)$/;

const httpCodes: Record<number, ErrorCode> = {
  400: "MALFORMED_JSON",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

export function createApi() {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError("VALIDATION_FAILED", "Some fields are not valid", {
          errors: fieldErrors(result.error.issues),
        });
      }
    },
  });

  app.use("*", requestId);
  app.use("*", async (c, next) => {
    c.set("db", createDb(c.env.DB));
    await next();
  });
  const limitTo = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError("PAYLOAD_TOO_LARGE", `Bodies are limited to ${maxSize} bytes here`);
      },
    });
  const jsonLimit = limitTo(MAX_JSON_BODY_BYTES);
  const contentLimit = limitTo(MAX_CONTENT_BODY_BYTES);
  app.use("*", (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (IMPORT_PATH.test(path) || MEDIA_STREAM_PATH.test(path)) return next();
    return CONTENT_PATH.test(path) ? contentLimit(c, next) : jsonLimit(c, next);
  });
  app.use("*", csrf);
  app.use("*", authenticate);

  app.onError((err, c) => {
    const requestId = c.get("requestId");
    const instance = new URL(c.req.url).pathname;
    if (err instanceof ApiError) {
      return problemResponse(err.code, err.message, {
        instance,
        requestId,
        ...(err.errors ? { errors: err.errors } : {}),
        ...(err.headers ? { headers: err.headers } : {}),
        ...(err.members ? { members: err.members } : {}),
      });
    }
    if (err instanceof HTTPException) {
      const code = httpCodes[err.status] ?? "VALIDATION_FAILED";
      return problemResponse(code, err.message || undefined, { instance, requestId });
    }
    if (isGuardFailure(err)) {
      // A conditional write found its condition gone (another request got there first); the
      // whole batch was rolled back.
      return problemResponse("CONFLICT", "This was changed by another request at the same time", {
        instance,
        requestId,
      });
    }
    if (isUniqueViolation(err)) {
      // Two requests raced to create the same thing; the batch was rolled back whole.
      return problemResponse("CONFLICT", "This was changed by another request at the same time", {
        instance,
        requestId,
      });
    }
    console.error(
      JSON.stringify({
        level: "error",
        requestId,
        path: instance,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      }),
    );
    return problemResponse("INTERNAL", "Quote the request id when reporting this", {
      instance,
      requestId,
    });
  });

  const routes = app
    .route("/", authRoutes)
    .route("/", operatorRoutes)
    .route("/", tenantRoutes)
    .route("/", memberRoutes)
    .route("/", invitationRoutes)
    .route("/", apiTokenRoutes)
    .route("/", auditRoutes)
    .route("/", starterRoutes)
    .route("/", siteRoutes)
    .route("/", contentRoutes)
    .route("/", siteAccessRoutes)
    .route("/", siteExportRoutes)
    .route("/", siteImportRoutes)
    .route("/", publishRoutes)
    .route("/", mediaJobRoutes)
    .route("/", mediaRoutes)
    .route("/", rebuildRoutes)
    .route("/", providerRoutes)
    .route("/", mediaGDriveRoutes)
    .route("/", mediaTranscriptRoutes)
    .route("/", signingKeyRoutes)
    .route("/", webhookRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API token (`lct_…`) created under API tokens",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: "__Host-lectern_session",
    description:
      "The session cookie set by POST /auth/sign-in; mutations also need Origin and x-lectern-csrf: 1",
  });

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Lectern API",
      version: "1.0.0",
      description:
        "Multi-tenant course CMS and publisher. Errors are RFC 9457 problem+json with a stable `code`. Each operation states the permission it needs in `x-permission`.",
    },
    servers: [{ url: API_BASE }],
    security: [{ bearer: [] }, { session: [] }],
  });
  // Scalar is served from our own assets (see vite.config.ts), so the page works offline.
  app.get(
    "/reference",
    Scalar({
      url: `${API_BASE}/openapi.json`,
      pageTitle: "Lectern API",
      cdn: "/vendor/scalar-api-reference.js",
    }),
  );

  // Registered last, so it answers only what no route above did. Not `app.notFound`: a sub-app's
  // notFound is never consulted once it is mounted with `.route()`, which left unknown API paths
  // answering plain-text "404 Not Found" instead of problem+json with a request id.
  app.all("*", (c) =>
    problemResponse("NOT_FOUND", "No such endpoint", {
      instance: new URL(c.req.url).pathname,
      requestId: c.get("requestId"),
    }),
  );

  return routes;
}

const api = new OpenAPIHono<AppEnv>().route(API_BASE, createApi());
export type AppType = ReturnType<typeof createApi>;
export { api };
