import { data } from "react-router";
import { createTenantForm, echo, parseForm } from "../lib/forms.ts";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import { isRebuildIntent, loadRebuilds, rebuildAction } from "../lib/rebuilds.server.ts";
import type { Route } from "./+types/operator";

export async function loader({ context, request }: Route.LoaderArgs) {
  const cursor = new URL(request.url).searchParams.get("cursor") || undefined;
  const [res, rebuilds] = await Promise.all([
    context.api.operator.tenants.$get({
      query: { limit: "100", ...(cursor ? { cursor } : {}) },
    }),
    loadRebuilds(context.api, request, null),
  ]);
  if (!res.ok) return failLoader(res, request);
  const { items, nextCursor } = await res.json();
  return { tenants: items, nextCursor, paged: Boolean(cursor), rebuilds };
}

export async function action({ context, request }: Route.ActionArgs) {
  const form = await request.formData();
  const intent = form.get("intent");
  // Rebuilds of every tenant's sites: the same forms as a tenant's own rebuild page.
  if (isRebuildIntent(intent)) return rebuildAction(context.api, request, null, intent, form);
  if (intent !== "create-tenant") {
    return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
  }
  const values = echo(form, ["name", "slug", "ownerEmail"]);
  const parsed = parseForm(createTenantForm, form);
  if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
  const res = await context.api.operator.tenants.$post({ json: parsed.data });
  if (!res.ok) return failForm(res, request, { intent, labels: createTenantForm.labels, values });
  const created = await res.json();
  return data({
    ok: true as const,
    intent,
    tenant: created.tenant,
    ownerEmail: parsed.data.ownerEmail,
    ownerInvitationUrl: created.ownerInvitationUrl,
  });
}
