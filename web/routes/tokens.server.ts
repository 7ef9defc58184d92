import { data } from "react-router";
import { createTokenForm, echo, parseForm } from "../lib/forms.ts";
import { tokenRoles } from "../lib/policy.server.ts";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/tokens";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId } = params;
  const url = new URL(request.url);
  const cursor = url.searchParams.get("cursor") || undefined;
  const access = await loadTenant(context.api, request, tenantId);
  const scope = url.searchParams.get("scope") === "all" && access.can.manageTokens ? "all" : "mine";
  const tenants = context.api.tenants[":tenantId"];
  const [tokensRes, membersRes] = await Promise.all([
    tenants.tokens.$get({
      param: { tenantId },
      query: { limit: "100", scope, ...(cursor ? { cursor } : {}) },
    }),
    // Everyone's tokens are listed by owner; names come from the member list.
    scope === "all" ? tenants.members.$get({ param: { tenantId }, query: { limit: "100" } }) : null,
  ]);
  if (!tokensRes.ok) return failLoader(tokensRes, request);
  const page = await tokensRes.json();
  const owners = new Map<string, string>();
  if (membersRes?.ok) {
    for (const m of (await membersRes.json()).items) owners.set(m.userId, m.name || m.email);
  }
  const now = Date.now();
  return {
    ...access,
    scope,
    tokens: page.items.map((t) => ({
      ...t,
      state: t.revokedAt
        ? ("revoked" as const)
        : t.expiresAt && Date.parse(t.expiresAt) <= now
          ? ("expired" as const)
          : ("active" as const),
      owner: scope === "all" ? (owners.get(t.userId) ?? "A former member") : null,
    })),
    nextCursor: page.nextCursor,
    paged: Boolean(cursor),
    roles: tokenRoles(access.role),
  };
}

type Done =
  | { ok: true; intent: "create"; secret: string; name: string }
  | { ok: true; intent: "revoke"; message: string };

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId } = params;
  const api = context.api.tenants[":tenantId"].tokens;
  const form = await request.formData();
  const intent = form.get("intent");

  if (intent === "create") {
    const values = echo(form, ["name", "role", "expiresInDays"]);
    const parsed = parseForm(createTokenForm, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
    const res = await api.$post({ param: { tenantId }, json: parsed.data });
    if (!res.ok) return failForm(res, request, { intent, labels: createTokenForm.labels, values });
    const { token, secret } = await res.json();
    return data<Done>({ ok: true, intent, secret, name: token.name });
  }

  if (intent === "revoke") {
    const tokenId = String(form.get("tokenId") ?? "");
    const res = await api[":tokenId"].$delete({ param: { tenantId, tokenId } });
    if (!res.ok) return failForm(res, request, { intent, target: tokenId, labels: {} });
    const name = String(form.get("label") ?? "").slice(0, 80) || "The token";
    return data<Done>({ ok: true, intent, message: `${name} was revoked.` });
  }

  return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
}
