import { OpenAPIHono } from "@hono/zod-openapi";
import { cursorQuery, ok, page, prefixedId } from "#schemas/common";
import {
  acceptedInvitation,
  acceptInvitationBody,
  createdInvitation,
  createInvitationBody,
  invitation,
  invitationPreview,
  invitationTokenQuery,
} from "#schemas/members";
import { expectChanged, isGuardFailure } from "#workers/db/queries/guards";
import {
  findPendingInvitation,
  getInvitation,
  getInvitationByTokenHash,
  insertInvitation,
  listInvitations,
  markInvitationAccepted,
  revokeInvitation,
} from "#workers/db/queries/invitations";
import { insertMembership, isMember } from "#workers/db/queries/members";
import { getUserByEmail } from "#workers/db/queries/users";
import type { invitations } from "#workers/db/schema";
import {
  hashPassword,
  INVITATION_TTL_MS,
  invitationUrl,
  newUserStatements,
} from "#workers/domain/accounts";
import { auditStatement } from "#workers/domain/audit";
import { getAuth } from "#workers/domain/auth";
import { newId, randomSecret, sha256Hex } from "#workers/domain/ids";
import { sendInBackground } from "#workers/domain/mail";
import { canAssignTenantRole } from "#workers/domain/policy";
import { config } from "#workers/env";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { defineRoute, iso, jsonBody, jsonResponse, tenantOf } from "../route.ts";
import { tenantParam } from "./tenants.ts";

type InvitationRow = typeof invitations.$inferSelect;

function statusOf(inv: InvitationRow, now: Date) {
  if (inv.acceptedAt) return "accepted" as const;
  if (inv.revokedAt) return "revoked" as const;
  if (inv.expiresAt <= now) return "expired" as const;
  return "pending" as const;
}

const view = (inv: InvitationRow, now = new Date()) => ({
  id: inv.id,
  email: inv.email,
  role: inv.role,
  status: statusOf(inv, now),
  expiresAt: iso(inv.expiresAt),
  createdAt: iso(inv.createdAt),
});

const list = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/invitations",
  permission: "invitations:manage",
  tags: ["Members"],
  summary: "Invitations, newest first",
  request: { params: tenantParam, query: cursorQuery },
  responses: { 200: jsonResponse(page(invitation), "Invitations") },
});

const create = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/invitations",
  permission: "invitations:manage",
  tags: ["Members"],
  summary: "Invite someone by email (the link is returned once and emailed)",
  request: { params: tenantParam, body: jsonBody(createInvitationBody) },
  responses: {
    201: jsonResponse(createdInvitation, "Invited"),
    409: { description: "Already a member, or already invited" },
  },
});

const revoke = defineRoute({
  method: "delete",
  path: "/tenants/{tenantId}/invitations/{invitationId}",
  permission: "invitations:manage",
  tags: ["Members"],
  summary: "Revoke a pending invitation",
  request: { params: tenantParam.extend({ invitationId: prefixedId("inv") }) },
  responses: { 200: jsonResponse(ok, "Revoked"), 409: { description: "Not pending" } },
});

const preview = defineRoute({
  method: "get",
  path: "/invitations/preview",
  permission: "public",
  tags: ["Members"],
  summary: "What an invitation link is for, before accepting it",
  request: { query: invitationTokenQuery },
  responses: {
    200: jsonResponse(invitationPreview, "The invitation"),
    410: { description: "Accepted, revoked or expired" },
  },
});

const accept = defineRoute({
  method: "post",
  path: "/invitations/accept",
  permission: "public",
  tags: ["Members"],
  summary: "Accept an invitation: new people set a name and password; existing users sign in first",
  request: { body: jsonBody(acceptInvitationBody) },
  responses: {
    200: jsonResponse(acceptedInvitation, "Accepted (signed in)"),
    410: { description: "Accepted, revoked or expired" },
  },
});

/**
 * Accepting is one batch guarded by the invitation still being pending when it runs, so a link
 * used twice at once, or revoked mid-way, creates nothing (not even the new account).
 */
async function acceptOnce(batch: Promise<unknown>) {
  try {
    await batch;
  } catch (err) {
    if (isGuardFailure(err)) {
      throw new ApiError("INVITATION_INVALID", "This invitation was just accepted or revoked");
    }
    throw err;
  }
}

async function resolvePending(c: AppContext, token: string) {
  const found = await getInvitationByTokenHash(c.get("db"), await sha256Hex(token));
  if (!found) throw new ApiError("NOT_FOUND", "No such invitation");
  const status = statusOf(found.invitation, new Date());
  if (status !== "pending")
    throw new ApiError("INVITATION_INVALID", `This invitation was ${status}`);
  return found;
}

export const invitationRoutes = new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => {
    const { tenant } = tenantOf(c);
    const result = await listInvitations(c.get("db"), tenant.id, c.req.valid("query"));
    const now = new Date();
    return c.json(
      { items: result.items.map((i) => view(i, now)), nextCursor: result.nextCursor },
      200,
    );
  })
  .openapi(create, async (c) => {
    const { tenant, role: actorRole } = tenantOf(c);
    const { email, role } = c.req.valid("json");
    if (!canAssignTenantRole(actorRole, role)) {
      throw new ApiError("FORBIDDEN", `A ${actorRole} cannot invite a ${role}`, {
        errors: [{ field: "role", message: `must not be above ${actorRole}` }],
      });
    }
    const db = c.get("db");
    const now = new Date();
    const existing = await getUserByEmail(db, email);
    if (existing && (await isMember(db, tenant.id, existing.id))) {
      throw new ApiError("ALREADY_EXISTS", "This person is already a member", {
        errors: [{ field: "email", message: "is already a member" }],
      });
    }
    if (await findPendingInvitation(db, tenant.id, email, now)) {
      throw new ApiError("ALREADY_EXISTS", "This email already has a pending invitation", {
        errors: [
          {
            field: "email",
            message: "already has a pending invitation; revoke it to send a new one",
          },
        ],
      });
    }
    const secret = randomSecret();
    const row = {
      id: newId("inv"),
      tenantId: tenant.id,
      email,
      role,
      tokenHash: await sha256Hex(secret),
      invitedBy: c.get("principal")?.user.id ?? null,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      // Stored as reported below, so a later list shows the same createdAt.
      createdAt: now,
    };
    await db.batch([
      insertInvitation(db, row),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "member.invited",
        targetType: "invitation",
        targetId: row.id,
        data: { email, role },
      }),
    ]);
    const url = invitationUrl(config(c.env).APP_URL, secret);
    sendInBackground(c.env, c.executionCtx, {
      to: email,
      subject: `You are invited to ${tenant.name} on Lectern`,
      text: `You have been invited to join ${tenant.name} as ${role}.\nAccept: ${url}\nThe link works once and expires in 7 days.`,
    });
    return c.json(
      {
        invitation: view({
          ...row,
          acceptedAt: null,
          acceptedBy: null,
          revokedAt: null,
          updatedAt: now,
        }),
        url,
      },
      201,
    );
  })
  .openapi(revoke, async (c) => {
    const { tenant } = tenantOf(c);
    const { invitationId } = c.req.valid("param");
    const db = c.get("db");
    const inv = await getInvitation(db, tenant.id, invitationId);
    if (!inv) throw new ApiError("NOT_FOUND", "No such invitation");
    const status = statusOf(inv, new Date());
    if (status === "accepted" || status === "revoked") {
      throw new ApiError("CONFLICT", `The invitation was already ${status}`);
    }
    await db.batch([
      revokeInvitation(db, tenant.id, invitationId, new Date()),
      expectChanged(db),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "invitation.revoked",
        targetType: "invitation",
        targetId: invitationId,
        data: { email: inv.email },
      }),
    ]);
    return c.json({ ok: true as const }, 200);
  })
  .openapi(preview, async (c) => {
    const { token } = c.req.valid("query");
    const { invitation: inv, tenant } = await resolvePending(c, token);
    const accountExists = (await getUserByEmail(c.get("db"), inv.email)) !== undefined;
    return c.json(
      {
        tenantName: tenant.name,
        email: inv.email,
        role: inv.role,
        expiresAt: iso(inv.expiresAt),
        accountExists,
      },
      200,
    );
  })
  .openapi(accept, async (c) => {
    const body = c.req.valid("json");
    const { invitation: inv, tenant } = await resolvePending(c, body.token);
    const db = c.get("db");
    const now = new Date();
    const existing = await getUserByEmail(db, inv.email);
    const principal = c.get("principal");
    // The target is the new membership, as for every other member.* event (not the user id).
    const membershipId = newId("mem");
    const auditAccepted = (userId: string) =>
      auditStatement(c, {
        tenantId: tenant.id,
        action: "member.joined",
        targetType: "member",
        targetId: membershipId,
        data: { email: inv.email, role: inv.role, invitationId: inv.id, userId },
      });
    if (existing) {
      if (principal?.via !== "session") {
        throw new ApiError("UNAUTHENTICATED", `Sign in as ${inv.email} to accept this invitation`);
      }
      if (principal.user.id !== existing.id) {
        throw new ApiError(
          "FORBIDDEN",
          `This invitation is for ${inv.email}; sign in as that account`,
        );
      }
      if (await isMember(db, tenant.id, existing.id)) {
        throw new ApiError("ALREADY_EXISTS", "You are already a member of this tenant");
      }
      await acceptOnce(
        db.batch([
          markInvitationAccepted(db, tenant.id, inv.id, existing.id, now),
          expectChanged(db),
          insertMembership(db, {
            id: membershipId,
            tenantId: tenant.id,
            userId: existing.id,
            role: inv.role,
          }),
          auditAccepted(existing.id),
        ]),
      );
      return c.json({ tenantId: tenant.id, tenantSlug: tenant.slug, email: inv.email }, 200);
    }
    const errors = [];
    if (!body.name) errors.push({ field: "name", message: "is required to create your account" });
    if (!body.password)
      errors.push({ field: "password", message: "is required to create your account" });
    if (!body.name || !body.password) {
      throw new ApiError("VALIDATION_FAILED", "Choose a name and a password", { errors });
    }
    const auth = getAuth(c.env, db);
    const user = newUserStatements(db, {
      email: inv.email,
      name: body.name,
      passwordHash: await hashPassword(auth, body.password),
    });
    await acceptOnce(
      db.batch([
        // The user first: accepted_by and the membership reference the new users row.
        ...user.statements,
        markInvitationAccepted(db, tenant.id, inv.id, user.id, now),
        expectChanged(db),
        insertMembership(db, {
          id: membershipId,
          tenantId: tenant.id,
          userId: user.id,
          role: inv.role,
        }),
        auditAccepted(user.id),
      ]),
    );
    // Sign the new user in right away.
    const signedIn = await auth.api.signInEmail({
      body: { email: inv.email, password: body.password, rememberMe: true },
      headers: c.req.raw.headers,
      returnHeaders: true,
    });
    for (const cookie of signedIn.headers.getSetCookie())
      c.header("Set-Cookie", cookie, { append: true });
    return c.json({ tenantId: tenant.id, tenantSlug: tenant.slug, email: inv.email }, 200);
  });
