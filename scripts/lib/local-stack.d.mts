// Types for local-stack.mjs (plain JS so it runs before anything is compiled), for the
// TypeScript callers: the end-to-end tests' global setup and the CLI scripts.

export declare const ROOT: string;
/** Where `npm start` keeps local D1/R2 state (`wrangler dev --persist-to`). */
export declare const DEFAULT_PERSIST_DIR: string;

export declare function wranglerEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;

export declare function run(
  command: string,
  args: string[],
  options?: { env?: NodeJS.ProcessEnv; inherit?: boolean; cwd?: string },
): Promise<string>;

/** Writes `.dev.vars` (random AUTH_SECRET, LOCAL_MODE="true") if missing; true if written. */
export declare function ensureDevVars(): boolean;

/** `react-router build` (after ensureDevVars, since the build copies `.dev.vars`). */
export declare function buildWorker(options?: { inherit?: boolean }): Promise<void>;

/** `wrangler d1 migrations apply DB --local` into `persistTo` (created if missing). */
export declare function applyMigrations(options?: {
  persistTo?: string;
  inherit?: boolean;
}): Promise<string>;

export type DemoSeed = {
  operator: { email: string; password: string };
  owner: { email: string; password: string };
  tenant: { id: string; slug: string; name: string };
  /** What this run created (all false on a second run). */
  created: { operator: boolean; owner: boolean; tenant: boolean };
};

/** The idempotent demo seed (scripts/seed.ts) against the local D1 state in `persistTo`. */
export declare function seedDemo(options?: {
  persistTo?: string;
  appUrl?: string;
}): Promise<DemoSeed>;

export type RunningWorker = {
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number;
  logFile: string;
  /** Ends wrangler and workerd (the whole process group). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last ~200 kB of wrangler's output. */
  logs(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** `wrangler dev` on the built Worker; resolves once GET /api/v1/openapi.json answers. */
export declare function startWorker(options?: {
  port?: number;
  persistTo?: string;
  /** APP_URL for the Worker; default http://localhost:<port>. */
  appUrl?: string;
  /** Extra environment for the wrangler process. */
  env?: Record<string, string>;
  /** Worker variables, each passed as `--var NAME:value` (e.g. builderVars()). */
  vars?: Record<string, string>;
  logFile?: string;
  timeoutMs?: number;
  /** Also copy wrangler's output to this process's stdout. */
  echo?: boolean;
}): Promise<RunningWorker>;

export declare function freePort(): Promise<number>;

/** Runs `fn` holding the lock that serialises every rewrite and copy of build/. */
export declare function withBuildLock<T>(
  fn: () => Promise<T>,
  options?: { timeoutMs?: number },
): Promise<T>;

/** A fresh random job secret, shared by one run's Worker and builder. */
export declare function newJobSecret(): string;

/** A string from wrangler.toml's [vars]; throws when it is missing. */
export declare function wranglerVar(name: string): string;

/** BUILDER_URL and BUILDER_JOB_SECRET for startWorker's `vars`. */
export declare function builderVars(options: { builderPort: number; secret: string }): {
  BUILDER_URL: string;
  BUILDER_JOB_SECRET: string;
};

export type RunningBuilder = {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  pid: number;
  /** The builder's output, appended across restarts on the same port. */
  logFile: string;
  /** SIGTERM (graceful: running jobs get the builder's grace period), SIGKILL after 15 s. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) to the builder's process group; resolves when it exits. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last ~200 kB of its output. */
  logs(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/**
 * The builder (builder/src/server.ts) against a local Worker on `workerPort`: the Worker's S3
 * and purge stand-ins, jobs signed with `secret`; `env` adds to or overrides its environment.
 * Resolves once GET /healthz answers 200.
 */
export declare function startBuilder(options: {
  port?: number;
  workerPort?: number;
  secret: string;
  env?: Record<string, string>;
  logFile?: string;
  timeoutMs?: number;
  /** Also copy the builder's output to this process's stdout. */
  echo?: boolean;
}): Promise<RunningBuilder>;
