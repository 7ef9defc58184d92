// Helpers for the publishing tests: a site, the fake builder's view of the jobs it was sent, and
// the builder's side of the conversation (signed reports, activation, an uploaded deploy).
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { BuildJob } from "#schemas/build-job";
import { signRequest } from "#workers/domain/job-signing";
import { call, json, type TenantFixture } from "../../factories.ts";
import { uploadDeploy } from "../delivery/fixtures.ts";

export const SECRET = "test-builder-secret-0123456789abcdef";

export async function makeSite(t: TenantFixture, title = "Classical Mechanics") {
  const res = await call(`/tenants/${t.tenant.id}/sites`, {
    cookie: t.roles.admin.cookie,
    body: { title, starterId: "course" },
  });
  if (res.status !== 201) throw new Error(`site create failed: ${res.status} ${await res.text()}`);
  const site = await json(res);
  return { site, base: `/tenants/${t.tenant.id}/sites/${site.id}` };
}

export async function addPage(base: string, cookie: string, title: string, extra = {}) {
  const res = await call(`${base}/content`, {
    cookie,
    body: { collection: "page", fields: { title, ...extra }, body: `# ${title}\n\nText.` },
  });
  if (res.status !== 201) throw new Error(`page create failed: ${res.status} ${await res.text()}`);
  return { item: await json(res), etag: res.headers.get("etag") as string };
}

type Received = { siteId: string; jobId: string; signature: string | null; body: string };

export async function jobsOf(siteId: string): Promise<(Received & { job: BuildJob })[]> {
  const res = await fetch(`${env.BUILDER_URL}/__jobs?siteId=${siteId}`);
  const list = (await res.json()) as Received[];
  return list.map((r) => ({ ...r, job: JSON.parse(r.body) as BuildJob }));
}

/** Waits until the fake builder got `count` jobs for the site (the alarm sends them). */
/** The item at `index`, or a test failure saying what was missing. */
export function nth<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined)
    throw new Error(`expected at least ${index + 1} item(s), got ${list.length}`);
  return item;
}

/** Waits until the builder got at least `count` (≥ 1) jobs for the site: the first is there. */
export async function waitForJobs(siteId: string, count: number, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const jobs = await jobsOf(siteId);
    if (jobs.length >= Math.max(1, count)) {
      return [nth(jobs, 0), ...jobs.slice(1)] as [(typeof jobs)[number], ...typeof jobs];
    }
    if (Date.now() > until) {
      throw new Error(`the builder got ${jobs.length} job(s) for ${siteId}, expected ${count}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls `fn` until it gives a value (mail is sent in the background, after the response). */
export async function waitFor<T>(fn: () => Promise<T | null>, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error("waited in vain");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the mail API got for `to` (the fake builder records it). */
export async function mailTo(
  to: string,
): Promise<{ authorization: string | null; from: string; subject: string; text: string }[]> {
  return (await fetch(`${env.BUILDER_URL}/__mail?to=${encodeURIComponent(to)}`)).json();
}

export async function setBuilderMode(siteId: string, status: number) {
  await fetch(`${env.BUILDER_URL}/__mode`, {
    method: "POST",
    body: JSON.stringify({ siteId, status }),
  });
}

/** A signed POST from the builder to one of the job's URLs. */
export async function builderPost(url: string, body: unknown, secret = SECRET) {
  const text = JSON.stringify(body);
  const u = new URL(url);
  const signature = await signRequest({
    secret,
    method: "POST",
    path: u.pathname + u.search,
    body: text,
  });
  return call(url, {
    rawBody: text,
    headers: { "content-type": "application/json", "x-lectern-signature": signature },
    noCsrf: true,
  });
}

/** The builder's whole happy path for a job: building, uploaded, activated, succeeded. */
export async function completeJob(job: BuildJob, html = "<h1>Hello</h1>") {
  let res = await builderPost(job.callbackUrl, {
    jobId: job.jobId,
    state: "building",
    progress: 0.1,
  });
  expect(res.status).toBe(200);
  await uploadDeploy(
    { "index.html": { body: html }, "404.html": { body: "<h1>Missing</h1>" } },
    job.deployId,
  );
  res = await builderPost(job.activateUrl, {
    jobId: job.jobId,
    files: 2,
    blobsUploaded: 2,
    bytesUploaded: html.length + 16,
    timings: { fetch: 5, build: 40, upload: 10 },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  res = await builderPost(job.callbackUrl, {
    jobId: job.jobId,
    state: "succeeded",
    message: "2 files",
    log: "hugo: built",
  });
  expect(res.status).toBe(200);
}

export async function status(base: string, cookie: string) {
  const res = await call(`${base}/publish`, { cookie });
  expect(res.status).toBe(200);
  return json(res);
}

/** Waits until the site's publish status satisfies `check`. */
export async function waitForStatus(
  base: string,
  cookie: string,
  // biome-ignore lint/suspicious/noExplicitAny: the status is JSON the checks read loosely
  check: (s: any) => boolean,
  timeoutMs = 10_000,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await status(base, cookie);
    if (check(s)) return s;
    if (Date.now() > until) throw new Error(`status never matched: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function siteHostUrl(
  t: TenantFixture,
  siteSlug: string,
  target: "live" | "preview",
  path = "/",
) {
  const domain = target === "live" ? "sites.localhost" : "preview.localhost";
  return `http://${siteSlug}.${t.tenant.slug}.${domain}${path}`;
}
