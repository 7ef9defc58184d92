import type { Context } from "hono";
import type { SiteRole, TenantRole } from "#schemas/roles";
import type { Db } from "#workers/db/client";
import type { sites, tenants } from "#workers/db/schema";

export type Principal = {
  user: { id: string; email: string; name: string; isOperator: boolean };
  via: "session" | "token";
  session: { id: string; createdAt: Date; expiresAt: Date } | null;
  /** Set when authenticated by an API token: the token only works inside its tenant. */
  token: { id: string; tenantId: string; role: TenantRole } | null;
};

export type TenantContext = {
  tenant: typeof tenants.$inferSelect;
  /** Effective role: a token's role capped by its owner's current membership role. */
  role: TenantRole;
};

export type SiteContext = {
  site: typeof sites.$inferSelect;
  /** Effective site role: tenant owners/admins administer every site; others by collaboration. */
  role: SiteRole;
};

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Db;
    principal: Principal | null;
    tenantContext: TenantContext | null;
    siteContext: SiteContext | null;
  };
};

export type AppContext = Context<AppEnv>;
