import { OpenAPIHono, z } from "@hono/zod-openapi";
import { ok, prefixedId } from "#schemas/common";
import type { TenantRole } from "#schemas/roles";
import {
  addCollaboratorBody,
  type CreateSiteBody,
  collaborator,
  createSiteBody,
  site,
  siteListQuery,
  siteStarter,
  updateCollaboratorBody,
  updateSiteBody,
} from "#schemas/sites";
import type { StarterConfig } from "#schemas/starter";
import { isMember } from "#workers/db/queries/members";
import {
  collaboratorRolesOf,
  deleteCollaborator,
  getCollaborator,
  getSiteBySlug,
  getSiteView,
  insertCollaborator,
  insertSite,
  listCollaborators,
  listSites,
  updateCollaboratorRole,
  updateSite,
} from "#workers/db/queries/sites";
import {
  getStarter,
  getStarterBySlug,
  getStarterVersion,
  getStarterVersionById,
} from "#workers/db/queries/starters";
import { firstFreeSlug, slugify } from "#workers/domain/accounts";
import { auditStatement } from "#workers/domain/audit";
import { ensureBuiltInStarters } from "#workers/domain/builtin-starters";
import { newId } from "#workers/domain/ids";
import { effectiveSiteRole } from "#workers/domain/policy";
import { announce, prepareSiteEvent } from "#workers/publishing/site-events";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import {
  defineRoute,
  iso,
  jsonBody,
  jsonResponse,
  principalOf,
  siteOf,
  tenantOf,
} from "../route.ts";
import { tenantParam } from "./tenants.ts";

const siteParam = tenantParam.extend({ siteId: prefixedId("site") });
const collaboratorParam = siteParam.extend({ collaboratorId: prefixedId("col") });

type SiteViewRow = NonNullable<Awaited<ReturnType<typeof getSiteView>>>;

export function siteView(row: SiteViewRow, role: "admin" | "editor" | "viewer") {
  const s = row.site;
  return {
    id: s.id,
    slug: s.slug,
    title: s.title,
    starter: {
      id: s.starterId,
      slug: row.starterSlug,
      name: row.starterName,
      version: row.starterVersion,
    },
    ownerUserId: s.ownerUserId,
    archived: s.archivedAt !== null,
    publish: {
      contentVersion: s.contentVersion,
      previewVersion: s.previewPublishedVersion,
      liveVersion: s.livePublishedVersion,
      previewChanges: s.contentVersion !== (s.previewPublishedVersion ?? -1),
      liveChanges: s.contentVersion !== (s.livePublishedVersion ?? -1),
    },
    role,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

const seesAllSites = (role: TenantRole) => role === "owner" || role === "admin";

const list = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites",
  permission: "tenant:read",
  tags: ["Sites"],
  summary: "Sites you can see: all of them for owners and admins, your collaborations otherwise",
  request: { params: tenantParam, query: siteListQuery },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(site), nextCursor: z.string().nullable() }),
      "Sites",
    ),
  },
});

const create = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites",
  permission: "sites:create",
  tags: ["Sites"],
  summary: "Provision a site from a starter",
  request: { params: tenantParam, body: jsonBody(createSiteBody) },
  responses: { 201: jsonResponse(site, "Created"), 409: { description: "Slug taken" } },
});

const get = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}",
  permission: "site:read",
  tags: ["Sites"],
  summary: "A site",
  request: { params: siteParam },
  responses: { 200: jsonResponse(site, "The site") },
});

const update = defineRoute({
  method: "patch",
  path: "/tenants/{tenantId}/sites/{siteId}",
  permission: "site:settings",
  tags: ["Sites"],
  summary: "Change a site's title or slug",
  request: { params: siteParam, body: jsonBody(updateSiteBody) },
  responses: { 200: jsonResponse(site, "Updated"), 409: { description: "Slug taken" } },
});

const archive = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/{siteId}/archive",
  permission: "site:settings",
  tags: ["Sites"],
  summary: "Archive a site (restorable)",
  request: { params: siteParam },
  responses: { 200: jsonResponse(site, "Archived") },
});

const restore = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/{siteId}/restore",
  permission: "site:settings",
  tags: ["Sites"],
  summary: "Restore an archived site",
  request: { params: siteParam },
  responses: { 200: jsonResponse(site, "Restored") },
});

const getSiteStarter = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/starter",
  permission: "site:read",
  tags: ["Sites"],
  summary: "The starter version this site was made with, and its config",
  request: { params: siteParam },
  responses: { 200: jsonResponse(siteStarter, "The site's starter") },
});

const listCollabs = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/collaborators",
  permission: "site:read",
  tags: ["Sites"],
  summary: "The site's collaborators",
  request: { params: siteParam },
  responses: { 200: jsonResponse(z.object({ items: z.array(collaborator) }), "Collaborators") },
});

const addCollab = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/{siteId}/collaborators",
  permission: "site:collaborators",
  tags: ["Sites"],
  summary: "Add a tenant member to the site with a site role",
  request: { params: siteParam, body: jsonBody(addCollaboratorBody) },
  responses: {
    201: jsonResponse(collaborator, "Added"),
    409: { description: "Already a collaborator" },
  },
});

const updateCollab = defineRoute({
  method: "patch",
  path: "/tenants/{tenantId}/sites/{siteId}/collaborators/{collaboratorId}",
  permission: "site:collaborators",
  tags: ["Sites"],
  summary: "Change a collaborator's site role",
  request: { params: collaboratorParam, body: jsonBody(updateCollaboratorBody) },
  responses: { 200: jsonResponse(collaborator, "Updated") },
});

const removeCollab = defineRoute({
  method: "delete",
  path: "/tenants/{tenantId}/sites/{siteId}/collaborators/{collaboratorId}",
  permission: "site:collaborators",
  tags: ["Sites"],
  summary: "Remove a collaborator from the site",
  request: { params: collaboratorParam },
  responses: { 200: jsonResponse(ok, "Removed") },
});

type CollaboratorRow = NonNullable<Awaited<ReturnType<typeof getCollaborator>>>;
const collaboratorView = (r: CollaboratorRow) => ({
  id: r.id,
  userId: r.userId,
  email: r.email,
  name: r.name,
  role: r.role,
  createdAt: iso(r.createdAt),
});

async function reloadSite(c: AppContext, siteId: string) {
  const row = await getSiteView(c.get("db"), tenantOf(c).tenant.id, siteId);
  if (!row) throw new ApiError("NOT_FOUND", "No such site");
  return siteView(row, siteOf(c).role);
}

async function setArchived(c: AppContext, archived: boolean) {
  const { tenant } = tenantOf(c);
  const { site: s } = siteOf(c);
  const db = c.get("db");
  if ((s.archivedAt !== null) === archived) {
    throw new ApiError(
      "CONFLICT",
      archived ? "The site is already archived" : "The site is not archived",
    );
  }
  await db.batch([
    updateSite(db, tenant.id, s.id, { archivedAt: archived ? new Date() : null }),
    auditStatement(c, {
      tenantId: tenant.id,
      action: archived ? "site.archived" : "site.restored",
      targetType: "site",
      targetId: s.id,
      data: { slug: s.slug },
    }),
  ]);
  return reloadSite(c, s.id);
}

/** An active starter of the tenant by id or slug, and its current version. */
export async function resolveStarter(c: AppContext, idOrSlug: string) {
  const { tenant } = tenantOf(c);
  const db = c.get("db");
  await ensureBuiltInStarters(db, tenant.id);
  const starter =
    (await getStarter(db, tenant.id, idOrSlug)) ??
    (await getStarterBySlug(db, tenant.id, idOrSlug));
  if (starter?.status !== "active") {
    throw new ApiError("VALIDATION_FAILED", "No active starter with this id or slug", {
      errors: [{ field: "starterId", message: "is not an active starter of this tenant" }],
    });
  }
  const version = await getStarterVersion(db, tenant.id, starter.id, starter.currentVersion);
  if (!version) throw new ApiError("CONFLICT", "The starter has no current version");
  return { starter, version, config: version.config as unknown as StarterConfig };
}

/**
 * Checks a new site's settings and returns the statements that create it (the site, its
 * admins, the audit row), for the caller's batch: creating a site and importing one share it.
 */
export async function planSite(
  c: AppContext,
  body: CreateSiteBody,
  resolved?: Awaited<ReturnType<typeof resolveStarter>>,
) {
  const { tenant, role } = tenantOf(c);
  const creator = principalOf(c).user.id;
  const db = c.get("db");
  const { starter, version } = resolved ?? (await resolveStarter(c, body.starterId));
  const ownerUserId = body.ownerUserId ?? creator;
  if (ownerUserId !== creator && !seesAllSites(role)) {
    throw new ApiError("FORBIDDEN", "Only owners and admins may create a site for someone else", {
      errors: [{ field: "ownerUserId", message: "must be yourself" }],
    });
  }
  if (!(await isMember(db, tenant.id, ownerUserId))) {
    throw new ApiError("VALIDATION_FAILED", "The owner must be a member of this tenant", {
      errors: [{ field: "ownerUserId", message: "is not a member of this tenant" }],
    });
  }
  if (body.slug && (await getSiteBySlug(db, tenant.id, body.slug))) {
    throw new ApiError("ALREADY_EXISTS", "A site with this slug exists", {
      errors: [{ field: "slug", message: "is taken" }],
    });
  }
  const slug =
    body.slug ??
    (await firstFreeSlug(slugify(body.title), async (slug) =>
      Boolean(await getSiteBySlug(db, tenant.id, slug)),
    ));
  const siteId = newId("site");
  const now = new Date();
  // The owner administers the site; an author who creates a site for themselves is its owner.
  const admins = [...new Set([ownerUserId, ...(seesAllSites(role) ? [] : [creator])])];
  const statements = [
    insertSite(db, {
      id: siteId,
      tenantId: tenant.id,
      slug,
      title: body.title,
      starterId: starter.id,
      starterVersionId: version.id,
      ownerUserId,
      createdAt: now,
      updatedAt: now,
    }),
    ...admins.map((userId) =>
      insertCollaborator(db, {
        id: newId("col"),
        tenantId: tenant.id,
        siteId,
        userId,
        role: "admin",
      }),
    ),
    auditStatement(c, {
      tenantId: tenant.id,
      action: "site.created",
      targetType: "site",
      targetId: siteId,
      data: { slug, title: body.title, starter: starter.slug, ownerUserId },
    }),
  ] as const;
  return {
    siteId,
    slug,
    starterVersionId: version.id,
    config: version.config as unknown as StarterConfig,
    statements,
  };
}

export const siteRoutes = new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => {
    const { tenant, role } = tenantOf(c);
    const userId = principalOf(c).user.id;
    const db = c.get("db");
    const all = seesAllSites(role);
    const result = await listSites(db, tenant.id, {
      ...c.req.valid("query"),
      visibleTo: all ? null : userId,
    });
    const collabRoles = all ? new Map() : await collaboratorRolesOf(db, tenant.id, userId);
    return c.json(
      {
        items: result.items.map((row) =>
          siteView(row, effectiveSiteRole(role, collabRoles.get(row.site.id) ?? null) ?? "viewer"),
        ),
        nextCursor: result.nextCursor,
      },
      200,
    );
  })
  .openapi(create, async (c) => {
    const plan = await planSite(c, c.req.valid("json"));
    const db = c.get("db");
    await db.batch(plan.statements);
    const row = await getSiteView(db, tenantOf(c).tenant.id, plan.siteId);
    if (!row) throw new Error("site vanished after insert");
    return c.json(siteView(row, "admin"), 201);
  })
  .openapi(get, async (c) => c.json(await reloadSite(c, siteOf(c).site.id), 200))
  .openapi(update, async (c) => {
    const { tenant } = tenantOf(c);
    const { site: s } = siteOf(c);
    const body = c.req.valid("json");
    const db = c.get("db");
    if (body.slug && body.slug !== s.slug && (await getSiteBySlug(db, tenant.id, body.slug))) {
      throw new ApiError("ALREADY_EXISTS", "A site with this slug exists", {
        errors: [{ field: "slug", message: "is taken" }],
      });
    }
    const set = {
      ...(body.title !== undefined ? { title: body.title } : {}),
      ...(body.slug !== undefined ? { slug: body.slug } : {}),
    };
    // A live site's title and slug are catalog data (the JSON's fallback title, its URLs).
    const changed = (set.title ?? s.title) !== s.title || (set.slug ?? s.slug) !== s.slug;
    const event =
      changed && s.liveDeployId !== null
        ? await prepareSiteEvent(c.env, db, tenant.id, s.id, "site.updated", {
            slug: set.slug ?? s.slug,
          })
        : null;
    await db.batch([
      updateSite(db, tenant.id, s.id, set),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "site.updated",
        targetType: "site",
        targetId: s.id,
        data: { from: { title: s.title, slug: s.slug }, to: set },
      }),
      ...(event ? [event.statement] : []),
    ]);
    await announce(c.env, event);
    return c.json(await reloadSite(c, s.id), 200);
  })
  .openapi(getSiteStarter, async (c) => {
    const { tenant } = tenantOf(c);
    const { site: s } = siteOf(c);
    const db = c.get("db");
    const [starter, version] = await Promise.all([
      getStarter(db, tenant.id, s.starterId),
      getStarterVersionById(db, tenant.id, s.starterVersionId),
    ]);
    if (!starter || !version) throw new ApiError("NOT_FOUND", "The site's starter is missing");
    return c.json(
      {
        id: starter.id,
        slug: starter.slug,
        name: starter.name,
        version: version.version,
        config: version.config,
      },
      200,
    );
  })
  .openapi(archive, async (c) => c.json(await setArchived(c, true), 200))
  .openapi(restore, async (c) => c.json(await setArchived(c, false), 200))
  .openapi(listCollabs, async (c) => {
    const rows = await listCollaborators(c.get("db"), tenantOf(c).tenant.id, siteOf(c).site.id);
    return c.json({ items: rows.map(collaboratorView) }, 200);
  })
  .openapi(addCollab, async (c) => {
    const { tenant } = tenantOf(c);
    const { site: s } = siteOf(c);
    const body = c.req.valid("json");
    const db = c.get("db");
    if (!(await isMember(db, tenant.id, body.userId))) {
      throw new ApiError("VALIDATION_FAILED", "Collaborators must be members of this tenant", {
        errors: [{ field: "userId", message: "is not a member of this tenant" }],
      });
    }
    const id = newId("col");
    await db.batch([
      insertCollaborator(db, {
        id,
        tenantId: tenant.id,
        siteId: s.id,
        userId: body.userId,
        role: body.role,
      }),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "site.collaborator_added",
        targetType: "site",
        targetId: s.id,
        data: { userId: body.userId, role: body.role },
      }),
    ]);
    const row = await getCollaborator(db, tenant.id, s.id, id);
    if (!row) throw new Error("collaborator vanished after insert");
    return c.json(collaboratorView(row), 201);
  })
  .openapi(updateCollab, async (c) => {
    const { tenant } = tenantOf(c);
    const { site: s } = siteOf(c);
    const { collaboratorId } = c.req.valid("param");
    const { role } = c.req.valid("json");
    const db = c.get("db");
    const current = await getCollaborator(db, tenant.id, s.id, collaboratorId);
    if (!current) throw new ApiError("NOT_FOUND", "No such collaborator");
    await db.batch([
      updateCollaboratorRole(db, tenant.id, collaboratorId, role),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "site.collaborator_role_changed",
        targetType: "site",
        targetId: s.id,
        data: { userId: current.userId, from: current.role, to: role },
      }),
    ]);
    return c.json(collaboratorView({ ...current, role }), 200);
  })
  .openapi(removeCollab, async (c) => {
    const { tenant } = tenantOf(c);
    const { site: s } = siteOf(c);
    const { collaboratorId } = c.req.valid("param");
    const db = c.get("db");
    const current = await getCollaborator(db, tenant.id, s.id, collaboratorId);
    if (!current) throw new ApiError("NOT_FOUND", "No such collaborator");
    await db.batch([
      deleteCollaborator(db, tenant.id, collaboratorId),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "site.collaborator_removed",
        targetType: "site",
        targetId: s.id,
        data: { userId: current.userId, role: current.role },
      }),
    ]);
    return c.json({ ok: true as const }, 200);
  });
