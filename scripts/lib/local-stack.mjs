// The local stack as functions: build the Worker, migrate and seed a local D1 state, run
// `wrangler dev` on it and the builder next to it. Used by `npm start` and by the end-to-end
// tests' global setup, so both exercise the same built Worker and builder the same way.
//
// Plain Node ESM on purpose: it must run before anything is compiled or type-checked.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DEFAULT_PERSIST_DIR = join(ROOT, ".wrangler/state");

const bin = (name) => join(ROOT, "node_modules/.bin", name);
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal colour codes
const ANSI = /\x1b\[[0-9;]*m/g;

/** Environment for every wrangler child: no telemetry, no call to Cloudflare for `cf`. */
export function wranglerEnv(extra = {}) {
  return {
    ...process.env,
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_SEND_METRICS: "false",
    ...extra,
  };
}

/**
 * Runs a command to completion. Output is captured and included in the error when it fails;
 * with `inherit: true` it goes to this process's terminal instead.
 */
export function run(command, args, { env = wranglerEnv(), inherit = false, cwd = ROOT } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: inherit ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout?.on("data", (d) => {
      out += d;
    });
    child.stderr?.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) return resolvePromise(out);
      const shown = [command.replace(`${ROOT}/`, ""), ...args].join(" ");
      const tail = out.length > 8000 ? `…${out.slice(-8000)}` : out;
      reject(
        new Error(`\`${shown}\` failed (${signal ?? `exit ${code}`})${tail ? `:\n${tail}` : ""}`),
      );
    });
  });
}

/**
 * Writes `.dev.vars` (local secrets for wrangler dev and getPlatformProxy) when missing.
 * Returns true when it wrote the file.
 */
export function ensureDevVars() {
  const file = join(ROOT, ".dev.vars");
  if (existsSync(file)) return false;
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(
    file,
    `# Local secrets, written by scripts/lib/local-stack.mjs; never committed.\nAUTH_SECRET="${secret}"\nLOCAL_MODE="true"\n`,
    { mode: 0o600 },
  );
  return true;
}

const BUILD_LOCK = join(ROOT, "node_modules/.cache/lectern-build.lock");
/** The last build made by buildWorker, copied out of build/ (which anyone may rebuild). */
const LAST_BUILD = join(ROOT, "node_modules/.cache/lectern-build");

/**
 * Runs `fn` while holding the build lock (a directory: mkdir is atomic), so that `npm start`,
 * `npm test` and the end-to-end setup never read build/ while another of them rewrites it.
 */
export async function withBuildLock(fn, { timeoutMs = 10 * 60_000 } = {}) {
  await mkdir(dirname(BUILD_LOCK), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(BUILD_LOCK);
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      // A holder that died leaves the lock behind; no build takes 10 minutes.
      const age = await stat(BUILD_LOCK).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 10 * 60_000) await rm(BUILD_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${BUILD_LOCK}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(BUILD_LOCK, { recursive: true, force: true });
  }
}

/**
 * `react-router build`: writes build/client, build/server and build/server/wrangler.json,
 * and points .wrangler/deploy/config.json at it, so `wrangler dev` and `wrangler deploy`
 * run without `-c` use the built Worker. The Vite plugin copies `.dev.vars` into the build,
 * so the file must exist first.
 */
export async function buildWorker({ inherit = false } = {}) {
  ensureDevVars();
  await withBuildLock(async () => {
    await run(bin("react-router"), ["build"], { env: { ...process.env }, inherit });
    await rm(LAST_BUILD, { recursive: true, force: true });
    await cp(join(ROOT, "build"), LAST_BUILD, { recursive: true });
  });
}

/** Applies migrations/ to the local D1 state under `persistTo` (created if missing). */
export async function applyMigrations({ persistTo = DEFAULT_PERSIST_DIR, inherit = false } = {}) {
  await mkdir(persistTo, { recursive: true });
  return run(
    bin("wrangler"),
    [
      "d1",
      "migrations",
      "apply",
      "DB",
      "--local",
      "-c",
      "wrangler.toml",
      "--persist-to",
      persistTo,
    ],
    // CI=true makes wrangler skip its "about to apply N migrations, continue?" prompt.
    { env: wranglerEnv({ CI: "true" }), inherit },
  );
}

/**
 * Runs the idempotent demo seed (scripts/seed.ts) against the local D1 state under
 * `persistTo` and returns the demo logins and tenant.
 */
export async function seedDemo({ persistTo = DEFAULT_PERSIST_DIR, appUrl } = {}) {
  const args = ["--import", "tsx", join(ROOT, "scripts/seed.ts"), "--persist-to", persistTo];
  if (appUrl) args.push("--app-url", appUrl);
  args.push("--json");
  const out = await run(process.execPath, args);
  // The seed prints one JSON line last; wrangler may log before it.
  const line = out
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  if (!line) throw new Error(`The seed printed no result:\n${out}`);
  return JSON.parse(line);
}

/**
 * The most recent complete build: LAST_BUILD, or build/ when something (`npm run build`)
 * rebuilt it since.
 */
async function newestBuild() {
  const built = async (dir) =>
    stat(join(dir, "server/wrangler.json")).then(
      (s) => s.mtimeMs,
      () => -1,
    );
  const [last, current] = await Promise.all([built(LAST_BUILD), built(join(ROOT, "build"))]);
  if (last < 0 && current < 0) return null;
  return current > last ? join(ROOT, "build") : LAST_BUILD;
}

/**
 * Starts `wrangler dev` on the built Worker (run buildWorker first) with its state under
 * `persistTo`. Resolves once the API answers; `stop()` ends wrangler and workerd.
 */
export async function startWorker({
  port = 8787,
  persistTo = DEFAULT_PERSIST_DIR,
  appUrl = `http://localhost:${port}`,
  env = {},
  vars = {},
  logFile = join(tmpdir(), `lectern-wrangler-dev-${port}.log`),
  timeoutMs = 60_000,
  echo = false,
} = {}) {
  await mkdir(persistTo, { recursive: true });
  // wrangler dev runs a private copy of the last buildWorker() result: a later rebuild of
  // build/ (another `npm start`, `npm test`, the e2e setup) would otherwise crash it or
  // silently reload it with other code.
  const snapshot = await mkdtemp(join(tmpdir(), `lectern-worker-${port}-`));
  await withBuildLock(async () => {
    const source = await newestBuild();
    if (!source) throw new Error("No built Worker: run buildWorker() (react-router build) first");
    await cp(source, snapshot, { recursive: true });
  }).catch(async (err) => {
    await rm(snapshot, { recursive: true, force: true });
    throw err;
  });
  const args = [
    "dev",
    "-c",
    join(snapshot, "server/wrangler.json"),
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    persistTo,
    "--var",
    `APP_URL:${appUrl}`,
    "--var",
    "LOCAL_MODE:true",
    ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    "--show-interactive-dev-session=false",
    // Let several stacks (npm start and the e2e tests) run side by side.
    "--inspector-port",
    String(await freePort()),
  ];
  const child = spawn(bin("wrangler"), args, {
    cwd: ROOT,
    env: wranglerEnv(env),
    // Its own process group, so stop() reaches workerd too.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const file = createWriteStream(logFile);
  let buffer = "";
  const collect = (chunk) => {
    const text = chunk.toString();
    buffer = (buffer + text).slice(-200_000);
    file.write(text);
    if (echo) process.stdout.write(text);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  let exited = null;
  const exitedPromise = new Promise((r) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      file.end();
      rm(snapshot, { recursive: true, force: true }).finally(() => r(exited));
    });
  });
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  // Never leave workerd behind if this process ends without calling stop().
  const onExit = () => {
    killGroup("SIGKILL");
    rmSync(snapshot, { recursive: true, force: true });
  };
  process.on("exit", onExit);

  const stop = async () => {
    process.off("exit", onExit);
    if (exited) return exited;
    killGroup("SIGTERM");
    const timer = setTimeout(() => killGroup("SIGKILL"), 5_000);
    const result = await exitedPromise;
    clearTimeout(timer);
    // workerd may outlive wrangler by a moment; make sure the group is gone.
    killGroup("SIGKILL");
    return result;
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let errorSeenAt = 0;
  for (;;) {
    // wrangler reports a failed start ("✘ [ERROR] …") but keeps running; give it a moment to
    // recover, then give up with its output instead of waiting for the full timeout.
    if (!errorSeenAt && buffer.replace(ANSI, "").includes("[ERROR]")) errorSeenAt = Date.now();
    if (errorSeenAt && Date.now() - errorSeenAt > 5_000) {
      await stop();
      throw new Error(`wrangler dev failed to start:\n${buffer.slice(-8000)}`);
    }
    if (exited) {
      throw new Error(
        `wrangler dev exited (${exited.signal ?? `exit ${exited.code}`}) before answering:\n${buffer.slice(-8000)}`,
      );
    }
    try {
      const res = await fetch(`${url}/api/v1/openapi.json`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        await res.arrayBuffer();
        break;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `wrangler dev did not answer on ${url} within ${timeoutMs} ms:\n${buffer.slice(-8000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, pid: child.pid, logFile, stop, logs: () => buffer, exited: exitedPromise };
}

/** A TCP port that is free right now on loopback. */
export async function freePort() {
  const { createServer } = await import("node:net");
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/** A fresh random job secret, shared by one run's Worker and builder. */
export function newJobSecret() {
  return randomBytes(32).toString("base64url");
}

/** A string from wrangler.toml's [vars] (the local stand-ins' credentials live there). */
export function wranglerVar(name) {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const match = new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(toml);
  if (!match) throw new Error(`wrangler.toml has no ${name} in [vars]`);
  return match[1];
}

/**
 * The Worker variables that let it send jobs to a local builder: BUILDER_URL and the run's
 * job secret (pass them to startWorker's `vars`).
 */
export function builderVars({ builderPort, secret }) {
  return { BUILDER_URL: `http://127.0.0.1:${builderPort}`, BUILDER_JOB_SECRET: secret };
}

/**
 * Starts the builder (builder/src/server.ts through tsx) against a local Worker on
 * `workerPort`: R2 SITES through the Worker's S3 stand-in, cache purges through its purge
 * stand-in, jobs signed with `secret`. `env` adds to or overrides its environment. Resolves
 * once /healthz answers; the builder runs in its own process group, so `stop()` and `kill()`
 * reach Hugo too.
 */
export async function startBuilder({
  port = 8788,
  workerPort = 8787,
  secret,
  env = {},
  logFile = join(tmpdir(), `lectern-builder-${port}.log`),
  timeoutMs = 30_000,
  echo = false,
} = {}) {
  if (!secret) throw new Error("startBuilder needs the job secret the Worker signs with");
  const worker = `http://127.0.0.1:${workerPort}`;
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "builder/src/server.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      BUILDER_PORT: String(port),
      BUILDER_JOB_SECRET: secret,
      BUILDER_S3_ENDPOINT: `${worker}/__local/s3`,
      BUILDER_S3_ACCESS_KEY_ID: wranglerVar("LOCAL_S3_ACCESS_KEY_ID"),
      BUILDER_S3_SECRET_ACCESS_KEY: wranglerVar("LOCAL_S3_SECRET_ACCESS_KEY"),
      // The stand-in's name for the SITES binding (workers/local/s3.ts).
      BUILDER_S3_BUCKET: "sites",
      BUILDER_S3_MEDIA_BUCKET: "media",
      BUILDER_PURGE_API_BASE: `${worker}/__local/cloudflare/client/v4`,
      BUILDER_PURGE_ZONE_ID: "local",
      BUILDER_PURGE_API_TOKEN: wranglerVar("LOCAL_PURGE_API_TOKEN"),
      // Ctrl-C should not wait a minute for a build.
      BUILDER_SHUTDOWN_GRACE_MS: "5000",
      ...env,
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const file = createWriteStream(logFile, { flags: "a" });
  let buffer = "";
  const collect = (chunk) => {
    const text = chunk.toString();
    buffer = (buffer + text).slice(-200_000);
    file.write(text);
    if (echo) process.stdout.write(text);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  let exited = null;
  const exitedPromise = new Promise((r) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      file.end();
      r(exited);
    });
  });
  const kill = (signal = "SIGTERM") => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
    return exitedPromise;
  };
  const onExit = () => kill("SIGKILL");
  process.on("exit", onExit);
  void exitedPromise.then(() => process.off("exit", onExit));

  const stop = async () => {
    if (exited) return exited;
    kill("SIGTERM");
    // The builder's grace period, then whatever is left goes.
    const timer = setTimeout(() => kill("SIGKILL"), 15_000);
    const result = await exitedPromise;
    clearTimeout(timer);
    kill("SIGKILL");
    return result;
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(
        `the builder exited (${exited.signal ?? `exit ${exited.code}`}) before answering:\n${buffer.slice(-8000)}`,
      );
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `the builder did not answer on ${url} within ${timeoutMs} ms:\n${buffer.slice(-8000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    pid: child.pid,
    logFile,
    stop,
    kill,
    logs: () => buffer,
    exited: exitedPromise,
  };
}
