import { data } from "react-router";
import { endpointLabels, type eventTypes, keyLabels } from "../lib/catalog-forms.ts";
import { echo } from "../lib/forms.ts";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/catalog";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId } = params;
  const access = await loadTenant(context.api, request, tenantId);
  const t = context.api.tenants[":tenantId"];
  // The API answers 403 to those who may not manage the catalog; the page shows that.
  const [keysRes, hooksRes, sitesRes] = await Promise.all([
    t["signing-keys"].$get({ param: { tenantId } }),
    t.webhooks.$get({ param: { tenantId } }),
    t.sites.$get({ param: { tenantId }, query: { limit: "100", sort: "title" } }),
  ]);
  if (!keysRes.ok) return failLoader(keysRes, request);
  if (!hooksRes.ok) return failLoader(hooksRes, request);
  if (!sitesRes.ok) return failLoader(sitesRes, request);
  const sites = (await sitesRes.json()).items
    .filter((s) => s.publish.liveVersion !== null)
    .map((s) => ({ id: s.id, title: s.title }));
  return {
    tenant: access.tenant,
    keys: (await keysRes.json()).items,
    endpoints: (await hooksRes.json()).items,
    liveSites: sites,
  };
}

export type CatalogDone =
  | {
      ok: true;
      intent: "create-key" | "rotate-key";
      message: string;
      secret: string;
      keyId: string;
    }
  | { ok: true; intent: "create-endpoint" | "rotate-secret"; message: string; secret: string }
  | { ok: true; intent: "signed-url"; message: string; url: string; expiresAt: string }
  | { ok: true; intent: "revoke-key" | "toggle-endpoint" | "test-endpoint"; message: string };

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId } = params;
  const t = context.api.tenants[":tenantId"];
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const target = String(form.get("target") ?? "");
  const done = (d: CatalogDone) => data<CatalogDone>(d);

  if (intent === "create-key") {
    const values = echo(form, ["name"]);
    const res = await t["signing-keys"].$post({
      param: { tenantId },
      json: { name: String(form.get("name") ?? "") },
    });
    if (!res.ok) return failForm(res, request, { intent, labels: keyLabels, values });
    const body = await res.json();
    return done({
      ok: true,
      intent,
      message: `Signing key “${body.key.name}” created. Copy its secret now.`,
      secret: body.secret,
      keyId: body.key.id,
    });
  }
  if (intent === "rotate-key") {
    const res = await t["signing-keys"][":keyId"].rotate.$post({
      param: { tenantId, keyId: target },
      json: { overlapHours: Number(form.get("overlapHours") ?? 24) },
    });
    if (!res.ok) return failForm(res, request, { intent, target, labels: {} });
    const body = await res.json();
    return done({
      ok: true,
      intent,
      message:
        "The key was rotated: the old one keeps working during the overlap. Copy the new secret now.",
      secret: body.secret,
      keyId: body.key.id,
    });
  }
  if (intent === "revoke-key") {
    const res = await t["signing-keys"][":keyId"].$delete({ param: { tenantId, keyId: target } });
    if (!res.ok) return failForm(res, request, { intent, target, labels: {} });
    return done({
      ok: true,
      intent,
      message: "The key was revoked; URLs it signed stop working now.",
    });
  }
  if (intent === "signed-url") {
    const siteId = String(form.get("siteId") ?? "");
    const res = await t["signed-urls"].$post({
      param: { tenantId },
      json: {
        ...(siteId ? { siteId } : {}),
        expiresInHours: Number(form.get("expiresInHours") ?? 168),
      },
    });
    if (!res.ok) return failForm(res, request, { intent, labels: { siteId: "Site" } });
    const body = await res.json();
    return done({
      ok: true,
      intent,
      message: "Signed URL ready.",
      url: body.url,
      expiresAt: body.expiresAt,
    });
  }
  if (intent === "create-endpoint") {
    const values = echo(form, ["url", "description"]);
    const events = form.getAll("events").map(String);
    const res = await t.webhooks.$post({
      param: { tenantId },
      json: {
        url: String(form.get("url") ?? ""),
        description: String(form.get("description") ?? ""),
        events: events as (typeof eventTypes)[number][],
      },
    });
    if (!res.ok) return failForm(res, request, { intent, labels: endpointLabels, values });
    const body = await res.json();
    return done({
      ok: true,
      intent,
      message: "Endpoint added. Copy its signing secret now.",
      secret: body.secret,
    });
  }
  if (intent === "rotate-secret") {
    const res = await t.webhooks[":endpointId"]["rotate-secret"].$post({
      param: { tenantId, endpointId: target },
      json: { overlapHours: 24 },
    });
    if (!res.ok) return failForm(res, request, { intent, target, labels: {} });
    const body = await res.json();
    return done({
      ok: true,
      intent,
      message: "New secret: webhooks carry a signature with the old one too for 24 hours.",
      secret: body.secret,
    });
  }
  if (intent === "toggle-endpoint") {
    const enabled = form.get("enabled") === "true";
    const res = await t.webhooks[":endpointId"].$patch({
      param: { tenantId, endpointId: target },
      json: { enabled },
    });
    if (!res.ok) return failForm(res, request, { intent, target, labels: {} });
    return done({
      ok: true,
      intent,
      message: enabled ? "Endpoint enabled." : "Endpoint disabled.",
    });
  }
  if (intent === "test-endpoint") {
    const res = await t.webhooks[":endpointId"].test.$post({
      param: { tenantId, endpointId: target },
    });
    if (!res.ok) return failForm(res, request, { intent, target, labels: {} });
    return done({ ok: true, intent, message: "Test event sent; see the delivery log." });
  }
  return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
}
