// Content items of a site: CRUD validated against the site's starter, optimistic concurrency
// (ETag / If-Match, 412 with the current item), a revision per save, diff and restore.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { cursorQuery, prefixedId } from "#schemas/common";
import {
  contentDiff,
  contentItem,
  contentListQuery,
  contentSummary,
  contentUid,
  createContentBody,
  diffQuery,
  revision,
  revisionSummary,
  updateContentBody,
} from "#schemas/content";
import { mediaReference } from "#schemas/media";
import {
  createItemStatements,
  listItems,
  listRevisions,
  type RevisionView,
  uidExists,
} from "#workers/db/queries/content";
import { firstFreeSlug, slugify } from "#workers/domain/accounts";
import { auditStatement } from "#workers/domain/audit";
import {
  collectionShape,
  diffFields,
  diffLines,
  fileEntryNames,
  resourcetypeOf,
  titleOf,
} from "#workers/domain/content";
import { newId } from "#workers/domain/ids";
import { pagesReferencing } from "#workers/media/library";
import { announce } from "#workers/publishing/site-events";
import {
  catalogEvent,
  checkIfMatch,
  filenameFree,
  filenameTaken,
  findRevision,
  itemJson,
  loadItem,
  revisionSummaryView,
  revisionView,
  save,
  shapeOf,
  summaryView,
  validated,
  writable,
} from "../content-ops.ts";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { defineRoute, jsonBody, jsonResponse, principalOf, siteOf, tenantOf } from "../route.ts";
import { siteConfig } from "../site-config.ts";

const siteParam = z.object({ tenantId: prefixedId("ten"), siteId: prefixedId("site") });
const itemParam = siteParam.extend({ uid: contentUid });
const revisionParam = itemParam.extend({ version: z.coerce.number().int().min(1) });

const etagHeader = { ETag: { schema: { type: "string" as const }, description: "The version" } };
const itemResponse = (description: string) => ({
  ...jsonResponse(contentItem, description),
  headers: etagHeader,
});
const ifMatch = z.object({
  "if-match": z.string().max(100).optional().meta({ description: 'The ETag you read, e.g. "3"' }),
});
const preconditionResponses = {
  412: { description: "Stale If-Match; the problem's `current` member is the stored item" },
  428: { description: "If-Match is missing" },
} as const;

// ---- Route declarations ----

const list = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/content",
  permission: "site:read",
  tags: ["Content"],
  summary: "Search, filter and sort a site's content",
  request: { params: siteParam, query: contentListQuery },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(contentSummary), nextCursor: z.string().nullable() }),
      "Items",
    ),
  },
});

const create = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/{siteId}/content",
  permission: "site:edit",
  tags: ["Content"],
  summary: "Create an item (or a singleton's file) in a collection",
  request: { params: siteParam, body: jsonBody(createContentBody) },
  responses: { 201: itemResponse("Created"), 409: { description: "uid or filename taken" } },
});

const get = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/content/{uid}",
  permission: "site:read",
  tags: ["Content"],
  summary: "An item, with its ETag",
  request: { params: itemParam },
  responses: { 200: itemResponse("The item") },
});

const update = defineRoute({
  method: "patch",
  path: "/tenants/{tenantId}/sites/{siteId}/content/{uid}",
  permission: "site:edit",
  tags: ["Content"],
  summary: "Change an item (If-Match required)",
  request: { params: itemParam, headers: ifMatch, body: jsonBody(updateContentBody) },
  responses: { 200: itemResponse("Updated"), ...preconditionResponses },
});

const remove = defineRoute({
  method: "delete",
  path: "/tenants/{tenantId}/sites/{siteId}/content/{uid}",
  permission: "site:edit",
  tags: ["Content"],
  summary: "Delete an item (soft; restorable; If-Match required)",
  description:
    "A resource (an item with a file) that other items link is refused (409, with " +
    "`references`) unless `force=true`; its file stays in R2 while the item can be restored.",
  request: {
    params: itemParam,
    headers: ifMatch,
    query: z.object({
      force: z
        .enum(["true", "false"])
        .optional()
        .meta({ description: "Delete a linked resource anyway" }),
    }),
  },
  responses: {
    200: itemResponse("Deleted"),
    ...preconditionResponses,
    409: {
      description: "Already deleted, or items link this resource; `references` lists them",
      content: {
        "application/problem+json": {
          schema: z.object({ references: z.array(mediaReference).optional() }),
        },
      },
    },
  },
});

const restore = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/{siteId}/content/{uid}/restore",
  permission: "site:edit",
  tags: ["Content"],
  summary: "Bring back a deleted item",
  request: { params: itemParam },
  responses: { 200: itemResponse("Restored"), 409: { description: "Not deleted, or name taken" } },
});

const revisions = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/content/{uid}/revisions",
  permission: "site:read",
  tags: ["Content"],
  summary: "An item's revisions, newest first",
  request: { params: itemParam, query: cursorQuery },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(revisionSummary), nextCursor: z.string().nullable() }),
      "Revisions",
    ),
  },
});

const getRev = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/content/{uid}/revisions/{version}",
  permission: "site:read",
  tags: ["Content"],
  summary: "One revision of an item",
  request: { params: revisionParam },
  responses: { 200: jsonResponse(revision, "The revision") },
});

const diff = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/content/{uid}/diff",
  permission: "site:read",
  tags: ["Content"],
  summary: "What changed between two revisions",
  request: { params: itemParam, query: diffQuery },
  responses: { 200: jsonResponse(contentDiff, "The diff") },
});

const revert = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/{siteId}/content/{uid}/revisions/{version}/restore",
  permission: "site:edit",
  tags: ["Content"],
  summary: "Make an earlier revision current again (a new revision; If-Match required)",
  request: { params: revisionParam, headers: ifMatch },
  responses: { 200: itemResponse("Restored to that revision"), ...preconditionResponses },
});

// ---- Handlers ----

export const contentRoutes = new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => {
    const result = await listItems(
      c.get("db"),
      tenantOf(c).tenant.id,
      siteOf(c).site.id,
      c.req.valid("query"),
    );
    return c.json({ items: result.items.map(summaryView), nextCursor: result.nextCursor }, 200);
  })
  .openapi(create, async (c) => {
    writable(c);
    const body = c.req.valid("json");
    const config = await siteConfig(c);
    const db = c.get("db");
    const tenantId = tenantOf(c).tenant.id;
    const siteId = siteOf(c).site.id;
    const collection = config.collections.find((x) => x.name === body.collection);
    if (!collection) {
      throw new ApiError("VALIDATION_FAILED", "No such collection in the site's starter", {
        errors: [{ field: "collection", message: "is not a collection of this site's starter" }],
      });
    }
    let filename = body.filename;
    if (collection.files) {
      const names = fileEntryNames(config, collection.name);
      if (!filename || !names.includes(filename)) {
        throw new ApiError("VALIDATION_FAILED", "Name the file of this collection", {
          errors: [{ field: "filename", message: `must be one of: ${names.join(", ")}` }],
        });
      }
    }
    const shape = collectionShape(config, collection.name, collection.files ? filename : undefined);
    if (!shape) throw new Error("collection shape vanished");
    const { data, body: markdown } = await validated(
      c,
      shape,
      body.fields,
      body.body ?? "",
      "create",
    );
    const title = titleOf(data, shape.label);
    if (filename === undefined) {
      const base = slugify(title) || collection.name;
      filename = await firstFreeSlug(
        base,
        async (f) => !(await filenameFree(c, collection.name, f)),
      );
    } else if (!(await filenameFree(c, collection.name, filename))) {
      throw filenameTaken();
    }
    const uid = body.uid ?? crypto.randomUUID();
    if (body.uid && (await uidExists(db, tenantId, siteId, uid))) {
      throw new ApiError("ALREADY_EXISTS", "An item with this uid exists in this site", {
        errors: [{ field: "uid", message: "is taken in this site" }],
      });
    }
    const id = newId("itm");
    const userId = principalOf(c).user.id;
    const now = new Date();
    const event = await catalogEvent(c, { filename });
    await db.batch([
      ...createItemStatements(db, {
        id,
        tenantId,
        siteId,
        uid,
        collection: collection.name,
        filename,
        title,
        resourcetype: resourcetypeOf(data),
        body: markdown,
        data,
        userId,
        now,
      }),
      auditStatement(c, {
        tenantId,
        action: "content.created",
        targetType: "content",
        targetId: uid,
        data: { siteId, collection: collection.name, filename },
      }),
      ...(event ? [event.statement] : []),
    ]);
    await announce(c.env, event);
    c.header("Location", `${new URL(c.req.url).pathname}/${uid}`);
    return itemJson(c, await loadItem(c, uid), 201);
  })
  .openapi(get, async (c) => itemJson(c, await loadItem(c, c.req.valid("param").uid), 200))
  .openapi(update, async (c) => {
    writable(c);
    const patch = c.req.valid("json");
    const current = await loadItem(c, c.req.valid("param").uid);
    const expected = checkIfMatch(c, current);
    const item = current.item;
    if (item.deletedAt !== null) {
      throw new ApiError("CONFLICT", "The item is deleted; restore it before editing");
    }
    const config = await siteConfig(c);
    const shape = shapeOf(config, item);
    let filename = item.filename;
    if (patch.filename !== undefined && patch.filename !== item.filename) {
      if (shape.kind === "files") {
        throw new ApiError("VALIDATION_FAILED", "A singleton's filename is fixed", {
          errors: [{ field: "filename", message: "cannot change for this collection" }],
        });
      }
      if (!(await filenameFree(c, item.collection, patch.filename, item.id))) throw filenameTaken();
      filename = patch.filename;
    }
    const merged: Record<string, unknown> = { ...item.data };
    for (const [k, v] of Object.entries(patch.fields ?? {})) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    const { data, body } = await validated(
      c,
      shape,
      merged,
      patch.body ?? item.body,
      "update",
      item,
    );
    const next = { filename, title: titleOf(data, shape.label), body, data, deleted: false };
    return itemJson(c, await save(c, current, expected, next, "updated"), 200);
  })
  .openapi(remove, async (c) => {
    writable(c);
    const current = await loadItem(c, c.req.valid("param").uid);
    const expected = checkIfMatch(c, current);
    const i = current.item;
    if (i.deletedAt !== null) throw new ApiError("CONFLICT", "The item is already deleted");
    if (c.req.valid("query").force !== "true") {
      const shape = collectionShape(await siteConfig(c), i.collection, i.filename);
      if (shape?.fields.some((f) => f.widget === "file")) {
        const site = siteOf(c).site;
        const references = await pagesReferencing(
          c.get("db"),
          tenantOf(c).tenant.id,
          site.id,
          i.uid,
        );
        if (references.length > 0) {
          const n = references.length;
          throw new ApiError(
            "CONFLICT",
            `“${i.title || i.filename}” is linked from ${n} item${n > 1 ? "s" : ""}; remove the links or delete it anyway`,
            { members: { references } },
          );
        }
      }
    }
    const next = {
      filename: i.filename,
      title: i.title,
      body: i.body,
      data: i.data,
      deleted: true,
    };
    return itemJson(c, await save(c, current, expected, next, "deleted"), 200);
  })
  .openapi(restore, async (c) => {
    writable(c);
    const current = await loadItem(c, c.req.valid("param").uid);
    const i = current.item;
    if (i.deletedAt === null) throw new ApiError("CONFLICT", "The item is not deleted");
    if (!(await filenameFree(c, i.collection, i.filename))) {
      throw new ApiError(
        "ALREADY_EXISTS",
        `Another item now uses the filename "${i.filename}"; rename that one first`,
        { errors: [{ field: "filename", message: "is taken in this collection" }] },
      );
    }
    const next = {
      filename: i.filename,
      title: i.title,
      body: i.body,
      data: i.data,
      deleted: false,
    };
    return itemJson(c, await save(c, current, i.version, next, "restored"), 200);
  })
  .openapi(revisions, async (c) => {
    const current = await loadItem(c, c.req.valid("param").uid);
    const result = await listRevisions(
      c.get("db"),
      tenantOf(c).tenant.id,
      current.item.id,
      c.req.valid("query"),
    );
    return c.json(
      { items: result.items.map(revisionSummaryView), nextCursor: result.nextCursor },
      200,
    );
  })
  .openapi(getRev, async (c) => {
    const { uid, version } = c.req.valid("param");
    const current = await loadItem(c, uid);
    const rev = await findRevision(c, current, version);
    return c.json(revisionView(rev), 200);
  })
  .openapi(diff, async (c) => {
    const current = await loadItem(c, c.req.valid("param").uid);
    const { from, to } = c.req.valid("query");
    const [a, b] = await Promise.all([
      findRevision(c, current, from, "from"),
      findRevision(c, current, to, "to"),
    ]);
    const fieldsOf = (r: RevisionView["revision"]) => ({
      title: r.title,
      filename: r.filename,
      ...r.data,
      ...(r.deleted ? { deleted: true } : {}),
    });
    return c.json(
      {
        from: revisionSummaryView({ ...a.revision, createdBy: a.createdBy }),
        to: revisionSummaryView({ ...b.revision, createdBy: b.createdBy }),
        fields: diffFields(fieldsOf(a.revision), fieldsOf(b.revision)),
        body: diffLines(a.revision.body, b.revision.body),
      },
      200,
    );
  })
  .openapi(revert, async (c) => {
    writable(c);
    const { uid, version } = c.req.valid("param");
    const current = await loadItem(c, uid);
    const expected = checkIfMatch(c, current);
    const item = current.item;
    if (item.deletedAt !== null) {
      throw new ApiError("CONFLICT", "The item is deleted; restore it before going back");
    }
    const rev = (await findRevision(c, current, version)).revision;
    const config = await siteConfig(c);
    const shape = shapeOf(config, item);
    if (
      rev.filename !== item.filename &&
      !(await filenameFree(c, item.collection, rev.filename, item.id))
    ) {
      throw filenameTaken();
    }
    // The old values must still be valid under the current starter and the current relations.
    const { data, body } = await validated(c, shape, rev.data, rev.body, "update", item);
    const next = {
      filename: rev.filename,
      title: titleOf(data, shape.label),
      body,
      data,
      deleted: false,
    };
    return itemJson(c, await save(c, current, expected, next, "reverted", version), 200);
  });
