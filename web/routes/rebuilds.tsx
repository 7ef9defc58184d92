import { Link } from "react-router";
import { RebuildPanel } from "../components/publish/rebuild-panel.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { pageTitle } from "../lib/format.ts";
import type { Route } from "./+types/rebuilds";

export { action, loader } from "./rebuilds.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "Mass rebuilds", loaderData?.tenant.name);

export default function Rebuilds({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, rebuilds } = loaderData;
  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">
          <Link to={`/t/${tenant.id}/sites`}>Sites</Link>
        </p>
        <h1>Mass rebuilds</h1>
      </div>
      <StatusMessage
        message={
          done?.message ??
          (failed?.target ? (failed.formError ?? Object.values(failed.fieldErrors)[0]) : null)
        }
      />
      <RebuildPanel
        list={rebuilds}
        scope={`every published site of ${tenant.name}`}
        failure={failed}
        failedNote="Builds that failed are listed, with the reason, on the dashboard of whoever started the rebuild; those sites keep serving their previous version."
      />
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
