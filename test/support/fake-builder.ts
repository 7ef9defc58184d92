// A stand-in for the builder's job intake, for Worker tests: a real HTTP server in the test
// runner's Node process that records the signed jobs the SitePublisher sends and answers as the
// builder would (202), or as a builder that is down or full (per-site mode). Workers tests read
// what it got from GET /__jobs?siteId=… ; the builder's own behaviour is tested in test/builder.
// It also plays the HTTP mail API of workers/domain/mail.ts (`POST /mail`, `{ from, to,
// subject, text }` with a bearer token), so tests can read what was mailed: GET /__mail?to=….
// Media jobs (`POST /media-jobs`) are recorded too, by media item: GET /__media-jobs?mediaId=…;
// `POST /__mode { mediaId, status }` makes it answer like a builder that is down for that item.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

type Received = { siteId: string; jobId: string; signature: string | null; body: string };
type Mailed = {
  authorization: string | null;
  from: string;
  to: string;
  subject: string;
  text: string;
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startFakeBuilder(): Promise<{ url: string; close(): Promise<void> }> {
  const jobs: Received[] = [];
  const mediaJobs: Received[] = [];
  const modes = new Map<string, number>();
  const mail: Mailed[] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const body = await readBody(req);
    if (req.method === "POST" && url.pathname === "/jobs") {
      let job: { siteId?: string; jobId?: string } = {};
      try {
        job = JSON.parse(body);
      } catch {
        // recorded as is
      }
      const siteId = job.siteId ?? "";
      const status = modes.get(siteId) ?? 202;
      jobs.push({
        siteId,
        jobId: job.jobId ?? "",
        signature: (req.headers["x-lectern-signature"] as string | undefined) ?? null,
        body,
      });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          status < 300 ? { jobId: job.jobId, state: "accepted" } : { error: "unavailable" },
        ),
      );
      return;
    }
    if (req.method === "POST" && url.pathname === "/media-jobs") {
      let job: { mediaId?: string; jobId?: string } = {};
      try {
        job = JSON.parse(body);
      } catch {
        // recorded as is
      }
      const mediaId = job.mediaId ?? "";
      const status = modes.get(mediaId) ?? 202;
      mediaJobs.push({
        siteId: mediaId,
        jobId: job.jobId ?? "",
        signature: (req.headers["x-lectern-signature"] as string | undefined) ?? null,
        body,
      });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          status < 300 ? { jobId: job.jobId, state: "accepted" } : { error: "unavailable" },
        ),
      );
      return;
    }
    if (req.method === "GET" && url.pathname === "/__media-jobs") {
      const mediaId = url.searchParams.get("mediaId");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(mediaJobs.filter((j) => j.siteId === mediaId)));
      return;
    }
    if (req.method === "POST" && url.pathname === "/mail") {
      try {
        const m = JSON.parse(body) as Omit<Mailed, "authorization">;
        mail.push({ ...m, authorization: req.headers.authorization ?? null });
        res.writeHead(202, { "content-type": "application/json" }).end("{}");
      } catch {
        res.writeHead(400).end();
      }
      return;
    }
    if (req.method === "GET" && url.pathname === "/__mail") {
      const to = url.searchParams.get("to");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(mail.filter((m) => m.to === to)));
      return;
    }
    if (req.method === "GET" && url.pathname === "/__jobs") {
      const siteId = url.searchParams.get("siteId");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(jobs.filter((j) => j.siteId === siteId)));
      return;
    }
    if (req.method === "POST" && url.pathname === "/__mode") {
      const { siteId, mediaId, status } = JSON.parse(body) as {
        siteId?: string;
        mediaId?: string;
        status: number;
      };
      modes.set(mediaId ?? siteId ?? "", status);
      res.writeHead(204).end();
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
