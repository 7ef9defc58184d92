// A tenant's media provider settings (tenant_providers). Every function takes the tenant.
import { and, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { mediaItems, type providerNames, tenantProviders } from "../schema.ts";

type ProviderName = (typeof providerNames)[number];

export function getTenantProvider(db: Db, tenantId: string, provider: ProviderName) {
  return db.query.tenantProviders.findFirst({
    where: and(eq(tenantProviders.tenantId, tenantId), eq(tenantProviders.provider, provider)),
  });
}

export function listTenantProviders(db: Db, tenantId: string) {
  return db.select().from(tenantProviders).where(eq(tenantProviders.tenantId, tenantId));
}

/** Sets or replaces a provider's settings (one statement, for a batch). */
export function upsertTenantProvider(
  db: Db,
  row: {
    tenantId: string;
    provider: ProviderName;
    config: Record<string, unknown>;
    secretCiphertext: string;
    secretHint: string;
    updatedBy: string | null;
    now: Date;
  },
) {
  const { now, ...values } = row;
  return db
    .insert(tenantProviders)
    .values({ ...values, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [tenantProviders.tenantId, tenantProviders.provider],
      set: {
        config: values.config,
        secretCiphertext: values.secretCiphertext,
        secretHint: values.secretHint,
        updatedBy: values.updatedBy,
        updatedAt: now,
      },
    });
}

export function deleteTenantProvider(db: Db, tenantId: string, provider: ProviderName) {
  return db
    .delete(tenantProviders)
    .where(and(eq(tenantProviders.tenantId, tenantId), eq(tenantProviders.provider, provider)));
}

/** Whether the tenant has set up `provider` (no secrets read). */
export async function hasTenantProvider(db: Db, tenantId: string, provider: ProviderName) {
  const [row] = await db
    .select({ provider: tenantProviders.provider })
    .from(tenantProviders)
    .where(and(eq(tenantProviders.tenantId, tenantId), eq(tenantProviders.provider, provider)))
    .limit(1);
  return row !== undefined;
}

/** The site's library videos that were uploaded to YouTube (metadata.youtube.videoId). */
export function videosOnYouTube(db: Db, tenantId: string, siteId: string) {
  return db
    .select({ id: mediaItems.id, metadata: mediaItems.metadata })
    .from(mediaItems)
    .where(
      and(
        eq(mediaItems.tenantId, tenantId),
        eq(mediaItems.siteId, siteId),
        eq(mediaItems.kind, "video"),
        ne(mediaItems.status, "deleted"),
        sql`json_extract(${mediaItems.metadata}, '$.youtube.videoId') IS NOT NULL`,
      ),
    )
    .orderBy(mediaItems.id);
}
