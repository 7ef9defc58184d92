import { data } from "react-router";
import type { ProviderName } from "#schemas/providers";
import {
  gdriveForm,
  gdriveServiceAccountForm,
  threeplayForm,
  youtubeForm,
} from "../components/providers/forms.ts";
import { echo, parseForm } from "../lib/forms.ts";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/providers";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId } = params;
  const access = await loadTenant(context.api, request, tenantId);
  // Owners and admins only: others get the API's 403 as the page's error.
  const res = await context.api.tenants[":tenantId"].providers.$get({ param: { tenantId } });
  if (!res.ok) return failLoader(res, request);
  const body = await res.json();
  return { tenant: access.tenant, providers: body.items, storageAvailable: body.storageAvailable };
}

const NAMES: Record<ProviderName, string> = {
  youtube: "YouTube",
  threeplay: "3Play Media",
  gdrive: "Google Drive",
};

type Done = { ok: true; intent: string; provider: ProviderName; message: string };

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId } = params;
  const api = context.api.tenants[":tenantId"].providers;
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");

  if (intent === "save-youtube") {
    // Only the client id comes back on an error; secrets are typed again.
    const values = echo(form, ["clientId"]);
    const parsed = parseForm(youtubeForm, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
    const res = await api.youtube.$put({ param: { tenantId }, json: parsed.data });
    if (!res.ok) return failForm(res, request, { intent, labels: youtubeForm.labels, values });
    const saved = await res.json();
    return data<Done>({
      ok: true,
      intent,
      provider: "youtube",
      message: `YouTube is set up (refresh token …${saved.hint}).`,
    });
  }

  if (intent === "save-gdrive" || intent === "save-gdrive-sa") {
    const spec = intent === "save-gdrive" ? gdriveForm : gdriveServiceAccountForm;
    const values = intent === "save-gdrive" ? echo(form, ["clientId"]) : {};
    const parsed = parseForm(spec, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
    const res = await api.gdrive.$put({ param: { tenantId }, json: parsed.data });
    if (!res.ok) return failForm(res, request, { intent, labels: spec.labels, values });
    const saved = await res.json();
    const what =
      typeof saved.config.clientEmail === "string"
        ? `service account ${saved.config.clientEmail}`
        : `refresh token …${saved.hint}`;
    return data<Done>({
      ok: true,
      intent,
      provider: "gdrive",
      message: `Google Drive is set up (${what}).`,
    });
  }

  if (intent === "save-threeplay") {
    const values = echo(form, ["turnaroundLevelId"]);
    const parsed = parseForm(threeplayForm, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
    const res = await api.threeplay.$put({ param: { tenantId }, json: parsed.data });
    if (!res.ok) return failForm(res, request, { intent, labels: threeplayForm.labels, values });
    const saved = await res.json();
    return data<Done>({
      ok: true,
      intent,
      provider: "threeplay",
      message: `3Play Media is set up (API key …${saved.hint}).`,
    });
  }

  if (intent === "remove") {
    const provider = String(form.get("provider") ?? "") as ProviderName;
    if (!(provider in NAMES)) {
      return formFailure({ intent, fieldErrors: {}, formError: "Unknown provider." });
    }
    const res = await api[":provider"].$delete({ param: { tenantId, provider } });
    if (!res.ok) return failForm(res, request, { intent, target: provider, labels: {} });
    return data<Done>({
      ok: true,
      intent,
      provider,
      message: `${NAMES[provider]}'s credentials were removed.`,
    });
  }

  return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
}
