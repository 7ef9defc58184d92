import { redirect } from "react-router";
import { currentTenant, requireMe } from "../lib/session.server.ts";
import type { Route } from "./+types/home";

export async function loader({ request, context }: Route.LoaderArgs) {
  const me = await requireMe(context.api, request);
  const { current } = await currentTenant(me, request, undefined);
  if (current) throw redirect(`/t/${current.tenantId}`);
  return { name: me.user.name, isOperator: me.user.isOperator };
}
