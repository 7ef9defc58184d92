// Who may see a preview site. Preview hosts are their own origins (never the app's), so the
// app's session cookie never reaches them; access is a host-only cookie of their own, which a
// request gets in one of two ways:
// - a collaborator: the app (signed in) asks the API for a one-shot handoff URL
//   (`/__lectern/preview-access?token=…`, 60 s) and sends the browser there; delivery swaps
//   the token for the cookie and redirects to the page they wanted;
// - anyone with a shared link (`?lectern_preview=<token>`, made by a site admin, expiring):
//   delivery swaps it for the cookie and redirects to the same URL without the token, so the
//   token does not linger in the address bar, history or Referer headers.
// Without either, the browser goes to the app's /preview-access page (sign-in, then the
// handoff). Every token is scoped to one site by its claims and to one use by its purpose.
import { signToken, verifyToken } from "#workers/domain/signed-tokens";
import type { Config } from "#workers/env";

export const PREVIEW_COOKIE = "lectern_preview";
export const PREVIEW_LINK_PARAM = "lectern_preview";
export const HANDOFF_PATH = "/__lectern/preview-access";
export const PREVIEW_ACCESS_LIFETIME_MS = 12 * 3600 * 1000;
export const HANDOFF_LIFETIME_MS = 60 * 1000;
export const MAX_RETURN_PATH = 2048;

const PURPOSE = {
  access: "preview-access",
  link: "preview-link",
  handoff: "preview-handoff",
} as const;

/** A path on the same host: "/" first, no scheme-relative "//" or "/\", no control chars. */
export function isSafeReturnPath(path: string): boolean {
  return (
    path.length > 0 &&
    path.length <= MAX_RETURN_PATH &&
    path.startsWith("/") &&
    !path.startsWith("//") &&
    !/[\\\p{Cc}]/u.test(path)
  );
}

export function previewLinkToken(secret: string, siteId: string, expiresAt: number) {
  return signToken(secret, PURPOSE.link, { s: siteId }, expiresAt);
}

export function previewHandoffToken(secret: string, siteId: string, returnPath: string) {
  return signToken(
    secret,
    PURPOSE.handoff,
    { s: siteId, r: returnPath },
    Date.now() + HANDOFF_LIFETIME_MS,
  );
}

async function accessCookie(secret: string, siteId: string, https: boolean, lifetimeMs: number) {
  const maxAge = Math.max(0, Math.floor(lifetimeMs / 1000));
  const token = await signToken(secret, PURPOSE.access, { s: siteId }, Date.now() + maxAge * 1000);
  // Host-only (no Domain): the cookie opens this one preview host, nothing under it or beside it.
  return `${PREVIEW_COOKIE}=${token}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Lax${https ? "; Secure" : ""}`;
}

function cookieValues(header: string | null, name: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

async function hasAccessCookie(request: Request, secret: string, siteId: string) {
  for (const value of cookieValues(request.headers.get("cookie"), PREVIEW_COOKIE)) {
    const claims = await verifyToken<{ s: string }>(secret, PURPOSE.access, value);
    if (claims?.s === siteId) return true;
  }
  return false;
}

/** The app page that signs a collaborator in and sends them back through a handoff. */
export function previewSignInUrl(
  cfg: Config,
  site: { tenantId: string; siteId: string },
  returnPath: string,
): string {
  const url = new URL("/preview-access", cfg.appOrigin);
  url.searchParams.set("tenantId", site.tenantId);
  url.searchParams.set("siteId", site.siteId);
  url.searchParams.set("return", returnPath);
  return url.toString();
}

export type GateAnswer =
  /** Serve the request. */
  | { kind: "allow" }
  /** Answer with a redirect (setting the cookie when `cookie` is given). */
  | { kind: "redirect"; location: string; cookie?: string }
  | { kind: "forbidden" };

/** What to do with a request to a preview host of `site`, before anything is served. */
export async function previewGate(
  request: Request,
  url: URL,
  cfg: Config,
  site: { tenantId: string; siteId: string },
): Promise<GateAnswer> {
  const secret = cfg.AUTH_SECRET;
  const https = url.protocol === "https:";

  if (url.pathname === HANDOFF_PATH) {
    const claims = await verifyToken<{ s: string; r: string }>(
      secret,
      PURPOSE.handoff,
      url.searchParams.get("token"),
    );
    if (claims?.s !== site.siteId || typeof claims.r !== "string" || !isSafeReturnPath(claims.r)) {
      return { kind: "forbidden" };
    }
    return {
      kind: "redirect",
      location: claims.r,
      cookie: await accessCookie(secret, site.siteId, https, PREVIEW_ACCESS_LIFETIME_MS),
    };
  }

  const link = url.searchParams.get(PREVIEW_LINK_PARAM);
  const clean = new URL(url);
  clean.searchParams.delete(PREVIEW_LINK_PARAM);
  const cleanPath = `${clean.pathname}${clean.search}`;
  if (link !== null) {
    const claims = await verifyToken<{ s: string }>(secret, PURPOSE.link, link);
    if (claims?.s === site.siteId) {
      // The cookie never outlives the link it came from.
      const lifetime = Math.min(PREVIEW_ACCESS_LIFETIME_MS, claims.exp * 1000 - Date.now());
      return {
        kind: "redirect",
        location: cleanPath,
        cookie: await accessCookie(secret, site.siteId, https, lifetime),
      };
    }
  }
  if (await hasAccessCookie(request, secret, site.siteId)) {
    return link === null ? { kind: "allow" } : { kind: "redirect", location: cleanPath };
  }
  return { kind: "redirect", location: previewSignInUrl(cfg, site, cleanPath) };
}
