import { OpenAPIHono, z } from "@hono/zod-openapi";
import { tenantRole } from "#schemas/roles";
import { tenant, tenantId, updateTenantBody } from "#schemas/tenants";
import { updateTenantName } from "#workers/db/queries/tenants";
import { auditStatement } from "#workers/domain/audit";
import type { AppEnv } from "../context.ts";
import { defineRoute, iso, jsonBody, jsonResponse, tenantOf } from "../route.ts";

export const tenantParam = z.object({ tenantId });

const tenantWithRole = z.object({ tenant, role: tenantRole });

const get = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}",
  permission: "tenant:read",
  tags: ["Tenants"],
  summary: "A tenant you belong to, with your role in it",
  request: { params: tenantParam },
  responses: { 200: jsonResponse(tenantWithRole, "The tenant") },
});

const update = defineRoute({
  method: "patch",
  path: "/tenants/{tenantId}",
  permission: "tenant:update",
  tags: ["Tenants"],
  summary: "Rename a tenant",
  request: { params: tenantParam, body: jsonBody(updateTenantBody) },
  responses: { 200: jsonResponse(tenantWithRole, "Updated") },
});

const view = (t: { id: string; slug: string; name: string; createdAt: Date }) => ({
  id: t.id,
  slug: t.slug,
  name: t.name,
  createdAt: iso(t.createdAt),
});

export const tenantRoutes = new OpenAPIHono<AppEnv>()
  .openapi(get, async (c) => {
    const { tenant: t, role } = tenantOf(c);
    return c.json({ tenant: view(t), role }, 200);
  })
  .openapi(update, async (c) => {
    const { tenant: t, role } = tenantOf(c);
    const { name } = c.req.valid("json");
    const db = c.get("db");
    const [[updated]] = await db.batch([
      updateTenantName(db, t.id, name),
      auditStatement(c, {
        tenantId: t.id,
        action: "tenant.updated",
        targetType: "tenant",
        targetId: t.id,
        data: { from: t.name, to: name },
      }),
    ]);
    return c.json({ tenant: view(updated ?? { ...t, name }), role }, 200);
  });
