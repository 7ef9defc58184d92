import { data } from "react-router";
import { capabilities } from "../lib/policy.server.ts";
import { currentTenant, requireMe } from "../lib/session.server.ts";
import type { Route } from "./+types/shell";

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const me = await requireMe(context.api, request);
  const { current, setCookie } = await currentTenant(me, request, params.tenantId);
  const memberships = me.memberships.map((m) => ({ ...m, can: capabilities(m.role) }));
  return data(
    {
      user: me.user,
      memberships,
      currentTenantId: current?.tenantId ?? null,
    },
    setCookie ? { headers: { "Set-Cookie": setCookie } } : undefined,
  );
}

export type ShellData = Awaited<ReturnType<typeof loader>>["data"];
