import { data } from "react-router";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/catalog-endpoint";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId, endpointId } = params;
  const access = await loadTenant(context.api, request, tenantId);
  const url = new URL(request.url);
  const cursor = url.searchParams.get("cursor") || undefined;
  const open = url.searchParams.get("delivery");
  const hook = context.api.tenants[":tenantId"].webhooks[":endpointId"];
  const [endpointRes, deliveriesRes] = await Promise.all([
    hook.$get({ param: { tenantId, endpointId } }),
    hook.deliveries.$get({
      param: { tenantId, endpointId },
      query: { limit: "50", ...(cursor ? { cursor } : {}) },
    }),
  ]);
  if (!endpointRes.ok) return failLoader(endpointRes, request);
  if (!deliveriesRes.ok) return failLoader(deliveriesRes, request);
  const page = await deliveriesRes.json();
  let detail = null;
  if (open) {
    const res = await hook.deliveries[":deliveryId"].$get({
      param: { tenantId, endpointId, deliveryId: open },
    });
    if (res.ok) detail = await res.json();
  }
  return {
    tenant: access.tenant,
    endpoint: await endpointRes.json(),
    deliveries: page.items,
    nextCursor: page.nextCursor,
    paged: Boolean(cursor),
    detail,
  };
}

type Done = { ok: true; message: string };

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId, endpointId } = params;
  const hook = context.api.tenants[":tenantId"].webhooks[":endpointId"];
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "redeliver") {
    const deliveryId = String(form.get("deliveryId") ?? "");
    const res = await hook.deliveries[":deliveryId"].redeliver.$post({
      param: { tenantId, endpointId, deliveryId },
    });
    if (!res.ok) return failForm(res, request, { intent, target: deliveryId, labels: {} });
    return data<Done>({ ok: true, message: "Queued for another attempt." });
  }
  if (intent === "test-endpoint") {
    const res = await hook.test.$post({ param: { tenantId, endpointId } });
    if (!res.ok) return failForm(res, request, { intent, labels: {} });
    return data<Done>({ ok: true, message: "Test event sent." });
  }
  return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
}
