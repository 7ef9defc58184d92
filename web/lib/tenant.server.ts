import { data } from "react-router";
import type { ApiClient } from "./api.server.ts";
import { capabilities } from "./policy.server.ts";
import { failLoader, type RouteProblem, readProblem, statusOf } from "./problem.server.ts";

/** The tenant in the URL and the caller's role in it; a tenant they are not in is a 404. */
export async function loadTenant(api: ApiClient, request: Request, tenantId: string) {
  const res = await api.tenants[":tenantId"].$get({ param: { tenantId } });
  if (statusOf(res) === 400) {
    // A malformed id in the address is just a page that does not exist.
    const problem = await readProblem(res);
    throw data(
      { problem: { ...problem, status: 404, detail: "No such tenant" } } satisfies RouteProblem,
      { status: 404 },
    );
  }
  if (!res.ok) return failLoader(res, request);
  const { tenant, role } = await res.json();
  return { tenant, role, can: capabilities(role) };
}

export type TenantAccess = Awaited<ReturnType<typeof loadTenant>>;
