import { Form } from "react-router";
import { PublicFrame } from "../components/public-frame.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { pageTitle } from "../lib/format.ts";
import type { Route } from "./+types/sign-out";

export { action, loader } from "./sign-out.server.ts";

export const meta: Route.MetaFunction = ({ error }) =>
  pageTitle(error ? errorTitle(error) : "Sign out");

/** Shown only when someone opens /sign-out directly; the header's button posts here. */
export default function SignOut({ loaderData }: Route.ComponentProps) {
  return (
    <PublicFrame>
      <div className="auth-card">
        <h1>Sign out</h1>
        <p>You are signed in as {loaderData.email}.</p>
        <Form method="post">
          <button type="submit" className="button primary">
            Sign out
          </button>
        </Form>
      </div>
    </PublicFrame>
  );
}

export function ErrorBoundary() {
  return (
    <PublicFrame>
      <RouteError />
    </PublicFrame>
  );
}
