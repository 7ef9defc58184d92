// Tenant isolation matrix. Reads the generated OpenAPI document, and calls EVERY operation in it
// as every kind of caller: anonymous; each role of tenant A; each role of tenant B (against A's
// resources); an API token of each role of A and of B; the platform operator. The expected
// answer is computed from the operation's `x-permission` and workers/domain/policy.ts, so a new
// route joins the matrix by being declared; a route the matrix cannot build a call for fails
// loudly until it is taught (see `pathParams`, `bodyValues` and `bodyOverrides` below).
import { env } from "cloudflare:workers";
import { desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { SiteRole, TenantRole } from "#schemas/roles";
import { api } from "#workers/api/app";
import { insertItem, insertRevision } from "#workers/db/queries/content";
import { insertDeploy } from "#workers/db/queries/deploys";
import { insertDomain } from "#workers/db/queries/domains";
import {
  insertDeliveries,
  insertEndpoint,
  insertEvent,
  insertSigningKey,
} from "#workers/db/queries/learn";
import { insertMediaItem, putUploadPart } from "#workers/db/queries/media";
import { insertCollaborator, insertSite, updateSite } from "#workers/db/queries/sites";
import { insertStarter, insertStarterVersion } from "#workers/db/queries/starters";
import { insertTenant } from "#workers/db/queries/tenants";
import { mediaItems, mediaJobs, publishSchedules, rebuilds } from "#workers/db/schema";
import { tarWriter } from "#workers/domain/archive/index";
import { builtInStarterIds, ensureBuiltInStarters } from "#workers/domain/builtin-starters";
import { newId } from "#workers/domain/ids";
import {
  effectiveSiteRole,
  type Permission,
  permissions,
  type SitePermission,
  scopeOf,
  siteRoleAllows,
  type TenantPermission,
  tenantRoleAllows,
} from "#workers/domain/policy";
import { parseStarterYaml } from "#workers/domain/starters";
import {
  addMember,
  call,
  createOperator,
  createUser,
  db,
  expectProblem,
  freshEmail,
  issueInvitation,
  issueToken,
  nextIp,
  PASSWORD,
  TENANT_ROLES,
  uniq,
} from "../../factories.ts";
import { buildZip } from "../../support/archive-builders.ts";
import { driveFolderFor } from "../providers/support.ts";

// ---- The document ----

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  minItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};
type Parameter = { name: string; in: string; required?: boolean; schema?: JsonSchema };
type Operation = {
  operationId?: string;
  "x-permission"?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, unknown>;
};
type OpenApiDoc = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
};

const docResponse = await call("/openapi.json");
const doc = (await docResponse.json()) as OpenApiDoc;
const METHODS = ["get", "post", "put", "patch", "delete"];
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, op })),
);
type Op = (typeof operations)[number];

function resolve(schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  const target = doc.components?.schemas?.[name];
  if (!target) throw new Error(`unresolvable $ref ${schema.$ref}`);
  return resolve(target);
}

// ---- Callers ----

type CallerKind =
  | { kind: "anonymous" }
  | { kind: "session" | "token"; tenant: "A" | "B"; role: TenantRole }
  | { kind: "operator" }
  /** A plain tenant member of A who collaborates on A's site with this site role. */
  | { kind: "collaborator"; role: SiteRole };

const callers: CallerKind[] = [
  { kind: "anonymous" },
  ...TENANT_ROLES.map((role) => ({ kind: "session" as const, tenant: "A" as const, role })),
  ...TENANT_ROLES.map((role) => ({ kind: "session" as const, tenant: "B" as const, role })),
  ...TENANT_ROLES.map((role) => ({ kind: "token" as const, tenant: "A" as const, role })),
  ...TENANT_ROLES.map((role) => ({ kind: "token" as const, tenant: "B" as const, role })),
  { kind: "operator" },
  ...(["admin", "editor", "viewer"] as const).map((role) => ({
    kind: "collaborator" as const,
    role,
  })),
];

const label = (c: CallerKind) =>
  c.kind === "collaborator"
    ? `tenant A member who is site ${c.role}`
    : c.kind === "session" || c.kind === "token"
      ? `${c.tenant === "A" ? "tenant A" : "tenant B"} ${c.role}${
          c.kind === "token" ? (c.tenant === "B" ? " token (holder also owns A)" : " token") : ""
        }`
      : c.kind;

// ---- Expected outcome, from x-permission and the policy module ----

type Outcome = { allowed: true } | { allowed: false; status: 401 | 403 | 404; code: string };
const ALLOWED: Outcome = { allowed: true };
const denied = (status: 401 | 403 | 404): Outcome => ({
  allowed: false,
  status,
  code: { 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND" }[status],
});

/**
 * Rules a handler adds on top of its route's permission. Each is a deliberate restriction,
 * asserted here so that loosening one is a visible change to this table.
 */
const handlerRules: {
  op: string;
  when: (c: CallerKind) => boolean;
  outcome: Outcome;
  why: string;
}[] = [
  {
    op: "POST /me/password",
    when: (c) => c.kind === "token",
    outcome: denied(403),
    why: "passwords change from a signed-in session, never with an API token",
  },
  {
    op: "POST /tenants/{tenantId}/tokens",
    when: (c) => c.kind === "token",
    outcome: denied(403),
    why: "a leaked token must not be able to mint fresh ones",
  },
];

function expected(op: Op, caller: CallerKind): Outcome {
  const permission = op.op["x-permission"] as Permission;
  const scope = scopeOf(permission);
  let outcome: Outcome;
  if (scope === "public") outcome = ALLOWED;
  else if (caller.kind === "anonymous") outcome = denied(401);
  else if (scope === "self") outcome = ALLOWED;
  else if (scope === "platform") outcome = caller.kind === "operator" ? ALLOWED : denied(403);
  else if (caller.kind === "operator")
    outcome = denied(404); // no membership in A
  else if (caller.kind !== "collaborator" && caller.tenant === "B")
    outcome = denied(404); // A does not exist for B
  else {
    const tenantRole: TenantRole = caller.kind === "collaborator" ? "member" : caller.role;
    if (scope === "tenant") {
      outcome = tenantRoleAllows(tenantRole, permission as TenantPermission)
        ? ALLOWED
        : denied(403);
    } else {
      // Site scope: a site the caller has no role on is a 404; otherwise the site role decides.
      const siteRole = effectiveSiteRole(
        tenantRole,
        caller.kind === "collaborator" ? caller.role : null,
      );
      outcome =
        siteRole === null
          ? denied(404)
          : siteRoleAllows(siteRole, permission as SitePermission)
            ? ALLOWED
            : denied(403);
    }
  }
  if (outcome.allowed) {
    const rule = handlerRules.find((r) => r.op === op.key && r.when(caller));
    if (rule) return rule.outcome;
  }
  return outcome;
}

// ---- Building one call: fresh tenants, caller and targets every time ----

type World = {
  a: { id: string; ownerId: string; siteId: string; starterId: string };
  b: { id: string; ownerId: string };
  caller: { cookie?: string; token?: string; userId?: string; inA: boolean };
  /** Set by a precondition: the {uid} item is created deleted. */
  itemDeleted?: boolean;
};

/** A page in tenant A's site at version 1, with its first revision. */
async function contentItemOfA(w: World): Promise<string> {
  const uid = crypto.randomUUID();
  const id = newId("itm");
  const base = { tenantId: w.a.id, siteId: w.a.siteId, filename: uniq("page").toLowerCase() };
  const data = { title: "Matrix page" };
  await db().batch([
    insertItem(db(), {
      id,
      ...base,
      uid,
      collection: "page",
      title: data.title,
      data,
      extra: {},
      deletedAt: w.itemDeleted ? new Date() : null,
    }),
    insertRevision(db(), {
      id: newId("rev"),
      ...base,
      itemId: id,
      version: 1,
      action: "created",
      title: data.title,
      body: "",
      data,
    }),
  ]);
  return uid;
}

async function tenantWithOwner(): Promise<{ id: string; ownerId: string }> {
  const id = newId("ten");
  await insertTenant(db(), { id, slug: uniq("m").toLowerCase(), name: uniq("Matrix") }).run();
  const owner = await addMember(id, "owner", { signedIn: false });
  return { id, ownerId: owner.id };
}

const STARTER_YAML = `
collections:
  - name: page
    label: Pages
    folder: content/pages
    fields:
      - { label: Title, name: title, widget: string, required: true }
`;

/** Tenant A also has a site (from the built-in course starter) and an uploaded starter. */
async function tenantWithSite() {
  const t = await tenantWithOwner();
  await ensureBuiltInStarters(db(), t.id);
  const course = builtInStarterIds(t.id, "course");
  const siteId = newId("site");
  await insertSite(db(), {
    id: siteId,
    tenantId: t.id,
    slug: uniq("site").toLowerCase(),
    title: "Matrix site",
    starterId: course.starterId,
    starterVersionId: course.versionId,
    ownerUserId: t.ownerId,
  }).run();
  const parsed = parseStarterYaml(STARTER_YAML);
  if (!parsed.ok) throw new Error("matrix starter is invalid");
  const starterId = newId("str");
  await db().batch([
    insertStarter(db(), {
      id: starterId,
      tenantId: t.id,
      slug: uniq("starter").toLowerCase(),
      name: "Matrix starter",
      currentVersion: 1,
    }),
    insertStarterVersion(db(), {
      id: newId("stv"),
      tenantId: t.id,
      starterId,
      version: 1,
      source: STARTER_YAML,
      config: parsed.config,
    }),
  ]);
  return { ...t, siteId, starterId };
}

async function world(c: CallerKind): Promise<World> {
  const a = await tenantWithSite();
  const b = await tenantWithOwner();
  if (c.kind === "anonymous") return { a, b, caller: { inA: false } };
  if (c.kind === "collaborator") {
    const person = await addMember(a.id, "member", { signedIn: true });
    await insertCollaborator(db(), {
      id: newId("col"),
      tenantId: a.id,
      siteId: a.siteId,
      userId: person.id,
      role: c.role,
    }).run();
    return { a, b, caller: { cookie: person.cookie, userId: person.id, inA: true } };
  }
  if (c.kind === "operator") {
    const op = await createOperator();
    return { a, b, caller: { cookie: op.cookie, userId: op.id, inA: false } };
  }
  const home = c.tenant === "A" ? a : b;
  const person = await addMember(home.id, c.role, { signedIn: c.kind === "session" });
  if (c.kind === "token" && c.tenant === "B") {
    // The sharpest case: the holder of B's token is also an owner of A. The token must still
    // see nothing of A, because it was issued in B.
    await addMember(a.id, "owner", { userId: person.id, email: person.email, signedIn: false });
  }
  if (c.kind === "session") {
    return { a, b, caller: { cookie: person.cookie, userId: person.id, inA: c.tenant === "A" } };
  }
  const token = await issueToken(home.id, person.id, c.role);
  return { a, b, caller: { token: token.secret, userId: person.id, inA: c.tenant === "A" } };
}

/** A small file that is a PNG by its first bytes (the media routes sniff what they store). */
const MATRIX_PNG = (() => {
  const bytes = new Uint8Array(200);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
  return bytes;
})();

/** A real resource of tenant A for each path parameter, so the call reaches its handler. */
/** A preview deploy of A's site that was published, with an offline copy in SITES. */
async function deployOfA(w: World): Promise<string> {
  const id = newId("dep");
  const offlineKey = `offline/${id}.zip`;
  await env.SITES.put(offlineKey, "PK\u0005\u0006".padEnd(22, "\u0000"));
  const at = new Date();
  await insertDeploy(db(), {
    id,
    tenantId: w.a.id,
    siteId: w.a.siteId,
    target: "preview",
    state: "succeeded",
    contentVersion: 0,
    activatedAt: at,
    finishedAt: at,
    offlineKey,
    offlineBytes: 22,
  }).run();
  return id;
}

const lastEndpoint = new WeakMap<World, string>();

/** An active signing key of A. */
async function signingKeyOfA(w: World): Promise<string> {
  const id = newId("key");
  await insertSigningKey(db(), {
    id,
    tenantId: w.a.id,
    name: "Matrix key",
    secret: "lsk_matrix",
  }).run();
  return id;
}

const pathParams: Record<string, (w: World, op: string) => Promise<string>> = {
  tenantId: async (w) => w.a.id,
  memberId: async (w) => (await addMember(w.a.id, "member", { signedIn: false })).membershipId,
  invitationId: async (w) => (await issueInvitation(w.a.id)).id,
  // The caller's own token when they belong to A (so members may revoke it), else the owner's.
  tokenId: async (w) =>
    (
      await issueToken(
        w.a.id,
        w.caller.inA && w.caller.userId ? w.caller.userId : w.a.ownerId,
        "member",
      )
    ).id,
  userId: async (w) => (await addMember(w.a.id, "member", { signedIn: false })).id,
  siteId: async (w) => w.a.siteId,
  starterId: async (w) => w.a.starterId,
  uid: contentItemOfA,
  version: async () => "1",
  deployId: deployOfA,
  scheduleId: async (w) => {
    const id = newId("psch");
    await db()
      .insert(publishSchedules)
      .values({
        id,
        tenantId: w.a.id,
        siteId: w.a.siteId,
        action: "publish",
        runAt: new Date(Date.now() + 86_400_000),
        createdBy: w.a.ownerId,
      })
      .run();
    return id;
  },
  // A running rebuild with nothing left to enqueue: A's, or the platform's one for the
  // operator's routes.
  rebuildId: async (w, op) => {
    const id = newId("rbd");
    await db()
      .insert(rebuilds)
      .values({
        id,
        tenantId: op.includes("/operator/") ? null : w.a.id,
        state: "running",
        total: 0,
        enqueued: true,
        createdBy: w.a.ownerId,
      })
      .run();
    return id;
  },
  keyId: async (w) => signingKeyOfA(w),
  // An endpoint of A on the fake receiver (a test event there is answered 200).
  endpointId: async (w) => {
    const id = newId("whe");
    await insertEndpoint(db(), {
      id,
      tenantId: w.a.id,
      url: `${env.WEBHOOK_RECEIVER_URL}/hook/matrix`,
      events: ["site.published"],
      secret: "whsec_bWF0cml4bWF0cml4bWF0cml4bWF0cml4",
    }).run();
    lastEndpoint.set(w, id);
    return id;
  },
  // A finished delivery of the {endpointId} just made (so it may be redelivered).
  deliveryId: async (w) => {
    const endpointId = lastEndpoint.get(w);
    if (!endpointId) throw new Error("deliveryId needs an endpointId before it");
    const eventId = newId("evt");
    const id = newId("dlv");
    await db().batch([
      insertEvent(db(), {
        id: eventId,
        tenantId: w.a.id,
        siteId: null,
        type: "webhook.test",
        data: {},
      }),
      insertDeliveries(db(), [
        { id, tenantId: w.a.id, endpointId, eventId, state: "succeeded", attempts: 1 },
      ]),
    ]);
    return id;
  },
  hostname: async (w) => {
    const hostname = `${uniq("m").toLowerCase()}.matrix.example`;
    await insertDomain(db(), { hostname, tenantId: w.a.id, siteId: w.a.siteId }).run();
    return hostname;
  },
  provider: async () => "threeplay",
  // A ready video in A's site (a fresh one per call), stored in MEDIA; for the upload routes an
  // upload in progress (R2 multipart) of a small PNG, whose one part is there for `complete`.
  mediaId: async (w, op) => {
    const id = newId("med");
    if (op.includes("/media/uploads/")) {
      const r2Key = `t/${w.a.id}/s/${w.a.siteId}/files/${crypto.randomUUID()}/matrix.png`;
      const multipart = await env.MEDIA.createMultipartUpload(r2Key);
      await insertMediaItem(db(), {
        id,
        tenantId: w.a.id,
        siteId: w.a.siteId,
        r2Key,
        filename: "matrix.png",
        declaredType: "image/png",
        kind: "image",
        size: MATRIX_PNG.byteLength,
        status: "uploading",
        uploadId: multipart.uploadId,
        partSize: 10 * 1024 * 1024,
        partCount: 1,
        metadata: {},
        variants: [],
      }).run();
      if (op.endsWith("/complete")) {
        const part = await multipart.uploadPart(1, MATRIX_PNG);
        await putUploadPart(db(), w.a.id, id, {
          partNumber: 1,
          etag: part.etag,
          size: MATRIX_PNG.byteLength,
        }).run();
      }
      return id;
    }
    const r2Key = `t/${w.a.id}/s/${w.a.siteId}/files/matrix/${id}.mp4`;
    await env.MEDIA.put(r2Key, new Uint8Array(1024));
    await insertMediaItem(db(), {
      id,
      tenantId: w.a.id,
      siteId: w.a.siteId,
      r2Key,
      filename: "matrix.mp4",
      declaredType: "video/mp4",
      sniffedType: "video/mp4",
      kind: "video",
      size: 1024,
      status: "ready",
      partSize: 10 * 1024 * 1024,
      partCount: 1,
      metadata: {},
      variants: [],
    }).run();
    return id;
  },
  partNumber: async () => "1",
  // A failed job of the media item the path names (the one {mediaId} just made).
  jobId: async (w) => {
    const [item] = await db()
      .select({ id: mediaItems.id })
      .from(mediaItems)
      .where(eq(mediaItems.siteId, w.a.siteId))
      .orderBy(desc(mediaItems.createdAt), desc(mediaItems.id))
      .limit(1);
    if (!item) throw new Error("{jobId} needs a media item made by {mediaId} first");
    const id = newId("mjob");
    await db()
      .insert(mediaJobs)
      .values({
        id,
        tenantId: w.a.id,
        siteId: w.a.siteId,
        mediaId: item.id,
        kind: "transcode",
        state: "failed",
        attempts: 3,
        lastError: "matrix",
      })
      .run();
    return id;
  },
  collaboratorId: async (w) => {
    const person = await addMember(w.a.id, "member", { signedIn: false });
    const id = newId("col");
    await insertCollaborator(db(), {
      id,
      tenantId: w.a.id,
      siteId: w.a.siteId,
      userId: person.id,
      role: "viewer",
    }).run();
    return id;
  },
};

/** Values for request fields (body or query) by name; used when the schema alone is not enough. */
const bodyValues: Record<string, (w: World) => Promise<unknown>> = {
  email: async () => freshEmail("matrix"),
  ownerEmail: async () => freshEmail("matrix-owner"),
  name: async () => `Matrix ${uniq()}`,
  role: async () => "member",
  password: async () => PASSWORD,
  currentPassword: async () => PASSWORD,
  newPassword: async () => "another long passphrase",
  token: async (w) => (await issueInvitation(w.a.id)).secret,
  title: async () => `Matrix title ${uniq()}`,
  slug: async () => uniq("slug").toLowerCase(),
  source: async () => STARTER_YAML,
  starterId: async () => "course",
  from: async () => 1,
  to: async () => 1,
  hostname: async () => `${uniq("m").toLowerCase()}.matrix.example`,
  siteId: async (w) => w.a.siteId,
  runAt: async () => new Date(Date.now() + 86_400_000).toISOString(),
  clientId: async () => "matrix-client.apps.googleusercontent.com",
  clientSecret: async () => "matrix-client-secret",
  refreshToken: async () => "1//matrix-refresh-token",
  apiKey: async () => "matrix-3play-api-key",
  url: async () => "https://learn.example.org/hooks/matrix",
};

/** Request headers by (lower-case) name, for operations that declare them. */
const headerValues: Record<string, string> = {
  "if-match": '"1"',
};

/** Whole bodies for operations whose fields must refer to something real together. */
const bodyOverrides: Record<string, (w: World) => Promise<Record<string, unknown>>> = {
  "POST /tenants/{tenantId}/sites/{siteId}/media/uploads": async () => ({
    filename: "matrix.png",
    type: "image/png",
    size: MATRIX_PNG.byteLength,
  }),
  "PUT /tenants/{tenantId}/media-limits": async () => ({ maxFileBytes: null, quotaBytes: null }),
  "POST /auth/sign-in": async () => ({ email: (await createUser()).email, password: PASSWORD }),
  "POST /tenants/{tenantId}/sites/{siteId}/collaborators": async (w) => ({
    userId: (await addMember(w.a.id, "member", { signedIn: false })).id,
    role: "editor",
  }),
  "PATCH /tenants/{tenantId}/sites/{siteId}/collaborators/{collaboratorId}": async () => ({
    role: "editor",
  }),
  "POST /tenants/{tenantId}/sites/{siteId}/content": async () => ({
    collection: "page",
    fields: { title: `Matrix page ${uniq()}` },
  }),
  "PATCH /tenants/{tenantId}/sites/{siteId}/content/{uid}": async () => ({ body: "Changed" }),
  // Google Drive set up for A with a folder the fake Drive serves (test/support/fake-providers.ts).
  "POST /tenants/{tenantId}/sites/{siteId}/media/import/gdrive": async (w) => ({
    folderId: await driveFolderFor(w.a.id),
  }),
  // Signing needs a key of A.
  "POST /tenants/{tenantId}/signed-urls": async (w) => {
    await signingKeyOfA(w);
    return { siteId: w.a.siteId };
  },
  "POST /tenants/{tenantId}/sites/{siteId}/rollback": async (w) => ({
    target: "preview",
    deployId: await deployOfA(w),
  }),
};

/** Headers an operation needs that its OpenAPI parameters cannot say (a WebSocket upgrade). */
const extraHeaders: Record<string, Record<string, string>> = {
  "GET /tenants/{tenantId}/sites/{siteId}/publish/events": {
    upgrade: "websocket",
    origin: "http://lectern.test",
  },
};

async function sample(schema: JsonSchema, name: string, w: World, where: string): Promise<unknown> {
  const s = resolve(schema);
  const provider = bodyValues[name];
  if (provider) return provider(w);
  const variants = s.anyOf ?? s.oneOf;
  if (variants) {
    const nonNull = variants.find((v) => resolve(v).type !== "null");
    if (nonNull) return sample(nonNull, name, w, where);
  }
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        // Required fields always; optional ones only when we know a sensible value.
        if (s.required?.includes(key) || bodyValues[key]) {
          out[key] = await sample(prop, key, w, `${where}.${key}`);
        }
      }
      return out;
    }
    case "string":
      if (s.format === "email") return freshEmail("matrix");
      if (s.pattern || s.format) break;
      return "m".repeat(Math.max(1, s.minLength ?? 1));
    case "integer":
    case "number":
      return s.minimum ?? 1;
    case "boolean":
      return false;
    case "array":
      if (!s.minItems) return [];
      break;
  }
  throw new Error(
    `The isolation matrix cannot make a value for ${where} (${JSON.stringify(s)}); add it to bodyValues or bodyOverrides in isolation-matrix.test.ts`,
  );
}

/** Non-JSON request bodies, by operation: a one-page course archive for the importer. */
const rawBodies: Record<string, () => Promise<{ body: Uint8Array<ArrayBuffer>; type: string }>> = {
  // One part of the upload {mediaId} made (the whole small PNG).
  "PUT /tenants/{tenantId}/sites/{siteId}/media/uploads/{mediaId}/parts/{partNumber}":
    async () => ({
      body: MATRIX_PNG,
      type: "application/octet-stream",
    }),
  "POST /tenants/{tenantId}/sites/{siteId}/media/import": async () => ({
    body: await buildZip([{ name: "matrix/picture.png", data: MATRIX_PNG }]),
    type: "application/zip",
  }),
  "POST /tenants/{tenantId}/sites/import": async () => {
    const page = `---\ncontent_type: page\ntitle: Matrix\nuid: ${crypto.randomUUID()}\n---\nHello\n`;
    const tar = tarWriter(
      (async function* () {
        yield { path: "course/content/pages/matrix.md", content: new TextEncoder().encode(page) };
      })(),
    ).pipeThrough(new CompressionStream("gzip"));
    return {
      body: new Uint8Array(await new Response(tar).arrayBuffer()),
      type: "application/gzip",
    };
  },
};

/** State an operation needs before it can succeed (e.g. only an archived site can be restored). */
const preconditions: Record<string, (w: World) => Promise<void>> = {
  "POST /tenants/{tenantId}/sites/{siteId}/restore": async (w) => {
    await updateSite(db(), w.a.id, w.a.siteId, { archivedAt: new Date() }).run();
  },
  "POST /tenants/{tenantId}/sites/{siteId}/content/{uid}/restore": async (w) => {
    w.itemDeleted = true;
  },
};

async function buildRequest(op: Op, w: World) {
  await preconditions[op.key]?.(w);
  let path = op.path;
  for (const [, name] of op.path.matchAll(/\{([^}]+)\}/g)) {
    const make = name ? pathParams[name] : undefined;
    if (!name || !make) {
      throw new Error(
        `The isolation matrix does not know path parameter {${name}} of ${op.key}; add it to pathParams`,
      );
    }
    path = path.replace(`{${name}}`, encodeURIComponent(await make(w, op.key)));
  }
  const query: Record<string, string> = {};
  const headers: Record<string, string> = { ...extraHeaders[op.key] };
  for (const p of op.op.parameters ?? []) {
    if (p.in === "header") {
      const value = headerValues[p.name.toLowerCase()];
      if (value === undefined) {
        throw new Error(`The isolation matrix does not know header ${p.name} of ${op.key}`);
      }
      headers[p.name] = value;
    }
    if (p.in !== "query" || !p.required) continue;
    query[p.name] = String(await sample(p.schema ?? {}, p.name, w, `${op.key} ?${p.name}`));
  }
  let body: unknown;
  const raw = rawBodies[op.key];
  if (raw) {
    const { body: bytes, type } = await raw();
    headers["content-type"] = type;
    headers["content-length"] = String(bytes.byteLength);
    return { path, query, body: undefined, rawBody: bytes, headers };
  }
  if (op.op.requestBody) {
    const override = bodyOverrides[op.key];
    const schema = op.op.requestBody.content?.["application/json"]?.schema;
    if (override) body = await override(w);
    else if (schema) body = await sample(schema, "", w, `${op.key} body`);
    else throw new Error(`${op.key} has a request body that is not JSON; teach the matrix`);
  }
  return { path, query, body, rawBody: undefined, headers };
}

// ---- The tests ----

describe("the OpenAPI document", () => {
  it("is served and lists operations", () => {
    expect(docResponse.status).toBe(200);
    expect(operations.length).toBeGreaterThan(10);
  });

  it("gives every operation an x-permission the policy module knows", () => {
    const missing = operations.filter((o) => !(o.op["x-permission"] ?? "")).map((o) => o.key);
    expect(missing, "operations without x-permission").toEqual([]);
    const unknown = operations
      .filter((o) => !Object.hasOwn(permissions, o.op["x-permission"] ?? ""))
      .map((o) => `${o.key}: ${o.op["x-permission"]}`);
    expect(unknown, "operations with an x-permission policy.ts does not define").toEqual([]);
  });

  it("documents every route the API serves (nothing escapes the matrix)", () => {
    const undocumented = new Set(["GET /openapi.json", "GET /reference"]);
    const served = new Set(
      api.routes
        .filter((r) => r.method !== "ALL")
        .map((r) => `${r.method} ${r.path.replace(/^\/api\/v1/, "").replace(/:(\w+)/g, "{$1}")}`)
        .filter((k) => !undocumented.has(k)),
    );
    const documented = new Set(operations.map((o) => o.key));
    expect(
      [...served].filter((k) => !documented.has(k)),
      "served but not documented",
    ).toEqual([]);
    expect(
      [...documented].filter((k) => !served.has(k)),
      "documented but not served",
    ).toEqual([]);
  });

  it("names a reason for every handler rule, and each rule names a real operation", () => {
    for (const rule of handlerRules) {
      expect(rule.why.length).toBeGreaterThan(10);
      expect(operations.map((o) => o.key)).toContain(rule.op);
    }
  });
});

describe.each(operations)("$key", (op) => {
  it.each(callers.map((c) => [label(c), c] as const))("as %s", async (_label, caller) => {
    const w = await world(caller);
    const req = await buildRequest(op, w);
    const res = await call(req.path, {
      method: op.method.toUpperCase(),
      query: req.query,
      ...(req.body !== undefined ? { body: req.body } : {}),
      ...(req.rawBody !== undefined ? { rawBody: req.rawBody } : {}),
      ...(w.caller.cookie ? { cookie: w.caller.cookie } : {}),
      ...(w.caller.token ? { token: w.caller.token } : {}),
      headers: { ...req.headers, "cf-connecting-ip": nextIp() },
    });
    const want = expected(op, caller);
    if (want.allowed) {
      const text = await res.text();
      res.webSocket?.accept();
      res.webSocket?.close(1000, "matrix");
      // 2xx, or 101 for a WebSocket upgrade the operation documents.
      const ok =
        (res.status >= 200 && res.status < 300) || (res.status === 101 && res.webSocket !== null);
      expect(ok, `${op.key} as ${label(caller)} should be allowed: ${res.status} ${text}`).toBe(
        true,
      );
      expect(Object.keys(op.op.responses ?? {}), "the status is documented").toContain(
        String(res.status),
      );
    } else {
      await expectProblem(res, want.status, want.code);
    }
  });
});
