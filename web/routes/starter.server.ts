import { data } from "react-router";
import { echo, parseForm, starterVersionForm } from "../lib/forms.ts";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import { loadStarterManager } from "../lib/starter-access.server.ts";
import { collectionsOf } from "../lib/starter-collections.server.ts";
import { failStarterUpload } from "../lib/starter-upload.server.ts";
import type { Route } from "./+types/starter";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId, starterId } = params;
  const access = await loadStarterManager(context.api, request, tenantId);
  const api = context.api.tenants[":tenantId"].starters[":starterId"];
  const [starterRes, versionsRes] = await Promise.all([
    api.$get({ param: { tenantId, starterId } }),
    api.versions.$get({ param: { tenantId, starterId } }),
  ]);
  if (!starterRes.ok) return failLoader(starterRes, request);
  if (!versionsRes.ok) return failLoader(versionsRes, request);
  const { config, ...starter } = await starterRes.json();
  return {
    tenant: access.tenant,
    starter,
    collections: collectionsOf(config),
    versions: (await versionsRes.json()).items.toSorted((a, b) => b.version - a.version),
  };
}

type Done = { ok: true; intent: "version" | "status"; message: string };

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId, starterId } = params;
  const api = context.api.tenants[":tenantId"].starters[":starterId"];
  const form = await request.formData();
  const intent = form.get("intent");

  if (intent === "version") {
    const values = echo(form, ["source"]);
    const parsed = parseForm(starterVersionForm, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
    const res = await api.versions.$post({ param: { tenantId, starterId }, json: parsed.data });
    if (!res.ok) {
      return failStarterUpload(res, request, { intent, labels: starterVersionForm.labels, values });
    }
    const updated = await res.json();
    return data<Done>({
      ok: true,
      intent,
      message: `Version ${updated.currentVersion} of ${updated.name} was uploaded. New sites use it; existing sites keep theirs.`,
    });
  }

  if (intent === "status") {
    const status = form.get("status") === "active" ? "active" : "inactive";
    const res = await api.$patch({ param: { tenantId, starterId }, json: { status } });
    if (!res.ok) return failForm(res, request, { intent, labels: {} });
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
