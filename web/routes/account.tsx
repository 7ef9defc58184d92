import { useEffect, useRef } from "react";
import { Form } from "react-router";
import {
  ErrorSummary,
  FormScope,
  TextField,
  useClientValidation,
} from "../components/form-fields.tsx";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { pageTitle } from "../lib/format.ts";
import { passwordForm, profileForm } from "../lib/forms.ts";
import type { Route } from "./+types/account";

export { action, loader } from "./account.server.ts";

export const meta: Route.MetaFunction = ({ error }) =>
  pageTitle(error ? errorTitle(error) : "Account");

export default function Account({ loaderData, actionData }: Route.ComponentProps) {
  const { user } = loaderData;
  const profile = useClientValidation(profileForm);
  const password = useClientValidation(passwordForm);
  const passwordRef = useRef<HTMLFormElement>(null);

  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  const profileFailure = failed?.intent === "profile" ? failed : null;
  const passwordFailure = failed?.intent === "password" ? failed : null;
  const profileErrors = profile.clientErrors ?? profileFailure?.fieldErrors;
  const passwordErrors = password.clientErrors ?? passwordFailure?.fieldErrors;

  useEffect(() => {
    if (done?.intent === "password") passwordRef.current?.reset();
  }, [done]);

  return (
    <>
      <div className="page-heading">
        <h1>Account</h1>
        <p className="muted">Signed in as {user.email}</p>
      </div>
      <StatusMessage message={done?.message} />

      <section className="panel" aria-labelledby="profile-title">
        <h2 id="profile-title">Display name</h2>
        <p className="muted">Shown to other members and in the audit log.</p>
        <ErrorSummary
          id="profile"
          errors={profileErrors}
          formError={profile.clientErrors ? null : profileFailure?.formError}
          labels={profileForm.labels}
        />
        <Form method="post" noValidate onSubmit={profile.onSubmit} className="stack">
          <input type="hidden" name="intent" value="profile" />
          <FormScope id="profile" errors={profileErrors} values={profileFailure?.values}>
            <TextField
              name="name"
              label="Display name"
              autoComplete="name"
              defaultValue={user.name}
              required
            />
          </FormScope>
          <div>
            <button type="submit" className="button primary">
              Save name
            </button>
          </div>
        </Form>
      </section>

      <section className="panel" aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <p className="muted">Changing it signs you out everywhere else.</p>
        <ErrorSummary
          id="password"
          errors={passwordErrors}
          formError={password.clientErrors ? null : passwordFailure?.formError}
          labels={passwordForm.labels}
        />
        <Form
          method="post"
          noValidate
          onSubmit={password.onSubmit}
          className="stack"
          ref={passwordRef}
        >
          <input type="hidden" name="intent" value="password" />
          {/* Lets password managers file the new password under the right account. */}
          <input
            type="text"
            name="username"
            autoComplete="username"
            value={user.email}
            readOnly
            hidden
          />
          <FormScope id="password" errors={passwordErrors}>
            <TextField
              name="currentPassword"
              label="Current password"
              type="password"
              autoComplete="current-password"
              required
            />
            <TextField
              name="newPassword"
              label="New password"
              type="password"
              autoComplete="new-password"
              hint="At least 12 characters."
              required
            />
            <TextField
              name="confirmPassword"
              label="New password (again)"
              type="password"
              autoComplete="new-password"
              required
            />
          </FormScope>
          <div>
            <button type="submit" className="button primary">
              Change password
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
