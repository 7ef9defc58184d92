import { data } from "react-router";
import type { Invitation } from "#schemas/members";
import { roleLabels } from "../lib/format.ts";
import { echo, inviteForm, memberRoleForm, parseForm } from "../lib/forms.ts";
import { assignableRoles, mayChangeMember } from "../lib/policy.server.ts";
import { failForm, failLoader, formFailure } from "../lib/problem.server.ts";
import { loadTenant } from "../lib/tenant.server.ts";
import type { Route } from "./+types/members";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId } = params;
  const cursor = new URL(request.url).searchParams.get("cursor") || undefined;
  const access = await loadTenant(context.api, request, tenantId);
  const tenants = context.api.tenants[":tenantId"];
  const [membersRes, invitationsRes] = await Promise.all([
    tenants.members.$get({
      param: { tenantId },
      query: { limit: "100", ...(cursor ? { cursor } : {}) },
    }),
    access.can.inviteMembers
      ? tenants.invitations.$get({ param: { tenantId }, query: { limit: "100" } })
      : null,
  ]);
  if (!membersRes.ok) return failLoader(membersRes, request);
  const members = await membersRes.json();
  let invitations: Invitation[] = [];
  if (invitationsRes) {
    if (!invitationsRes.ok) return failLoader(invitationsRes, request);
    invitations = (await invitationsRes.json()).items.filter((i) => i.status === "pending");
  }
  const mayManage = access.can.manageMembers;
  return {
    ...access,
    members: members.items.map((m) => ({
      ...m,
      changeable: mayManage && mayChangeMember(access.role, m.role),
    })),
    nextCursor: members.nextCursor,
    paged: Boolean(cursor),
    invitations,
    assignable: mayManage ? assignableRoles(access.role) : [],
  };
}

type Done = {
  ok: true;
  intent: "invite" | "change-role" | "remove" | "revoke-invitation";
  message: string;
  invitationUrl?: string;
  invitedEmail?: string;
};
const done = (value: Omit<Done, "ok">) => data<Done>({ ok: true, ...value });

/** Text from a hidden field, used only to word the confirmation message. */
function label(form: FormData) {
  const value = form.get("label");
  return typeof value === "string" && value ? value.slice(0, 200) : "The member";
}

export async function action({ params, context, request }: Route.ActionArgs) {
  const { tenantId } = params;
  const api = context.api.tenants[":tenantId"];
  const form = await request.formData();
  const intent = form.get("intent");

  if (intent === "invite") {
    const values = echo(form, ["email", "role"]);
    const parsed = parseForm(inviteForm, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
    const res = await api.invitations.$post({ param: { tenantId }, json: parsed.data });
    if (!res.ok) return failForm(res, request, { intent, labels: inviteForm.labels, values });
    const { invitation, url } = await res.json();
    return done({
      intent,
      message: `Invitation created for ${invitation.email} as ${roleLabels[invitation.role]}.`,
      invitationUrl: url,
      invitedEmail: invitation.email,
    });
  }

  if (intent === "change-role") {
    const memberId = String(form.get("memberId") ?? "");
    const parsed = parseForm(memberRoleForm, form);
    if (!parsed.ok) {
      return formFailure({ intent, target: memberId, fieldErrors: parsed.fieldErrors });
    }
    const res = await api.members[":memberId"].$patch({
      param: { tenantId, memberId },
      json: parsed.data,
    });
    if (!res.ok) {
      return failForm(res, request, { intent, target: memberId, labels: memberRoleForm.labels });
    }
    const member = await res.json();
    return done({
      intent,
      message: `${member.name || member.email} is now ${roleLabels[member.role]}.`,
    });
  }

  if (intent === "remove") {
    const memberId = String(form.get("memberId") ?? "");
    const res = await api.members[":memberId"].$delete({ param: { tenantId, memberId } });
    if (!res.ok) return failForm(res, request, { intent, target: memberId, labels: {} });
    return done({ intent, message: `${label(form)} was removed.` });
  }

  if (intent === "revoke-invitation") {
    const invitationId = String(form.get("invitationId") ?? "");
    const res = await api.invitations[":invitationId"].$delete({
      param: { tenantId, invitationId },
    });
    if (!res.ok) return failForm(res, request, { intent, target: invitationId, labels: {} });
    return done({ intent, message: `The invitation for ${label(form)} was revoked.` });
  }

  return formFailure({ intent: "unknown", fieldErrors: {}, formError: "Unknown action." });
}
