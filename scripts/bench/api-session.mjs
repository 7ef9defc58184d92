// The benchmark's caller: signs in as the demo owner once, then works with an API token.
// A token skips the CSRF checks and the session lookup of better-auth, so every measured
// request carries one `Authorization` header, as an API integration would send.
import { apiClient, timedFetch } from "./load.mjs";

/** The Worker's cookie name (workers/domain/auth.ts); not imported, that module is TypeScript. */
const SESSION_COOKIE = "__Host-lectern_session";

/**
 * @param {{ url: string, appUrl: string, login: { email: string, password: string },
 *   tenantId: string }} options
 *   `url` is where wrangler listens (127.0.0.1; Node does not resolve *.localhost names),
 *   `appUrl` the Worker's APP_URL, the Origin its CSRF check and better-auth expect.
 */
export async function openApi({ url, appUrl, login, tenantId }) {
  const origin = new URL(appUrl).origin;
  // Node's fetch keeps no cookie jar and ignores the `__Host-`/Secure rules a browser applies
  // on plain http, so the cookie is read from Set-Cookie and sent back by hand.
  const signIn = await timedFetch(`${url}/api/v1/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json", origin, "x-lectern-csrf": "1" },
    body: JSON.stringify(login),
  });
  if (signIn.status !== 200) {
    throw new Error(`Signing in as ${login.email} failed: ${signIn.status} ${signIn.text}`);
  }
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error(`Signing in set no ${SESSION_COOKIE} cookie`);

  const session = apiClient(`${url}/api/v1`, { cookie, origin, "x-lectern-csrf": "1" });
  const created = await session.request("POST", `/tenants/${tenantId}/tokens`, {
    json: { name: `bench ${new Date().toISOString()}`, role: "owner", expiresInDays: 1 },
  });
  if (created.status !== 201) {
    throw new Error(`Creating an API token failed: ${created.status} ${created.text}`);
  }
  const { secret } = JSON.parse(created.text);
  return apiClient(`${url}/api/v1`, { authorization: `Bearer ${secret}` });
}
