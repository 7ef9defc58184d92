import { index, layout, prefix, type RouteConfig, route } from "@react-router/dev/routes";

export default [
  route("sign-in", "routes/sign-in.tsx"),
  route("sign-out", "routes/sign-out.tsx"),
  route("invite/:token", "routes/invite.tsx"),
  // Everything below needs a signed-in user and shares the header with the tenant switcher.
  layout("routes/shell.tsx", [
    index("routes/home.tsx"),
    route("account", "routes/account.tsx"),
    route("operator", "routes/operator.tsx"),
    route("preview-access", "routes/preview-access.tsx"),
    ...prefix("t/:tenantId", [
      index("routes/dashboard.tsx"),
      route("sites", "routes/sites.tsx"),
      route("sites/:siteId", "routes/site.tsx"),
      route("sites/:siteId/content", "routes/content-home.tsx"),
      route("sites/:siteId/content/search", "routes/content-search.ts"),
      route("sites/:siteId/content/collections/:collection", "routes/content-list.tsx"),
      route("sites/:siteId/content/collections/:collection/new", "routes/content-new.tsx"),
      route("sites/:siteId/content/items/:uid", "routes/content-item.tsx"),
      route("sites/:siteId/content/items/:uid/history", "routes/content-history.tsx"),
      route("sites/:siteId/media", "routes/media.tsx"),
      route("sites/:siteId/publish", "routes/publish.tsx"),
      route("sites/:siteId/publish/deploys/:deployId", "routes/publish-deploy.tsx"),
      route("sites/:siteId/media/:mediaId/jobs", "routes/media-jobs.tsx"),
      route("starters", "routes/starters.tsx"),
      route("starters/:starterId", "routes/starter.tsx"),
      route("domains", "routes/domains.tsx"),
      route("providers", "routes/providers.tsx"),
      route("catalog", "routes/catalog.tsx"),
      route("catalog/webhooks/:endpointId", "routes/catalog-endpoint.tsx"),
      route("rebuilds", "routes/rebuilds.tsx"),
      route("members", "routes/members.tsx"),
      route("tokens", "routes/tokens.tsx"),
      route("audit", "routes/audit.tsx"),
    ]),
  ]),
] satisfies RouteConfig;
