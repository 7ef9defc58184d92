// A media item's jobs (the steps of its pipeline: thumbnails, transcode, poster, captions, …)
// and retrying a failed one. The jobs run in the item's MediaPipeline Durable Object
// (workers/objects/media-pipeline.ts, docs/decisions/013-media-pipeline.md); a retry goes
// through it too, so it is ordered with the pipeline's own changes.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { prefixedId } from "#schemas/common";
import { mediaJob, mediaJobId, mediaJobList } from "#schemas/media-jobs";
import { getSiteMediaItem } from "#workers/db/queries/media";
import { getMediaJob, listMediaJobs, toMediaJobView } from "#workers/db/queries/media-jobs";
import { auditStatement } from "#workers/domain/audit";
import { pipelineOf } from "#workers/media/pipeline";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { defineRoute, jsonResponse, siteOf, tenantOf } from "../route.ts";

const itemParam = z.object({
  tenantId: prefixedId("ten"),
  siteId: prefixedId("site"),
  mediaId: prefixedId("med"),
});
const jobParam = itemParam.extend({ jobId: mediaJobId });
const tags = ["Media"];
const base = "/tenants/{tenantId}/sites/{siteId}/media/{mediaId}/jobs";

const listRoute = defineRoute({
  method: "get",
  path: base,
  permission: "site:read",
  tags,
  summary: "The media item's jobs: each step of its pipeline, its state and why it failed",
  request: { params: itemParam },
  responses: { 200: jsonResponse(mediaJobList, "The item's jobs, in pipeline order") },
});

const retryRoute = defineRoute({
  method: "post",
  path: `${base}/{jobId}/retry`,
  permission: "site:edit",
  tags,
  summary: "Retry a failed job",
  description:
    "Gives a failed job a fresh set of attempts, starting now. 409 when the job is not failed.",
  request: { params: jobParam },
  responses: { 202: jsonResponse(mediaJob, "The job, queued again") },
});

async function itemOf(c: AppContext, mediaId: string) {
  const item = await getSiteMediaItem(
    c.get("db"),
    tenantOf(c).tenant.id,
    siteOf(c).site.id,
    mediaId,
  );
  if (!item) throw new ApiError("NOT_FOUND", "No such media item");
  return item;
}

export const mediaJobRoutes = new OpenAPIHono<AppEnv>()
  .openapi(listRoute, async (c) => {
    const { mediaId } = c.req.valid("param");
    const item = await itemOf(c, mediaId);
    const rows = await listMediaJobs(c.get("db"), tenantOf(c).tenant.id, item.id);
    return c.json({ items: rows.map(toMediaJobView) }, 200);
  })
  .openapi(retryRoute, async (c) => {
    const { mediaId, jobId } = c.req.valid("param");
    const tenantId = tenantOf(c).tenant.id;
    const item = await itemOf(c, mediaId);
    const job = await getMediaJob(c.get("db"), tenantId, jobId);
    if (!job || job.mediaId !== item.id) throw new ApiError("NOT_FOUND", "No such job");
    const result = await pipelineOf(c.env, item.id).retry(
      { tenantId, siteId: item.siteId, mediaId: item.id },
      jobId,
    );
    if (!result.ok) {
      throw new ApiError(result.status === 404 ? "NOT_FOUND" : "CONFLICT", result.message);
    }
    await auditStatement(c, {
      tenantId,
      action: "media.job_retried",
      targetType: "media_job",
      targetId: jobId,
      data: { mediaId: item.id, kind: job.kind },
    });
    const queued = await getMediaJob(c.get("db"), tenantId, jobId);
    if (!queued) throw new ApiError("NOT_FOUND", "No such job");
    return c.json(toMediaJobView(queued), 202);
  });
