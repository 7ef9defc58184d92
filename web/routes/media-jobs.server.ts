import { data } from "react-router";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/media-jobs";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId, siteId, mediaId } = params;
  const access = await loadTenant(context.api, request, tenantId);
  const siteApi = context.api.tenants[":tenantId"].sites[":siteId"];
  const [siteRes, itemRes, jobsRes] = await Promise.all([
    siteApi.$get({ param: { tenantId, siteId } }),
    siteApi.media[":mediaId"].$get({ param: { tenantId, siteId, mediaId } }),
    siteApi.media[":mediaId"].jobs.$get({ param: { tenantId, siteId, mediaId } }),
  ]);
  if (!siteRes.ok) return failLoader(siteRes, request);
  if (!itemRes.ok) return failLoader(itemRes, request);
  if (!jobsRes.ok) return failLoader(jobsRes, request);
  const site = await siteRes.json();
  const item = await itemRes.json();
  return {
    tenant: access.tenant,
    site: { id: site.id, title: site.title },
    item: {
      id: item.id,
      filename: item.filename,
      kind: item.kind,
      status: item.status,
      error: item.error,
      metadata: item.metadata,
      variants: item.variants,
    },
    jobs: (await jobsRes.json()).items,
  };
}

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId, siteId, mediaId } = params;
  const form = await request.formData();
  const jobId = String(form.get("jobId") ?? "");
  if (form.get("intent") !== "retry" || !jobId) {
    return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
  }
  const res = await context.api.tenants[":tenantId"].sites[":siteId"].media[":mediaId"].jobs[
    ":jobId"
  ].retry.$post({ param: { tenantId, siteId, mediaId, jobId } });
  if (!res.ok) return failForm(res, request, { intent: "retry", target: jobId, labels: {} });
  const job = await res.json();
  return data({
    ok: true as const,
    intent: "retry",
    message: `The ${job.kind} job was queued again.`,
  });
}
