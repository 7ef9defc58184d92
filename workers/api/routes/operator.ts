// Platform operator: tenants and users across the platform.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { cursorQuery, ok, page, prefixedId } from "#schemas/common";
import { createdTenant, createTenantBody, tenant } from "#schemas/tenants";
import { getTenantBySlug, listTenants } from "#workers/db/queries/tenants";
import { deleteSessionsOfUser, getUserById } from "#workers/db/queries/users";
import { users } from "#workers/db/schema";
import { auditStatement } from "#workers/domain/audit";
import { sendInBackground } from "#workers/domain/mail";
import { createTenantWithOwner } from "#workers/domain/tenants";
import { config } from "#workers/env";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { defineRoute, iso, jsonBody, jsonResponse } from "../route.ts";

const list = defineRoute({
  method: "get",
  path: "/operator/tenants",
  permission: "platform:tenants",
  tags: ["Operator"],
  summary: "List every tenant",
  request: { query: cursorQuery },
  responses: { 200: jsonResponse(page(tenant), "Tenants") },
});

const create = defineRoute({
  method: "post",
  path: "/operator/tenants",
  permission: "platform:tenants",
  tags: ["Operator"],
  summary: "Create a tenant with its first owner (invited by email if they have no account)",
  request: { body: jsonBody(createTenantBody) },
  responses: {
    201: jsonResponse(createdTenant, "Created"),
    409: { description: "The slug is taken" },
  },
});

const userIdParam = z.object({ userId: prefixedId("usr") });

const disableUser = defineRoute({
  method: "post",
  path: "/operator/users/{userId}/disable",
  permission: "platform:tenants",
  tags: ["Operator"],
  summary: "Disable a user everywhere: ends their sessions; their tokens stop working",
  request: { params: userIdParam },
  responses: { 200: jsonResponse(ok, "Disabled") },
});

const enableUser = defineRoute({
  method: "post",
  path: "/operator/users/{userId}/enable",
  permission: "platform:tenants",
  tags: ["Operator"],
  summary: "Enable a disabled user",
  request: { params: userIdParam },
  responses: { 200: jsonResponse(ok, "Enabled") },
});

export const operatorRoutes = new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => {
    const result = await listTenants(c.get("db"), c.req.valid("query"));
    return c.json(
      {
        items: result.items.map((t) => ({
          id: t.id,
          slug: t.slug,
          name: t.name,
          createdAt: iso(t.createdAt),
        })),
        nextCursor: result.nextCursor,
      },
      200,
    );
  })
  .openapi(create, async (c) => {
    const body = c.req.valid("json");
    if (body.slug && (await getTenantBySlug(c.get("db"), body.slug))) {
      throw new ApiError("ALREADY_EXISTS", "A tenant with this slug exists", {
        errors: [{ field: "slug", message: "is taken" }],
      });
    }
    const created = await createTenantWithOwner(c.get("db"), {
      ...body,
      appUrl: config(c.env).APP_URL,
      audit: (event) => auditStatement(c, event),
    });
    if (created.ownerInvitationUrl) {
      sendInBackground(c.env, c.executionCtx, {
        to: body.ownerEmail,
        subject: `You are the owner of ${created.tenant.name} on Lectern`,
        text: `Set your password and sign in: ${created.ownerInvitationUrl}\nThe link works once and expires in 7 days.`,
      });
    }
    return c.json(
      {
        tenant: {
          id: created.tenant.id,
          slug: created.tenant.slug,
          name: created.tenant.name,
          createdAt: iso(created.tenant.createdAt),
        },
        ownerInvitationUrl: created.ownerInvitationUrl,
      },
      201,
    );
  })
  .openapi(disableUser, async (c) => {
    const { userId } = c.req.valid("param");
    const db = c.get("db");
    if (!(await getUserById(db, userId))) throw new ApiError("NOT_FOUND", "No such user");
    await db.batch([
      db
        .update(users)
        .set({ disabledAt: new Date(), updatedAt: new Date() })
        .where(eq(users.id, userId)),
      deleteSessionsOfUser(db, userId),
      auditStatement(c, {
        tenantId: null,
        action: "user.disabled",
        targetType: "user",
        targetId: userId,
      }),
    ]);
    return c.json({ ok: true as const }, 200);
  })
  .openapi(enableUser, async (c) => {
    const { userId } = c.req.valid("param");
    const db = c.get("db");
    if (!(await getUserById(db, userId))) throw new ApiError("NOT_FOUND", "No such user");
    await db.batch([
      db.update(users).set({ disabledAt: null, updatedAt: new Date() }).where(eq(users.id, userId)),
      auditStatement(c, {
        tenantId: null,
        action: "user.enabled",
        targetType: "user",
        targetId: userId,
      }),
    ]);
    return c.json({ ok: true as const }, 200);
  });
