// Reading published sites from a test: their hosts (`<site>.<tenant>.sites.localhost`) do not
// resolve in Node, so requests go to loopback with the site's Host header; and a poll helper for
// builds that take a while.
import { request } from "node:http";

/** GET from a published site's host. Node cannot resolve *.localhost: connect to loopback. */
export function fromSite(url: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: u.port,
        path: `${u.pathname}${u.search}`,
        headers: { host: u.host },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.end();
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    const value = await fn().catch((error: unknown) => {
      last = error;
      return null;
    });
    if (value !== null) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what} (${String(last)})`);
    await sleep(250);
  }
}
