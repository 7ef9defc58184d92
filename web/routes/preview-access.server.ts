import { data, redirect } from "react-router";
import { previewAccessQuery } from "#schemas/site-access";
import { failLoader } from "../lib/problem.server.ts";
import type { Route } from "./+types/preview-access";

const id = /^(ten|site)_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * A collaborator's way into a (private) preview site: the panel's "Open" link and delivery's
 * redirect for a visitor without the preview cookie both land here. Signed in (the shell sends
 * anyone else to sign in and back), the API hands out a one-shot URL on the preview host, which
 * swaps it for the preview's own cookie and shows the page asked for.
 */
export async function loader({ context, request }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const tenantId = url.searchParams.get("tenantId") ?? "";
  const siteId = url.searchParams.get("siteId") ?? "";
  const query = previewAccessQuery.safeParse({ return: url.searchParams.get("return") ?? "/" });
  if (!id.test(tenantId) || !id.test(siteId) || !query.success) {
    throw data(
      {
        problem: {
          status: 400,
          title: "This preview link is not valid",
          detail: "Open the preview from the site's Publishing page.",
        },
      },
      { status: 400 },
    );
  }
  const res = await context.api.tenants[":tenantId"].sites[":siteId"]["preview-access"].$get({
    param: { tenantId, siteId },
    query: query.data,
  });
  if (!res.ok) return failLoader(res, request);
  throw redirect((await res.json()).url);
}
