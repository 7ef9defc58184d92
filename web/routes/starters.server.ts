import { data } from "react-router";
import { createStarterForm, echo, parseForm } from "../lib/forms.ts";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import { loadStarterManager } from "../lib/starter-access.server.ts";
import { failStarterUpload } from "../lib/starter-upload.server.ts";
import type { Route } from "./+types/starters";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId } = params;
  const access = await loadStarterManager(context.api, request, tenantId);
  const res = await context.api.tenants[":tenantId"].starters.$get({
    param: { tenantId },
    query: { status: "all" },
  });
  if (!res.ok) return failLoader(res, request);
  return { tenant: access.tenant, starters: (await res.json()).items };
}

type Done = { ok: true; intent: "upload" | "status"; message: string; starterId?: string };

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId } = params;
  const api = context.api.tenants[":tenantId"].starters;
  const form = await request.formData();
  const intent = form.get("intent");

  if (intent === "upload") {
    const values = echo(form, ["slug", "name", "source"]);
    const parsed = parseForm(createStarterForm, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
    const res = await api.$post({ param: { tenantId }, json: parsed.data });
    if (!res.ok) {
      return failStarterUpload(res, request, { intent, labels: createStarterForm.labels, values });
    }
    const created = await res.json();
    return data<Done>({
      ok: true,
      intent,
      message: `Starter “${created.name}” was uploaded as version 1.`,
      starterId: created.id,
    });
  }

  if (intent === "status") {
    const starterId = String(form.get("starterId") ?? "");
    const status = form.get("status") === "active" ? "active" : "inactive";
    const res = await api[":starterId"].$patch({
      param: { tenantId, starterId },
      json: { status },
    });
    if (!res.ok) return failForm(res, request, { intent, target: starterId, labels: {} });
    const changed = await res.json();
    return data<Done>({
      ok: true,
      intent,
      message:
        status === "active"
          ? `${changed.name} is active: new sites can use it.`
          : `${changed.name} is inactive: no new sites can use it; existing sites keep it.`,
    });
  }

  return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
}
