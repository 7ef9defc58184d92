import { data, redirect } from "react-router";
import { acceptAsNewUserForm, echo, parseForm } from "../lib/forms.ts";
import {
  failForm,
  formFailure,
  type RouteProblem,
  readProblem,
  statusOf,
} from "../lib/problem.server.ts";
import { getMe } from "../lib/session.server.ts";
import type { Route } from "./+types/invite";

const why: Record<string, string> = {
  accepted: "This invitation has already been used. If you accepted it, sign in to continue.",
  revoked: "This invitation was withdrawn. Ask the person who invited you for a new one.",
  expired: "This invitation has expired. Ask the person who invited you for a new one.",
};

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const [res, me] = await Promise.all([
    context.api.invitations.preview.$get({ query: { token: params.token } }),
    getMe(context.api),
  ]);
  if (!res.ok) {
    const status = statusOf(res);
    const problem = await readProblem(res);
    if (status === 410) {
      const state = /was (\w+)/.exec(problem.detail ?? "")?.[1] ?? "";
      const detail = why[state] ?? "This invitation can no longer be used.";
      throw data({ problem: { ...problem, detail } } satisfies RouteProblem, { status: 410 });
    }
    if (status === 400 || status === 404) {
      const detail =
        "This invitation link is not valid. Check that you opened the whole link, or ask for a new invitation.";
      throw data({ problem: { ...problem, status: 404, detail } } satisfies RouteProblem, {
        status: 404,
      });
    }
    throw data({ problem } satisfies RouteProblem, { status });
  }
  const preview = await res.json();
  return {
    preview,
    signedInAs: me?.user.email ?? null,
    invitePath: new URL(request.url).pathname,
  };
}

export async function action({ params, context, request }: Route.ActionArgs) {
  const form = await request.formData();
  const intent = form.get("intent") === "accept" ? "accept" : "accept-new";
  if (intent === "accept") {
    const res = await context.api.invitations.accept.$post({ json: { token: params.token } });
    if (res.ok) throw redirect(`/t/${(await res.json()).tenantId}`);
    return failForm(res, request, { intent, labels: {} });
  }
  const values = echo(form, ["name"]);
  const parsed = parseForm(acceptAsNewUserForm, form);
  if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
  const { name, password } = parsed.data;
  const res = await context.api.invitations.accept.$post({
    json: { token: params.token, name, password },
  });
  // The API signed the new person in; workers/app.ts passes the session cookie on.
  if (res.ok) throw redirect(`/t/${(await res.json()).tenantId}`);
  return failForm(res, request, { intent, labels: acceptAsNewUserForm.labels, values });
}
