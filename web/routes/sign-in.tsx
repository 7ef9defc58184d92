import { Form, useNavigation } from "react-router";
import {
  ErrorSummary,
  FormScope,
  TextField,
  useClientValidation,
} from "../components/form-fields.tsx";
import { PublicFrame } from "../components/public-frame.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { pageTitle } from "../lib/format.ts";
import { signInForm } from "../lib/forms.ts";
import type { Route } from "./+types/sign-in";

export { action, loader } from "./sign-in.server.ts";

export const meta: Route.MetaFunction = ({ error }) =>
  pageTitle(error ? errorTitle(error) : "Sign in");

export default function SignIn({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const { clientErrors, onSubmit } = useClientValidation(signInForm);
  const errors = clientErrors ?? actionData?.fieldErrors;
  const formError = clientErrors ? null : actionData?.formError;
  return (
    <PublicFrame>
      <div className="auth-card">
        <h1>Sign in</h1>
        <p className="muted">Use the email address your invitation was sent to.</p>
        <ErrorSummary
          id="sign-in"
          errors={errors}
          formError={formError}
          labels={signInForm.labels}
        />
        <Form method="post" noValidate onSubmit={onSubmit} className="stack">
          <input type="hidden" name="redirectTo" value={loaderData.redirectTo} />
          <FormScope id="sign-in" errors={errors} values={actionData?.values}>
            <TextField
              name="email"
              label="Email"
              type="email"
              autoComplete="username"
              spellCheck={false}
              required
            />
            <TextField
              name="password"
              label="Password"
              type="password"
              autoComplete="current-password"
              required
            />
          </FormScope>
          <button type="submit" className="button primary">
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </Form>
        <p className="muted small">
          No account? Lectern accounts are created from an invitation; ask an owner or admin of your
          organisation to invite you.
        </p>
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
