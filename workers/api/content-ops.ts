import type { StarterConfig } from "#schemas/starter";
import {
  bumpContentVersion,
  type ContentItemRow,
  getItem,
  getItemByFilename,
  getRevision,
  type ItemSummaryRow,
  type ItemView,
  insertRevision,
  type RevisionView,
  relationTargets,
  updateItemAtVersion,
} from "#workers/db/queries/content";
import { expectChanged, isGuardFailure } from "#workers/db/queries/guards";
import { auditStatement } from "#workers/domain/audit";
import {
  type CollectionShape,
  collectionShape,
  etagOf,
  parseIfMatch,
  referencedUids,
  resourcetypeOf,
} from "#workers/domain/content";
import { type RelationRef, SYSTEM_KEYS, validateContent } from "#workers/domain/content-validation";
import { newId } from "#workers/domain/ids";
import { announce, prepareSiteEvent } from "#workers/publishing/site-events";
import type { AppContext } from "./context.ts";
import { ApiError } from "./errors.ts";
import { iso, principalOf, siteOf, tenantOf } from "./route.ts";

export function writable(c: AppContext) {
  if (siteOf(c).site.archivedAt !== null) {
    throw new ApiError("CONFLICT", "The site is archived; restore it to edit its content");
  }
}

export const userRefOf = (
  u: { id: string | null; name: string | null; email: string | null } | null,
) => (u?.id ? { id: u.id, name: u.name ?? "", email: u.email ?? "" } : null);

export function summaryView(r: ItemSummaryRow) {
  return {
    uid: r.uid,
    collection: r.collection,
    filename: r.filename,
    title: r.title,
    resourcetype: r.resourcetype,
    fileMissing: r.fileMissing,
    version: r.version,
    deleted: r.deletedAt !== null,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    updatedBy: userRefOf(r.updatedBy),
  };
}

export function itemView(v: ItemView) {
  const i = v.item;
  return {
    ...summaryView({ ...i, updatedBy: v.updatedBy }),
    body: i.body,
    fields: i.data,
    extra: i.extra,
    createdBy: userRefOf(v.createdBy),
  };
}

export function revisionSummaryView(r: {
  version: number;
  action: RevisionView["revision"]["action"];
  title: string;
  revertedFrom: number | null;
  createdAt: Date;
  createdBy: RevisionView["createdBy"];
}) {
  return {
    version: r.version,
    action: r.action,
    title: r.title,
    revertedFrom: r.revertedFrom,
    createdAt: iso(r.createdAt),
    createdBy: userRefOf(r.createdBy),
  };
}

export async function loadItem(c: AppContext, uid: string): Promise<ItemView> {
  const view = await getItem(c.get("db"), tenantOf(c).tenant.id, siteOf(c).site.id, uid);
  if (!view) throw new ApiError("NOT_FOUND", "No such item in this site");
  return view;
}

export function itemJson<S extends 200 | 201>(c: AppContext, view: ItemView, status: S) {
  c.header("ETag", etagOf(view.item.version));
  c.header("Cache-Control", "private, no-cache");
  return c.json(itemView(view), status);
}

/** If-Match must name the stored version; otherwise 428 or 412 with the current item. */
export function checkIfMatch(c: AppContext, current: ItemView) {
  const wanted = parseIfMatch(c.req.header("if-match"));
  if (wanted === null) {
    throw new ApiError("PRECONDITION_REQUIRED", "Send If-Match with the ETag you read", {
      errors: [{ field: "If-Match", message: "is required" }],
    });
  }
  if (Number.isNaN(wanted)) {
    throw new ApiError("VALIDATION_FAILED", 'If-Match must be an ETag such as "3"', {
      errors: [{ field: "If-Match", message: 'must be an ETag such as "3"' }],
    });
  }
  if (wanted !== current.item.version) throw staleError(current);
  return wanted;
}

export function staleError(current: ItemView) {
  return new ApiError(
    "VERSION_CONFLICT",
    `The item is at version ${current.item.version}; reload it and apply your change again`,
    {
      headers: { ETag: etagOf(current.item.version) },
      members: { current: itemView(current) },
    },
  );
}

/** Validates fields (and body) against the collection; throws 400 with every field error. */
export async function validated(
  c: AppContext,
  shape: CollectionShape,
  input: Record<string, unknown>,
  body: string,
  mode: "create" | "update",
  previous?: ContentItemRow,
) {
  const declared = new Set(shape.fields.map((f) => f.name));
  for (const key of Object.keys(input)) {
    // System keys are Lectern's, unless the starter declares them as fields (the course
    // starter's `parent_uid`).
    if ((SYSTEM_KEYS.has(key) && !declared.has(key)) || key === "body") {
      throw new ApiError("VALIDATION_FAILED", "Some fields are not valid", {
        errors: [
          {
            field: `fields.${key}`,
            message:
              key === "body"
                ? "goes in `body`, not in `fields`"
                : "is set by Lectern, not editable",
          },
        ],
      });
    }
  }
  if (!shape.hasBody && body !== "") {
    throw new ApiError("VALIDATION_FAILED", "Some fields are not valid", {
      errors: [{ field: "body", message: "this collection has no body" }],
    });
  }
  const values = shape.hasBody ? { ...input, body } : input;
  const uids = [...referencedUids(values)];
  const targets = uids.length
    ? await relationTargets(c.get("db"), tenantOf(c).tenant.id, siteOf(c).site.id, uids)
    : new Map();
  const relationExists = (ref: RelationRef) => {
    const t = targets.get(ref.uid.toLowerCase());
    if (!t || t.collection !== ref.collection) return false;
    return !ref.filter || t.data[ref.filter.field] === ref.filter.value;
  };
  const prev = previous
    ? shape.hasBody
      ? { ...previous.data, body: previous.body }
      : previous.data
    : undefined;
  const result = validateContent(shape.fields, values, { mode, relationExists, previous: prev });
  if (!result.ok) {
    throw new ApiError("VALIDATION_FAILED", "Some fields are not valid", {
      errors: result.errors.map((e) => ({
        field: e.field === "body" || e.field.startsWith("body.") ? e.field : `fields.${e.field}`,
        message: e.message,
      })),
    });
  }
  const { body: validBody, ...data } = result.value as Record<string, unknown>;
  return { data, body: shape.hasBody ? String(validBody ?? "") : "" };
}

export function shapeOf(config: StarterConfig, item: { collection: string; filename: string }) {
  const c = config.collections.find((x) => x.name === item.collection);
  const shape = collectionShape(config, item.collection, c?.files ? item.filename : undefined);
  if (!shape) {
    throw new ApiError(
      "CONFLICT",
      `The site's starter no longer declares "${item.collection}"; this item cannot be edited`,
    );
  }
  return shape;
}

export async function filenameFree(
  c: AppContext,
  collection: string,
  filename: string,
  exceptId?: string,
) {
  const other = await getItemByFilename(
    c.get("db"),
    tenantOf(c).tenant.id,
    siteOf(c).site.id,
    collection,
    filename,
  );
  return !other || other.id === exceptId;
}

export const filenameTaken = () =>
  new ApiError("ALREADY_EXISTS", "Another item in this collection has this filename", {
    errors: [{ field: "filename", message: "is taken in this collection" }],
  });

type Snapshot = {
  filename: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  deleted: boolean;
};

/**
 * The statements of one save: the guarded update, its revision, the site's content version and
 * the audit row. A concurrent writer that got there first makes the batch fail whole (412).
 */
export async function save(
  c: AppContext,
  current: ItemView,
  expected: number,
  next: Snapshot,
  action: "updated" | "deleted" | "restored" | "reverted",
  revertedFrom: number | null = null,
) {
  const db = c.get("db");
  const tenantId = tenantOf(c).tenant.id;
  const siteId = siteOf(c).site.id;
  const userId = principalOf(c).user.id;
  const item = current.item;
  // A live site's catalog metadata changed: catalogs hear of it (site.updated).
  const event = await catalogEvent(c, item);
  try {
    await db.batch([
      updateItemAtVersion(db, tenantId, siteId, item.id, expected, {
        filename: next.filename,
        title: next.title,
        body: next.body,
        data: next.data,
        resourcetype: resourcetypeOf(next.data),
        deletedAt: next.deleted ? (item.deletedAt ?? new Date()) : null,
        updatedBy: userId,
      }),
      expectChanged(db),
      insertRevision(db, {
        id: newId("rev"),
        tenantId,
        siteId,
        itemId: item.id,
        version: expected + 1,
        action,
        revertedFrom,
        filename: next.filename,
        title: next.title,
        body: next.body,
        data: next.data,
        deleted: next.deleted,
        createdBy: userId,
      }),
      bumpContentVersion(db, tenantId, siteId),
      auditStatement(c, {
        tenantId,
        action: `content.${action}`,
        targetType: "content",
        targetId: item.uid,
        data: {
          siteId,
          collection: item.collection,
          filename: next.filename,
          version: expected + 1,
        },
      }),
      ...(event ? [event.statement] : []),
    ]);
  } catch (err) {
    if (isGuardFailure(err)) throw staleError(await loadItem(c, item.uid));
    throw err;
  }
  await announce(c.env, event);
  return loadItem(c, item.uid);
}

/**
 * A `site.updated` event when a write touches a live site's catalog metadata (the
 * `sitemetadata` singleton of the starters), to add to the write's batch; null otherwise.
 */
export async function catalogEvent(c: AppContext, item: { filename: string }) {
  const { site } = siteOf(c);
  if (site.liveDeployId === null || item.filename !== "sitemetadata") return null;
  return prepareSiteEvent(c.env, c.get("db"), tenantOf(c).tenant.id, site.id, "site.updated");
}

export async function findRevision(
  c: AppContext,
  current: ItemView,
  version: number,
  field = "version",
) {
  const rev = await getRevision(c.get("db"), tenantOf(c).tenant.id, current.item.id, version);
  if (!rev) {
    throw new ApiError("NOT_FOUND", `The item has no revision ${version}`, {
      errors: [{ field, message: `no revision ${version}` }],
    });
  }
  return rev;
}

export function revisionView(r: RevisionView) {
  const rev = r.revision;
  return {
    ...revisionSummaryView({ ...rev, createdBy: r.createdBy }),
    filename: rev.filename,
    body: rev.body,
    fields: rev.data,
    deleted: rev.deleted,
  };
}
