// A tenant's provider settings, from the body an admin sends to the adapter configuration a
// job uses: which parts are shown (config) and which are sealed (secrets), and the loader jobs
// call (`loadProvider`), which opens the secrets and adds the deployment's API endpoints.
import { type ProviderName, parseServiceAccountKey } from "#schemas/providers";
import type { Db } from "#workers/db/client";
import { getTenantProvider } from "#workers/db/queries/providers";
import { config } from "#workers/env";
import type { GDriveConfig } from "./gdrive.ts";
import { open, seal, secretContext } from "./secret-box.ts";
import type { ThreePlayConfig } from "./threeplay.ts";
import type { YouTubeConfig } from "./youtube.ts";

type OAuthBody = { clientId: string; clientSecret: string; refreshToken: string };
type ThreePlayBody = { apiKey: string; turnaroundLevelId?: number | undefined };
type DriveBody = {
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  refreshToken?: string | undefined;
  serviceAccountKey?: string | undefined;
};
export type ProviderBody = {
  youtube: OAuthBody;
  threeplay: ThreePlayBody;
  gdrive: DriveBody;
};

/** What a Drive service account may do: read the files shared with it. */
export const DRIVE_READONLY_SCOPE = "https://www.googleapis.com/auth/drive.readonly";
type ProviderConfig = {
  youtube: YouTubeConfig;
  threeplay: ThreePlayConfig;
  gdrive: GDriveConfig;
};

const hintOf = (s: string) => s.slice(-4);

/** What a saved row holds: the shown config, the sealed secrets and the hint. */
export async function sealSettings<P extends ProviderName>(
  env: Env,
  tenantId: string,
  provider: P,
  body: ProviderBody[P],
): Promise<{ config: Record<string, unknown>; secretCiphertext: string; secretHint: string }> {
  let shown: Record<string, unknown>;
  let secrets: Record<string, string>;
  let main: string;
  const key =
    provider === "gdrive" && (body as DriveBody).serviceAccountKey !== undefined
      ? parseServiceAccountKey((body as DriveBody).serviceAccountKey ?? "")
      : null;
  if (provider === "threeplay") {
    const b = body as ThreePlayBody;
    shown = b.turnaroundLevelId === undefined ? {} : { turnaroundLevelId: b.turnaroundLevelId };
    secrets = { apiKey: b.apiKey };
    main = b.apiKey;
  } else if (key) {
    // The schema checked the key file; only its email is shown.
    shown = { auth: "service_account", clientEmail: key.client_email };
    secrets = { clientEmail: key.client_email, privateKey: key.private_key };
    main =
      key.private_key_id ?? key.private_key.replace(/-----END PRIVATE KEY-----\s*$/, "").trim();
  } else {
    const b = body as OAuthBody;
    shown = { clientId: b.clientId };
    secrets = { clientSecret: b.clientSecret, refreshToken: b.refreshToken };
    main = b.refreshToken;
  }
  return {
    config: shown,
    secretCiphertext: await seal(env, secretContext(tenantId, provider), JSON.stringify(secrets)),
    secretHint: hintOf(main),
  };
}

export class ProviderSecretsUnreadable extends Error {
  override readonly name = "ProviderSecretsUnreadable";
}

/**
 * The adapter configuration for a tenant's provider, or null when the tenant has not set it up.
 * Throws ProviderSecretsUnreadable when the stored secrets do not open (the encryption key was
 * removed): the admin has to enter them again.
 */
export async function loadProvider<P extends ProviderName>(
  env: Env,
  db: Db,
  tenantId: string,
  provider: P,
): Promise<ProviderConfig[P] | null> {
  const row = await getTenantProvider(db, tenantId, provider);
  if (!row) return null;
  const plain = await open(env, secretContext(tenantId, provider), row.secretCiphertext);
  if (plain === null) {
    throw new ProviderSecretsUnreadable(`the stored ${provider} credentials cannot be decrypted`);
  }
  const secrets = JSON.parse(plain) as Record<string, string>;
  const cfg = config(env);
  const shown = row.config as Record<string, unknown>;
  if (provider === "threeplay") {
    const turnaround = shown.turnaroundLevelId;
    const out: ThreePlayConfig = {
      apiBase: cfg.THREEPLAY_API_BASE.replace(/\/$/, ""),
      apiKey: secrets.apiKey ?? "",
      ...(typeof turnaround === "number" ? { turnaroundLevelId: turnaround } : {}),
    };
    return out as ProviderConfig[P];
  }
  if (provider === "gdrive" && secrets.privateKey) {
    const drive: GDriveConfig = {
      apiBase: cfg.GOOGLE_API_BASE.replace(/\/$/, ""),
      oauth: {
        tokenUrl: cfg.GOOGLE_OAUTH_TOKEN_URL,
        clientEmail: secrets.clientEmail ?? "",
        privateKey: secrets.privateKey,
        scope: DRIVE_READONLY_SCOPE,
      },
    };
    return drive as ProviderConfig[P];
  }
  const out: YouTubeConfig | GDriveConfig = {
    apiBase: cfg.GOOGLE_API_BASE.replace(/\/$/, ""),
    oauth: {
      tokenUrl: cfg.GOOGLE_OAUTH_TOKEN_URL,
      clientId: String(shown.clientId ?? ""),
      clientSecret: secrets.clientSecret ?? "",
      refreshToken: secrets.refreshToken ?? "",
    },
  };
  return out as ProviderConfig[P];
}
