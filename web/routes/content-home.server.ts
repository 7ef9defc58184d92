import { collectionInfo, contentApi, loadContentSite } from "../lib/content.server.ts";
import { failLoader } from "../lib/problem.server.ts";
import type { Route } from "./+types/content-home";

export async function loader({ params, context, request }: Route.LoaderArgs) {
  const { tenantId, siteId } = params;
  const { tenant, site, can, config } = await loadContentSite(context.api, request, params);
  const collections = config.collections.map((c) => collectionInfo(config, c.name));
  // Singletons link straight to their item when it exists, or to the form that creates it.
  const singletons = await Promise.all(
    collections
      .filter((c) => c.files)
      .map(async (c) => {
        const res = await contentApi(context.api).$get({
          param: { tenantId, siteId },
          query: { collection: c.name, limit: "100" },
        });
        if (!res.ok) return failLoader(res, request);
        const items = (await res.json()).items;
        return items.map((i) => [`${c.name}/${i.filename}`, i.uid] as const);
      }),
  );
  return { tenant, site, can, collections, existing: Object.fromEntries(singletons.flat()) };
}
