// The provider-facing endpoints, mounted at /internal/v1/providers (ADR 014). Both carry a
// signed, expiring token in the path (verified in constant time; see transcripts.ts), since
// the provider can send no other credential:
//   GET  /media/{token}                 the original of the item, for 3Play to fetch
//   POST /threeplay/callback/{token}    3Play's status callback for the item's transcript
import { Hono } from "hono";
import { problemResponse } from "#workers/api/errors";
import { createDb } from "#workers/db/client";
import { getSiteMediaItem } from "#workers/db/queries/media";
import { mediaSafetyHeaders } from "#workers/domain/media";
import {
  CALLBACK_TOKEN_PURPOSE,
  completeTranscript,
  itemOfToken,
  MEDIA_TOKEN_PURPOSE,
} from "./transcripts.ts";

export const providerInternal = new Hono<{ Bindings: Env }>()
  .get("/media/:token", async (c) => {
    const item = await itemOfToken(c.env, MEDIA_TOKEN_PURPOSE, c.req.param("token"));
    if (!item) return problemResponse("UNAUTHENTICATED", "The link is not valid or has expired");
    const media = await getSiteMediaItem(
      createDb(c.env.DB),
      item.tenantId,
      item.siteId,
      item.mediaId,
    );
    const object = media && media.status === "ready" ? await c.env.MEDIA.get(media.r2Key) : null;
    if (!media || !object) return problemResponse("NOT_FOUND", "No such file");
    const type = media.sniffedType ?? media.declaredType ?? "application/octet-stream";
    return new Response(object.body, {
      headers: {
        // Served from the app's origin: never sniffed, never run (as the library serves it).
        ...mediaSafetyHeaders(type, media.filename),
        "content-type": type,
        "content-length": String(object.size),
        etag: object.httpEtag,
        "cache-control": "no-store",
      },
    });
  })
  .post("/threeplay/callback/:token", async (c) => {
    const item = await itemOfToken(c.env, CALLBACK_TOKEN_PURPOSE, c.req.param("token"));
    if (!item) return problemResponse("UNAUTHENTICATED", "The callback token is not valid");
    // The body (3Play's notice) is not trusted or needed: the status is asked of 3Play.
    await c.req.raw.body?.cancel();
    const outcome = await completeTranscript(c.env, createDb(c.env.DB), item);
    if (outcome.ok) return c.json({ status: outcome.status, attached: outcome.attached });
    const code =
      outcome.status === 404
        ? "NOT_FOUND"
        : outcome.status === 409
          ? "CONFLICT"
          : "PROVIDER_UNAVAILABLE";
    return problemResponse(code, outcome.message);
  });
