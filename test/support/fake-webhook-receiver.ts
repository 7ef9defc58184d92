// A catalog's webhook endpoint for Worker tests: a real HTTP server in the test runner's Node
// process. Each endpoint is a path `/hook/<name>`; a test scripts the statuses it answers
// (POST /__script { name, statuses }: one per request, the last one repeating; default 200)
// and reads what it got (GET /__received?name=…: method, headers, body, time). Signatures are
// verified by the tests themselves, with the secret the API returned.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedWebhook = {
  name: string;
  headers: Record<string, string>;
  body: string;
  at: number;
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startFakeWebhookReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const scripts = new Map<string, number[]>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const body = await readBody(req);
    const hook = /^\/hook\/([\w-]+)$/.exec(url.pathname);
    if (req.method === "POST" && hook?.[1]) {
      const name = hook[1];
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      received.push({ name, headers, body, at: Date.now() });
      const script = scripts.get(name) ?? [];
      const status = script.length > 1 ? (script.shift() as number) : (script[0] ?? 200);
      if (status >= 300 && status < 400) {
        res.writeHead(status, { location: `/hook/${name}-redirected` }).end();
        return;
      }
      res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "no");
      return;
    }
    if (req.method === "POST" && url.pathname === "/__script") {
      const { name, statuses } = JSON.parse(body) as { name: string; statuses: number[] };
      scripts.set(name, [...statuses]);
      res.writeHead(204).end();
      return;
    }
    if (req.method === "GET" && url.pathname === "/__received") {
      const name = url.searchParams.get("name");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(received.filter((r) => r.name === name)));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
