// The UI's client for the API: Hono's typed client whose fetch calls the API app in-process,
// so every loader and action goes through exactly the validation and authorization any other
// client gets. Cookies the API sets (sign-in, sliding session refresh) are collected and
// passed on to the browser by workers/app.ts.
import { hc } from "hono/client";
import { API_BASE, type AppType, api } from "#workers/api/app";
import { CSRF_HEADER } from "#workers/api/middleware/csrf";
import { config } from "#workers/env";

export type ApiClient = ReturnType<typeof hc<AppType>>;

export function createApiClient(request: Request, env: Env, ctx: ExecutionContext) {
  const setCookies: string[] = [];
  const origin = config(env).appOrigin;
  let cookie = request.headers.get("cookie") ?? "";
  const client = hc<AppType>(`${new URL(request.url).origin}${API_BASE}`, {
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      if (cookie) req.headers.set("cookie", cookie);
      req.headers.set("origin", origin);
      req.headers.set(CSRF_HEADER, "1");
      const ip = request.headers.get("cf-connecting-ip");
      if (ip) req.headers.set("cf-connecting-ip", ip);
      const res = await api.fetch(req, env, ctx);
      const fresh = res.headers.getSetCookie();
      if (fresh.length > 0) {
        setCookies.push(...fresh);
        // Later calls in the same request see the new session (e.g. sign-in then load /me).
        cookie = fresh.map((c) => c.split(";")[0]).join("; ");
      }
      return res;
    },
  });
  return { client, setCookies };
}
