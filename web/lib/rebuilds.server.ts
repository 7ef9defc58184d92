// Mass rebuilds for the two pages that run them: a tenant's own (its admins, /t/…/rebuilds)
// and every tenant's (the platform operator, /operator). The API has the same four routes
// under two base paths; this picks one, so the loaders and actions are the same code.
import { data } from "react-router";
import type { Rebuild } from "#schemas/publish";
import type { ApiClient } from "./api.server.ts";
import { failForm, failLoader, formFailure } from "./problem.server.ts";

const PAGE_SIZE = "20";

/** The rebuild routes of one tenant, or (tenantId null) the operator's across tenants. */
function rebuildApi(api: ApiClient, tenantId: string | null) {
  const page = (cursor: string | undefined) => ({
    limit: PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
  });
  if (tenantId === null) {
    const r = api.operator.rebuilds;
    return {
      list: (cursor?: string) => r.$get({ param: {}, query: page(cursor) }),
      start: () => r.$post({ param: {}, json: {} }),
      cancel: (rebuildId: string) =>
        r[":rebuildId"].cancel.$post({ param: { rebuildId }, json: {} }),
    };
  }
  const r = api.tenants[":tenantId"].rebuilds;
  return {
    list: (cursor?: string) => r.$get({ param: { tenantId }, query: page(cursor) }),
    start: () => r.$post({ param: { tenantId }, json: {} }),
    cancel: (rebuildId: string) =>
      r[":rebuildId"].cancel.$post({ param: { tenantId, rebuildId }, json: {} }),
  };
}

export type RebuildList = {
  rebuilds: Rebuild[];
  nextCursor: string | null;
  paged: boolean;
  /** Whether any rebuild on this page is still running (the page then refreshes itself). */
  running: boolean;
};

/** A page of rebuilds, newest first; `?rebuilds=<cursor>` pages on. */
export async function loadRebuilds(
  api: ApiClient,
  request: Request,
  tenantId: string | null,
): Promise<RebuildList> {
  const cursor = new URL(request.url).searchParams.get("rebuilds") || undefined;
  const res = await rebuildApi(api, tenantId).list(cursor);
  if (!res.ok) return failLoader(res, request);
  const { items, nextCursor } = await res.json();
  return {
    rebuilds: items,
    nextCursor,
    paged: Boolean(cursor),
    running: items.some((r) => r.state === "running"),
  };
}

export const rebuildIntents = ["start-rebuild", "cancel-rebuild"] as const;
export type RebuildIntent = (typeof rebuildIntents)[number];

export function isRebuildIntent(intent: unknown): intent is RebuildIntent {
  return rebuildIntents.includes(intent as RebuildIntent);
}

export type RebuildDone = { ok: true; intent: RebuildIntent; message: string };

/** Starts or cancels a rebuild from a submitted form (`intent`, and `rebuildId` to cancel). */
export async function rebuildAction(
  api: ApiClient,
  request: Request,
  tenantId: string | null,
  intent: RebuildIntent,
  form: FormData,
) {
  const rebuilds = rebuildApi(api, tenantId);
  if (intent === "start-rebuild") {
    const res = await rebuilds.start();
    if (!res.ok) return failForm(res, request, { intent, labels: {} });
    return data<RebuildDone>({
      ok: true,
      intent,
      message:
        tenantId === null
          ? "A rebuild of every tenant's published sites has started."
          : "A rebuild of all published sites has started.",
    });
  }
  const rebuildId = String(form.get("rebuildId") ?? "");
  if (!rebuildId) {
    return formFailure({ intent, fieldErrors: {}, formError: "Choose a rebuild to cancel." });
  }
  const res = await rebuilds.cancel(rebuildId);
  if (!res.ok) return failForm(res, request, { intent, target: rebuildId, labels: {} });
  return data<RebuildDone>({
    ok: true,
    intent,
    message: "The rebuild was cancelled. Builds already running finish; the rest do not start.",
  });
}
