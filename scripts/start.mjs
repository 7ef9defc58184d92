// `npm start`: Lectern on this machine, no Cloudflare account needed. Sets up what a fresh
// clone lacks, builds the Worker, migrates and seeds the local D1 state (.wrangler/state),
// then runs `wrangler dev` and the builder until Ctrl-C. The two share a job secret made
// fresh for the run; the builder writes deploys through the Worker's local R2 S3 stand-in and
// purges through its purge stand-in, so publishing works without a Cloudflare account.
//   PORT=8787 (the app), BUILDER_PORT=8788 (the builder).
import { createServer } from "node:net";
import {
  applyMigrations,
  builderVars,
  buildWorker,
  DEFAULT_PERSIST_DIR,
  newJobSecret,
  seedDemo,
  startBuilder,
  startWorker,
} from "./lib/local-stack.mjs";
import { setup } from "./lib/setup.mjs";

const port = Number(process.env.PORT ?? 8787);
const builderPort = Number(process.env.BUILDER_PORT ?? 8788);
const appUrl = `http://localhost:${port}`;

function step(message) {
  console.log(`[start] ${message}`);
}

function portIsFree(p) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(p, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function main() {
  for (const [name, p] of [
    ["PORT", port],
    ["BUILDER_PORT", builderPort],
  ]) {
    if (!(await portIsFree(p))) {
      throw new Error(
        `port ${p} is in use (is Lectern already running?). Stop it, or set ${name} to another port.`,
      );
    }
  }
  setup();
  step("building the Worker (react-router build)");
  await buildWorker();
  step(`applying migrations to the local D1 state in ${DEFAULT_PERSIST_DIR}`);
  await applyMigrations({ persistTo: DEFAULT_PERSIST_DIR });
  step("seeding the demo data");
  const demo = await seedDemo({ persistTo: DEFAULT_PERSIST_DIR, appUrl });
  const secret = newJobSecret();
  step(`starting wrangler dev on ${appUrl}`);
  const worker = await startWorker({
    port,
    persistTo: DEFAULT_PERSIST_DIR,
    appUrl,
    vars: builderVars({ builderPort, secret }),
    echo: true,
  });
  step(`starting the builder on port ${builderPort}`);
  let builder;
  try {
    builder = await startBuilder({ port: builderPort, workerPort: port, secret, echo: true });
  } catch (err) {
    await worker.stop();
    throw err;
  }

  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    step("stopping");
    await Promise.all([builder.stop(), worker.stop()]);
    process.exit(code);
  };
  process.on("SIGINT", () => stopAll(0));
  process.on("SIGTERM", () => stopAll(0));
  process.on("SIGHUP", () => stopAll(0));
  builder.exited.then((r) => {
    if (stopping) return;
    console.error(`[start] the builder exited (${r.signal ?? `exit ${r.code}`}); stopping`);
    stopAll(1);
  });
  worker.exited.then((r) => {
    if (stopping) return;
    console.error(`[start] wrangler dev exited (${r.signal ?? `exit ${r.code}`}); stopping`);
    stopAll(1);
  });

  const logins = [
    ["Platform operator", demo.operator],
    [`Owner of ${demo.tenant.name} (/t/${demo.tenant.id})`, demo.owner],
  ];
  console.log(`
  Lectern is running: ${appUrl}
  API reference:      ${appUrl}/api/v1/reference  (OpenAPI: /api/v1/openapi.json)
  Builder:            http://localhost:${builderPort}/healthz

  Demo logins (password for both: ${demo.owner.password}):
${logins.map(([who, login]) => `    ${login.email.padEnd(28)} ${who}`).join("\n")}

  Local data lives in .wrangler/state (delete it to start over). Ctrl-C stops everything.
`);
}

main().catch((err) => {
  console.error(`[start] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
