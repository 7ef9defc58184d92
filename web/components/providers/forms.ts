// The media provider settings forms (tenant page "Media providers"), validated with the API's
// own schemas in the browser and again in the action. Secrets are typed in and never echoed.
import {
  gdriveImportBody,
  gdriveSettingsBody,
  threeplaySettingsBody,
  youtubeSettingsBody,
} from "#schemas/providers";
import type { FieldSource, FormSpec } from "../../lib/forms.ts";

function text(form: FieldSource, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

const oauthLabels = {
  clientId: "OAuth client ID",
  clientSecret: "OAuth client secret",
  refreshToken: "Refresh token",
};

const readOAuth = (form: FieldSource) => ({
  clientId: text(form, "clientId"),
  clientSecret: text(form, "clientSecret"),
  refreshToken: text(form, "refreshToken"),
});

export const youtubeForm: FormSpec<typeof youtubeSettingsBody> = {
  schema: youtubeSettingsBody,
  labels: oauthLabels,
  read: readOAuth,
};

export const gdriveForm: FormSpec<typeof gdriveSettingsBody> = {
  schema: gdriveSettingsBody,
  labels: oauthLabels,
  read: readOAuth,
};

export const gdriveServiceAccountForm: FormSpec<typeof gdriveSettingsBody> = {
  schema: gdriveSettingsBody,
  labels: { serviceAccountKey: "Service account key (JSON)" },
  read: (form) => ({ serviceAccountKey: text(form, "serviceAccountKey") ?? "" }),
};

export const threeplayForm: FormSpec<typeof threeplaySettingsBody> = {
  schema: threeplaySettingsBody,
  labels: { apiKey: "API key", turnaroundLevelId: "Turnaround level" },
  read: (form) => {
    const level = text(form, "turnaroundLevelId");
    return {
      apiKey: text(form, "apiKey"),
      ...(level === undefined ? {} : { turnaroundLevelId: Number(level) }),
    };
  },
};

export const gdriveImportForm: FormSpec<typeof gdriveImportBody> = {
  schema: gdriveImportBody,
  labels: { folderId: "Drive folder ID or link" },
  // A folder link (https://drive.google.com/drive/folders/<id>?usp=…) works as well as the id.
  read: (form) => {
    const raw = text(form, "folderId");
    const fromLink = raw ? /\/folders\/([A-Za-z0-9_-]+)/.exec(raw)?.[1] : undefined;
    return { folderId: fromLink ?? raw };
  },
};
