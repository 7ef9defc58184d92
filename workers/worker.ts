// The one Worker's routing (ADR 0002), shared by the real entry (workers/app.ts, which adds the
// React Router UI as the fallback) and the test entry (workers/api/index.ts, which has no UI):
//   1. published-site hosts (`<site>.<tenant>.SITES_DOMAIN`, preview, custom domains) → delivery
//   2. /healthz, the local-mode stand-ins (/__local/s3, /__local/cloudflare), /internal/v1
//      (the builder), /public/v1 (signed catalog endpoints for Learn), /api/v1 (the API)
//   3. everything else → `fallback` (the UI), or 404.
// It also owns what the Worker exports besides fetch: the publish, media and events queues'
// consumers and the SitePublisher and MediaPipeline Durable Object classes.
import { Hono } from "hono";
import { api } from "./api/app.ts";
import { problemResponse } from "./api/errors.ts";
import { createDb } from "./db/client.ts";
import { handleDelivery } from "./delivery/index.ts";
import { INTERNAL_BASE, internal } from "./internal/app.ts";
import { LOCAL_PURGE_BASE, localPurge } from "./local/purge.ts";
import { LOCAL_S3_BASE, localS3 } from "./local/s3.ts";
import { publicApp } from "./public/app.ts";
import { PUBLIC_BASE } from "./public/urls.ts";
import { handleEventsBatch, sweepEvents } from "./queues/events.ts";
import { handleMediaBatch, handleMediaDeadLetters } from "./queues/media.ts";
import { handlePublishBatch } from "./queues/publish.ts";

export { MediaPipeline } from "./objects/media-pipeline.ts";
export { SitePublisher } from "./objects/site-publisher.ts";

type Fallback = (c: {
  req: { raw: Request };
  env: Env;
  executionCtx: ExecutionContext;
}) => Promise<Response>;

export function createWorker(fallback?: Fallback) {
  const app = new Hono<{ Bindings: Env }>()
    // Published sites come first: their hosts never reach the app's routes.
    .use("*", async (c, next) => {
      const served = await handleDelivery(c.req.raw, c.env, c.executionCtx as ExecutionContext);
      if (served) return served;
      await next();
    })
    // Liveness for load balancers and the benchmark's baseline: no bindings.
    .get("/healthz", (c) => c.json({ ok: true }))
    // Local mode only; otherwise they pass the request on, so the paths answer like unknown ones.
    .route(LOCAL_S3_BASE, localS3)
    .route(LOCAL_PURGE_BASE, localPurge)
    .route(INTERNAL_BASE, internal)
    .route(PUBLIC_BASE, publicApp)
    .route("/", api)
    .all("/api/*", (c) =>
      problemResponse("NOT_FOUND", "No such endpoint", { instance: new URL(c.req.url).pathname }),
    )
    .all("*", (c) =>
      fallback
        ? fallback({ req: c.req, env: c.env, executionCtx: c.executionCtx as ExecutionContext })
        : problemResponse("NOT_FOUND", "No such page", { instance: new URL(c.req.url).pathname }),
    );

  return {
    fetch: app.fetch,
    queue: async (batch: MessageBatch<unknown>, env: Env) => {
      if (batch.queue.startsWith("lectern-publish")) await handlePublishBatch(batch, env);
      else if (batch.queue.startsWith("lectern-media-dlq"))
        await handleMediaDeadLetters(batch, env);
      else if (batch.queue.startsWith("lectern-media")) await handleMediaBatch(batch, env);
      else if (batch.queue === "lectern-events") await handleEventsBatch(batch, env);
      else {
        console.error(`[queue] no consumer for ${batch.queue}; retrying later`);
        batch.retryAll({ delaySeconds: 60 });
      }
    },
    // The cron trigger (wrangler.toml): the events queue's safety net (lost fan-outs, overdue
    // attempts) — see sweepEvents.
    scheduled: async (_controller: ScheduledController, env: Env, ctx: ExecutionContext) => {
      ctx.waitUntil(
        sweepEvents(env, createDb(env.DB)).then(
          (swept) => {
            if (swept.events + swept.deliveries > 0) {
              console.log(JSON.stringify({ level: "info", msg: "events sweep", ...swept }));
            }
          },
          (err: unknown) =>
            console.error(
              JSON.stringify({ level: "error", msg: "events sweep", error: String(err) }),
            ),
        ),
      );
    },
  } satisfies ExportedHandler<Env>;
}
