// The builder's HTTP intake: signed build jobs from the Worker's SitePublisher Durable Object.
//
//   POST /jobs        signed BuildJob → 202 { jobId, state } (new) | 200 (known job id)
//   POST /media-jobs  signed BuilderMediaJob (schemas/media-jobs.ts) → 202 | 200 (known attempt);
//                     503 INTAKE_DISABLED when this builder runs no media jobs (media-jobs.ts)
//   GET  /jobs/{id}   signed, empty body → 200 BuildJobStatus | 404
//   GET  /healthz     → { ok, hugo?, pagefind?, queued, running, followUps }
//                       (503 while shutting down)
//
// Errors are RFC 9457 problem+json, as the API's: 401 BAD_SIGNATURE (with the `reason` from
// job-signing), 400 VALIDATION_FAILED (field errors) or MALFORMED_JSON, 413 PAYLOAD_TOO_LARGE,
// 503 QUEUE_FULL / SHUTTING_DOWN with Retry-After.
//
// Decisions:
// - The signature is checked before the body is parsed or any job state is looked at: an
//   unsigned caller learns nothing about jobs, not even whether the builder is shutting down.
// - The signed path is the request target exactly as received (pathname and query), which is
//   what the sender signed; nothing is normalised in between.
// - Bodies are capped (a job is a few hundred bytes) and read fully before answering.
// - The process wiring (env, signals, exit) stays in server.ts; this module is what tests run.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { z } from "zod";
import { buildJob } from "#schemas/build-job";
import { builderMediaJob } from "#schemas/media-jobs";
import { SIGNATURE_HEADER, secretList, verifyRequest } from "#workers/domain/job-signing";
import { type CallbackOptions, createStatusSender } from "./job-callbacks.ts";
import { JobQueue, type RunJob } from "./job-queue.ts";
import type { MediaJobQueue } from "./media-jobs.ts";

export type BuilderServerOptions = {
  /**
   * Accepted job secrets (BUILDER_JOB_SECRET); callbacks are signed with all of them. None:
   * the intake is off (local runs without a Worker that sends jobs) and /jobs answers 503.
   */
  secrets: readonly string[];
  runJob: RunJob;
  /** The media jobs' queue (ffmpeg); none: POST /media-jobs answers 503. */
  media?: MediaJobQueue;
  /** Jobs running at once (BUILDER_CONCURRENCY); default 2. */
  concurrency?: number;
  /** Waiting jobs before 503; default 100. */
  queueLimit?: number;
  /** How long running jobs may finish at shutdown (BUILDER_SHUTDOWN_GRACE_MS); default 60 s. */
  shutdownGraceMs?: number;
  /** How long finished job ids are remembered; default 1 hour. */
  rememberMs?: number;
  /** Quiet time after which a running job's status is re-sent (BUILDER_HEARTBEAT_MS). */
  heartbeatMs?: number;
  /** Signature timestamp tolerance; default 300 s. */
  toleranceSeconds?: number;
  callbacks?: CallbackOptions;
  /** For callbacks; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Extra fields for /healthz (the Hugo and Pagefind versions). */
  health?: Record<string, unknown>;
  now?: () => number;
  log?: (line: string) => void;
};

export type BuilderServer = {
  server: Server;
  queue: JobQueue;
  /** Starts listening; resolves to the port (useful with port 0). */
  listen(port: number, host?: string): Promise<number>;
  /**
   * Graceful stop: refuse new jobs (503), let running ones finish within the grace period, fail
   * the rest with a callback, then close the HTTP server.
   */
  shutdown(): Promise<void>;
};

const BODY_LIMIT = 64 * 1024;
const JOB_PATH = /^\/jobs\/([A-Za-z0-9_-]{1,100})$/;

export function createBuilderServer(options: BuilderServerOptions): BuilderServer {
  if (options.secrets.some((secret) => secret.length === 0)) {
    throw new Error("a job secret must not be empty");
  }
  const now = options.now ?? Date.now;
  const log = options.log ?? console.log;
  const queue = new JobQueue({
    runJob: options.runJob,
    sendStatus: createStatusSender(options.secrets, {
      ...options.callbacks,
      fetch: options.fetch,
      log,
    }),
    concurrency: options.concurrency,
    queueLimit: options.queueLimit,
    rememberMs: options.rememberMs,
    heartbeatMs: options.heartbeatMs,
    now,
    log,
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`builder: ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) problem(res, 500, "INTERNAL");
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? "/";
    const path = target.split("?")[0] as string;
    const method = req.method ?? "GET";

    if (path === "/healthz" && (method === "GET" || method === "HEAD")) {
      const { waiting, running } = queue.followUps.counts;
      const body = {
        ok: !queue.closing,
        ...options.health,
        ...queue.counts,
        ...(options.media?.counts ?? {}),
        followUps: waiting + running,
      };
      json(res, queue.closing ? 503 : 200, body);
      return;
    }
    const jobMatch = JOB_PATH.exec(path);
    const isMedia = path === "/media-jobs";
    if (path !== "/jobs" && !jobMatch && !isMedia) {
      problem(res, 404, "NOT_FOUND");
      return;
    }
    const allowed = path === "/jobs" || isMedia ? "POST" : "GET";
    if (method !== allowed) {
      problem(res, 405, "METHOD_NOT_ALLOWED", undefined, {}, { allow: allowed });
      return;
    }
    if (options.secrets.length === 0) {
      problem(res, 503, "INTAKE_DISABLED", "BUILDER_JOB_SECRET is not set");
      return;
    }

    const body = await readBody(req);
    if (body === null) {
      problem(res, 413, "PAYLOAD_TOO_LARGE", `A job is at most ${BODY_LIMIT} bytes`);
      return;
    }
    const verdict = await verifyRequest({
      secrets: options.secrets,
      method,
      path: target,
      body,
      header: req.headers[SIGNATURE_HEADER] as string | undefined,
      now: now(),
      toleranceSeconds: options.toleranceSeconds,
    });
    if (!verdict.ok) {
      problem(res, 401, "BAD_SIGNATURE", `The signature is ${describe[verdict.reason]}`, {
        reason: verdict.reason,
      });
      return;
    }

    if (jobMatch) {
      const status = queue.status(jobMatch[1] as string);
      if (status) json(res, 200, status);
      else problem(res, 404, "NOT_FOUND", "No such job, or it finished too long ago");
      return;
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch {
      problem(res, 400, "MALFORMED_JSON");
      return;
    }
    if (isMedia) {
      handleMedia(res, parsed);
      return;
    }
    const job = buildJob.safeParse(parsed);
    if (!job.success) {
      problem(res, 400, "VALIDATION_FAILED", "The job is not valid", {
        errors: job.error.issues.map((issue) => ({
          field: issue.path.map(String).join("."),
          message: issue.message,
        })),
      });
      return;
    }
    const result = queue.submit(job.data);
    switch (result.outcome) {
      case "accepted":
        json(res, 202, { jobId: result.status.jobId, state: result.status.state });
        return;
      case "known":
        json(res, 200, { jobId: result.status.jobId, state: result.status.state });
        return;
      case "full":
        problem(res, 503, "QUEUE_FULL", undefined, {}, { "retry-after": "30" });
        return;
      case "closed":
        problem(res, 503, "SHUTTING_DOWN", undefined, {}, { "retry-after": "5" });
        return;
    }
  }

  function handleMedia(res: ServerResponse, parsed: unknown) {
    const media = options.media;
    if (!media) {
      problem(res, 503, "INTAKE_DISABLED", "This builder runs no media jobs");
      return;
    }
    const job = builderMediaJob.safeParse(parsed);
    if (!job.success) {
      problem(res, 400, "VALIDATION_FAILED", "The media job is not valid", {
        errors: job.error.issues.map((issue) => ({
          field: issue.path.map(String).join("."),
          message: issue.message,
        })),
      });
      return;
    }
    const outcome = media.submit(job.data);
    if (outcome === "accepted" || outcome === "known") {
      json(res, outcome === "accepted" ? 202 : 200, { jobId: job.data.jobId, state: outcome });
    } else if (outcome === "full") {
      problem(res, 503, "QUEUE_FULL", undefined, {}, { "retry-after": "30" });
    } else {
      problem(res, 503, "SHUTTING_DOWN", undefined, {}, { "retry-after": "5" });
    }
  }

  let shuttingDown: Promise<void> | undefined;
  return {
    server,
    queue,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        // No host: every interface, IPv6 included, as Node does by default.
        server.listen({ port, host }, () => {
          server.off("error", reject);
          const address = server.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      });
    },
    shutdown() {
      shuttingDown ??= (async () => {
        await Promise.all([
          queue.shutdown(options.shutdownGraceMs ?? 60_000),
          options.media?.shutdown(options.shutdownGraceMs ?? 60_000),
        ]);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
      })();
      return shuttingDown;
    },
  };
}

/** The intake's settings from the environment; throws a readable message when one is wrong. */
export function builderSettingsFromEnv(env: Record<string, string | undefined>): {
  secrets: string[];
  concurrency: number;
  shutdownGraceMs: number;
} {
  const settings = z
    .object({
      BUILDER_JOB_SECRET: z.string().optional().transform(secretList),
      BUILDER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
      BUILDER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(60_000),
    })
    .safeParse(env);
  if (!settings.success) {
    const wrong = settings.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new Error(`builder: ${wrong.join("; ")}`);
  }
  return {
    secrets: settings.data.BUILDER_JOB_SECRET,
    concurrency: settings.data.BUILDER_CONCURRENCY,
    shutdownGraceMs: settings.data.BUILDER_SHUTDOWN_GRACE_MS,
  };
}

const describe = {
  missing: "missing",
  malformed: "malformed",
  expired: "too old",
  future: "dated in the future (check the clocks)",
  mismatch: "wrong",
} as const;

function readBody(req: IncomingMessage): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > BODY_LIMIT) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? null : new Uint8Array(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

const titles = {
  BAD_SIGNATURE: "The request is not signed by the Worker",
  VALIDATION_FAILED: "The request is not valid",
  MALFORMED_JSON: "The request body is not valid JSON",
  NOT_FOUND: "Not found",
  METHOD_NOT_ALLOWED: "Method not allowed",
  PAYLOAD_TOO_LARGE: "The request body is too large",
  QUEUE_FULL: "The builder's queue is full; try again later",
  SHUTTING_DOWN: "The builder is shutting down; send the job elsewhere",
  INTAKE_DISABLED: "This builder takes no jobs",
  INTERNAL: "Something went wrong on our side",
} as const;

function problem(
  res: ServerResponse,
  status: number,
  code: keyof typeof titles,
  detail?: string,
  members: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "application/problem+json",
    "cache-control": "no-store",
    ...headers,
  });
  const body = { type: "about:blank", title: titles[code], status, code, detail, ...members };
  res.end(JSON.stringify(body));
}
