import { OpenAPIHono } from "@hono/zod-openapi";
import { cursorQuery, ok, page, prefixedId } from "#schemas/common";
import { member, updateMemberBody } from "#schemas/members";
import { revokeApiTokensOfUser } from "#workers/db/queries/api-tokens";
import { expectChanged } from "#workers/db/queries/guards";
import {
  countOwners,
  deleteMember,
  getMember,
  listMembers,
  updateMemberRole,
} from "#workers/db/queries/members";
import { deleteCollaboratorsOfUser } from "#workers/db/queries/sites";
import { listMembershipsOfUser } from "#workers/db/queries/tenants";
import { deleteSessionsOfUser } from "#workers/db/queries/users";
import { auditStatement } from "#workers/domain/audit";
import { canAssignTenantRole } from "#workers/domain/policy";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { defineRoute, iso, jsonBody, jsonResponse, tenantOf } from "../route.ts";
import { tenantParam } from "./tenants.ts";

const memberParam = tenantParam.extend({ memberId: prefixedId("mem") });

const list = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/members",
  permission: "members:read",
  tags: ["Members"],
  summary: "Members of the tenant",
  request: { params: tenantParam, query: cursorQuery },
  responses: { 200: jsonResponse(page(member), "Members") },
});

const update = defineRoute({
  method: "patch",
  path: "/tenants/{tenantId}/members/{memberId}",
  permission: "members:manage",
  tags: ["Members"],
  summary: "Change a member's role",
  request: { params: memberParam, body: jsonBody(updateMemberBody) },
  responses: { 200: jsonResponse(member, "Updated"), 409: { description: "Would leave no owner" } },
});

const remove = defineRoute({
  method: "delete",
  path: "/tenants/{tenantId}/members/{memberId}",
  permission: "members:manage",
  tags: ["Members"],
  summary: "Remove a member (revokes their tokens in this tenant)",
  request: { params: memberParam },
  responses: { 200: jsonResponse(ok, "Removed"), 409: { description: "Would leave no owner" } },
});

type MemberRow = NonNullable<Awaited<ReturnType<typeof getMember>>>;
export const memberView = (m: MemberRow) => ({
  id: m.id,
  userId: m.userId,
  email: m.email,
  name: m.name,
  role: m.role,
  disabled: m.disabledAt !== null,
  createdAt: iso(m.createdAt),
});

export const memberRoutes = new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => {
    const { tenant } = tenantOf(c);
    const result = await listMembers(c.get("db"), tenant.id, c.req.valid("query"));
    return c.json({ items: result.items.map(memberView), nextCursor: result.nextCursor }, 200);
  })
  .openapi(update, async (c) => {
    const { tenant, role: actorRole } = tenantOf(c);
    const { memberId } = c.req.valid("param");
    const { role } = c.req.valid("json");
    const db = c.get("db");
    const target = await getMember(db, tenant.id, memberId);
    if (!target) throw new ApiError("NOT_FOUND", "No such member");
    if (!canAssignTenantRole(actorRole, role, target.role)) {
      throw new ApiError("FORBIDDEN", `A ${actorRole} cannot make a ${target.role} into a ${role}`);
    }
    if (target.role === "owner" && role !== "owner" && (await countOwners(db, tenant.id)) <= 1) {
      throw new ApiError("CONFLICT", "A tenant must keep at least one owner", {
        errors: [{ field: "role", message: "would leave the tenant without an owner" }],
      });
    }
    await db.batch([
      updateMemberRole(db, tenant.id, memberId, role),
      expectChanged(db),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "member.role_changed",
        targetType: "member",
        targetId: memberId,
        data: { email: target.email, from: target.role, to: role },
      }),
    ]);
    return c.json(memberView({ ...target, role }), 200);
  })
  .openapi(remove, async (c) => {
    const { tenant, role: actorRole } = tenantOf(c);
    const { memberId } = c.req.valid("param");
    const db = c.get("db");
    const target = await getMember(db, tenant.id, memberId);
    if (!target) throw new ApiError("NOT_FOUND", "No such member");
    if (!canAssignTenantRole(actorRole, target.role, target.role)) {
      throw new ApiError("FORBIDDEN", `A ${actorRole} cannot remove a ${target.role}`);
    }
    if (target.role === "owner" && (await countOwners(db, tenant.id)) <= 1) {
      throw new ApiError("CONFLICT", "A tenant must keep at least one owner");
    }
    const elsewhere = (await listMembershipsOfUser(db, target.userId)).filter(
      (m) => m.tenantId !== tenant.id,
    );
    const now = new Date();
    await db.batch([
      deleteMember(db, tenant.id, memberId),
      expectChanged(db),
      revokeApiTokensOfUser(db, tenant.id, target.userId, now),
      deleteCollaboratorsOfUser(db, tenant.id, target.userId),
      // Someone who belongs nowhere any more has no reason to stay signed in.
      ...(elsewhere.length === 0 ? [deleteSessionsOfUser(db, target.userId)] : []),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "member.removed",
        targetType: "member",
        targetId: memberId,
        data: { email: target.email, role: target.role },
      }),
    ]);
    return c.json({ ok: true as const }, 200);
  });
