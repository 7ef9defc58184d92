// Who is signed in, and which tenant they are working in. The "current" tenant is the one in
// the URL; elsewhere (/, /account) it is the one they used last, remembered in a cookie.
import { createCookie, redirect } from "react-router";
import { tenantId as tenantIdSchema } from "#schemas/tenants";
import type { ApiClient } from "./api.server.ts";
import { failLoader, signInPath, statusOf } from "./problem.server.ts";

const lastTenantCookie = createCookie("__Host-lectern_tenant", {
  path: "/",
  secure: true,
  httpOnly: true,
  sameSite: "lax",
  maxAge: 60 * 60 * 24 * 365,
});

export async function getMe(api: ApiClient) {
  const res = await api.me.$get();
  if (!res.ok) return null;
  return res.json();
}

export type Me = NonNullable<Awaited<ReturnType<typeof getMe>>>;

export async function requireMe(api: ApiClient, request: Request): Promise<Me> {
  const res = await api.me.$get();
  if (statusOf(res) === 401) throw redirect(signInPath(request));
  if (!res.ok) return failLoader(res, request);
  return res.json();
}

async function lastTenantId(request: Request): Promise<string | null> {
  const value: unknown = await lastTenantCookie.parse(request.headers.get("cookie"));
  return tenantIdSchema.safeParse(value).success ? (value as string) : null;
}

/**
 * The tenant the shell points at and, when it changed, the cookie that remembers it.
 * Only tenants the user belongs to count.
 */
export async function currentTenant(me: Me, request: Request, fromUrl: string | undefined) {
  const mine = (id: string | null | undefined) =>
    id ? me.memberships.find((m) => m.tenantId === id) : undefined;
  const remembered = await lastTenantId(request);
  const current = mine(fromUrl) ?? mine(remembered) ?? me.memberships[0] ?? null;
  const setCookie =
    current && fromUrl === current.tenantId && remembered !== current.tenantId
      ? await lastTenantCookie.serialize(current.tenantId)
      : null;
  return { current, setCookie };
}

/** A same-site path to continue to after signing in; anything else falls back to "/". */
export function safeRedirectTo(value: FormDataEntryValue | string | null | undefined): string {
  if (typeof value !== "string" || !value.startsWith("/")) return "/";
  // Backslashes and control characters are read as slashes or dropped by some parsers.
  if ([...value].some((ch) => ch === "\\" || ch.charCodeAt(0) < 0x20)) return "/";
  const base = "http://lectern.invalid";
  const url = new URL(value, base);
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : "/";
}
