// Who reaches a published site besides the public: preview access for collaborators (a
// one-shot handoff to the preview host), shared preview links, and custom domains that map a
// tenant's own hostname to a site's live deploy. Delivery (workers/delivery) honours all three.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { ok, prefixedId } from "#schemas/common";
import { domainName, previewLink, previewLinkBody, siteDomain } from "#schemas/publish";
import { createDomainBody, previewAccess, previewAccessQuery } from "#schemas/site-access";
import {
  deleteDomain,
  getDomain,
  insertDomain,
  isDomainTaken,
  listDomains,
} from "#workers/db/queries/domains";
import { getSiteView } from "#workers/db/queries/sites";
import { forgetDomain, invalidateSite } from "#workers/delivery/index";
import {
  HANDOFF_PATH,
  previewHandoffToken,
  previewLinkToken,
} from "#workers/delivery/preview-access";
import { auditStatement } from "#workers/domain/audit";
import { siteOrigin } from "#workers/domain/site-hosts";
import { config } from "#workers/env";
import type { AppEnv } from "../context.ts";
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
const domainParam = tenantParam.extend({ hostname: domainName });

const createPreviewLink = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/{siteId}/preview-links",
  permission: "site:publish-live",
  tags: ["Publishing"],
  summary: "A link that opens the site's preview for anyone who has it, until it expires",
  request: { params: siteParam, body: jsonBody(previewLinkBody) },
  responses: { 200: jsonResponse(previewLink, "The link") },
});

const getPreviewAccess = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/preview-access",
  permission: "site:read",
  tags: ["Publishing"],
  summary: "A one-shot URL (valid for a minute) that lets your browser into the preview site",
  request: { params: siteParam, query: previewAccessQuery },
  responses: { 200: jsonResponse(previewAccess, "Where to send the browser") },
});

const list = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/domains",
  permission: "domains:manage",
  tags: ["Domains"],
  summary: "Custom hostnames mapped to the tenant's sites",
  request: { params: tenantParam },
  responses: { 200: jsonResponse(z.object({ items: z.array(siteDomain) }), "Domains") },
});

const create = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/domains",
  permission: "domains:manage",
  tags: ["Domains"],
  summary: "Serve a site's live deploy at a custom hostname (DNS must point at Lectern)",
  request: { params: tenantParam, body: jsonBody(createDomainBody) },
  responses: {
    201: jsonResponse(siteDomain, "Mapped"),
    409: { description: "The hostname is already mapped" },
  },
});

const remove = defineRoute({
  method: "delete",
  path: "/tenants/{tenantId}/domains/{hostname}",
  permission: "domains:manage",
  tags: ["Domains"],
  summary: "Stop serving a site at a custom hostname",
  request: { params: domainParam },
  responses: { 200: jsonResponse(ok, "Removed") },
});

const domainView = (d: {
  hostname: string;
  siteId: string;
  createdBy: string | null;
  creatorName: string | null;
  creatorEmail: string | null;
  createdAt: Date;
}) => ({
  hostname: d.hostname,
  siteId: d.siteId,
  createdBy:
    d.createdBy && d.creatorEmail
      ? { id: d.createdBy, name: d.creatorName ?? d.creatorEmail, email: d.creatorEmail }
      : null,
  createdAt: iso(d.createdAt),
});

/** Names delivery owns or the app answers on can never be a tenant's custom domain. */
function reservedReason(env: Env, hostname: string): string | null {
  const cfg = config(env);
  if (hostname === new URL(cfg.APP_URL).hostname.toLowerCase()) return "is the app's own hostname";
  for (const domain of [cfg.SITES_DOMAIN, cfg.PREVIEW_DOMAIN].map((d) => d.toLowerCase())) {
    if (hostname === domain || hostname.endsWith(`.${domain}`)) {
      return `is under ${domain}, where Lectern names sites itself`;
    }
  }
  return null;
}

export const siteAccessRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createPreviewLink, async (c) => {
    const { tenant } = tenantOf(c);
    const { site } = siteOf(c);
    const { expiresInHours } = c.req.valid("json");
    const expiresAt = Date.now() + expiresInHours * 3600 * 1000;
    const token = await previewLinkToken(config(c.env).AUTH_SECRET, site.id, expiresAt);
    const origin = siteOrigin(config(c.env), "preview", tenant.slug, site.slug);
    await auditStatement(c, {
      tenantId: tenant.id,
      action: "site.preview_link_created",
      targetType: "site",
      targetId: site.id,
      // The token is a credential: only its lifetime is recorded.
      data: { expiresAt: new Date(expiresAt).toISOString(), expiresInHours },
    }).run();
    return c.json(
      {
        url: `${origin}/?lectern_preview=${encodeURIComponent(token)}`,
        expiresAt: new Date(expiresAt).toISOString(),
      },
      200,
    );
  })
  .openapi(getPreviewAccess, async (c) => {
    const { tenant } = tenantOf(c);
    const { site } = siteOf(c);
    const { return: returnPath } = c.req.valid("query");
    const token = await previewHandoffToken(config(c.env).AUTH_SECRET, site.id, returnPath);
    const origin = siteOrigin(config(c.env), "preview", tenant.slug, site.slug);
    return c.json({ url: `${origin}${HANDOFF_PATH}?token=${encodeURIComponent(token)}` }, 200);
  })
  .openapi(list, async (c) => {
    const rows = await listDomains(c.get("db"), tenantOf(c).tenant.id);
    return c.json({ items: rows.map(domainView) }, 200);
  })
  .openapi(create, async (c) => {
    const { tenant } = tenantOf(c);
    const { hostname, siteId } = c.req.valid("json");
    const db = c.get("db");
    const reserved = reservedReason(c.env, hostname);
    if (reserved) {
      throw new ApiError("VALIDATION_FAILED", `This hostname ${reserved}`, {
        errors: [{ field: "hostname", message: reserved }],
      });
    }
    if (!(await getSiteView(db, tenant.id, siteId))) {
      throw new ApiError("NOT_FOUND", "No such site");
    }
    // Unique across tenants (the primary key); a race past this check fails the insert, which
    // the API answers as CONFLICT too.
    if (await isDomainTaken(db, hostname)) {
      throw new ApiError("CONFLICT", "This hostname is already mapped to a site", {
        errors: [{ field: "hostname", message: "is already in use" }],
      });
    }
    await db.batch([
      insertDomain(db, {
        hostname,
        tenantId: tenant.id,
        siteId,
        createdBy: principalOf(c).user.id,
      }),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "domain.added",
        targetType: "site",
        targetId: siteId,
        data: { hostname },
      }),
    ]);
    // Unknown hostnames are cached negatively by delivery: forget that answer here.
    await forgetDomain(hostname);
    await invalidateSite(c.env, siteId);
    const row = await getDomain(db, tenant.id, hostname);
    if (!row) throw new Error("domain vanished after insert");
    return c.json(domainView(row), 201);
  })
  .openapi(remove, async (c) => {
    const { tenant } = tenantOf(c);
    const { hostname } = c.req.valid("param");
    const db = c.get("db");
    const current = await getDomain(db, tenant.id, hostname);
    if (!current) throw new ApiError("NOT_FOUND", "No such domain");
    await db.batch([
      deleteDomain(db, tenant.id, hostname),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "domain.removed",
        targetType: "site",
        targetId: current.siteId,
        data: { hostname },
      }),
    ]);
    await forgetDomain(hostname);
    await invalidateSite(c.env, current.siteId);
    return c.json({ ok: true as const }, 200);
  });
