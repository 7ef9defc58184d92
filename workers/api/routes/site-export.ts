// The deterministic Hugo export of a site, streamed as tar.gz (or tar): the content tree OCW
// Studio would write to git. Publishing's builder consumes it. Memory stays small whatever the
// site's size: the route holds the uid index (a few fields per item), then reads items in export
// order, 90 at a time, rendering each into the tar stream as it goes.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { prefixedId } from "#schemas/common";
import type { StarterConfig } from "#schemas/starter";
import type { Db } from "#workers/db/client";
import { exportIndex, itemsByUid } from "#workers/db/queries/content";
import { tarWriter } from "#workers/domain/archive/index";
import {
  compareExportPath,
  type ExportIndexEntry,
  type ExportSite,
  exportPath,
  renderItem,
} from "#workers/domain/hugo-export";
import { nameUuid } from "#workers/domain/ocw-import";
import type { AppEnv } from "../context.ts";
import { defineRoute, siteOf, tenantOf } from "../route.ts";
import { siteConfig } from "../site-config.ts";

const siteParam = z.object({ tenantId: prefixedId("ten"), siteId: prefixedId("site") });
const PAGE = 90;

const exportRoute = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/sites/{siteId}/export",
  permission: "site:read",
  tags: ["Content"],
  summary: "The site's Hugo content tree (markdown, data JSON, menus) as tar.gz or tar",
  request: {
    params: siteParam,
    query: z.strictObject({ format: z.enum(["tar.gz", "tar"]).default("tar.gz") }),
  },
  responses: {
    200: {
      description: "The archive; the same bytes for the same content",
      content: {
        "application/gzip": { schema: { type: "string", format: "binary" } },
        "application/x-tar": { schema: { type: "string", format: "binary" } },
      },
      headers: { ETag: { schema: { type: "string" } } },
    },
    304: { description: "Not modified since the ETag in If-None-Match" },
  },
});

/** OCW's `site_url_path`: the starter's root URL path and the site's slug. */
export function exportSiteOf(
  config: StarterConfig,
  site: { id: string; slug: string },
): ExportSite {
  const root = String(config["root-url-path"] ?? "").replace(/^\/+|\/+$/g, "");
  // OCW's site_uid is a UUID; Lectern's site ids are not, so derive a stable one from the id.
  return {
    uid: nameUuid(`site:${site.id}`),
    slug: site.slug,
    urlPath: root ? `${root}/${site.slug}` : site.slug,
  };
}

/**
 * Files of a site's export, in path order. Exported for the publishing issue, which builds from
 * the same stream.
 */
export async function* exportFiles(
  db: Db,
  tenantId: string,
  siteId: string,
  config: StarterConfig,
  site: ExportSite,
): AsyncGenerator<{ path: string; content: Uint8Array }> {
  const entries = await exportIndex(db, tenantId, siteId);
  const index = new Map<string, ExportIndexEntry>(entries.map((e) => [e.uid, e]));
  // Export order: by path. Items whose collection the starter no longer has are left out.
  const planned = entries
    .map((e) => ({ uid: e.uid, path: exportPath(config, e) }))
    .filter((p): p is { uid: string; path: string } => p.path !== null)
    .sort((a, b) => compareExportPath(a.path, b.path) || compareExportPath(a.uid, b.uid));
  let previous: string | undefined;
  for (let i = 0; i < planned.length; i += PAGE) {
    const batch = planned.slice(i, i + PAGE);
    const rows = await itemsByUid(
      db,
      tenantId,
      siteId,
      batch.map((p) => p.uid),
    );
    const byUid = new Map(rows.map((r) => [r.uid, r]));
    for (const p of batch) {
      const row = byUid.get(p.uid);
      if (!row) continue; // deleted since the index was read
      const file = renderItem(config, row, { site, index });
      if (!file || file.path === previous) continue;
      previous = file.path;
      yield { path: file.path, content: file.content };
    }
  }
}

export const siteExportRoutes = new OpenAPIHono<AppEnv>().openapi(exportRoute, async (c) => {
  const { tenant } = tenantOf(c);
  const { site } = siteOf(c);
  const { format } = c.req.valid("query");
  const config = await siteConfig(c);
  // The export is a function of the content version, the starter version and the site's slug.
  const etag = `"${site.contentVersion}-${site.starterVersionId}-${site.slug}-${format}"`;
  const headers = {
    ETag: etag,
    "Cache-Control": "private, no-cache",
  };
  if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
  const tar = tarWriter(
    exportFiles(c.get("db"), tenant.id, site.id, config, exportSiteOf(config, site)),
  );
  const body = format === "tar" ? tar : tar.pipeThrough(new CompressionStream("gzip"));
  return c.body(body, 200, {
    ...headers,
    "Content-Type": format === "tar" ? "application/x-tar" : "application/gzip",
    "Content-Disposition": `attachment; filename="${site.slug}.${format}"`,
  });
});
