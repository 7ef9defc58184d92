import { redirect } from "react-router";
import { echo, parseForm, signInForm } from "../lib/forms.ts";
import { failForm, formFailure, statusOf } from "../lib/problem.server.ts";
import { getMe, safeRedirectTo } from "../lib/session.server.ts";
import type { Route } from "./+types/sign-in";

export async function loader({ request, context }: Route.LoaderArgs) {
  const redirectTo = safeRedirectTo(new URL(request.url).searchParams.get("redirectTo"));
  if (await getMe(context.api)) throw redirect(redirectTo);
  return { redirectTo };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const intent = "sign-in";
  const values = echo(form, ["email"]);
  const parsed = parseForm(signInForm, form);
  if (!parsed.ok) return formFailure({ intent, fieldErrors: parsed.fieldErrors, values });

  const res = await context.api.auth["sign-in"].$post({ json: parsed.data });
  if (res.ok) throw redirect(safeRedirectTo(form.get("redirectTo")));
  if (statusOf(res) === 401) {
    return formFailure(
      { intent, fieldErrors: { password: "The email or password is wrong." }, values },
      401,
    );
  }
  if (statusOf(res) === 429) {
    const seconds = Number(res.headers.get("retry-after")) || 900;
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    return formFailure(
      {
        intent,
        fieldErrors: {},
        formError: `Too many sign-in attempts. For your security, wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again.`,
        values,
      },
      429,
    );
  }
  return failForm(res, request, { intent, labels: signInForm.labels, values });
}
