// Publishing a site: publish to preview or live, unpublish, roll back, the deploy history and
// its logs and offline copies, scheduled actions, the live status socket, and the caller's
// failed publishes. Builds themselves run in the site's SitePublisher (workers/objects/).
//
// Decisions (docs/decisions/009-publishing.md):
// - A publish request goes straight to the site's SitePublisher (the lock): its answer names
//   the deploy that will carry the request (a new one or the queued one it joined), so the
//   panel can follow it at once. The publish queue carries bulk work (mass rebuilds).
// - Rollback switches the target's pointer to an earlier succeeded deploy of the same target
//   (a preview build has preview URLs baked in, so it cannot serve live).
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { page, prefixedId } from "#schemas/common";
import { deployId } from "#schemas/deploy";
import {
  createScheduleBody,
  deploy,
  deployDetail,
  deployListQuery,
  publishAccepted,
  publishLiveBody,
  publishStatus,
  rollbackBody,
  schedule,
  scheduleParam,
} from "#schemas/publish";
import {
  failedDeploysOf,
  getDeploy,
  getSchedule,
  listDeploys,
  listSchedules,
} from "#workers/db/queries/deploys";
import { publishSchedules } from "#workers/db/schema";
import { auditStatement } from "#workers/domain/audit";
import { newId } from "#workers/domain/ids";
import { config } from "#workers/env";
import { mediaWarnings } from "#workers/media/warnings";
import { switchPointer } from "#workers/publishing/pointers";
import { publisherOf } from "#workers/publishing/publisher";
import { deployView, loadPublishStatus, scheduleView } from "#workers/publishing/views";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { publishProblems } from "../publish-check.ts";
import { defineRoute, jsonBody, jsonResponse, principalOf, siteOf, tenantOf } from "../route.ts";
import { siteConfig } from "../site-config.ts";

const siteParam = z.object({ tenantId: prefixedId("ten"), siteId: prefixedId("site") });
const deployParam = siteParam.extend({ deployId });
const emptyBody = z.strictObject({});
const optionalEmptyBody = {
  required: false,
  content: { "application/json": { schema: emptyBody } },
} as const;
const tags = ["Publishing"];

const statusRoute = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/publish",
  permission: "site:read",
  tags,
  summary: "The site's publish status: what each target serves, the running and queued builds",
  request: { params: siteParam },
  responses: { 200: jsonResponse(publishStatus, "The status") },
});

const publishRoute = <Body extends z.ZodType>(target: "preview" | "live", body: Body) =>
  defineRoute({
    method: "post",
    path: `/tenants/{tenantId}/sites/{siteId}/publish/${target}`,
    permission: target === "live" ? "site:publish-live" : "site:publish-preview",
    tags,
    summary: `Publish the site to ${target}`,
    description:
      "Starts a build, or joins the build already waiting for this target. Refused with 422 " +
      "and the list of problems when the site's content does not validate.",
    request: {
      params: siteParam,
      body: { required: false, content: { "application/json": { schema: body } } },
    },
    responses: {
      202: jsonResponse(publishAccepted, "Accepted; follow the deploy"),
      409: { description: "The site is archived" },
      422: { description: "The content does not validate (problems in `errors`)" },
    },
  });

const unpublishRoute = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/{siteId}/unpublish",
  permission: "site:publish-live",
  tags,
  summary: "Take the live site down (preview stays)",
  request: { params: siteParam, body: optionalEmptyBody },
  responses: { 200: jsonResponse(publishStatus, "Unpublished") },
});

const rollbackRoute = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/{siteId}/rollback",
  permission: "site:publish-live",
  tags,
  summary: "Serve an earlier deploy on a target again (instant: a pointer switch)",
  request: { params: siteParam, body: jsonBody(rollbackBody) },
  responses: {
    200: jsonResponse(publishStatus, "Rolled back"),
    409: { description: "That deploy cannot be served (not succeeded, or another target's)" },
  },
});

const listRoute = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/deploys",
  permission: "site:read",
  tags,
  summary: "The site's deploys, newest first",
  request: { params: siteParam, query: deployListQuery },
  responses: { 200: jsonResponse(page(deploy), "A page of deploys") },
});

const getRoute = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/deploys/{deployId}",
  permission: "site:read",
  tags,
  summary: "One deploy, with the tail of its build log",
  request: { params: deployParam },
  responses: { 200: jsonResponse(deployDetail, "The deploy") },
});

const offlineRoute = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/deploys/{deployId}/offline",
  permission: "site:read",
  tags,
  summary: "Download the deploy's offline copy (zip)",
  request: { params: deployParam },
  responses: {
    200: {
      description: "The zip",
      content: { "application/zip": { schema: { type: "string", format: "binary" } } },
    },
  },
});

const eventsRoute = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/publish/events",
  permission: "site:read",
  tags,
  summary: "Live publish status (WebSocket): a PublishEvent on connect and on every change",
  request: { params: siteParam },
  responses: {
    101: { description: "Switching to the WebSocket protocol" },
    426: { description: "Not a WebSocket upgrade" },
  },
});

const schedulesRoute = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/schedules",
  permission: "site:read",
  tags,
  summary: "The site's scheduled publishes and unpublishes",
  request: { params: siteParam },
  responses: { 200: jsonResponse(z.object({ items: z.array(schedule) }), "Schedules") },
});

const createScheduleRoute = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/{siteId}/schedules",
  permission: "site:publish-live",
  tags,
  summary: "Schedule a live publish or an unpublish",
  request: { params: siteParam, body: jsonBody(createScheduleBody) },
  responses: { 201: jsonResponse(schedule, "Scheduled") },
});

const cancelScheduleRoute = defineRoute({
  method: "delete",
  path: "/tenants/{tenantId}/sites/{siteId}/schedules/{scheduleId}",
  permission: "site:publish-live",
  tags,
  summary: "Cancel a pending scheduled action",
  request: { params: siteParam.extend(scheduleParam.shape) },
  responses: {
    200: jsonResponse(schedule, "Cancelled"),
    409: { description: "It already ran or was cancelled" },
  },
});

const failuresRoute = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/publish-failures",
  permission: "tenant:read",
  tags,
  summary: "Publishes you asked for that failed in the last 14 days",
  request: { params: z.object({ tenantId: prefixedId("ten") }) },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(
          z.object({
            deploy,
            site: z.object({ id: z.string(), title: z.string(), slug: z.string() }),
          }),
        ),
      }),
      "Failed publishes",
    ),
  },
});

async function statusOf(c: AppContext) {
  const status = await loadPublishStatus(
    c.env,
    c.get("db"),
    tenantOf(c).tenant.id,
    siteOf(c).site.id,
  );
  if (!status) throw new ApiError("NOT_FOUND");
  return status;
}

function writableSite(c: AppContext) {
  if (siteOf(c).site.archivedAt !== null) {
    throw new ApiError("CONFLICT", "The site is archived; restore it to publish");
  }
}

async function publish(c: AppContext, target: "preview" | "live", confirmBrokenLinks = false) {
  writableSite(c);
  const tenantId = tenantOf(c).tenant.id;
  const { site } = siteOf(c);
  const problems = await publishProblems(c.get("db"), tenantId, site.id, await siteConfig(c), [
    site.slug,
  ]);
  if (problems.length > 0) {
    throw new ApiError(
      "UNPROCESSABLE",
      `The site's content has ${problems.length >= 100 ? "100 or more" : problems.length} problem(s) to fix before publishing`,
      { errors: problems },
    );
  }
  if (config(c.env).builderSecrets.length === 0) {
    throw new ApiError(
      "CONFLICT",
      "Publishing is not configured on this deployment (BUILDER_JOB_SECRET is not set)",
    );
  }
  const { deployId: id, coalesced } = await publisherOf(c.env, site.id).request({
    tenantId,
    siteId: site.id,
    target,
    requestedBy: principalOf(c).user.id,
    // Someone publishing live by hand is asked about broken links, until they confirm.
    refuseBrokenLinks: target === "live" && !confirmBrokenLinks,
  });
  const row = await getDeploy(c.get("db"), tenantId, site.id, id);
  if (!row) throw new Error(`deploy ${id} vanished`);
  const warnings = await mediaWarnings(c.get("db"), tenantId, site.id);
  return { deploy: deployView(c.env, row, site), coalesced, mediaWarnings: warnings };
}

export const publishRoutes = new OpenAPIHono<AppEnv>()
  .openapi(statusRoute, async (c) => c.json(await statusOf(c), 200))
  .openapi(publishRoute("preview", emptyBody), async (c) =>
    c.json(await publish(c, "preview"), 202),
  )
  .openapi(publishRoute("live", publishLiveBody), async (c) => {
    // The body is optional: a request without one confirms nothing.
    const body = (c.req.valid("json") ?? {}) as { confirmBrokenLinks?: boolean };
    return c.json(await publish(c, "live", body.confirmBrokenLinks === true), 202);
  })
  .openapi(unpublishRoute, async (c) => {
    const tenantId = tenantOf(c).tenant.id;
    const { site } = siteOf(c);
    const principal = principalOf(c);
    if (site.liveDeployId !== null) {
      await switchPointer(
        c.env,
        c.get("db"),
        { userId: principal.user.id, email: principal.user.email, requestId: c.get("requestId") },
        {
          tenantId,
          siteId: site.id,
          target: "live",
          deployId: null,
          contentVersion: null,
          action: "site.unpublished",
        },
      );
      await publisherOf(c.env, site.id).changed(site.id, tenantId);
    }
    return c.json(await statusOf(c), 200);
  })
  .openapi(rollbackRoute, async (c) => {
    const tenantId = tenantOf(c).tenant.id;
    const { site } = siteOf(c);
    const body = c.req.valid("json");
    const principal = principalOf(c);
    const row = await getDeploy(c.get("db"), tenantId, site.id, body.deployId);
    if (!row) {
      throw new ApiError("NOT_FOUND", "No such deploy of this site", {
        errors: [{ field: "deployId", message: "is not a deploy of this site" }],
      });
    }
    if (row.target !== body.target) {
      throw new ApiError(
        "CONFLICT",
        `That deploy was built for ${row.target}, not ${body.target}`,
        {
          errors: [{ field: "deployId", message: `was built for ${row.target}` }],
        },
      );
    }
    if (row.activatedAt === null || !(row.state === "succeeded" || row.state === "activating")) {
      throw new ApiError("CONFLICT", "Only a deploy that was published can be served again", {
        errors: [{ field: "deployId", message: `is ${row.state}` }],
      });
    }
    await switchPointer(
      c.env,
      c.get("db"),
      { userId: principal.user.id, email: principal.user.email, requestId: c.get("requestId") },
      {
        tenantId,
        siteId: site.id,
        target: body.target,
        deployId: row.id,
        contentVersion: row.contentVersion,
        action: "site.rolled_back",
      },
    );
    await publisherOf(c.env, site.id).changed(site.id, tenantId);
    return c.json(await statusOf(c), 200);
  })
  .openapi(listRoute, async (c) => {
    const { site } = siteOf(c);
    const q = c.req.valid("query");
    const result = await listDeploys(c.get("db"), tenantOf(c).tenant.id, site.id, q);
    return c.json(
      { items: result.items.map((d) => deployView(c.env, d, site)), nextCursor: result.nextCursor },
      200,
    );
  })
  .openapi(getRoute, async (c) => {
    const { site } = siteOf(c);
    const row = await getDeploy(
      c.get("db"),
      tenantOf(c).tenant.id,
      site.id,
      c.req.valid("param").deployId,
    );
    if (!row) throw new ApiError("NOT_FOUND", "No such deploy");
    return c.json({ ...deployView(c.env, row, site), log: row.log, report: row.report }, 200);
  })
  .openapi(offlineRoute, async (c) => {
    const { site } = siteOf(c);
    const row = await getDeploy(
      c.get("db"),
      tenantOf(c).tenant.id,
      site.id,
      c.req.valid("param").deployId,
    );
    if (!row?.offlineKey) throw new ApiError("NOT_FOUND", "This deploy has no offline copy");
    const object = await c.env.SITES.get(row.offlineKey);
    if (!object) throw new ApiError("NOT_FOUND", "The offline copy is no longer stored");
    return new Response(object.body, {
      headers: {
        "content-type": "application/zip",
        "content-length": String(object.size),
        "content-disposition": `attachment; filename="${site.slug}-${row.target}.zip"`,
        "cache-control": "private, max-age=3600",
      },
    }) as never;
  })
  .openapi(eventsRoute, async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError("VALIDATION_FAILED", "Connect with a WebSocket upgrade", {
        errors: [{ field: "upgrade", message: "must be websocket" }],
      });
    }
    // Cross-site WebSocket hijacking: a browser sends cookies with a handshake from any page,
    // so a cookie-authenticated socket must come from the app's own origin.
    const origin = c.req.header("origin");
    if (principalOf(c).via === "session" && origin !== config(c.env).appOrigin) {
      throw new ApiError("CSRF_REJECTED", "The WebSocket must be opened from the app's origin");
    }
    const { site } = siteOf(c);
    const url = new URL("https://publisher.internal/events");
    url.searchParams.set("siteId", site.id);
    url.searchParams.set("tenantId", tenantOf(c).tenant.id);
    return (await publisherOf(c.env, site.id).fetch(
      new Request(url, { headers: { upgrade: "websocket" } }),
    )) as never;
  })
  .openapi(schedulesRoute, async (c) => {
    const rows = await listSchedules(c.get("db"), tenantOf(c).tenant.id, siteOf(c).site.id);
    return c.json({ items: rows.map(scheduleView) }, 200);
  })
  .openapi(createScheduleRoute, async (c) => {
    writableSite(c);
    const body = c.req.valid("json");
    const tenantId = tenantOf(c).tenant.id;
    const { site } = siteOf(c);
    const runAt = new Date(body.runAt);
    const now = Date.now();
    if (runAt.getTime() <= now + 30_000 || runAt.getTime() > now + 366 * 86_400_000) {
      throw new ApiError("VALIDATION_FAILED", "Some fields are not valid", {
        errors: [{ field: "runAt", message: "must be in the future (and within a year)" }],
      });
    }
    const id = newId("psch");
    const db = c.get("db");
    await db.batch([
      db.insert(publishSchedules).values({
        id,
        tenantId,
        siteId: site.id,
        action: body.action,
        runAt,
        createdBy: principalOf(c).user.id,
      }),
      auditStatement(c, {
        tenantId,
        action: "site.schedule_created",
        targetType: "site",
        targetId: site.id,
        data: { scheduleId: id, action: body.action, runAt: runAt.toISOString() },
      }),
    ]);
    await publisherOf(c.env, site.id).changed(site.id, tenantId);
    const row = await getSchedule(db, tenantId, site.id, id);
    if (!row) throw new Error("schedule vanished");
    return c.json(scheduleView(row), 201);
  })
  .openapi(cancelScheduleRoute, async (c) => {
    const tenantId = tenantOf(c).tenant.id;
    const { site } = siteOf(c);
    const { scheduleId } = c.req.valid("param");
    const db = c.get("db");
    const row = await getSchedule(db, tenantId, site.id, scheduleId);
    if (!row) throw new ApiError("NOT_FOUND", "No such schedule");
    if (row.state !== "pending") throw new ApiError("CONFLICT", `It is already ${row.state}`);
    const [result] = await db.batch([
      db
        .update(publishSchedules)
        .set({ state: "cancelled", updatedAt: new Date() })
        .where(
          and(
            eq(publishSchedules.tenantId, tenantId),
            eq(publishSchedules.id, scheduleId),
            eq(publishSchedules.state, "pending"),
          ),
        ),
      auditStatement(c, {
        tenantId,
        action: "site.schedule_cancelled",
        targetType: "site",
        targetId: site.id,
        data: { scheduleId },
      }),
    ]);
    if ((result.meta?.changes ?? 0) === 0) throw new ApiError("CONFLICT", "It ran meanwhile");
    await publisherOf(c.env, site.id).changed(site.id, tenantId);
    const after = await getSchedule(db, tenantId, site.id, scheduleId);
    return c.json(scheduleView(after ?? row), 200);
  })
  .openapi(failuresRoute, async (c) => {
    const since = new Date(Date.now() - 14 * 86_400_000);
    const rows = await failedDeploysOf(
      c.get("db"),
      tenantOf(c).tenant.id,
      principalOf(c).user.id,
      since,
    );
    return c.json(
      {
        items: rows.map((r) => ({
          deploy: deployView(c.env, r.deploy, { previewDeployId: null, liveDeployId: null }),
          site: r.site,
        })),
      },
      200,
    );
  });
