// Where published sites live: live at `<site>.<tenant>.<sitesDomain>`, preview at
// `<site>.<tenant>.<previewDomain>`, with the app's scheme and port (APP_URL). Both directions
// here, so the API's links and delivery's routing cannot disagree. Custom domains (a tenant's
// own hostname for a site's live deploy) are looked up in D1 by delivery, not parsed here.
import type { BuildTarget } from "#schemas/build-job";

export type SiteHostConfig = {
  APP_URL: string;
  SITES_DOMAIN: string;
  PREVIEW_DOMAIN: string;
};

/** The origin of a site's target, e.g. `http://physics.demo.sites.localhost:8787`. */
export function siteOrigin(
  cfg: SiteHostConfig,
  target: BuildTarget,
  tenantSlug: string,
  siteSlug: string,
): string {
  const app = new URL(cfg.APP_URL);
  const domain = target === "live" ? cfg.SITES_DOMAIN : cfg.PREVIEW_DOMAIN;
  const port = app.port ? `:${app.port}` : "";
  return `${app.protocol}//${siteSlug}.${tenantSlug}.${domain.toLowerCase()}${port}`;
}

/** The base URL Hugo builds a target with (trailing slash). */
export function siteBaseUrl(
  cfg: SiteHostConfig,
  target: BuildTarget,
  tenantSlug: string,
  siteSlug: string,
): string {
  return `${siteOrigin(cfg, target, tenantSlug, siteSlug)}/`;
}

export type ParsedSiteHost = { target: BuildTarget; tenantSlug: string; siteSlug: string };

const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The site a request's hostname (without port) names, or null when it is not a site host of
 * ours (the app, or a custom domain to look up). The preview domain is checked first, since it
 * may sit under the sites domain.
 */
export function parseSiteHost(cfg: SiteHostConfig, hostname: string): ParsedSiteHost | null {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  for (const [target, domain] of [
    ["preview", cfg.PREVIEW_DOMAIN.toLowerCase()],
    ["live", cfg.SITES_DOMAIN.toLowerCase()],
  ] as const) {
    if (!host.endsWith(`.${domain}`)) continue;
    const parts = host.slice(0, -(domain.length + 1)).split(".");
    if (parts.length !== 2) return null;
    const [siteSlug, tenantSlug] = parts as [string, string];
    if (!label.test(siteSlug) || !label.test(tenantSlug)) return null;
    return { target, tenantSlug, siteSlug };
  }
  return null;
}

/** Cache tag covering everything delivery caches for one site (both targets). */
export function siteCacheTag(siteId: string): string {
  return `lectern-site-${siteId.toLowerCase()}`;
}
