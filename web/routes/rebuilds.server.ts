import { formFailure } from "../lib/problem.server.ts";
import { isRebuildIntent, loadRebuilds, rebuildAction } from "../lib/rebuilds.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/rebuilds";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const access = await loadTenant(context.api, request, params.tenantId);
  // The API answers 403 to those who may not rebuild; the page shows that as its error.
  const rebuilds = await loadRebuilds(context.api, request, params.tenantId);
  return { tenant: access.tenant, rebuilds };
}

export async function action({ params, context, request }: Route.ActionArgs) {
  const form = await request.formData();
  const intent = form.get("intent");
  if (!isRebuildIntent(intent)) {
    return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
  }
  return rebuildAction(context.api, request, params.tenantId, intent, form);
}
