// The builder service: today only a health endpoint. Build and media jobs (Hugo builds,
// Pagefind, uploads to R2, ffmpeg) arrive with the Publishing issue; until then this process
// exists so that `npm start`, the Dockerfile and deployments have their final shape.
//
//   BUILDER_PORT=8788 node --import tsx builder/src/server.ts
//
// GET /healthz → { ok: true, hugo: "0.111.3" | null } (null: Hugo is not installed).
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Hugo's version ("0.111.3"), or null when Hugo is missing or does not answer in time. */
export async function hugoVersion(): Promise<string | null> {
  try {
    const { stdout } = await run("hugo", ["version"], { timeout: 10_000 });
    return /\bv(\d+\.\d+\.\d+)/.exec(stdout)?.[1] ?? null;
  } catch {
    return null;
  }
}

const port = Number(process.env.BUILDER_PORT ?? 8788);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`builder: BUILDER_PORT must be a port number, not ${process.env.BUILDER_PORT}`);
  process.exit(2);
}

const hugo = await hugoVersion();

const server = createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://builder").pathname;
  if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify({ ok: true, hugo }));
    return;
  }
  res.writeHead(404, { "content-type": "application/problem+json" });
  res.end(JSON.stringify({ type: "about:blank", title: "Not found", status: 404 }));
});

server.listen(port, () => {
  const where = server.address();
  const shown = typeof where === "object" && where ? where.port : port;
  console.log(`builder: listening on :${shown} (hugo ${hugo ?? "not installed"})`);
});

// Containers are stopped with SIGTERM: finish what is in flight, then exit; never hang.
function shutdown(signal: string) {
  console.log(`builder: ${signal}, shutting down`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));
