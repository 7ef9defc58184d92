import { data } from "react-router";
import { echo, parseForm, passwordForm, profileForm } from "../lib/forms.ts";
import { failForm, formFailure } from "../lib/problem.server.ts";
import { requireMe } from "../lib/session.server.ts";
import type { Route } from "./+types/account";

export async function loader({ context, request }: Route.LoaderArgs) {
  const me = await requireMe(context.api, request);
  return { user: me.user, via: me.via };
}

export type AccountDone = { ok: true; intent: "profile" | "password"; message: string };

export async function action({ context, request }: Route.ActionArgs) {
  const form = await request.formData();
  if (form.get("intent") === "password") {
    const intent = "password";
    const parsed = parseForm(passwordForm, form);
    if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors });
    const { currentPassword, newPassword } = parsed.data;
    const res = await context.api.me.password.$post({ json: { currentPassword, newPassword } });
    if (!res.ok) return failForm(res, request, { intent, labels: passwordForm.labels });
    return data<AccountDone>({
      ok: true,
      intent,
      message: "Your password is changed. Your other sessions have been signed out.",
    });
  }
  const intent = "profile";
  const values = echo(form, ["name"]);
  const parsed = parseForm(profileForm, form);
  if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });
  const res = await context.api.me.$patch({ json: parsed.data });
  if (!res.ok) return failForm(res, request, { intent, labels: profileForm.labels, values });
  return data<AccountDone>({ ok: true, intent, message: "Your display name is saved." });
}
