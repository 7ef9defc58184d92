import { failLoader } from "../lib/problem.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/publish-deploy";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId, siteId, deployId } = params;
  const access = await loadTenant(context.api, request, tenantId);
  const siteApi = context.api.tenants[":tenantId"].sites[":siteId"];
  const [siteRes, deployRes] = await Promise.all([
    siteApi.$get({ param: { tenantId, siteId } }),
    siteApi.deploys[":deployId"].$get({ param: { tenantId, siteId, deployId } }),
  ]);
  if (!siteRes.ok) return failLoader(siteRes, request);
  if (!deployRes.ok) return failLoader(deployRes, request);
  const site = await siteRes.json();
  return {
    tenant: access.tenant,
    site: { id: site.id, title: site.title },
    deploy: await deployRes.json(),
  };
}
