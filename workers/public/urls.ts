// Where the signed catalog endpoints live, and signing URLs to them with a tenant's key.
import { signUrl } from "#workers/domain/catalog-signing";
import { config } from "#workers/env";

export const PUBLIC_BASE = "/public/v1";

export const siteJsonPath = (tenantSlug: string, siteSlug: string) =>
  `${PUBLIC_BASE}/tenants/${tenantSlug}/sites/${siteSlug}.json`;

export const catalogPath = (tenantSlug: string) => `${PUBLIC_BASE}/tenants/${tenantSlug}/sites`;

export function signedPublicUrl(
  env: Env,
  path: string,
  key: { id: string; secret: string },
  expiresAt: number,
  params: Record<string, string> = {},
): Promise<string> {
  const url = new URL(path, config(env).APP_URL);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return signUrl(url, key, expiresAt);
}
