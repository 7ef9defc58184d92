// Google OAuth 2.0 for the YouTube Data API and the Drive API: a stored refresh token is traded
// for a short-lived access token at the token endpoint (grant_type=refresh_token), cached in the
// isolate until a minute before it expires. The refresh token and client secret stay in memory
// only for the request and are never logged.
import { errorFromResponse, ProviderError, type ProviderName, providerFetch } from "./errors.ts";

export type GoogleOAuth = {
  /** https://oauth2.googleapis.com/token unless a test points elsewhere. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
};

const cache = new Map<string, { token: string; expiresAt: number }>();

async function cacheKey(auth: GoogleOAuth): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(`${auth.tokenUrl}\n${auth.clientId}\n${auth.refreshToken}`),
  );
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/** Forgets a cached access token (after the API refused it). */
export async function forgetAccessToken(auth: GoogleOAuth): Promise<void> {
  cache.delete(await cacheKey(auth));
}

export async function googleAccessToken(
  provider: ProviderName,
  auth: GoogleOAuth,
  now = Date.now(),
): Promise<string> {
  const key = await cacheKey(auth);
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.token;
  const res = await providerFetch(provider, "OAuth token refresh", auth.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      client_id: auth.clientId,
      client_secret: auth.clientSecret,
      refresh_token: auth.refreshToken,
    }),
  });
  if (!res.ok) {
    const err = await errorFromResponse(provider, "OAuth token refresh", res);
    // invalid_grant / invalid_client come back as 400 or 401: the stored credentials are bad.
    if (res.status === 400 || res.status === 401) {
      throw new ProviderError(
        provider,
        "auth",
        err.message.replace(`${provider}: `, ""),
        res.status,
      );
    }
    throw err;
  }
  const body = (await res.json().catch(() => null)) as {
    access_token?: unknown;
    expires_in?: unknown;
  } | null;
  if (!body || typeof body.access_token !== "string" || !body.access_token) {
    throw new ProviderError(
      provider,
      "unavailable",
      "OAuth token refresh returned no access token",
    );
  }
  const ttl = typeof body.expires_in === "number" ? body.expires_in : 3600;
  if (cache.size > 256) cache.clear();
  cache.set(key, { token: body.access_token, expiresAt: now + Math.max(0, ttl - 60) * 1000 });
  return body.access_token;
}
