// The builder's signed job intake, over real HTTP: a builder on port 0, fake jobs, and a local
// HTTP server standing in for the Worker's callback endpoint (it checks every callback with
// verifyRequest, as the Worker will).
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { BuildJob, BuildJobStatus } from "#schemas/build-job";
import { SIGNATURE_HEADER, signRequest, verifyRequest } from "#workers/domain/job-signing";
import { SHUTDOWN_MESSAGE } from "../../builder/src/job-queue.ts";
import {
  type BuilderServer,
  type BuilderServerOptions,
  builderSettingsFromEnv,
  createBuilderServer,
} from "../../builder/src/jobs.ts";

const SECRET = "builder-test-secret";
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Received = BuildJobStatus & { verified: string };

/** The Worker's side of callbacks: records them; answers 503 to the first `failFirst`. */
async function startReceiver(failFirst = 0) {
  const received: Received[] = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      attempts += 1;
      if (attempts <= failFirst) {
        res.writeHead(503).end();
        return;
      }
      const body = Buffer.concat(chunks).toString("utf8");
      const verdict = await verifyRequest({
        secrets: [SECRET],
        method: req.method ?? "",
        path: req.url ?? "",
        body,
        header: req.headers[SIGNATURE_HEADER] as string | undefined,
      });
      received.push({ ...JSON.parse(body), verified: verdict.ok ? "ok" : verdict.reason });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${port}/internal/builder/callback?site=1`,
    received,
    get attempts() {
      return attempts;
    },
    statesOf: (jobId: string) =>
      received.filter((status) => status.jobId === jobId).map((status) => status.state),
  };
}

async function startBuilder(
  options: Partial<BuilderServerOptions> & Pick<BuilderServerOptions, "runJob">,
) {
  const builder: BuilderServer = createBuilderServer({
    secrets: [SECRET],
    callbacks: { retries: 4, baseDelayMs: 5, timeoutMs: 2000 },
    log: () => {},
    ...options,
  });
  const port = await builder.listen(0, "127.0.0.1");
  cleanups.push(() => builder.shutdown());
  return { builder, base: `http://127.0.0.1:${port}` };
}

let counter = 0;
function job(callbackUrl: string, overrides: Partial<BuildJob> = {}): BuildJob {
  counter += 1;
  return {
    jobId: `job-${Date.now()}-${counter}`,
    kind: "site-build",
    tenantId: "ten_01JABCDEFGHJKMNPQRSTVWXYZ0",
    siteId: "site_01JABCDEFGHJKMNPQRSTVWXYZ0",
    target: "preview",
    contentVersion: 7,
    deployId: "dep_01JABCDEFGHJKMNPQRSTVWXYZ0",
    exportUrl: "http://127.0.0.1:1/api/v1/export.tar.gz",
    exportToken: "export-token",
    baseUrl: "http://site.localhost/",
    callbackUrl,
    activateUrl: "http://127.0.0.1:1/internal/v1/activate",
    purgeTags: ["site_01JABCDEFGHJKMNPQRSTVWXYZ0"],
    deadline: new Date(Date.now() + 15 * 60_000).toISOString(),
    ...overrides,
  };
}

async function signedFetch(
  base: string,
  path: string,
  init: {
    method?: string;
    body?: string;
    secret?: string;
    header?: string | null;
    now?: number;
  } = {},
) {
  const method = init.method ?? "GET";
  const body = init.body ?? "";
  const header =
    init.header !== undefined
      ? init.header
      : await signRequest({ secret: init.secret ?? SECRET, method, path, body, now: init.now });
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (header !== null) headers[SIGNATURE_HEADER] = header;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: method === "GET" ? undefined : body,
  });
  const text = await response.text();
  return { response, body: text ? JSON.parse(text) : null };
}

function postJob(base: string, value: unknown, init: Parameters<typeof signedFetch>[2] = {}) {
  return signedFetch(base, "/jobs", { method: "POST", body: JSON.stringify(value), ...init });
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A promise with its resolve, to hold a fake job until the test lets it go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe("POST /jobs", () => {
  it("accepts a signed job, runs it, and reports signed callbacks in order", async () => {
    const receiver = await startReceiver();
    const ran: BuildJob[] = [];
    const { base } = await startBuilder({
      runJob: async (job, report) => {
        ran.push(job);
        // Not awaited on purpose: order must hold even when the job does not wait.
        void report({ state: "building", progress: 0.5, message: "online version" });
        await report({ state: "uploading", progress: 0.9 });
        return { message: "12 files uploaded", log: "hugo: built" };
      },
    });
    const sent = job(receiver.url);
    const { response, body } = await postJob(base, sent);
    expect(response.status).toBe(202);
    expect(body).toEqual({ jobId: sent.jobId, state: "accepted" });

    await until(() => receiver.statesOf(sent.jobId).includes("succeeded"), "succeeded");
    expect(ran).toEqual([sent]);
    expect(receiver.received).toEqual([
      { jobId: sent.jobId, state: "building", verified: "ok" },
      {
        jobId: sent.jobId,
        state: "building",
        progress: 0.5,
        message: "online version",
        verified: "ok",
      },
      { jobId: sent.jobId, state: "uploading", progress: 0.9, verified: "ok" },
      {
        jobId: sent.jobId,
        state: "succeeded",
        message: "12 files uploaded",
        log: "hugo: built",
        verified: "ok",
      },
    ]);

    const status = await signedFetch(base, `/jobs/${sent.jobId}`);
    expect(status.response.status).toBe(200);
    expect(status.body).toEqual({
      jobId: sent.jobId,
      state: "succeeded",
      message: "12 files uploaded",
    });
  });

  it("reports a job that throws as failed, with the error's message", async () => {
    const receiver = await startReceiver();
    const { base } = await startBuilder({
      runJob: async () => {
        throw new Error("hugo exited with 1");
      },
    });
    const sent = job(receiver.url);
    expect((await postJob(base, sent)).response.status).toBe(202);
    await until(() => receiver.statesOf(sent.jobId).includes("failed"), "failed");
    expect(receiver.received.at(-1)).toEqual({
      jobId: sent.jobId,
      state: "failed",
      message: "hugo exited with 1",
      verified: "ok",
    });
  });

  it("fails a job whose deadline passed before its turn, without running it", async () => {
    const receiver = await startReceiver();
    let runs = 0;
    const { base } = await startBuilder({
      runJob: async () => {
        runs += 1;
      },
    });
    const late = job(receiver.url, { deadline: new Date(Date.now() - 1000).toISOString() });
    expect((await postJob(base, late)).response.status).toBe(202);
    await until(() => receiver.received.length === 1, "the failed callback");
    expect(receiver.received[0]).toMatchObject({ state: "failed", verified: "ok" });
    expect(receiver.received[0]?.message).toMatch(/deadline/);
    expect(runs).toBe(0);
  });

  it("refuses bad signatures with 401 and the reason, and runs nothing", async () => {
    const receiver = await startReceiver();
    let runs = 0;
    const { base } = await startBuilder({
      runJob: async () => {
        runs += 1;
      },
    });
    const sent = job(receiver.url);
    const body = JSON.stringify(sent);
    const cases: Array<[string, Parameters<typeof signedFetch>[2]]> = [
      ["missing", { header: null }],
      ["malformed", { header: "t=now,v1=nope" }],
      ["expired", { now: Date.now() - 10 * 60_000 }],
      ["future", { now: Date.now() + 10 * 60_000 }],
      ["mismatch", { secret: "another-secret" }],
      [
        "mismatch",
        {
          // Signed for one body, sent with another.
          header: await signRequest({ secret: SECRET, method: "POST", path: "/jobs", body: "{}" }),
        },
      ],
      [
        "mismatch",
        {
          header: await signRequest({
            secret: SECRET,
            method: "POST",
            path: `/jobs/${sent.jobId}`,
            body,
          }),
        },
      ],
    ];
    for (const [reason, init] of cases) {
      const { response, body: problem } = await postJob(base, sent, init);
      expect(response.status, reason).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(problem).toMatchObject({ status: 401, code: "BAD_SIGNATURE", reason });
    }
    const unsignedStatus = await signedFetch(base, `/jobs/${sent.jobId}`, { header: null });
    expect(unsignedStatus.response.status).toBe(401);
    expect(runs).toBe(0);
  });

  it("answers 400 naming the invalid fields, and 400 for malformed JSON", async () => {
    const receiver = await startReceiver();
    const { base } = await startBuilder({ runJob: async () => {} });
    const { deployId: _omitted, ...withoutDeploy } = job(receiver.url);
    const { response, body } = await postJob(base, { ...withoutDeploy, target: "staging" });
    expect(response.status).toBe(400);
    expect(body.code).toBe("VALIDATION_FAILED");
    const fields = body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(["target", "deployId"]));

    const broken = await signedFetch(base, "/jobs", { method: "POST", body: "{not json" });
    expect(broken.response.status).toBe(400);
    expect(broken.body.code).toBe("MALFORMED_JSON");
  });

  it("runs a job id once: repeats while queued, running or finished get its state", async () => {
    const receiver = await startReceiver();
    const hold = gate();
    let runs = 0;
    const { base } = await startBuilder({
      runJob: async () => {
        runs += 1;
        await hold.opened;
      },
    });
    const sent = job(receiver.url);
    expect((await postJob(base, sent)).response.status).toBe(202);
    await until(() => runs === 1, "the job to start");
    const again = await postJob(base, sent);
    expect(again.response.status).toBe(200);
    expect(again.body).toEqual({ jobId: sent.jobId, state: "building" });

    hold.open();
    await until(() => receiver.statesOf(sent.jobId).includes("succeeded"), "succeeded");
    const later = await postJob(base, sent);
    expect(later.response.status).toBe(200);
    expect(later.body).toEqual({ jobId: sent.jobId, state: "succeeded" });
    expect(runs).toBe(1);
  });

  it("forgets finished job ids after the memory period", async () => {
    const receiver = await startReceiver();
    let clock = Date.now();
    let runs = 0;
    const { base } = await startBuilder({
      now: () => clock,
      rememberMs: 60_000,
      runJob: async () => {
        runs += 1;
      },
    });
    const sent = job(receiver.url);
    expect((await postJob(base, sent, { now: clock })).response.status).toBe(202);
    await until(() => receiver.statesOf(sent.jobId).includes("succeeded"), "succeeded");
    clock += 61_000;
    const status = await signedFetch(base, `/jobs/${sent.jobId}`, { now: clock });
    expect(status.response.status).toBe(404);
    expect(runs).toBe(1);
  });

  it("never runs more jobs at once than its concurrency", async () => {
    const receiver = await startReceiver();
    let running = 0;
    let most = 0;
    const { base } = await startBuilder({
      concurrency: 2,
      runJob: async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        running -= 1;
      },
    });
    const jobs = Array.from({ length: 5 }, () => job(receiver.url));
    const answers = await Promise.all(jobs.map((sent) => postJob(base, sent)));
    expect(answers.map(({ response }) => response.status)).toEqual([202, 202, 202, 202, 202]);
    await until(
      () => jobs.every((sent) => receiver.statesOf(sent.jobId).includes("succeeded")),
      "all five jobs",
    );
    expect(most).toBe(2);
  });

  it("answers 503 with Retry-After when the queue is full", async () => {
    const receiver = await startReceiver();
    const hold = gate();
    const { base } = await startBuilder({
      concurrency: 1,
      queueLimit: 2,
      runJob: () => hold.opened,
    });
    const jobs = Array.from({ length: 4 }, () => job(receiver.url));
    for (const sent of jobs.slice(0, 3)) {
      expect((await postJob(base, sent)).response.status).toBe(202);
    }
    const refused = await postJob(base, jobs[3]);
    expect(refused.response.status).toBe(503);
    expect(refused.response.headers.get("retry-after")).toBe("30");
    expect(refused.body.code).toBe("QUEUE_FULL");

    hold.open();
    await until(
      () => jobs.slice(0, 3).every((sent) => receiver.statesOf(sent.jobId).includes("succeeded")),
      "the three accepted jobs",
    );
    // Room again: the refused job is taken now.
    expect((await postJob(base, jobs[3])).response.status).toBe(202);
  });
});

describe("callbacks", () => {
  it("are retried after a 503 from the receiver and still arrive in order", async () => {
    const receiver = await startReceiver(2);
    const { base } = await startBuilder({
      runJob: async (_job, report) => {
        await report({ state: "uploading" });
      },
    });
    const sent = job(receiver.url);
    expect((await postJob(base, sent)).response.status).toBe(202);
    await until(() => receiver.statesOf(sent.jobId).includes("succeeded"), "succeeded");
    expect(receiver.attempts).toBe(5);
    expect(receiver.statesOf(sent.jobId)).toEqual(["building", "uploading", "succeeded"]);
    expect(receiver.received.every((status) => status.verified === "ok")).toBe(true);
  });
});

describe("GET /jobs/{id}", () => {
  it("answers 404 for a job it does not know", async () => {
    const { base } = await startBuilder({ runJob: async () => {} });
    const { response, body } = await signedFetch(base, "/jobs/job-unknown");
    expect(response.status).toBe(404);
    expect(body.code).toBe("NOT_FOUND");
  });
});

describe("shutdown", () => {
  it("lets the running job finish, fails queued ones with a callback, refuses new jobs", async () => {
    const receiver = await startReceiver();
    const hold = gate();
    let runs = 0;
    const { base, builder } = await startBuilder({
      concurrency: 1,
      runJob: async (_job, _report, { signal }) => {
        runs += 1;
        await hold.opened;
        expect(signal.aborted).toBe(false);
      },
    });
    const [running, queuedA, queuedB] = Array.from({ length: 3 }, () => job(receiver.url));
    for (const sent of [running, queuedA, queuedB]) {
      expect((await postJob(base, sent as BuildJob)).response.status).toBe(202);
    }
    await until(() => runs === 1, "the first job to start");

    const stopped = builder.shutdown();
    const refused = await postJob(base, job(receiver.url));
    expect(refused.response.status).toBe(503);
    expect(refused.body.code).toBe("SHUTTING_DOWN");
    expect(refused.response.headers.get("retry-after")).not.toBeNull();
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(503);
    await health.text();

    for (const queued of [queuedA, queuedB] as BuildJob[]) {
      await until(() => receiver.statesOf(queued.jobId).includes("failed"), "queued failed");
      expect(receiver.received.find((status) => status.jobId === queued.jobId)).toEqual({
        jobId: queued.jobId,
        state: "failed",
        message: SHUTDOWN_MESSAGE,
        verified: "ok",
      });
    }
    hold.open();
    await stopped;
    expect(receiver.statesOf((running as BuildJob).jobId)).toEqual(["building", "succeeded"]);
    expect(runs).toBe(1);
  });

  it("aborts and fails a job still running after the grace period, and nothing after", async () => {
    const receiver = await startReceiver();
    let aborted = false;
    let reportAfterAbort: Promise<void> | undefined;
    const { base, builder } = await startBuilder({
      shutdownGraceMs: 50,
      runJob: (_job, report, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            // A job that ignores the abort and reports anyway is not heard any more.
            reportAfterAbort = report({ state: "uploading" });
            resolve({ message: "too late" });
          });
        }),
    });
    const sent = job(receiver.url);
    expect((await postJob(base, sent)).response.status).toBe(202);
    await until(() => receiver.statesOf(sent.jobId).includes("building"), "building");
    await builder.shutdown();
    await reportAfterAbort;
    expect(aborted).toBe(true);
    expect(receiver.received.filter((status) => status.jobId === sent.jobId)).toEqual([
      { jobId: sent.jobId, state: "building", verified: "ok" },
      { jobId: sent.jobId, state: "failed", message: SHUTDOWN_MESSAGE, verified: "ok" },
    ]);
  });
});

describe("builderSettingsFromEnv", () => {
  it("reads secrets, concurrency and grace with defaults, and names a wrong value", () => {
    expect(builderSettingsFromEnv({ BUILDER_JOB_SECRET: "new, old" })).toEqual({
      secrets: ["new", "old"],
      concurrency: 2,
      shutdownGraceMs: 60_000,
    });
    expect(
      builderSettingsFromEnv({ BUILDER_CONCURRENCY: "4", BUILDER_SHUTDOWN_GRACE_MS: "1000" }),
    ).toEqual({ secrets: [], concurrency: 4, shutdownGraceMs: 1000 });
    expect(() => builderSettingsFromEnv({ BUILDER_CONCURRENCY: "0" })).toThrow(
      /BUILDER_CONCURRENCY/,
    );
  });

  it("serves no jobs without a secret", async () => {
    const builder = createBuilderServer({ secrets: [], runJob: async () => {}, log: () => {} });
    const port = await builder.listen(0, "127.0.0.1");
    cleanups.push(() => builder.shutdown());
    const { response, body } = await postJob(`http://127.0.0.1:${port}`, {});
    expect(response.status).toBe(503);
    expect(body.code).toBe("INTAKE_DISABLED");
  });
});
