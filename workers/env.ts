// Vars and secrets, parsed once per isolate with zod (habit 6). Bindings stay on `Env`.
import { z } from "zod";

const flag = z.enum(["true", "false"]).transform((v) => v === "true");

const configSchema = z.object({
  APP_URL: z.url(),
  LOCAL_MODE: flag.default(false),
  AUTH_SECRET: z.string().min(32, { message: "AUTH_SECRET must be at least 32 characters" }),
  SITES_DOMAIN: z.string().min(1).default("sites.localhost"),
  PREVIEW_DOMAIN: z.string().min(1).default("preview.localhost"),
  BUILDER_URL: z.url().default("http://localhost:8788"),
  /** Comma-separated, newest first; empty = publishing is not configured. */
  BUILDER_JOB_SECRET: z.string().default(""),
  PURGE_API_BASE: z.string().default(""),
  PURGE_ZONE_ID: z.string().default(""),
  PURGE_API_TOKEN: z.string().default(""),
  PUBLISH_STALL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** The first webhook retry's wait (workers/domain/webhook-retry.ts); 0 = no wait (tests). */
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().min(0).max(3600).default(5),
  SESSION_IDLE_SECONDS: z.coerce.number().int().min(60).default(28_800),
  SESSION_ABSOLUTE_SECONDS: z.coerce.number().int().min(300).default(604_800),
  /**
   * Encrypts tenants' provider credentials at rest (workers/providers/secret-box.ts): base64 of
   * 32 random bytes; comma-separated during a rotation, newest first. Empty: local mode derives
   * one from AUTH_SECRET, elsewhere provider credentials cannot be stored.
   */
  SECRETS_ENCRYPTION_KEY: z
    .string()
    .default("")
    .refine(
      (v) =>
        v
          .split(",")
          .map((k) => k.trim())
          .filter(Boolean)
          .every((k) => /^[A-Za-z0-9+/]{43}=$/.test(k)),
      { message: "SECRETS_ENCRYPTION_KEY must be base64 of 32 bytes (comma-separated keys)" },
    ),
  /** Provider API bases (workers/providers/*); tests point them at local servers. */
  GOOGLE_API_BASE: z.url().default("https://www.googleapis.com"),
  GOOGLE_OAUTH_TOKEN_URL: z.url().default("https://oauth2.googleapis.com/token"),
  THREEPLAY_API_BASE: z.url().default("https://api.3playmedia.com"),
});

export type Config = z.infer<typeof configSchema> & {
  appOrigin: string;
  /** APP_URL's hostname, lowercased: delivery compares every request's host with it. */
  appHostname: string;
  /** BUILDER_JOB_SECRET split for rotation (newest first); empty when unset. */
  builderSecrets: string[];
};

const cache = new WeakMap<object, Config>();

export function config(env: Env): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    // Names the variable, never its value.
    const what = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid Worker configuration: ${what}`);
  }
  const value = {
    ...parsed.data,
    appOrigin: new URL(parsed.data.APP_URL).origin,
    appHostname: new URL(parsed.data.APP_URL).hostname.toLowerCase(),
    builderSecrets: parsed.data.BUILDER_JOB_SECRET.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  };
  cache.set(env, value);
  return value;
}
