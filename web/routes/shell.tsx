import { Outlet, useParams } from "react-router";
import { AppHeader } from "../components/app-header.tsx";
import { PublicFrame } from "../components/public-frame.tsx";
import { RouteError } from "../components/route-error.tsx";
import type { Route } from "./+types/shell";

export { loader } from "./shell.server.ts";

export default function Shell({ loaderData }: Route.ComponentProps) {
  const { tenantId } = useParams();
  const { user, memberships } = loaderData;
  // The URL wins as soon as it changes; the loader's answer covers pages without a tenant.
  const currentTenantId = memberships.some((m) => m.tenantId === tenantId)
    ? (tenantId ?? null)
    : loaderData.currentTenantId;
  return (
    <>
      <AppHeader user={user} memberships={memberships} currentTenantId={currentTenantId} />
      <main id="main" tabIndex={-1} className="page">
        <Outlet />
      </main>
    </>
  );
}

/** Reached only when the shell itself fails (child pages keep the header on error). */
export function ErrorBoundary() {
  return (
    <PublicFrame>
      <RouteError />
    </PublicFrame>
  );
}
