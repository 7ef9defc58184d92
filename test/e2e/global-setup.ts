// Starts the real local stack once for the e2e project: the built Worker under `wrangler dev`
// with a fresh D1 state in a temporary folder, on a free port, seeded with the demo data.
// Tests get the app's URL and the demo logins through vitest's provide/inject.
//
// LECTERN_E2E_SKIP_BUILD=1 reuses an existing build/ (faster when iterating on the tests).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import {
  applyMigrations,
  buildWorker,
  freePort,
  seedDemo,
  startWorker,
} from "../../scripts/lib/local-stack.mjs";

type Login = { email: string; password: string };

declare module "vitest" {
  export interface ProvidedContext {
    /** http://localhost:<port>: the session cookie is `__Host-` + Secure, which Chromium
     * accepts on localhost but not on 127.0.0.1. */
    appUrl: string;
    operator: Login;
    /** Owner of the seeded "Demo University" tenant. */
    demoOwner: Login;
  }
}

export default async function setup(project: TestProject) {
  const persistTo = await mkdtemp(join(tmpdir(), "lectern-e2e-state-"));
  const port = await freePort();
  const appUrl = `http://localhost:${port}`;
  if (process.env.LECTERN_E2E_SKIP_BUILD !== "1") await buildWorker();
  await applyMigrations({ persistTo });
  // A variable, not a literal: TypeScript infers the .mjs signature without `appUrl`.
  const seedOptions = { persistTo, appUrl };
  const seeded = await seedDemo(seedOptions);
  const worker = await startWorker({ port, persistTo, appUrl });

  project.provide("appUrl", appUrl);
  project.provide("operator", seeded.operator);
  project.provide("demoOwner", seeded.owner);

  return async () => {
    await worker.stop();
    await rm(persistTo, { recursive: true, force: true });
  };
}
