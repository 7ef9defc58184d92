// The one Worker (ADR 0002): the routing in workers/worker.ts with the React Router UI as the
// fallback for every path nothing else serves. /public/v1 (Learn) joins with its issue.
import { createRequestHandler } from "react-router";
import { createApiClient } from "../web/lib/api.server.ts";
import { config } from "./env.ts";
import { createWorker } from "./worker.ts";

const handleUi = createRequestHandler(
  () => import("virtual:react-router/server-build"),
  import.meta.env.MODE,
);

const safe = new Set(["GET", "HEAD", "OPTIONS"]);

export { MediaPipeline, SitePublisher } from "./worker.ts";

export default createWorker(async ({ req, env, executionCtx: ctx }) => {
  const request = req.raw;
  // UI form posts: same-origin only (the API adds its own header check on top).
  if (!safe.has(request.method)) {
    const origin = request.headers.get("origin");
    if (origin !== config(env).appOrigin && origin !== new URL(request.url).origin) {
      return new Response("Cross-site form submission rejected", { status: 403 });
    }
  }
  const { client, setCookies } = createApiClient(request, env, ctx);
  const response = await handleUi(request, {
    cloudflare: { env, ctx },
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
