import { data, redirect } from "react-router";
import { siteRoleLabels } from "../lib/format.ts";
import {
  addCollaboratorForm,
  collaboratorRoleForm,
  echo,
  parseForm,
  siteSettingsForm,
} from "../lib/forms.ts";
import { siteCapabilities } from "../lib/policy.server.ts";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import { collectionsOf } from "../lib/starter-collections.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/site";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId, siteId } = params;
  const access = await loadTenant(context.api, request, tenantId);
  const siteApi = context.api.tenants[":tenantId"].sites[":siteId"];
  const [siteRes, collaboratorsRes] = await Promise.all([
    siteApi.$get({ param: { tenantId, siteId } }),
    siteApi.collaborators.$get({ param: { tenantId, siteId } }),
  ]);
  if (!siteRes.ok) return failLoader(siteRes, request);
  if (!collaboratorsRes.ok) return failLoader(collaboratorsRes, request);
  const site = await siteRes.json();
  const collaborators = (await collaboratorsRes.json()).items;
  const siteCan = siteCapabilities(site.role);
  const tenants = context.api.tenants[":tenantId"];
  const [starterRes, membersRes] = await Promise.all([
    siteApi.starter.$get({ param: { tenantId, siteId } }),
    siteCan.collaborators && access.can.readMembers
      ? tenants.members.$get({ param: { tenantId }, query: { limit: "100" } })
      : null,
  ]);
  if (!starterRes.ok) return failLoader(starterRes, request);
  const starter = await starterRes.json();
  let candidates: { userId: string; label: string }[] = [];
  if (membersRes) {
    if (!membersRes.ok) return failLoader(membersRes, request);
    const taken = new Set(collaborators.map((c) => c.userId));
    candidates = (await membersRes.json()).items
      .filter((m) => !m.disabled && !taken.has(m.userId))
      .map((m) => ({ userId: m.userId, label: m.name ? `${m.name} (${m.email})` : m.email }));
  }
  return {
    tenant: access.tenant,
    site,
    siteCan,
    canListMembers: access.can.readMembers,
    canSignUrls: access.can.manageCatalog,
    collaborators,
    candidates,
    // The version this site was made with, not the starter's newest.
    starter: {
      id: starter.id,
      name: starter.name,
      version: starter.version,
      collections: collectionsOf(starter.config),
    },
  };
}

type Intent =
  | "settings"
  | "archive"
  | "restore"
  | "add-collaborator"
  | "change-collaborator"
  | "remove-collaborator"
  | "signed-url";
type Done = { ok: true; intent: Intent; message: string; url?: string };
const done = (intent: Intent, message: string) => data<Done>({ ok: true, intent, message });

/** Text from a hidden field, used only to word the confirmation message. */
function label(form: FormData) {
  const value = form.get("label");
  return typeof value === "string" && value ? value.slice(0, 200) : "The collaborator";
}

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId, siteId } = params;
  const siteApi = context.api.tenants[":tenantId"].sites[":siteId"];
  const form = await request.formData();
  const intent = form.get("intent");

  if (intent === "settings") {
    const values = echo(form, ["title", "slug"]);
    const parsed = parseForm(siteSettingsForm, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
    const res = await siteApi.$patch({ param: { tenantId, siteId }, json: parsed.data });
    if (!res.ok) return failForm(res, request, { intent, labels: siteSettingsForm.labels, values });
    return done(intent, "The site settings were saved.");
  }

  if (intent === "signed-url") {
    const res = await context.api.tenants[":tenantId"]["signed-urls"].$post({
      param: { tenantId },
      json: { siteId, expiresInHours: 168 },
    });
    if (!res.ok) return failForm(res, request, { intent, labels: {} });
    const { url } = await res.json();
    return data<Done>({ ok: true, intent, message: "Signed URL ready: copy it below.", url });
  }

  if (intent === "archive" || intent === "restore") {
    const res = await siteApi[intent].$post({ param: { tenantId, siteId } });
    if (!res.ok) return failForm(res, request, { intent, labels: {} });
    return done(intent, intent === "archive" ? "The site was archived." : "The site was restored.");
  }

  if (intent === "add-collaborator") {
    const values = echo(form, ["userId", "role"]);
    const parsed = parseForm(addCollaboratorForm, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
    const res = await siteApi.collaborators.$post({
      param: { tenantId, siteId },
      json: parsed.data,
    });
    if (!res.ok) {
      return failForm(res, request, { intent, labels: addCollaboratorForm.labels, values });
    }
    const added = await res.json();
    return done(intent, `${added.name || added.email} was added as ${siteRoleLabels[added.role]}.`);
  }

  if (intent === "change-collaborator") {
    const collaboratorId = String(form.get("collaboratorId") ?? "");
    const parsed = parseForm(collaboratorRoleForm, form);
    if (!parsed.ok) {
      return formFailure({ intent, target: collaboratorId, fieldErrors: parsed.fieldErrors });
    }
    const res = await siteApi.collaborators[":collaboratorId"].$patch({
      param: { tenantId, siteId, collaboratorId },
      json: parsed.data,
    });
    if (!res.ok) {
      return failForm(res, request, {
        intent,
        target: collaboratorId,
        labels: collaboratorRoleForm.labels,
      });
    }
    const changed = await res.json();
    return done(intent, `${changed.name || changed.email} is now ${siteRoleLabels[changed.role]}.`);
  }

  if (intent === "remove-collaborator") {
    const collaboratorId = String(form.get("collaboratorId") ?? "");
    const res = await siteApi.collaborators[":collaboratorId"].$delete({
      param: { tenantId, siteId, collaboratorId },
    });
    if (!res.ok) return failForm(res, request, { intent, target: collaboratorId, labels: {} });
    // Someone who removed themselves may no longer see the site (owners and admins still do).
    if (form.get("self") === "1") {
      const still = await siteApi.$get({ param: { tenantId, siteId } });
      if (!still.ok) throw redirect(`/t/${tenantId}/sites`);
    }
    return done(intent, `${label(form)} was removed from the site.`);
  }

  return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
}
