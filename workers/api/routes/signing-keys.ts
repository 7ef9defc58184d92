// Signing keys for the catalog endpoints (/public/v1), managed by tenant admins: create (the
// secret shown once), rotate (a new key; the old one keeps working for an overlap), revoke
// (at once). And signed URLs made with the current key, for "copy signed URL" and scripts.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { ok, prefixedId } from "#schemas/common";
import {
  createdSigningKey,
  createSigningKeyBody,
  rotateBody,
  signedUrl,
  signedUrlBody,
  signingKey,
} from "#schemas/learn";
import { expectChanged } from "#workers/db/queries/guards";
import {
  currentSigningKey,
  expireSigningKey,
  getSigningKey,
  insertSigningKey,
  listSigningKeys,
  revokeSigningKey,
  type SigningKeyRow,
} from "#workers/db/queries/learn";
import { getSiteView } from "#workers/db/queries/sites";
import { auditStatement } from "#workers/domain/audit";
import { newId, randomSecret } from "#workers/domain/ids";
import { catalogPath, signedPublicUrl, siteJsonPath } from "#workers/public/urls";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
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

export const SIGNING_KEY_PREFIX = "lsk_";

export function keyView(k: SigningKeyRow, now = Date.now()) {
  const state = k.revokedAt
    ? "revoked"
    : k.expiresAt && k.expiresAt.getTime() <= now
      ? "expired"
      : k.expiresAt
        ? "expiring"
        : "active";
  return {
    id: k.id,
    name: k.name,
    rotatedFrom: k.rotatedFrom,
    expiresAt: isoOrNull(k.expiresAt),
    revokedAt: isoOrNull(k.revokedAt),
    lastUsedAt: isoOrNull(k.lastUsedAt),
    state: state as "active" | "expiring" | "expired" | "revoked",
    createdAt: iso(k.createdAt),
  };
}

const keyParam = tenantParam.extend({ keyId: prefixedId("key") });

const list = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/signing-keys",
  permission: "keys:manage",
  tags: ["Catalog"],
  summary: "The tenant's keys for signing catalog URLs (never their secrets)",
  request: { params: tenantParam },
  responses: { 200: jsonResponse(z.object({ items: z.array(signingKey) }), "Keys") },
});

const create = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/signing-keys",
  permission: "keys:manage",
  tags: ["Catalog"],
  summary: "Create a signing key; its secret is returned this once",
  request: { params: tenantParam, body: jsonBody(createSigningKeyBody) },
  responses: { 201: jsonResponse(createdSigningKey, "Created") },
});

const rotate = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/signing-keys/{keyId}/rotate",
  permission: "keys:manage",
  tags: ["Catalog"],
  summary:
    "Replace a key: a new key (secret returned once); the old one stays valid for the overlap",
  request: { params: keyParam, body: jsonBody(rotateBody) },
  responses: {
    201: jsonResponse(createdSigningKey.extend({ previous: signingKey }), "Rotated"),
    409: jsonResponse(z.object({}), "The key is revoked or already ending"),
  },
});

const revoke = defineRoute({
  method: "delete",
  path: "/tenants/{tenantId}/signing-keys/{keyId}",
  permission: "keys:manage",
  tags: ["Catalog"],
  summary: "Revoke a key: every URL it signed stops working at once",
  request: { params: keyParam },
  responses: { 200: jsonResponse(ok, "Revoked") },
});

const sign = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/signed-urls",
  permission: "keys:manage",
  tags: ["Catalog"],
  summary:
    "A signed URL of a live site's JSON (siteId) or of the catalog listing, with the current key",
  request: { params: tenantParam, body: jsonBody(signedUrlBody) },
  responses: { 201: jsonResponse(signedUrl, "Signed") },
});

export const signingKeyRoutes = new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => {
    const { tenant } = tenantOf(c);
    const rows = await listSigningKeys(c.get("db"), tenant.id);
    const now = Date.now();
    return c.json({ items: rows.map((k) => keyView(k, now)) }, 200);
  })
  .openapi(create, async (c) => {
    const { tenant } = tenantOf(c);
    const body = c.req.valid("json");
    const now = new Date();
    const row = {
      id: newId("key"),
      tenantId: tenant.id,
      name: body.name,
      secret: `${SIGNING_KEY_PREFIX}${randomSecret(32)}`,
      rotatedFrom: null,
      createdBy: principalOf(c).user.id,
      createdAt: now,
      updatedAt: now,
    };
    const db = c.get("db");
    await db.batch([
      insertSigningKey(db, row),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "signing_key.created",
        targetType: "signing_key",
        targetId: row.id,
        data: { name: row.name },
      }),
    ]);
    const key = keyView({ ...row, expiresAt: null, revokedAt: null, lastUsedAt: null });
    return c.json({ key, secret: row.secret }, 201);
  })
  .openapi(rotate, async (c) => {
    const { tenant } = tenantOf(c);
    const { keyId } = c.req.valid("param");
    const { overlapHours } = c.req.valid("json");
    const db = c.get("db");
    const old = await getSigningKey(db, tenant.id, keyId);
    if (!old) throw new ApiError("NOT_FOUND", "No such signing key");
    const now = new Date();
    if (old.revokedAt || old.expiresAt) {
      throw new ApiError("CONFLICT", "Only an active key can be rotated");
    }
    const ends = new Date(now.getTime() + overlapHours * 3_600_000);
    const row = {
      id: newId("key"),
      tenantId: tenant.id,
      name: old.name,
      secret: `${SIGNING_KEY_PREFIX}${randomSecret(32)}`,
      rotatedFrom: old.id,
      createdBy: principalOf(c).user.id,
      createdAt: now,
      updatedAt: now,
    };
    await db.batch([
      expireSigningKey(db, tenant.id, old.id, ends, now),
      expectChanged(db),
      insertSigningKey(db, row),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "signing_key.rotated",
        targetType: "signing_key",
        targetId: old.id,
        data: { newKeyId: row.id, overlapHours },
      }),
    ]);
    return c.json(
      {
        key: keyView({ ...row, expiresAt: null, revokedAt: null, lastUsedAt: null }),
        secret: row.secret,
        previous: keyView({ ...old, expiresAt: ends }),
      },
      201,
    );
  })
  .openapi(revoke, async (c) => {
    const { tenant } = tenantOf(c);
    const { keyId } = c.req.valid("param");
    const db = c.get("db");
    const key = await getSigningKey(db, tenant.id, keyId);
    if (!key) throw new ApiError("NOT_FOUND", "No such signing key");
    if (key.revokedAt) throw new ApiError("CONFLICT", "The key was already revoked");
    await db.batch([
      revokeSigningKey(db, tenant.id, keyId, new Date()),
      expectChanged(db),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "signing_key.revoked",
        targetType: "signing_key",
        targetId: keyId,
        data: { name: key.name },
      }),
    ]);
    return c.json({ ok: true as const }, 200);
  })
  .openapi(sign, async (c) => {
    const { tenant } = tenantOf(c);
    const body = c.req.valid("json");
    const db = c.get("db");
    const now = Date.now();
    const key = await currentSigningKey(db, tenant.id, new Date(now));
    if (!key) {
      throw new ApiError("CONFLICT", "Create a signing key first");
    }
    let path = catalogPath(tenant.slug);
    if (body.siteId !== undefined) {
      const found = /^site_[0-9A-Z]{26}$/.test(body.siteId)
        ? await getSiteView(db, tenant.id, body.siteId)
        : undefined;
      if (!found) {
        throw new ApiError("NOT_FOUND", "No such site", {
          errors: [{ field: "siteId", message: "is not a site of this tenant" }],
        });
      }
      path = siteJsonPath(tenant.slug, found.site.slug);
    }
    // Whole seconds: the URL's `exp` is in seconds and the answer must say the same time.
    const expiresAt = Math.floor((now + body.expiresInHours * 3_600_000) / 1000) * 1000;
    const url = await signedPublicUrl(c.env, path, key, expiresAt);
    return c.json({ url, keyId: key.id, expiresAt: new Date(expiresAt).toISOString() }, 201);
  });
