import { redirect } from "react-router";
import { getMe, safeRedirectTo } from "../lib/session.server.ts";
import type { Route } from "./+types/sign-out";

export async function loader({ context }: Route.LoaderArgs) {
  const me = await getMe(context.api);
  if (!me) throw redirect("/sign-in");
  return { email: me.user.email };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  // Not being signed in any more is the goal, so a 401 here is fine too.
  await context.api.auth["sign-out"].$post();
  const next = safeRedirectTo(form.get("redirectTo"));
  throw redirect(next === "/" ? "/sign-in" : `/sign-in?redirectTo=${encodeURIComponent(next)}`);
}
