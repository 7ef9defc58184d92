import type { ApiClient } from "./api.server.ts";

declare module "react-router" {
  interface AppLoadContext {
    cloudflare: { env: Env; ctx: ExecutionContext };
    api: ApiClient;
  }
}
