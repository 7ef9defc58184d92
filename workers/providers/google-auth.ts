// Google OAuth 2.0 for the YouTube Data API and the Drive API: a stored refresh token (or, for
// Drive, a service account's key) is traded for a short-lived access token at the token
// endpoint, cached in the isolate until a minute before it expires. Credentials stay in memory
// only for the request and are never logged.
import { errorFromResponse, ProviderError, type ProviderName, providerFetch } from "./errors.ts";

/** A stored refresh token traded at the token endpoint (grant_type=refresh_token). */
export type GoogleRefreshAuth = {
  /** https://oauth2.googleapis.com/token unless a test points elsewhere. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
};

/**
 * A service account's key (as OCW's Drive sync uses): a JWT signed with its private key (RS256)
 * traded at the token endpoint (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer). The
 * token endpoint is the deployment's, never the key file's `token_uri`.
 */
export type GoogleServiceAccountAuth = {
  tokenUrl: string;
  clientEmail: string;
  /** PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). */
  privateKey: string;
  scope: string;
};

export type GoogleOAuth = GoogleRefreshAuth | GoogleServiceAccountAuth;

const isServiceAccount = (a: GoogleOAuth): a is GoogleServiceAccountAuth => "privateKey" in a;

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The DER bytes of a PKCS#8 PEM private key; null when it is not one. */
export function pkcs8Der(pem: string): Uint8Array<ArrayBuffer> | null {
  const m = /-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----/.exec(pem);
  if (!m?.[1]) return null;
  try {
    const bin = atob(m[1].replace(/\s+/g, ""));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

async function serviceAccountAssertion(
  provider: ProviderName,
  auth: GoogleServiceAccountAuth,
  now: number,
): Promise<string> {
  const der = pkcs8Der(auth.privateKey);
  let key: CryptoKey | null = null;
  if (der) {
    key = await crypto.subtle
      .importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"])
      .catch(() => null);
  }
  if (!key)
    throw new ProviderError(provider, "auth", "the service account's private key is not valid");
  const enc = new TextEncoder();
  const iat = Math.floor(now / 1000);
  const head = b64url(enc.encode(JSON.stringify({ alg: "RS256", typ: "JWT" })));
  const claims = b64url(
    enc.encode(
      JSON.stringify({
        iss: auth.clientEmail,
        scope: auth.scope,
        aud: auth.tokenUrl,
        iat,
        exp: iat + 3600,
      }),
    ),
  );
  const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, enc.encode(`${head}.${claims}`));
  return `${head}.${claims}.${b64url(new Uint8Array(sig))}`;
}

const cache = new Map<string, { token: string; expiresAt: number }>();

async function cacheKey(auth: GoogleOAuth): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(
      isServiceAccount(auth)
        ? `${auth.tokenUrl}\nsa\n${auth.clientEmail}\n${auth.scope}\n${auth.privateKey}`
        : `${auth.tokenUrl}\n${auth.clientId}\n${auth.refreshToken}`,
    ),
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
    body: isServiceAccount(auth)
      ? new URLSearchParams({
          grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
          assertion: await serviceAccountAssertion(provider, auth, now),
        })
      : new URLSearchParams({
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
