// Calls to the Lectern API from an e2e test, with a browser's session, as the UI's own scripts
// make them: the tenant of the demo owner and fresh course sites for each test.
import type { Person } from "./browser.ts";
import { waitFor } from "./site-host.ts";

/** Calls the API with the browser's session (Origin and the CSRF header, as the UI sends). */
export async function api<T>(
  p: Person,
  method: "GET" | "POST" | "PATCH",
  path: string,
  data?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const origin = new URL(p.baseURL).origin;
  const res = await p.page.request.fetch(`/api/v1${path}`, {
    method,
    headers: { origin, "x-lectern-csrf": "1", ...headers },
    ...(data === undefined ? {} : { data }),
  });
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function demoTenantId(p: Person): Promise<string> {
  const me = await api<{ memberships: { tenantId: string; tenantName: string }[] }>(
    p,
    "GET",
    "/me",
  );
  const demo = me.memberships.find((m) => m.tenantName === "Demo University");
  if (!demo) throw new Error("The demo owner is not in Demo University");
  return demo.tenantId;
}

/** A fresh course site for one test, made through the API. */
export async function courseSite(p: Person, title: string) {
  const tenantId = await demoTenantId(p);
  const starters = await api<{ items: { id: string; slug: string }[] }>(
    p,
    "GET",
    `/tenants/${tenantId}/starters`,
  );
  const course = starters.items.find((s) => s.slug === "course");
  if (!course) throw new Error("No built-in course starter");
  const site = await api<{ id: string; slug: string }>(p, "POST", `/tenants/${tenantId}/sites`, {
    title,
    starterId: course.id,
  });
  const content = `/tenants/${tenantId}/sites/${site.id}/content`;
  return {
    tenantId,
    siteId: site.id,
    siteSlug: site.slug,
    content,
    ui: `/t/${tenantId}/sites/${site.id}/content`,
  };
}

type Site = Awaited<ReturnType<typeof courseSite>>;
type PublishTarget = { deployId: string | null; url: string };
type PublishStatus = {
  preview: PublishTarget;
  live: PublishTarget;
  current: unknown;
  queued: unknown[];
};

/** Publishes `target` through the API and waits until it serves the new deploy, all builds done. */
export async function publishAndWait(p: Person, site: Site, target: "preview" | "live") {
  const path = `/tenants/${site.tenantId}/sites/${site.siteId}/publish`;
  const before = (await api<PublishStatus>(p, "GET", path))[target].deployId;
  await api(p, "POST", `${path}/${target}`, {});
  return waitFor(
    `the ${target} deploy`,
    async () => {
      const s = await api<PublishStatus>(p, "GET", path);
      const id = s[target].deployId;
      return id !== null && id !== before && s.current === null && s.queued.length === 0 ? s : null;
    },
    120_000,
  );
}
