// A video's 3Play Media transcript, on demand (ADR 014): its status as 3Play reports it now,
// and the captions attached if it is complete — the same work as 3Play's callback, for when a
// callback was lost or an editor does not want to wait for it.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { prefixedId } from "#schemas/common";
import { getSiteMediaItem } from "#workers/db/queries/media";
import { completeTranscript } from "#workers/providers/transcripts";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { defineRoute, jsonResponse, siteOf, tenantOf } from "../route.ts";

const params = z.object({
  tenantId: prefixedId("ten"),
  siteId: prefixedId("site"),
  mediaId: prefixedId("med"),
});

const transcriptState = z
  .object({
    /** False when no transcript was ordered for this item (3Play not set up, or not a video). */
    ordered: z.boolean(),
    /** 3Play's status ("in_progress", "complete", …); null when nothing was ordered. */
    status: z.string().nullable(),
    /** Whether this call attached the captions (the transcript just completed). */
    attached: z.boolean(),
  })
  .meta({ id: "TranscriptState" });

const refreshRoute = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/{siteId}/media/{mediaId}/transcript/refresh",
  permission: "site:edit",
  tags: ["Media"],
  summary: "Ask 3Play Media for the video's transcript now; attach its captions when complete",
  request: { params },
  responses: {
    200: jsonResponse(transcriptState, "The transcript's state"),
    409: { description: "3Play Media is no longer set up for this tenant" },
    502: { description: "3Play Media did not answer; try again" },
  },
});

export const mediaTranscriptRoutes = new OpenAPIHono<AppEnv>().openapi(refreshRoute, async (c) => {
  const tenantId = tenantOf(c).tenant.id;
  const siteId = siteOf(c).site.id;
  const { mediaId } = c.req.valid("param");
  const db = c.get("db");
  const media = await getSiteMediaItem(db, tenantId, siteId, mediaId);
  if (!media) throw new ApiError("NOT_FOUND", "No such media item");
  const threeplay = (media.metadata as { threeplay?: { transcriptId?: string } }).threeplay;
  if (!threeplay?.transcriptId) {
    return c.json({ ordered: false, status: null, attached: false }, 200);
  }
  const outcome = await completeTranscript(c.env, db, { tenantId, siteId, mediaId });
  if (outcome.ok) {
    return c.json({ ordered: true, status: outcome.status, attached: outcome.attached }, 200);
  }
  if (outcome.status === 404) throw new ApiError("NOT_FOUND", outcome.message);
  if (outcome.status === 409) throw new ApiError("CONFLICT", outcome.message);
  throw new ApiError("PROVIDER_UNAVAILABLE", outcome.message);
});
