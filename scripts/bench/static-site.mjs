// The delivery baseline: `wrangler dev` serving a folder as static assets, with no Worker code
// (an assets-only configuration), on the same machine and client as Lectern's delivery. Its
// config, state and log live in a temporary folder; it runs in its own process group, which
// stop() ends, as local-stack.mjs does for the Worker.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, ROOT, wranglerEnv } from "../lib/local-stack.mjs";

/**
 * The assets-only wrangler configuration for `dir`. Pure.
 * @param {string} dir absolute path of the built site
 */
export function staticWranglerToml(dir) {
  return [
    `name = "lectern-bench-static"`,
    `compatibility_date = "2026-04-01"`,
    "",
    "[assets]",
    `directory = ${JSON.stringify(dir)}`,
    "",
  ].join("\n");
}

/**
 * Starts `wrangler dev` on `dir`; resolves once `/` answers 200.
 * @param {{ dir: string, port?: number, timeoutMs?: number }} options
 */
export async function startStaticSite({ dir, port, timeoutMs = 60_000 }) {
  const listen = port ?? (await freePort());
  const home = await mkdtemp(join(tmpdir(), "lectern-bench-static-"));
  const config = join(home, "wrangler.toml");
  await writeFile(config, staticWranglerToml(dir));
  const logFile = join(home, "wrangler.log");
  const child = spawn(
    join(ROOT, "node_modules/.bin/wrangler"),
    [
      "dev",
      "-c",
      config,
      "--port",
      String(listen),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      join(home, "state"),
      "--show-interactive-dev-session=false",
      "--inspector-port",
      String(await freePort()),
    ],
    {
      cwd: home,
      // Per-request logging off, as for the Worker under test.
      env: wranglerEnv({ WRANGLER_LOG: "warn" }),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const log = createWriteStream(logFile);
  let output = "";
  const collect = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
    log.write(chunk);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  /** @type {{ code: number | null, signal: string | null } | null} */
  let exited = null;
  const exitedPromise = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      log.end();
      resolve(exited);
    });
  });
  const killGroup = (/** @type {NodeJS.Signals} */ signal) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const onExit = () => killGroup("SIGKILL");
  process.on("exit", onExit);
  const stop = async () => {
    process.off("exit", onExit);
    if (!exited) {
      killGroup("SIGTERM");
      const timer = setTimeout(() => killGroup("SIGKILL"), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    }
    killGroup("SIGKILL");
    await rm(home, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${listen}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`wrangler dev (static assets) exited before answering:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `wrangler dev (static assets) did not answer within ${timeoutMs} ms:\n${output}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, pid: /** @type {number} */ (child.pid), stop };
}
