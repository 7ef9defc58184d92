// The site build's settings from the environment (server.ts), checked once at start so that a
// wrong setting stops the builder with a readable message instead of failing every job.
//
//   BUILDER_S3_ENDPOINT, BUILDER_S3_REGION ("auto"), BUILDER_S3_ACCESS_KEY_ID,
//   BUILDER_S3_SECRET_ACCESS_KEY, BUILDER_S3_BUCKET      R2 SITES through the S3 API
//   BUILDER_S3_MEDIA_BUCKET ("lectern-media")             R2 MEDIA (media jobs), same keys
//   BUILDER_MEDIA_CONCURRENCY (1), BUILDER_FFMPEG_TIMEOUT_MS (1800000)   media jobs (ffmpeg)
//   BUILDER_THEMES_DIR (builder/theme), BUILDER_THEME ("lectern-course")
//   BUILDER_HUGO_TIMEOUT_MS (300000), BUILDER_HEARTBEAT_MS (10000)
//   BUILDER_PURGE_API_BASE (Cloudflare's), BUILDER_PURGE_ZONE_ID, BUILDER_PURGE_API_TOKEN
//
// Decisions:
// - Messages name the variable and what is wrong with it, never its value: the values include
//   keys, and start-up output ends up in logs.
// - No purge zone means no purge (local runs without the stand-in); a zone without a token is
//   a mistake and refused.
// - The theme folder must exist: without it every build would fail the same way.
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { S3Options } from "./storage.ts";

export type SiteBuildSettings = {
  s3: Required<S3Options>;
  bucket: string;
  /** R2 MEDIA's bucket (the media jobs read originals and write derived files there). */
  mediaBucket: string;
  mediaConcurrency: number;
  ffmpegTimeoutMs: number;
  themesDir: string;
  theme: string;
  hugoTimeoutMs: number;
  heartbeatMs: number;
  /** Null: no zone configured, so no purge. `apiBase` "" is Cloudflare's (purge.ts). */
  purge: { apiBase: string; zoneId: string; token: string } | null;
};

/** builder/theme next to builder/src (the container sets BUILDER_THEMES_DIR instead). */
const DEFAULT_THEMES_DIR = fileURLToPath(new URL("../theme", import.meta.url));

const text = z.string().trim();
const required = z.string({ error: "must be set" }).trim().min(1, { message: "must be set" });

const schema = z.object({
  BUILDER_S3_ENDPOINT: required.pipe(
    z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }),
  ),
  BUILDER_S3_REGION: text.default("auto").transform((value) => value || "auto"),
  BUILDER_S3_ACCESS_KEY_ID: required,
  BUILDER_S3_SECRET_ACCESS_KEY: required,
  BUILDER_S3_BUCKET: required,
  BUILDER_S3_MEDIA_BUCKET: text
    .default("lectern-media")
    .pipe(z.string().min(1, { message: "must be set" })),
  BUILDER_MEDIA_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  BUILDER_FFMPEG_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(30 * 60_000),
  BUILDER_THEMES_DIR: text.optional(),
  BUILDER_THEME: text
    .default("lectern-course")
    .pipe(z.string().regex(/^[A-Za-z0-9._-]+$/, { message: "must be a folder name" })),
  BUILDER_HUGO_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(5 * 60_000),
  BUILDER_HEARTBEAT_MS: z.coerce.number().int().min(100).default(10_000),
  BUILDER_PURGE_API_BASE: text
    .default("")
    .pipe(z.union([z.literal(""), z.url({ protocol: /^https?$/, message: "must be a URL" })])),
  BUILDER_PURGE_ZONE_ID: text.default(""),
  BUILDER_PURGE_API_TOKEN: text.default(""),
});

/** Throws an Error listing every wrong setting. */
export function siteBuildSettingsFromEnv(
  env: Record<string, string | undefined>,
): SiteBuildSettings {
  const parsed = schema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
  if (!parsed.success) throw settingsError(problems);
  const data = parsed.data;

  if (data.BUILDER_PURGE_ZONE_ID && !data.BUILDER_PURGE_API_TOKEN) {
    problems.push("BUILDER_PURGE_API_TOKEN must be set when BUILDER_PURGE_ZONE_ID is");
  }
  const themesDir = resolve(data.BUILDER_THEMES_DIR || DEFAULT_THEMES_DIR);
  const themeDir = join(themesDir, data.BUILDER_THEME);
  if (!isDirectory(themeDir)) {
    problems.push(
      `BUILDER_THEME "${data.BUILDER_THEME}" is not a folder in ${themesDir} (BUILDER_THEMES_DIR)`,
    );
  }
  if (problems.length > 0) throw settingsError(problems);

  return {
    s3: {
      endpoint: data.BUILDER_S3_ENDPOINT,
      region: data.BUILDER_S3_REGION,
      accessKeyId: data.BUILDER_S3_ACCESS_KEY_ID,
      secretAccessKey: data.BUILDER_S3_SECRET_ACCESS_KEY,
    },
    bucket: data.BUILDER_S3_BUCKET,
    mediaBucket: data.BUILDER_S3_MEDIA_BUCKET,
    mediaConcurrency: data.BUILDER_MEDIA_CONCURRENCY,
    ffmpegTimeoutMs: data.BUILDER_FFMPEG_TIMEOUT_MS,
    themesDir,
    theme: data.BUILDER_THEME,
    hugoTimeoutMs: data.BUILDER_HUGO_TIMEOUT_MS,
    heartbeatMs: data.BUILDER_HEARTBEAT_MS,
    purge: data.BUILDER_PURGE_ZONE_ID
      ? {
          apiBase: data.BUILDER_PURGE_API_BASE,
          zoneId: data.BUILDER_PURGE_ZONE_ID,
          token: data.BUILDER_PURGE_API_TOKEN,
        }
      : null,
  };
}

function settingsError(problems: string[]): Error {
  return new Error(`builder: ${problems.join("; ")}`);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
