// "Import from Google Drive folder" (ADR 014): the tenant's Google Drive credentials list the
// folder and the library imports its files, like the zip import, one report line per file.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { prefixedId } from "#schemas/common";
import { mediaImportReport } from "#schemas/media";
import { gdriveImportBody } from "#schemas/providers";
import { hasTenantProvider } from "#workers/db/queries/providers";
import { auditStatement } from "#workers/domain/audit";
import { ProviderError } from "#workers/providers/errors";
import { importDriveFolder } from "#workers/providers/gdrive-import";
import { loadProvider, ProviderSecretsUnreadable } from "#workers/providers/settings";
import { writable } from "../content-ops.ts";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { defineRoute, jsonBody, jsonResponse, principalOf, siteOf, tenantOf } from "../route.ts";

const siteParam = z.object({ tenantId: prefixedId("ten"), siteId: prefixedId("site") });

const importRoute = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/sites/{siteId}/media/import/gdrive",
  permission: "site:edit",
  tags: ["Media"],
  summary: "Import a Google Drive folder's files into the library, one report line per file",
  description:
    "Uses the tenant's Google Drive settings (Media providers). Subfolders are imported with " +
    "their paths (`videos_final/…`), up to three levels. 409 when Google Drive is not set up or " +
    "refuses the stored credentials; 422 when the folder is not found or not shared.",
  request: { params: siteParam, body: jsonBody(gdriveImportBody) },
  responses: {
    200: jsonResponse(mediaImportReport, "What happened to each file"),
    409: { description: "Google Drive is not set up, or refused the credentials" },
    422: { description: "The folder was not found (or is not shared with the account)" },
    502: { description: "Google Drive is unavailable; try again" },
  },
});

const availableRoute = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/media/import/gdrive",
  permission: "site:edit",
  tags: ["Media"],
  summary: "Whether the Google Drive import is available (the tenant has Google Drive set up)",
  request: { params: siteParam },
  responses: {
    200: jsonResponse(z.object({ configured: z.boolean() }), "Whether it is available"),
  },
});

export const mediaGDriveRoutes = new OpenAPIHono<AppEnv>()
  .openapi(availableRoute, async (c) => {
    const configured = await hasTenantProvider(c.get("db"), tenantOf(c).tenant.id, "gdrive");
    return c.json({ configured }, 200);
  })
  .openapi(importRoute, async (c) => {
    writable(c);
    const tenantId = tenantOf(c).tenant.id;
    const siteId = siteOf(c).site.id;
    const { folderId } = c.req.valid("json");
    const db = c.get("db");
    let cfg: Awaited<ReturnType<typeof loadProvider<"gdrive">>>;
    try {
      cfg = await loadProvider(c.env, db, tenantId, "gdrive");
    } catch (err) {
      if (err instanceof ProviderSecretsUnreadable) {
        throw new ApiError(
          "CONFLICT",
          "The stored Google Drive credentials cannot be read; enter them again",
        );
      }
      throw err;
    }
    if (!cfg) {
      throw new ApiError(
        "CONFLICT",
        "Google Drive is not set up for this tenant (Media providers)",
      );
    }
    const scope = {
      env: c.env,
      db,
      tenantId,
      siteId,
      userId: principalOf(c).user.id,
      requestId: c.get("requestId"),
      ipAddress: c.req.header("cf-connecting-ip") ?? null,
    };
    try {
      const report = await importDriveFolder(scope, cfg, folderId);
      await auditStatement(c, {
        tenantId,
        action: "media.imported_from_gdrive",
        targetType: "site",
        targetId: siteId,
        data: {
          folderId,
          imported: report.imported,
          duplicates: report.duplicates,
          captions: report.captions,
          failed: report.failed,
        },
      }).run();
      return c.json(report, 200);
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      if (err.kind === "not_found") {
        throw new ApiError(
          "UNPROCESSABLE",
          "Google Drive has no such folder shared with the account",
          {
            errors: [{ field: "folderId", message: "not found, or not shared with the account" }],
          },
        );
      }
      if (err.kind === "invalid") {
        throw new ApiError("VALIDATION_FAILED", err.message, {
          errors: [{ field: "folderId", message: err.message }],
        });
      }
      if (err.kind === "auth") {
        throw new ApiError(
          "CONFLICT",
          `Google Drive refused the stored credentials: ${err.message}`,
        );
      }
      throw new ApiError("PROVIDER_UNAVAILABLE", `${err.message}; try again`);
    }
  });
