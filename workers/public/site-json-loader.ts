// Reads what a site's JSON is made of from D1 (the site, its starter, its content without
// bodies) and hands it to the pure mapping in workers/domain/site-json.ts.
import { and, eq, isNull } from "drizzle-orm";
import type { SiteJson } from "#schemas/learn";
import type { StarterConfig } from "#schemas/starter";
import { exportSiteOf } from "#workers/api/routes/site-export";
import type { Db } from "#workers/db/client";
import { getStarter, getStarterVersionById } from "#workers/db/queries/starters";
import { contentItems, type sites } from "#workers/db/schema";
import { OFFLINE_PATH } from "#workers/delivery/index";
import { siteBaseUrl } from "#workers/domain/site-hosts";
import { buildSiteJson } from "#workers/domain/site-json";
import { config } from "#workers/env";

type SiteRow = typeof sites.$inferSelect;

/** The site's ids and URLs as events and listings state them (no content read). */
export async function siteIdentity(env: Env, db: Db, tenantSlug: string, site: SiteRow) {
  const starterConfig = await starterConfigOf(db, site);
  const ids = exportSiteOf(starterConfig, site);
  return {
    siteUid: ids.uid as string,
    urlPath: ids.urlPath,
    liveUrl: siteBaseUrl(config(env), "live", tenantSlug, site.slug),
  };
}

const configCache = new Map<string, StarterConfig>();

async function starterConfigOf(db: Db, site: SiteRow): Promise<StarterConfig> {
  const hit = configCache.get(site.starterVersionId);
  if (hit) return hit;
  const version = await getStarterVersionById(db, site.tenantId, site.starterVersionId);
  if (!version) throw new Error(`site ${site.id}: its starter version is missing`);
  const cfg = version.config as unknown as StarterConfig;
  if (configCache.size > 200) configCache.clear();
  configCache.set(site.starterVersionId, cfg);
  return cfg;
}

export async function loadSiteJson(
  env: Env,
  db: Db,
  tenantSlug: string,
  site: SiteRow,
  publishedAt: Date,
): Promise<SiteJson> {
  const [starterConfig, starter, items] = await Promise.all([
    starterConfigOf(db, site),
    getStarter(db, site.tenantId, site.starterId),
    db
      .select({
        uid: contentItems.uid,
        collection: contentItems.collection,
        filename: contentItems.filename,
        title: contentItems.title,
        resourcetype: contentItems.resourcetype,
        data: contentItems.data,
        extra: contentItems.extra,
      })
      .from(contentItems)
      .where(
        and(
          eq(contentItems.tenantId, site.tenantId),
          eq(contentItems.siteId, site.id),
          isNull(contentItems.deletedAt),
        ),
      ),
  ]);
  const ids = exportSiteOf(starterConfig, site);
  const liveBaseUrl = siteBaseUrl(config(env), "live", tenantSlug, site.slug);
  return buildSiteJson({
    site: {
      id: site.id,
      uid: ids.uid as string,
      slug: site.slug,
      urlPath: ids.urlPath,
      title: site.title,
      contentVersion: site.contentVersion,
      liveContentVersion: site.livePublishedVersion,
      updatedAt: site.updatedAt,
    },
    tenantSlug,
    starterSlug: starter?.slug ?? "",
    config: starterConfig,
    liveBaseUrl,
    offlineUrl: new URL(OFFLINE_PATH, liveBaseUrl).toString(),
    publishedAt,
    items,
  });
}
