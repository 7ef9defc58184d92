import { data } from "react-router";
import type { ApiClient } from "./api.server.ts";
import type { RouteProblem } from "./problem.server.ts";
import { loadTenant } from "./tenant.server.ts";

/**
 * The tenant, for pages only owners and admins may use. Anyone can read starters through the
 * API (to create sites from them); managing them is `starters:manage`.
 */
export async function loadStarterManager(api: ApiClient, request: Request, tenantId: string) {
  const access = await loadTenant(api, request, tenantId);
  if (!access.can.manageStarters) {
    const problem = {
      type: "about:blank",
      title: "Not allowed",
      status: 403,
      code: "FORBIDDEN",
      detail: "Only owners and admins manage starters.",
    };
    throw data({ problem } satisfies RouteProblem, { status: 403 });
  }
  return access;
}
