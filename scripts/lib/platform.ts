// The Worker's bindings in Node, for the CLI scripts: wrangler's getPlatformProxy opens the
// same local D1 state `wrangler dev --persist-to <dir>` uses (it lives under `<dir>/v3`), so
// scripts reuse the domain code (workers/domain, workers/db) instead of writing SQL by hand.
// Wrangler and better-auth are imported when a script opens the platform, not at load time,
// so argument errors answer in a fraction of a second.
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createDb, type Db } from "#workers/db/client";
import { insertAuditEvent } from "#workers/db/queries/audit";
import { hashPassword, newUserStatements } from "#workers/domain/accounts";
import type { AuditInput } from "#workers/domain/audit";
import type { getAuth } from "#workers/domain/auth";
import { newId } from "#workers/domain/ids";
import { ROOT } from "./local-stack.mjs";

export type Platform = {
  env: Env;
  db: Db;
  auth: ReturnType<typeof getAuth>;
  dispose: () => Promise<void>;
};

export async function openPlatform(options: {
  persistTo?: string | undefined;
  appUrl?: string | undefined;
  /** Use the deployed D1 database (needs `wrangler login`) instead of the local state. */
  remote?: boolean | undefined;
}): Promise<Platform> {
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
  process.env.WRANGLER_SEND_METRICS ??= "false";
  // Wrangler's info lines ("Using secrets defined in .dev.vars") would mix into --json output.
  process.env.WRANGLER_LOG ??= "warn";
  const persistTo = resolve(options.persistTo ?? resolve(ROOT, ".wrangler/state"));
  const { getPlatformProxy } = await import("wrangler");
  const { getAuth } = await import("#workers/domain/auth");
  const proxy = await getPlatformProxy<Env>({
    configPath: options.remote ? await remoteDbConfig() : resolve(ROOT, "wrangler.toml"),
    persist: { path: resolve(persistTo, "v3") },
    remoteBindings: options.remote === true,
  });
  // getPlatformProxy gives wrangler.toml's vars plus .dev.vars; the caller's URL wins.
  const env = {
    ...proxy.env,
    ...(options.appUrl ? { APP_URL: options.appUrl } : {}),
  } as Env;
  const db = createDb(env.DB);
  return { env, db, auth: getAuth(env, db), dispose: () => proxy.dispose() };
}

/**
 * getPlatformProxy proxies only bindings marked `remote: true` to Cloudflare. wrangler.toml
 * must not say that (wrangler dev would then write to production), so remote mode uses a
 * copy of it, under .wrangler/, in which only DB is remote.
 */
type D1Entry = { binding: string; migrations_dir?: string };

async function remoteDbConfig(): Promise<string> {
  const { experimental_readRawConfig } = await import("wrangler");
  const { rawConfig } = experimental_readRawConfig({ config: resolve(ROOT, "wrangler.toml") });
  const config = {
    ...rawConfig,
    main: resolve(ROOT, rawConfig.main ?? "workers/app.ts"),
    r2_buckets: [],
    d1_databases: (rawConfig.d1_databases ?? [])
      .filter((d: D1Entry) => d.binding === "DB")
      .map((d: D1Entry) => ({
        ...d,
        migrations_dir: resolve(ROOT, d.migrations_dir ?? "migrations"),
        remote: true,
      })),
  };
  const dir = resolve(ROOT, ".wrangler/remote-db");
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, "wrangler.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** A user with a password, written with its audit row in one batch (actor "cli"). */
export async function createUser(
  p: Platform,
  user: { email: string; name: string; password: string; isOperator: boolean },
): Promise<string> {
  const { id, statements } = newUserStatements(p.db, {
    email: user.email,
    name: user.name,
    isOperator: user.isOperator,
    passwordHash: await hashPassword(p.auth, user.password),
  });
  await p.db.batch([
    ...statements,
    cliAudit(p.db)({
      tenantId: null,
      action: "user.created",
      targetType: "user",
      targetId: id,
      data: { email: user.email, isOperator: user.isOperator },
    }),
  ]);
  return id;
}

/** Audit rows written by the CLI name "cli" as the actor (there is no user or request). */
export function cliAudit(db: Db) {
  return (event: AuditInput) =>
    insertAuditEvent(db, {
      id: newId("aud"),
      tenantId: event.tenantId,
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId ?? null,
      data: event.data ?? null,
      actorUserId: null,
      actorTokenId: null,
      actorEmail: "cli",
      requestId: null,
      ipAddress: null,
    });
}

/** Minimal `--flag value` / `--flag` parser with clear errors (exit code 2 on misuse). */
export function parseArgs<const K extends string, const B extends string>(
  argv: string[],
  spec: { values: readonly K[]; booleans?: readonly B[] },
): Partial<Record<K, string>> & Partial<Record<B, boolean>> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith("--") ? arg.slice(2).split(/=(.*)/s, 2) : [undefined];
    if (flag && (spec.booleans as readonly string[] | undefined)?.includes(flag)) {
      out[flag] = true;
    } else if (flag && (spec.values as readonly string[]).includes(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith("--"))) {
        usageError(`--${flag} needs a value`);
      }
      out[flag] = value;
    } else {
      usageError(`unknown argument: ${arg}`);
    }
  }
  return out as Partial<Record<K, string>> & Partial<Record<B, boolean>>;
}

export class UsageError extends Error {}

export function usageError(message: string): never {
  throw new UsageError(message);
}
