// The one Worker (ADR 0002). Routing: /api/v1/* → the Hono API; everything else → the React
// Router UI. Published-site hosts (delivery), /public/v1 (Learn) and /internal/v1 (builder)
// join here as their issues land.
import { Hono } from "hono";
import { createRequestHandler } from "react-router";
import { createApiClient } from "../web/lib/api.server.ts";
import { api } from "./api/app.ts";
import { problemResponse } from "./api/errors.ts";
import { config } from "./env.ts";
import { LOCAL_S3_BASE, localS3 } from "./local/s3.ts";

const handleUi = createRequestHandler(
  () => import("virtual:react-router/server-build"),
  import.meta.env.MODE,
);

const safe = new Set(["GET", "HEAD", "OPTIONS"]);

const app = new Hono<{ Bindings: Env }>()
  // Liveness for load balancers and the benchmark's baseline: no middleware, no bindings.
  .get("/healthz", (c) => c.json({ ok: true }))
  // Local mode only (R2's S3 API for the builder); otherwise it passes the request on, so the
  // path answers like any unknown one. Before the API, whose middleware matches every path.
  .route(LOCAL_S3_BASE, localS3)
  .route("/", api)
  .all("/api/*", (c) =>
    problemResponse("NOT_FOUND", "No such endpoint", { instance: new URL(c.req.url).pathname }),
  )
  .all("*", async (c) => {
    const request = c.req.raw;
    // UI form posts: same-origin only (the API adds its own header check on top).
    if (!safe.has(request.method)) {
      const origin = request.headers.get("origin");
      if (origin !== config(c.env).appOrigin && origin !== new URL(request.url).origin) {
        return new Response("Cross-site form submission rejected", { status: 403 });
      }
    }
    const ctx = c.executionCtx as ExecutionContext;
    const { client, setCookies } = createApiClient(request, c.env, ctx);
    const response = await handleUi(request, {
      cloudflare: { env: c.env, ctx },
      api: client,
    });
    if (setCookies.length === 0) return response;
    const headers = new Headers(response.headers);
    for (const cookie of setCookies) headers.append("Set-Cookie", cookie);
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  });

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
