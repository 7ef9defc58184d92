// Contracts of a tenant's media provider settings (YouTube, 3Play Media, Google Drive) and the
// Google Drive folder import. Secrets go in and never come back: reads show only whether a
// provider is configured, the last characters of its main secret, and when it changed.
import { z } from "zod";
import { isoDateTime } from "./common.ts";

export const providerNames = ["youtube", "threeplay", "gdrive"] as const;
export const providerName = z.enum(providerNames);
export type ProviderName = z.infer<typeof providerName>;

const secret = (max: number) =>
  z
    .string()
    .trim()
    .min(8, { message: "must be at least 8 characters" })
    .max(max)
    .regex(/^[\x21-\x7e]+$/, { message: "must be printable ASCII without spaces" });

const clientId = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, { message: "must be printable ASCII without spaces" });

/** Google OAuth client and a refresh token granted the YouTube (upload + force-ssl) scopes. */
export const youtubeSettingsBody = z
  .strictObject({
    clientId,
    clientSecret: secret(512),
    refreshToken: secret(2048),
  })
  .meta({ id: "YouTubeSettings" });

/** A 3Play Media API key and, optionally, the turnaround level to order. */
export const threeplaySettingsBody = z
  .strictObject({
    apiKey: secret(256),
    turnaroundLevelId: z.number().int().min(1).max(20).optional(),
  })
  .meta({ id: "ThreePlaySettings" });

/** What a service account's JSON key file must hold (the rest is ignored). */
const serviceAccountKeyFile = z.object({
  client_email: z.string().regex(/^[^@\s]+@[^@\s]+$/),
  private_key: z.string().startsWith("-----BEGIN PRIVATE KEY-----"),
  private_key_id: z.string().optional(),
});

/** Parses a service account's JSON key file; null when it is not one. */
export function parseServiceAccountKey(text: string) {
  try {
    const parsed = serviceAccountKeyFile.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Google Drive: either an OAuth client and a refresh token granted the Drive read-only scope,
 * or a service account's JSON key file (the folder shared with its email), as OCW syncs.
 */
export const gdriveSettingsBody = z
  .strictObject({
    clientId: clientId.optional(),
    clientSecret: secret(512).optional(),
    refreshToken: secret(2048).optional(),
    serviceAccountKey: z
      .string()
      .max(10_000)
      .optional()
      .meta({ description: "A service account's JSON key file, as text (instead of OAuth)" }),
  })
  .superRefine((v, ctx) => {
    if (v.serviceAccountKey !== undefined) {
      if (v.clientId || v.clientSecret || v.refreshToken) {
        ctx.addIssue({
          code: "custom",
          path: ["serviceAccountKey"],
          message: "give a service account key or OAuth credentials, not both",
        });
      } else if (!parseServiceAccountKey(v.serviceAccountKey)) {
        ctx.addIssue({
          code: "custom",
          path: ["serviceAccountKey"],
          message: "must be a service account's JSON key (with client_email and private_key)",
        });
      }
      return;
    }
    for (const field of ["clientId", "clientSecret", "refreshToken"] as const) {
      if (!v[field]) ctx.addIssue({ code: "custom", path: [field], message: "is required" });
    }
  })
  .meta({ id: "GoogleDriveSettings" });

export const providerStatus = z
  .object({
    provider: providerName,
    configured: z.boolean(),
    /** The last 4 characters of the main secret (refresh token or API key). */
    hint: z.string().nullable(),
    /** The settings that are not secret (OAuth client id, turnaround level). */
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    updatedAt: isoDateTime.nullable(),
  })
  .meta({ id: "ProviderStatus" });
export type ProviderStatus = z.infer<typeof providerStatus>;

export const providerList = z.object({
  items: z.array(providerStatus),
  /** False when this deployment has no SECRETS_ENCRYPTION_KEY (settings cannot be saved). */
  storageAvailable: z.boolean(),
});

export const driveFolderId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{10,200}$/, { message: "must be a Google Drive folder id" });

export const gdriveImportBody = z.strictObject({ folderId: driveFolderId });
