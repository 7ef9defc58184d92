import { OpenAPIHono, z } from "@hono/zod-openapi";
import { cursorQuery, ok, page, prefixedId } from "#schemas/common";
import { apiToken, createApiTokenBody, createdApiToken } from "#schemas/tokens";
import {
  getApiToken,
  insertApiToken,
  listApiTokens,
  revokeApiToken,
} from "#workers/db/queries/api-tokens";
import { expectChanged } from "#workers/db/queries/guards";
import type { apiTokens } from "#workers/db/schema";
import { auditStatement } from "#workers/domain/audit";
import { newId, randomSecret, sha256Hex } from "#workers/domain/ids";
import { canIssueTokenWithRole, tenantRoleAllows } from "#workers/domain/policy";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { API_TOKEN_PREFIX } from "../middleware/authenticate.ts";
import {
  defineRoute,
  iso,
  isoOrNull,
  jsonBody,
  jsonResponse,
  principalOf,
  tenantOf,
} from "../route.ts";
import { tenantParam } from "./tenants.ts";

type TokenRow = typeof apiTokens.$inferSelect;
const view = (t: TokenRow) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  prefix: t.prefix,
  userId: t.userId,
  expiresAt: isoOrNull(t.expiresAt),
  lastUsedAt: isoOrNull(t.lastUsedAt),
  revokedAt: isoOrNull(t.revokedAt),
  createdAt: iso(t.createdAt),
});

const tokenListQuery = cursorQuery.extend({
  scope: z.enum(["mine", "all"]).default("mine").meta({
    description: "`all` lists everyone's tokens (owners and admins)",
  }),
});

const list = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/tokens",
  permission: "tokens:own",
  tags: ["API tokens"],
  summary: "Your API tokens in this tenant (or everyone's, for admins)",
  request: { params: tenantParam, query: tokenListQuery },
  responses: { 200: jsonResponse(page(apiToken), "Tokens") },
});

const create = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/tokens",
  permission: "tokens:own",
  tags: ["API tokens"],
  summary: "Create an API token; its secret is returned this once",
  request: { params: tenantParam, body: jsonBody(createApiTokenBody) },
  responses: { 201: jsonResponse(createdApiToken, "Created") },
});

const revoke = defineRoute({
  method: "delete",
  path: "/tenants/{tenantId}/tokens/{tokenId}",
  permission: "tokens:own",
  tags: ["API tokens"],
  summary: "Revoke a token (yours, or anyone's for admins)",
  request: { params: tenantParam.extend({ tokenId: prefixedId("tok") }) },
  responses: { 200: jsonResponse(ok, "Revoked") },
});

export const apiTokenRoutes = new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => {
    const { tenant, role } = tenantOf(c);
    const { scope, ...q } = c.req.valid("query");
    if (scope === "all" && !tenantRoleAllows(role, "tokens:manage")) {
      throw new ApiError("FORBIDDEN", "Only owners and admins may list everyone's tokens");
    }
    const userId = scope === "mine" ? principalOf(c).user.id : undefined;
    const result = await listApiTokens(c.get("db"), tenant.id, {
      ...q,
      ...(userId ? { userId } : {}),
    });
    return c.json({ items: result.items.map(view), nextCursor: result.nextCursor }, 200);
  })
  .openapi(create, async (c) => {
    const { tenant, role: actorRole } = tenantOf(c);
    const principal = principalOf(c);
    if (principal.via !== "session") {
      // A leaked token must not be able to mint fresh ones.
      throw new ApiError("FORBIDDEN", "Create API tokens from a signed-in session");
    }
    const body = c.req.valid("json");
    if (!canIssueTokenWithRole(actorRole, body.role)) {
      throw new ApiError("FORBIDDEN", `A ${actorRole} cannot create a ${body.role} token`, {
        errors: [{ field: "role", message: `must not be above ${actorRole}` }],
      });
    }
    const secret = `${API_TOKEN_PREFIX}${randomSecret(32)}`;
    const now = new Date();
    const row = {
      id: newId("tok"),
      tenantId: tenant.id,
      userId: principal.user.id,
      name: body.name,
      role: body.role,
      prefix: secret.slice(0, 12),
      tokenHash: await sha256Hex(secret),
      expiresAt: body.expiresInDays
        ? new Date(now.getTime() + body.expiresInDays * 86_400_000)
        : null,
      // Stored as reported below, so a later list shows the same createdAt.
      createdAt: now,
    };
    const db = c.get("db");
    await db.batch([
      insertApiToken(db, row),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "token.created",
        targetType: "token",
        targetId: row.id,
        data: { name: row.name, role: row.role, prefix: row.prefix },
      }),
    ]);
    const token = view({
      ...row,
      lastUsedAt: null,
      revokedAt: null,
      updatedAt: now,
    });
    return c.json({ token, secret }, 201);
  })
  .openapi(revoke, async (c) => {
    const { tenant, role } = tenantOf(c);
    const principal = principalOf(c);
    const { tokenId } = c.req.valid("param");
    const db = c.get("db");
    const token = await getApiToken(db, tenant.id, tokenId);
    const mayManage = tenantRoleAllows(role, "tokens:manage");
    if (!token || (token.userId !== principal.user.id && !mayManage)) {
      throw new ApiError("NOT_FOUND", "No such token");
    }
    if (token.revokedAt) throw new ApiError("CONFLICT", "The token was already revoked");
    await db.batch([
      revokeApiToken(db, tenant.id, tokenId, new Date()),
      expectChanged(db),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "token.revoked",
        targetType: "token",
        targetId: tokenId,
        data: { name: token.name, prefix: token.prefix },
      }),
    ]);
    return c.json({ ok: true as const }, 200);
  });
