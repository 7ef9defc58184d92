// The site's SitePublisher Durable Object (one per site, named by the site id).
import type { SitePublisher } from "#workers/objects/site-publisher";

export function publisherOf(env: Env, siteId: string): DurableObjectStub<SitePublisher> {
  const ns = env.SITE_PUBLISHER as unknown as DurableObjectNamespace<SitePublisher>;
  return ns.get(ns.idFromName(siteId));
}
