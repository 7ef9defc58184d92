import { useEffect, useRef } from "react";
import { Form } from "react-router";
import type { z } from "zod";
import type { ProviderStatus } from "#schemas/providers";
import { ConfirmAction } from "../components/confirm-action.tsx";
import {
  ErrorSummary,
  FormScope,
  TextAreaField,
  TextField,
  useClientValidation,
} from "../components/form-fields.tsx";
import {
  gdriveForm,
  gdriveServiceAccountForm,
  threeplayForm,
  youtubeForm,
} from "../components/providers/forms.ts";
import { errorTitle, RouteError } from "../components/route-error.tsx";
import { StatusMessage } from "../components/status-message.tsx";
import { formatDate, pageTitle } from "../lib/format.ts";
import type { FormSpec } from "../lib/forms.ts";
import type { Route } from "./+types/providers";

export { action, loader } from "./providers.server.ts";

export const meta: Route.MetaFunction = ({ loaderData, error }) =>
  pageTitle(error ? errorTitle(error) : "Media providers", loaderData?.tenant.name);

type Failure = {
  ok: false;
  intent: string;
  target?: string;
  fieldErrors: Record<string, string>;
  formError: string | null;
  values: Record<string, string>;
};

function Configured({ status, secretName }: { status: ProviderStatus; secretName: string }) {
  return status.configured ? (
    <p>
      <span className="tag">Set up</span> {secretName} ending in <code>…{status.hint}</code>
      {status.updatedAt ? (
        <span className="muted"> · changed {formatDate(status.updatedAt)}</span>
      ) : null}
    </p>
  ) : (
    <p className="muted">Not set up.</p>
  );
}

function Remove({ status, name }: { status: ProviderStatus; name: string }) {
  if (!status.configured) return null;
  return (
    <ConfirmAction
      summary={
        <>
          Remove…<span className="visually-hidden"> {name} credentials</span>
        </>
      }
      question={`Remove ${name}'s credentials? Jobs that need ${name} stop until they are set again.`}
      confirmLabel={`Remove ${name}`}
      fields={{ intent: "remove", provider: status.provider }}
    />
  );
}

/** Once saved, typed secrets leave the page: the form goes back to its (loaded) defaults. */
function useSecretReset(saved: object | null) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (saved) ref.current?.reset();
  }, [saved]);
  return ref;
}

function OAuthForm({
  intent,
  spec,
  status,
  failure,
  saved,
  scopeHint,
}: {
  intent: "save-youtube" | "save-gdrive";
  spec: FormSpec<z.ZodType>;
  status: ProviderStatus;
  failure: Failure | null;
  /** The action's success for this form (a new object each time): the secrets are cleared. */
  saved: object | null;
  scopeHint: string;
}) {
  const client = useClientValidation(spec);
  const ref = useSecretReset(saved);
  const errors = client.clientErrors ?? failure?.fieldErrors;
  const id = intent.replace("save-", "");
  return (
    <>
      <ErrorSummary
        id={id}
        errors={errors}
        formError={client.clientErrors ? null : failure?.formError}
        labels={spec.labels}
      />
      <Form method="post" noValidate onSubmit={client.onSubmit} className="stack" ref={ref}>
        <input type="hidden" name="intent" value={intent} />
        <FormScope id={id} errors={errors} values={failure?.values}>
          <TextField
            name="clientId"
            label="OAuth client ID"
            defaultValue={typeof status.config.clientId === "string" ? status.config.clientId : ""}
            autoComplete="off"
            spellCheck={false}
            required
          />
          <TextField
            name="clientSecret"
            label="OAuth client secret"
            type="password"
            autoComplete="new-password"
            hint={status.configured ? "Type it again to replace the credentials." : undefined}
            required
          />
          <TextField
            name="refreshToken"
            label="Refresh token"
            type="password"
            autoComplete="new-password"
            hint={scopeHint}
            required
          />
        </FormScope>
        <button type="submit" className="button primary">
          {status.configured ? "Replace credentials" : "Save credentials"}
        </button>
      </Form>
    </>
  );
}

function ThreePlayForm({
  status,
  failure,
  saved,
}: {
  status: ProviderStatus;
  failure: Failure | null;
  saved: object | null;
}) {
  const client = useClientValidation(threeplayForm);
  const ref = useSecretReset(saved);
  const errors = client.clientErrors ?? failure?.fieldErrors;
  const level = status.config.turnaroundLevelId;
  return (
    <>
      <ErrorSummary
        id="threeplay"
        errors={errors}
        formError={client.clientErrors ? null : failure?.formError}
        labels={threeplayForm.labels}
      />
      <Form method="post" noValidate onSubmit={client.onSubmit} className="stack" ref={ref}>
        <input type="hidden" name="intent" value="save-threeplay" />
        <FormScope id="threeplay" errors={errors} values={failure?.values}>
          <TextField
            name="apiKey"
            label="API key"
            type="password"
            autoComplete="new-password"
            hint="From 3Play Media's account settings (API keys)."
            required
          />
          <TextField
            name="turnaroundLevelId"
            label="Turnaround level"
            inputMode="numeric"
            defaultValue={typeof level === "number" ? String(level) : ""}
            hint="3Play's turnaround level id; empty for standard (5)."
          />
        </FormScope>
        <button type="submit" className="button primary">
          {status.configured ? "Replace API key" : "Save API key"}
        </button>
      </Form>
    </>
  );
}

function ServiceAccountForm({
  status,
  failure,
  saved,
}: {
  status: ProviderStatus;
  failure: Failure | null;
  saved: object | null;
}) {
  const client = useClientValidation(gdriveServiceAccountForm);
  const errors = client.clientErrors ?? failure?.fieldErrors;
  const ref = useSecretReset(saved);
  return (
    <details open={Boolean(failure) || status.config.auth === "service_account"}>
      <summary>Or use a service account</summary>
      <ErrorSummary
        id="gdrive-sa"
        errors={errors}
        formError={client.clientErrors ? null : failure?.formError}
        labels={gdriveServiceAccountForm.labels}
      />
      <Form method="post" noValidate onSubmit={client.onSubmit} className="stack" ref={ref}>
        <input type="hidden" name="intent" value="save-gdrive-sa" />
        <FormScope id="gdrive-sa" errors={errors}>
          <TextAreaField
            name="serviceAccountKey"
            label="Service account key (JSON)"
            hint="Paste the key file's contents; share the Drive folders with the account's email."
            rows={6}
            autoComplete="off"
            spellCheck={false}
            required
          />
        </FormScope>
        <button type="submit" className="button">
          Save service account
        </button>
      </Form>
    </details>
  );
}

export default function Providers({ loaderData, actionData }: Route.ComponentProps) {
  const { tenant, providers, storageAvailable } = loaderData;
  const byName = Object.fromEntries(providers.map((p) => [p.provider, p])) as Record<
    ProviderStatus["provider"],
    ProviderStatus
  >;
  const failed = actionData && !actionData.ok ? (actionData as Failure) : null;
  const done = actionData?.ok ? actionData : null;
  const failureOf = (intent: string) => (failed?.intent === intent ? failed : null);
  const savedBy = (intent: string) => (done?.intent === intent ? done : null);
  const removeFailure = failed?.intent === "remove" ? failed : null;

  return (
    <>
      <div className="page-heading">
        <p className="eyebrow">{tenant.name}</p>
        <h1>Media providers</h1>
        <p className="muted">
          Optional services for the media library. Credentials are stored encrypted and never shown
          again: only their last characters, so you can tell which are set.
        </p>
      </div>
      <StatusMessage message={done?.message ?? removeFailure?.formError ?? null} />
      {storageAvailable ? null : (
        <p className="notice notice-warn" role="status">
          This deployment cannot store credentials: its operator has not set SECRETS_ENCRYPTION_KEY.
        </p>
      )}

      <section className="panel" aria-labelledby="youtube-title">
        <h2 id="youtube-title">YouTube</h2>
        <p className="muted">
          Videos are uploaded unlisted, with their title and captions, and made public when their
          site goes live.
        </p>
        <Configured status={byName.youtube} secretName="Refresh token" />
        <OAuthForm
          intent="save-youtube"
          spec={youtubeForm}
          status={byName.youtube}
          failure={failureOf("save-youtube")}
          saved={savedBy("save-youtube")}
          scopeHint="Granted the youtube.upload and youtube.force-ssl scopes for the channel."
        />
        <Remove status={byName.youtube} name="YouTube" />
      </section>

      <section className="panel" aria-labelledby="threeplay-title">
        <h2 id="threeplay-title">3Play Media</h2>
        <p className="muted">
          Transcripts are ordered for each uploaded video; when 3Play finishes, the captions are
          added to the video (and to YouTube).
        </p>
        <Configured status={byName.threeplay} secretName="API key" />
        <ThreePlayForm
          status={byName.threeplay}
          failure={failureOf("save-threeplay")}
          saved={savedBy("save-threeplay")}
        />
        <Remove status={byName.threeplay} name="3Play Media" />
      </section>

      <section className="panel" aria-labelledby="gdrive-title">
        <h2 id="gdrive-title">Google Drive</h2>
        <p className="muted">
          Lets editors import a Drive folder's files into a site's media library.
        </p>
        <Configured
          status={byName.gdrive}
          secretName={
            typeof byName.gdrive.config.clientEmail === "string"
              ? `Service account ${byName.gdrive.config.clientEmail}, key`
              : "Refresh token"
          }
        />
        <OAuthForm
          intent="save-gdrive"
          spec={gdriveForm}
          status={byName.gdrive}
          failure={failureOf("save-gdrive")}
          saved={savedBy("save-gdrive")}
          scopeHint="Granted the drive.readonly scope."
        />
        <ServiceAccountForm
          status={byName.gdrive}
          failure={failureOf("save-gdrive-sa")}
          saved={savedBy("save-gdrive-sa")}
        />
        <Remove status={byName.gdrive} name="Google Drive" />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
