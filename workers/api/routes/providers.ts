// A tenant's media providers (ADR 014): owners and admins set, replace and remove the
// credentials of YouTube, 3Play Media and Google Drive. Secrets are sealed before they reach
// D1 and never leave it again: reads answer `configured`, a 4-character hint and the time.
import { OpenAPIHono, type z } from "@hono/zod-openapi";
import { ok } from "#schemas/common";
import {
  gdriveSettingsBody,
  type ProviderName,
  providerList,
  providerName,
  providerNames,
  providerStatus,
  threeplaySettingsBody,
  youtubeSettingsBody,
} from "#schemas/providers";
import {
  deleteTenantProvider,
  getTenantProvider,
  listTenantProviders,
  upsertTenantProvider,
} from "#workers/db/queries/providers";
import type { tenantProviders } from "#workers/db/schema";
import { auditStatement } from "#workers/domain/audit";
import { secretsAvailable } from "#workers/providers/secret-box";
import { type ProviderBody, sealSettings } from "#workers/providers/settings";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { defineRoute, iso, jsonBody, jsonResponse, principalOf, tenantOf } from "../route.ts";
import { tenantParam } from "./tenants.ts";

const tags = ["Media providers"];
type Row = typeof tenantProviders.$inferSelect;

function statusOf(provider: ProviderName, row: Row | undefined) {
  const config: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(row?.config ?? {})) {
    if (v === null || ["string", "number", "boolean"].includes(typeof v)) {
      config[k] = v as string | number | boolean | null;
    }
  }
  return {
    provider,
    configured: Boolean(row),
    hint: row ? row.secretHint : null,
    config,
    updatedAt: row ? iso(row.updatedAt) : null,
  };
}

const listRoute = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/providers",
  permission: "providers:manage",
  tags,
  summary: "The tenant's media providers: which are configured (secrets are never returned)",
  request: { params: tenantParam },
  responses: { 200: jsonResponse(providerList, "Providers") },
});

const putRoute = <P extends ProviderName, S extends z.ZodType>(
  provider: P,
  label: string,
  body: S,
) =>
  defineRoute({
    method: "put",
    path: `/tenants/{tenantId}/providers/${provider}` as `/tenants/{tenantId}/providers/${P}`,
    permission: "providers:manage",
    tags,
    summary: `Set or replace the ${label} credentials`,
    description:
      "The secrets are encrypted at rest and never returned; the answer shows the last 4 " +
      "characters of the main secret. 409 when this deployment has no encryption key.",
    request: { params: tenantParam, body: jsonBody(body) },
    responses: {
      200: jsonResponse(providerStatus, "Saved"),
      409: { description: "Credentials cannot be stored on this deployment" },
    },
  });

const deleteRoute = defineRoute({
  method: "delete",
  path: "/tenants/{tenantId}/providers/{provider}",
  permission: "providers:manage",
  tags,
  summary: "Remove a provider's credentials (nothing happens if none are set)",
  request: { params: tenantParam.extend({ provider: providerName }) },
  responses: { 200: jsonResponse(ok, "Removed") },
});

async function save<P extends ProviderName>(c: AppContext, provider: P, body: ProviderBody[P]) {
  const { tenant } = tenantOf(c);
  if (!(await secretsAvailable(c.env))) {
    throw new ApiError(
      "CONFLICT",
      "Provider credentials cannot be stored here: SECRETS_ENCRYPTION_KEY is not set",
    );
  }
  const sealed = await sealSettings(c.env, tenant.id, provider, body);
  const db = c.get("db");
  const existing = await getTenantProvider(db, tenant.id, provider);
  const now = new Date();
  await db.batch([
    upsertTenantProvider(db, {
      tenantId: tenant.id,
      provider,
      ...sealed,
      updatedBy: principalOf(c).user.id,
      now,
    }),
    auditStatement(c, {
      tenantId: tenant.id,
      action: existing ? "provider.replaced" : "provider.configured",
      targetType: "provider",
      targetId: provider,
      // What is shown anyway; never the secrets.
      data: { config: sealed.config, hint: sealed.secretHint },
    }),
  ]);
  const row = await getTenantProvider(db, tenant.id, provider);
  return statusOf(provider, row);
}

export const providerRoutes = new OpenAPIHono<AppEnv>()
  .openapi(listRoute, async (c) => {
    const { tenant } = tenantOf(c);
    const rows = await listTenantProviders(c.get("db"), tenant.id);
    const items = providerNames.map((p) =>
      statusOf(
        p,
        rows.find((r) => r.provider === p),
      ),
    );
    return c.json({ items, storageAvailable: await secretsAvailable(c.env) }, 200);
  })
  .openapi(putRoute("youtube", "YouTube", youtubeSettingsBody), async (c) =>
    c.json(await save(c, "youtube", c.req.valid("json")), 200),
  )
  .openapi(putRoute("threeplay", "3Play Media", threeplaySettingsBody), async (c) =>
    c.json(await save(c, "threeplay", c.req.valid("json")), 200),
  )
  .openapi(putRoute("gdrive", "Google Drive", gdriveSettingsBody), async (c) =>
    c.json(await save(c, "gdrive", c.req.valid("json")), 200),
  )
  .openapi(deleteRoute, async (c) => {
    const { tenant } = tenantOf(c);
    const { provider } = c.req.valid("param");
    const db = c.get("db");
    const existing = await getTenantProvider(db, tenant.id, provider);
    if (existing) {
      await db.batch([
        deleteTenantProvider(db, tenant.id, provider),
        auditStatement(c, {
          tenantId: tenant.id,
          action: "provider.removed",
          targetType: "provider",
          targetId: provider,
          data: { hint: existing.secretHint },
        }),
      ]);
    }
    return c.json({ ok: true as const }, 200);
  });
