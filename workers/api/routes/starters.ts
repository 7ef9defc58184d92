import { OpenAPIHono, z } from "@hono/zod-openapi";
import { prefixedId } from "#schemas/common";
import {
  createStarterBody,
  createStarterVersionBody,
  starter,
  starterDetail,
  starterListQuery,
  starterVersion,
  updateStarterBody,
} from "#schemas/starters";
import {
  getStarter,
  getStarterBySlug,
  getStarterVersion,
  insertStarter,
  insertStarterVersion,
  listStarters,
  listStarterVersions,
  updateStarter,
} from "#workers/db/queries/starters";
import type { starters } from "#workers/db/schema";
import { auditStatement } from "#workers/domain/audit";
import { builtInStarters, ensureBuiltInStarters } from "#workers/domain/builtin-starters";
import { newId } from "#workers/domain/ids";
import { parseStarterYaml } from "#workers/domain/starters";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { defineRoute, iso, jsonBody, jsonResponse, principalOf, tenantOf } from "../route.ts";
import { tenantParam } from "./tenants.ts";

const starterParam = tenantParam.extend({ starterId: prefixedId("str") });
type StarterRow = typeof starters.$inferSelect;

const view = (s: StarterRow) => ({
  id: s.id,
  slug: s.slug,
  name: s.name,
  builtIn: s.builtIn,
  status: s.status,
  currentVersion: s.currentVersion,
  createdAt: iso(s.createdAt),
  updatedAt: iso(s.updatedAt),
});

/** Parse YAML or answer 400 with the starter's own paths (`collections[3].fields[2].widget`). */
function parseOrThrow(source: string) {
  const parsed = parseStarterYaml(source);
  if (!parsed.ok) {
    throw new ApiError("VALIDATION_FAILED", "The starter is not valid", {
      errors: parsed.errors.map((e) => ({ field: e.field || "source", message: e.message })),
    });
  }
  return parsed.config;
}

async function loadStarter(c: AppContext, starterId: string) {
  const found = await getStarter(c.get("db"), tenantOf(c).tenant.id, starterId);
  if (!found) throw new ApiError("NOT_FOUND", "No such starter");
  return found;
}

const list = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/starters",
  permission: "tenant:read",
  tags: ["Starters"],
  summary: "Starters sites can be created from (built-in and uploaded)",
  request: { params: tenantParam, query: starterListQuery },
  responses: { 200: jsonResponse(z.object({ items: z.array(starter) }), "Starters") },
});

const get = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/starters/{starterId}",
  permission: "tenant:read",
  tags: ["Starters"],
  summary: "A starter with its current config",
  request: { params: starterParam },
  responses: { 200: jsonResponse(starterDetail, "The starter") },
});

const create = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/starters",
  permission: "starters:manage",
  tags: ["Starters"],
  summary: "Upload a starter (YAML in OCW Studio's site config format)",
  request: { params: tenantParam, body: jsonBody(createStarterBody) },
  responses: { 201: jsonResponse(starterDetail, "Created"), 409: { description: "Slug taken" } },
});

const addVersion = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/starters/{starterId}/versions",
  permission: "starters:manage",
  tags: ["Starters"],
  summary: "Upload a new version of a starter (existing sites keep their version)",
  request: { params: starterParam, body: jsonBody(createStarterVersionBody) },
  responses: { 201: jsonResponse(starterDetail, "New version") },
});

const versions = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/starters/{starterId}/versions",
  permission: "tenant:read",
  tags: ["Starters"],
  summary: "A starter's versions, newest first",
  request: { params: starterParam },
  responses: { 200: jsonResponse(z.object({ items: z.array(starterVersion) }), "Versions") },
});

const update = defineRoute({
  method: "patch",
  path: "/tenants/{tenantId}/starters/{starterId}",
  permission: "starters:manage",
  tags: ["Starters"],
  summary: "Rename a starter or mark it active or inactive",
  request: { params: starterParam, body: jsonBody(updateStarterBody) },
  responses: { 200: jsonResponse(starter, "Updated") },
});

export const starterRoutes = new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => {
    const { tenant } = tenantOf(c);
    const db = c.get("db");
    await ensureBuiltInStarters(db, tenant.id);
    const rows = await listStarters(db, tenant.id, c.req.valid("query").status);
    return c.json({ items: rows.map(view) }, 200);
  })
  .openapi(get, async (c) => {
    const { tenant } = tenantOf(c);
    const s = await loadStarter(c, c.req.valid("param").starterId);
    const version = await getStarterVersion(c.get("db"), tenant.id, s.id, s.currentVersion);
    if (!version) throw new ApiError("NOT_FOUND", "No such starter version");
    const config = parseOrThrow(version.source);
    return c.json({ ...view(s), config, source: version.source }, 200);
  })
  .openapi(create, async (c) => {
    const { tenant } = tenantOf(c);
    const body = c.req.valid("json");
    const db = c.get("db");
    if (builtInStarters.some((b) => b.slug === body.slug)) {
      throw new ApiError("ALREADY_EXISTS", "This slug belongs to a built-in starter", {
        errors: [{ field: "slug", message: "is reserved for a built-in starter" }],
      });
    }
    if (await getStarterBySlug(db, tenant.id, body.slug)) {
      throw new ApiError("ALREADY_EXISTS", "A starter with this slug exists", {
        errors: [{ field: "slug", message: "is taken" }],
      });
    }
    const config = parseOrThrow(body.source);
    const now = new Date();
    const row = {
      id: newId("str"),
      tenantId: tenant.id,
      slug: body.slug,
      name: body.name,
      builtIn: false,
      status: "active" as const,
      currentVersion: 1,
      createdAt: now,
      updatedAt: now,
    };
    await db.batch([
      insertStarter(db, row),
      insertStarterVersion(db, {
        id: newId("stv"),
        tenantId: tenant.id,
        starterId: row.id,
        version: 1,
        source: body.source,
        config,
        createdBy: principalOf(c).user.id,
      }),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "starter.created",
        targetType: "starter",
        targetId: row.id,
        data: { slug: row.slug, name: row.name },
      }),
    ]);
    return c.json({ ...view(row), config, source: body.source }, 201);
  })
  .openapi(addVersion, async (c) => {
    const { tenant } = tenantOf(c);
    const s = await loadStarter(c, c.req.valid("param").starterId);
    if (s.builtIn)
      throw new ApiError("FORBIDDEN", "Built-in starters cannot be changed; upload your own");
    const { source } = c.req.valid("json");
    const config = parseOrThrow(source);
    const db = c.get("db");
    const version = s.currentVersion + 1;
    await db.batch([
      insertStarterVersion(db, {
        id: newId("stv"),
        tenantId: tenant.id,
        starterId: s.id,
        version,
        source,
        config,
        createdBy: principalOf(c).user.id,
      }),
      updateStarter(db, tenant.id, s.id, { currentVersion: version }),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "starter.version_added",
        targetType: "starter",
        targetId: s.id,
        data: { version },
      }),
    ]);
    return c.json(
      { ...view({ ...s, currentVersion: version, updatedAt: new Date() }), config, source },
      201,
    );
  })
  .openapi(versions, async (c) => {
    const { tenant } = tenantOf(c);
    const s = await loadStarter(c, c.req.valid("param").starterId);
    const rows = await listStarterVersions(c.get("db"), tenant.id, s.id);
    return c.json(
      {
        items: rows.map((v) => ({
          id: v.id,
          version: v.version,
          createdBy: v.createdBy,
          createdAt: iso(v.createdAt),
        })),
      },
      200,
    );
  })
  .openapi(update, async (c) => {
    const { tenant } = tenantOf(c);
    const s = await loadStarter(c, c.req.valid("param").starterId);
    const body = c.req.valid("json");
    if (s.builtIn && body.name !== undefined) {
      throw new ApiError("FORBIDDEN", "Built-in starters cannot be renamed", {
        errors: [{ field: "name", message: "cannot change on a built-in starter" }],
      });
    }
    const db = c.get("db");
    const set = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.status !== undefined ? { status: body.status } : {}),
    };
    await db.batch([
      updateStarter(db, tenant.id, s.id, set),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "starter.updated",
        targetType: "starter",
        targetId: s.id,
        data: set,
      }),
    ]);
    return c.json(view({ ...s, ...set, updatedAt: new Date() }), 200);
  });
