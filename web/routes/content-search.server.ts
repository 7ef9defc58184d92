import { contentApi } from "../lib/content.server.ts";
import type { Route } from "./+types/content-search";

const MATCHES = "20";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId, siteId } = params;
  const url = new URL(request.url);
  const text = (name: string) => url.searchParams.get(name)?.trim().slice(0, 200) || undefined;
  const collection = text("collection");
  const resourcetype = text("resourcetype");
  const q = text("q");
  const res = await contentApi(context.api).$get({
    param: { tenantId, siteId },
    query: {
      sort: "title",
      limit: MATCHES,
      ...(q ? { q } : {}),
      ...(collection ? { collection } : {}),
      ...(resourcetype ? { resourcetype } : {}),
    },
  });
  if (!res.ok) return Response.json({ items: [] }, { status: res.status });
  const items = (await res.json()).items.map((i) => ({
    uid: i.uid,
    title: i.title,
    collection: i.collection,
    filename: i.filename,
    resourcetype: i.resourcetype,
  }));
  return Response.json({ items }, { headers: { "Cache-Control": "private, no-store" } });
}
