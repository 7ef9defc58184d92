// Starts the real local stack once for the e2e project: the built Worker under `wrangler dev`
// with a fresh D1 state in a temporary folder, on a free port, seeded with the demo data, and
// the builder next to it (real Hugo; deploys through the Worker's S3 stand-in). Tests get the
// app's URL, the demo logins and the builder's address through vitest's provide/inject.
//
// The builder lives in this (the main) process, not in a test's worker: tests kill and restart
// it through a small control endpoint (`builderControl` below), so the stack still stops it at
// the end whatever a test did. A short stall limit (PUBLISH_STALL_SECONDS) with a quick
// heartbeat lets a fault test see a killed builder's build retried within seconds.
//
// LECTERN_E2E_SKIP_BUILD=1 reuses an existing build/ (faster when iterating on the tests).
import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import {
  applyMigrations,
  builderVars,
  buildWorker,
  freePort,
  newJobSecret,
  type RunningBuilder,
  seedDemo,
  startBuilder,
  startWorker,
} from "../../scripts/lib/local-stack.mjs";
import { startFakeProviders } from "../support/fake-providers.ts";

type Login = { email: string; password: string };

declare module "vitest" {
  export interface ProvidedContext {
    /** http://localhost:<port>: the session cookie is `__Host-` + Secure, which Chromium
     * accepts on localhost but not on 127.0.0.1. */
    appUrl: string;
    operator: Login;
    /** Owner of the seeded "Demo University" tenant. */
    demoOwner: Login;
    /** http://127.0.0.1:<port> of the builder (GET /healthz). */
    builderUrl: string;
    builderPort: number;
    /** Where `builderControl` sends its requests. */
    builderControlUrl: string;
    /**
     * While this file exists, the builder's Hugo waits before it starts (and keeps waiting), so a
     * fault test can kill the builder in the middle of a build, deterministically.
     */
    holdHugoFile: string;
    /** The Worker's PUBLISH_STALL_SECONDS in this stack. */
    publishStallSeconds: number;
    /** Where `wrangler dev` and the builder write their output (tailed when a test fails). */
    stackLogFiles: { worker: string; builder: string };
    /** The fake YouTube / 3Play Media / Google Drive (test/support/fake-providers.ts). */
    providersUrl: string;
  }
}

/** Seconds without word from the builder before the Worker presumes a build lost. */
const STALL_SECONDS = 8;
/** The builder's heartbeat: several per stall period, so a slow build is never presumed lost. */
const HEARTBEAT_MS = 2_000;

export type BuilderState = { running: boolean; pid: number | null; url: string };

/**
 * Kills the e2e stack's builder (`kill`, with a signal, default SIGKILL: no graceful
 * shutdown, no "failed" callback), starts it again on the same port (`start`), or says what
 * it is doing (`status`). Call from a test with `builderControl(inject("builderControlUrl"), …)`.
 */
export async function builderControl(
  controlUrl: string,
  action: "kill" | "start" | "status",
  signal: NodeJS.Signals = "SIGKILL",
): Promise<BuilderState> {
  const url = new URL(`/${action}`, controlUrl);
  if (action === "kill") url.searchParams.set("signal", signal);
  const res = await fetch(url, { method: action === "status" ? "GET" : "POST" });
  const body = (await res.json()) as BuilderState | { error: string };
  if (!res.ok || "error" in body) {
    throw new Error(`builder ${action} failed: ${"error" in body ? body.error : res.status}`);
  }
  return body;
}

export default async function setup(project: TestProject) {
  const persistTo = await mkdtemp(join(tmpdir(), "lectern-e2e-state-"));
  const port = await freePort();
  const builderPort = await freePort();
  const appUrl = `http://localhost:${port}`;
  const secret = newJobSecret();
  if (process.env.LECTERN_E2E_SKIP_BUILD !== "1") await buildWorker();
  await applyMigrations({ persistTo });
  // A variable, not a literal: TypeScript infers the .mjs signature without `appUrl`.
  const seedOptions = { persistTo, appUrl };
  const seeded = await seedDemo(seedOptions);
  // The media providers' APIs, as local servers the Worker is pointed at (ADR 014).
  const providers = await startFakeProviders();
  const worker = await startWorker({
    port,
    persistTo,
    appUrl,
    vars: {
      ...builderVars({ builderPort, secret }),
      PUBLISH_STALL_SECONDS: String(STALL_SECONDS),
      GOOGLE_API_BASE: providers.url,
      GOOGLE_OAUTH_TOKEN_URL: `${providers.url}/token`,
      THREEPLAY_API_BASE: providers.url,
    },
  });

  // The builder's Hugo, through a wrapper that holds while `holdHugoFile` exists (HUGO_BIN is
  // the builder's own setting). Once the file is gone, a held Hugo — even one whose builder was
  // killed — goes on and ends, so nothing is left running.
  const holdHugoFile = join(persistTo, "hold-hugo");
  const hugoWrapper = join(persistTo, "hugo-e2e.sh");
  const realHugo = execFileSync("sh", ["-c", "command -v hugo"], { encoding: "utf8" }).trim();
  await writeFile(
    hugoWrapper,
    `#!/bin/sh\nwhile [ -e '${holdHugoFile}' ]; do /bin/sleep 0.2; done\nexec '${realHugo}' "$@"\n`,
  );
  await chmod(hugoWrapper, 0o755);

  const builderOptions = {
    port: builderPort,
    workerPort: port,
    secret,
    env: {
      BUILDER_HEARTBEAT_MS: String(HEARTBEAT_MS),
      BUILDER_SHUTDOWN_GRACE_MS: "2000",
      HUGO_BIN: hugoWrapper,
    },
  };
  let builder: RunningBuilder | null = null;
  try {
    builder = await startBuilder(builderOptions);
  } catch (error) {
    await worker.stop();
    await rm(persistTo, { recursive: true, force: true });
    throw error;
  }
  const builderLogFile = builder.logFile;
  const state = (): BuilderState => ({
    running: builder !== null,
    pid: builder?.pid ?? null,
    url: `http://127.0.0.1:${builderPort}`,
  });
  // One request at a time: a kill and a start never interleave.
  let busy: Promise<unknown> = Promise.resolve();
  const control = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://control");
    const act = async (): Promise<BuilderState> => {
      if (url.pathname === "/kill" && req.method === "POST") {
        const signal = (url.searchParams.get("signal") ?? "SIGKILL") as NodeJS.Signals;
        const running = builder;
        builder = null;
        await running?.kill(signal);
      } else if (url.pathname === "/start" && req.method === "POST") {
        builder ??= await startBuilder(builderOptions);
      } else if (url.pathname !== "/status") {
        throw new Error(`no such control request: ${req.method} ${url.pathname}`);
      }
      return state();
    };
    const done = busy.then(act);
    busy = done.catch(() => undefined);
    done.then(
      (body) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body)),
      (error: unknown) =>
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) })),
    );
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));

  project.provide("appUrl", appUrl);
  project.provide("operator", seeded.operator);
  project.provide("demoOwner", seeded.owner);
  project.provide("builderUrl", `http://127.0.0.1:${builderPort}`);
  project.provide("builderPort", builderPort);
  project.provide(
    "builderControlUrl",
    `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
  );
  project.provide("publishStallSeconds", STALL_SECONDS);
  project.provide("holdHugoFile", holdHugoFile);
  project.provide("stackLogFiles", { worker: worker.logFile, builder: builderLogFile });
  project.provide("providersUrl", providers.url);

  return async () => {
    await rm(holdHugoFile, { force: true });
    await new Promise((resolve) => control.close(resolve));
    await busy;
    await Promise.all([builder?.stop(), worker.stop(), providers.close()]);
    await rm(persistTo, { recursive: true, force: true });
  };
}
