import { Form, Link, useNavigation } from "react-router";
import {
  ErrorSummary,
  FormScope,
  TextField,
  useClientValidation,
} from "../components/form-fields.tsx";
import { PublicFrame } from "../components/public-frame.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { formatDate, pageTitle, roleLabels } from "../lib/format.ts";
import { acceptAsNewUserForm } from "../lib/forms.ts";
import type { Route } from "./+types/invite";

export { action, loader } from "./invite.server.ts";

const errorTitles = {
  404: "Invitation not found",
  410: "This invitation can no longer be used",
};

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(
    error ? errorTitle(error, errorTitles) : `Join ${loaderData?.preview.tenantName ?? "a tenant"}`,
  );

export default function Invite({ loaderData, actionData }: Route.ComponentProps) {
  const { preview, signedInAs, invitePath } = loaderData;
  const busy = useNavigation().state === "submitting";
  const { clientErrors, onSubmit } = useClientValidation(acceptAsNewUserForm);
  const errors = clientErrors ?? actionData?.fieldErrors;
  const formError = clientErrors ? null : actionData?.formError;
  const sameUser = signedInAs?.toLowerCase() === preview.email.toLowerCase();
  const signInHref = `/sign-in?redirectTo=${encodeURIComponent(invitePath)}`;

  return (
    <PublicFrame>
      <div className="auth-card">
        <p className="eyebrow">Invitation</p>
        <h1>Join {preview.tenantName}</h1>
        <p>
          You are invited to join <strong>{preview.tenantName}</strong> on Lectern as{" "}
          <strong>{roleLabels[preview.role]}</strong>. The invitation is for{" "}
          <strong>{preview.email}</strong> and works until {formatDate(preview.expiresAt)}.
        </p>

        {!preview.accountExists ? (
          <>
            {signedInAs ? (
              <p className="notice">
                You are signed in as {signedInAs}. Creating this account signs you in as{" "}
                {preview.email} instead.
              </p>
            ) : null}
            <h2>Create your account</h2>
            <ErrorSummary
              id="join"
              errors={errors}
              formError={formError}
              labels={acceptAsNewUserForm.labels}
            />
            <Form method="post" noValidate onSubmit={onSubmit} className="stack">
              <input type="hidden" name="intent" value="accept-new" />
              <FormScope id="join" errors={errors} values={actionData?.values}>
                <TextField name="name" label="Your name" autoComplete="name" required />
                <TextField
                  name="password"
                  label="Password"
                  type="password"
                  autoComplete="new-password"
                  hint="At least 12 characters. A few unrelated words make a good one."
                  required
                />
                <TextField
                  name="confirmPassword"
                  label="Password (again)"
                  type="password"
                  autoComplete="new-password"
                  required
                />
              </FormScope>
              <button type="submit" className="button primary">
                {busy ? "Creating your account…" : "Create account and join"}
              </button>
            </Form>
          </>
        ) : sameUser ? (
          <>
            <ErrorSummary id="accept" formError={formError} labels={{}} />
            <Form method="post">
              <input type="hidden" name="intent" value="accept" />
              <button type="submit" className="button primary">
                {busy ? "Accepting…" : `Accept and join ${preview.tenantName}`}
              </button>
            </Form>
          </>
        ) : signedInAs ? (
          <>
            <p className="notice">
              You are signed in as {signedInAs}, but this invitation is for {preview.email}. Sign
              out, then sign in as {preview.email} to accept it.
            </p>
            <Form method="post" action="/sign-out">
              <input type="hidden" name="redirectTo" value={invitePath} />
              <button type="submit" className="button primary">
                Sign out and switch account
              </button>
            </Form>
          </>
        ) : (
          <>
            <p>
              You already have a Lectern account for {preview.email}. Sign in to accept the
              invitation; you come back here afterwards.
            </p>
            <p>
              <Link className="button primary" to={signInHref}>
                Sign in to accept
              </Link>
            </p>
          </>
        )}
      </div>
    </PublicFrame>
  );
}

export function ErrorBoundary() {
  return (
    <PublicFrame>
      <RouteError titles={errorTitles} />
    </PublicFrame>
  );
}
