import { OpenAPIHono } from "@hono/zod-openapi";
import { auditEvent, auditListQuery } from "#schemas/audit";
import { page } from "#schemas/common";
import { listAuditEvents } from "#workers/db/queries/audit";
import type { AppEnv } from "../context.ts";
import { defineRoute, iso, jsonResponse, tenantOf } from "../route.ts";
import { tenantParam } from "./tenants.ts";

const list = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/audit",
  permission: "audit:read",
  tags: ["Audit"],
  summary: "The tenant's audit log, newest first, filterable",
  request: { params: tenantParam, query: auditListQuery },
  responses: { 200: jsonResponse(page(auditEvent), "Audit events") },
});

export const auditRoutes = new OpenAPIHono<AppEnv>().openapi(list, async (c) => {
  const { tenant } = tenantOf(c);
  const result = await listAuditEvents(c.get("db"), tenant.id, c.req.valid("query"));
  return c.json(
    {
      items: result.items.map((e) => ({
        id: e.id,
        action: e.action,
        targetType: e.targetType,
        targetId: e.targetId,
        actorUserId: e.actorUserId,
        actorTokenId: e.actorTokenId,
        actorEmail: e.actorEmail,
        data: e.data ?? null,
        requestId: e.requestId,
        createdAt: iso(e.createdAt),
      })),
      nextCursor: result.nextCursor,
    },
    200,
  );
});
