// The starter config a site was made with. Starter versions never change once written, so the
// parsed config is cached per isolate by version id.
import type { StarterConfig } from "#schemas/starter";
import { getStarterVersionById } from "#workers/db/queries/starters";
import type { AppContext } from "./context.ts";
import { ApiError } from "./errors.ts";
import { siteOf, tenantOf } from "./route.ts";

/** Starter versions never change once written, so their parsed config is cached per isolate. */
const configCache = new Map<string, StarterConfig>();
export async function siteConfig(c: AppContext): Promise<StarterConfig> {
  const { site } = siteOf(c);
  const cached = configCache.get(site.starterVersionId);
  if (cached) return cached;
  const version = await getStarterVersionById(
    c.get("db"),
    tenantOf(c).tenant.id,
    site.starterVersionId,
  );
  if (!version) throw new ApiError("NOT_FOUND", "The site's starter is missing");
  const config = version.config as unknown as StarterConfig;
  if (configCache.size > 200) configCache.clear();
  configCache.set(site.starterVersionId, config);
  return config;
}
