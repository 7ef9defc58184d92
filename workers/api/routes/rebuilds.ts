// Mass rebuilds: every published site of a tenant (a tenant admin) or of every tenant (the
// platform operator) rebuilt, e.g. after a theme change, with live counts and a cancel. The
// fan-out runs on the publish queue (workers/queues/publish.ts); counts come from the deploys.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import { type CursorQuery, cursorQuery, page, prefixedId } from "#schemas/common";
import { type Rebuild, rebuild, rebuildParam } from "#schemas/publish";
import type { PublishMessage } from "#schemas/publish-queue";
import { getRebuild, listRebuilds } from "#workers/db/queries/deploys";
import { deploys, rebuilds } from "#workers/db/schema";
import { auditStatement } from "#workers/domain/audit";
import { newId } from "#workers/domain/ids";
import type { Permission } from "#workers/domain/policy";
import { rebuildView } from "#workers/publishing/views";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { defineRoute, jsonResponse, principalOf, tenantOf } from "../route.ts";

const tenantParam = z.object({ tenantId: prefixedId("ten") });
const emptyBody = {
  required: false,
  content: { "application/json": { schema: z.strictObject({}) } },
} as const;
const tags = ["Publishing"];

type Scope = "tenant" | "operator";

/**
 * The four routes under one base path. Each scope gets its own set, typed with its own path
 * parameters, so the typed client knows `/operator/rebuilds` takes no tenant id.
 */
function routes<const Base extends string, P extends z.ZodObject, R extends z.ZodObject>(
  base: Base,
  permission: Permission,
  params: P,
  withRebuild: R,
  who: string,
) {
  return {
    start: defineRoute({
      method: "post",
      path: base,
      permission,
      tags,
      summary: `Rebuild all of ${who} published sites`,
      request: { params, body: emptyBody },
      responses: { 202: jsonResponse(rebuild, "Started") },
    }),
    list: defineRoute({
      method: "get",
      path: base,
      permission,
      tags,
      summary: "Mass rebuilds, newest first",
      request: { params, query: cursorQuery },
      responses: { 200: jsonResponse(page(rebuild), "A page of rebuilds") },
    }),
    get: defineRoute({
      method: "get",
      path: `${base}/{rebuildId}` as const,
      permission,
      tags,
      summary: "One mass rebuild with its counts",
      request: { params: withRebuild },
      responses: { 200: jsonResponse(rebuild, "The rebuild") },
    }),
    cancel: defineRoute({
      method: "post",
      path: `${base}/{rebuildId}/cancel` as const,
      permission,
      tags,
      summary: "Cancel a mass rebuild (builds already running finish)",
      request: { params: withRebuild, body: emptyBody },
      responses: { 200: jsonResponse(rebuild, "Cancelled") },
    }),
  };
}

const tenantScoped = routes(
  "/tenants/{tenantId}/rebuilds",
  "sites:rebuild",
  tenantParam,
  tenantParam.extend(rebuildParam.shape),
  "the tenant's",
);
const platformWide = routes(
  "/operator/rebuilds",
  "platform:tenants",
  z.object({}),
  rebuildParam,
  "every tenant's",
);

const scopeTenant = (c: AppContext, scope: Scope) =>
  scope === "tenant" ? tenantOf(c).tenant.id : null;

async function viewOf(c: AppContext, scope: Scope, id: string): Promise<Rebuild> {
  const row = await getRebuild(c.get("db"), scopeTenant(c, scope), id);
  if (!row) throw new ApiError("NOT_FOUND", "No such rebuild");
  return rebuildView(c.get("db"), row);
}

async function startRebuild(c: AppContext, scope: Scope): Promise<Rebuild> {
  const tenantId = scopeTenant(c, scope);
  const id = newId("rbd");
  const db = c.get("db");
  const userId = principalOf(c).user.id;
  await db.batch([
    db.insert(rebuilds).values({ id, tenantId, createdBy: userId }),
    auditStatement(c, {
      tenantId,
      action: "sites.rebuild_started",
      targetType: "rebuild",
      targetId: id,
    }),
  ]);
  const message: PublishMessage = {
    kind: "rebuild-fanout",
    rebuildId: id,
    tenantId,
    afterId: null,
    requestedBy: userId,
  };
  await c.env.PUBLISH_QUEUE.send(message);
  return viewOf(c, scope, id);
}

async function rebuildPage(c: AppContext, scope: Scope, q: CursorQuery) {
  const tenantId = scopeTenant(c, scope);
  const result = await listRebuilds(
    c.get("db"),
    tenantId === null ? { all: true } : { tenantId },
    q,
  );
  const items = await Promise.all(result.items.map((row) => rebuildView(c.get("db"), row)));
  return { items, nextCursor: result.nextCursor };
}

async function cancelRebuild(c: AppContext, scope: Scope, rebuildId: string): Promise<Rebuild> {
  const tenantId = scopeTenant(c, scope);
  const db = c.get("db");
  const row = await getRebuild(db, tenantId, rebuildId);
  if (!row) throw new ApiError("NOT_FOUND", "No such rebuild");
  if (row.state !== "running") throw new ApiError("CONFLICT", `The rebuild is ${row.state}`);
  const now = new Date();
  await db.batch([
    db
      .update(rebuilds)
      .set({ state: "cancelled", finishedAt: now, updatedAt: now })
      .where(and(eq(rebuilds.id, rebuildId), eq(rebuilds.state, "running"))),
    // Shares still waiting and asked for by nobody else never run.
    db
      .update(deploys)
      .set({
        state: "cancelled",
        message: "Mass rebuild cancelled",
        finishedAt: now,
        updatedAt: now,
      })
      .where(
        and(
          eq(deploys.rebuildId, rebuildId),
          inArray(deploys.state, ["queued"]),
          eq(deploys.requests, 1),
        ),
      ),
    auditStatement(c, {
      tenantId,
      action: "sites.rebuild_cancelled",
      targetType: "rebuild",
      targetId: rebuildId,
    }),
  ]);
  return viewOf(c, scope, rebuildId);
}

export const rebuildRoutes = new OpenAPIHono<AppEnv>()
  .openapi(tenantScoped.start, async (c) => c.json(await startRebuild(c, "tenant"), 202))
  .openapi(tenantScoped.list, async (c) =>
    c.json(await rebuildPage(c, "tenant", c.req.valid("query")), 200),
  )
  .openapi(tenantScoped.get, async (c) =>
    c.json(await viewOf(c, "tenant", c.req.valid("param").rebuildId), 200),
  )
  .openapi(tenantScoped.cancel, async (c) =>
    c.json(await cancelRebuild(c, "tenant", c.req.valid("param").rebuildId), 200),
  )
  .openapi(platformWide.start, async (c) => c.json(await startRebuild(c, "operator"), 202))
  .openapi(platformWide.list, async (c) =>
    c.json(await rebuildPage(c, "operator", c.req.valid("query")), 200),
  )
  .openapi(platformWide.get, async (c) =>
    c.json(await viewOf(c, "operator", c.req.valid("param").rebuildId), 200),
  )
  .openapi(platformWide.cancel, async (c) =>
    c.json(await cancelRebuild(c, "operator", c.req.valid("param").rebuildId), 200),
  );
