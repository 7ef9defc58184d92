import { Link } from "react-router";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { pageTitle } from "../lib/format.ts";
import type { Route } from "./+types/home";

export { loader } from "./home.server.ts";

export const meta: Route.MetaFunction = ({ error }) =>
  pageTitle(error ? errorTitle(error) : "Welcome");

/** Only signed-in people who belong to no tenant get here; everyone else is redirected. */
export default function Home({ loaderData }: Route.ComponentProps) {
  return (
    <div className="empty-state">
      <h1>Welcome to Lectern, {loaderData.name}</h1>
      <p>
        You are not a member of any organisation yet. When an owner or admin invites you, open the
        link in the invitation and it will appear here.
      </p>
      {loaderData.isOperator ? (
        <p>
          As the platform operator you can create organisations (tenants) on the{" "}
          <Link to="/operator">Operator</Link> page.
        </p>
      ) : null}
      <p>
        <Link to="/account">Manage your account</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
