// Helpers for the Learn integration tests: a course site published live through the real
// publish path (SitePublisher + the fake builder), signing keys and webhook endpoints made
// through the API, signed URLs, and the fake catalog endpoint's view of what it received.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { insertEndpoint } from "#workers/db/queries/learn";
import { signUrl } from "#workers/domain/catalog-signing";
import { newId } from "#workers/domain/ids";
import { newWebhookSecret } from "#workers/domain/standard-webhooks";
import { call, db, json, type TenantFixture, uniq } from "../../factories.ts";
import { completeJob, makeSite, waitForJobs } from "../publish/support.ts";

export const APP = "http://lectern.test";

/** What test/support/fake-webhook-receiver.ts recorded of one request. */
export type ReceivedWebhook = {
  name: string;
  headers: Record<string, string>;
  body: string;
  at: number;
};

/** A course site with metadata, an instructor, an image, pages (one a draft), published live. */
export async function liveCourse(t: TenantFixture, title = "Classical Mechanics") {
  const { site, base } = await makeSite(t, title);
  const cookie = t.roles.admin.cookie;
  const create = async (body: unknown) => {
    const res = await call(`${base}/content`, { cookie, body });
    expect(res.status, await res.clone().text()).toBe(201);
    return json(res);
  };
  const instructor = await create({
    collection: "instructor",
    fields: {
      title: "Prof. Ada Lovelace",
      first_name: "Ada",
      last_name: "Lovelace",
      salutation: "Prof.",
    },
  });
  const image = await create({
    collection: "resource",
    fields: {
      title: "Cover",
      resourcetype: "Image",
      file: `/courses/${site.slug}/cover.jpg`,
      file_type: "image/jpeg",
      image_metadata: { "image-alt": "A pendulum", caption: "Swinging", credit: "MIT" },
    },
  });
  const notes = await create({
    collection: "resource",
    fields: {
      title: "Lecture notes",
      resourcetype: "Document",
      file: "https://files.example.org/notes.pdf",
      file_type: "application/pdf",
      learning_resource_types: ["Lecture Notes"],
    },
  });
  const syllabus = await create({ collection: "page", fields: { title: "Syllabus" } });
  const draft = await create({ collection: "page", fields: { title: "Unfinished", draft: true } });
  const metadata = await create({
    collection: "metadata",
    filename: "sitemetadata",
    fields: {
      course_title: title,
      course_description: `Motion and **forces**. See {{% resource_link "${syllabus.uid}" "the syllabus" %}}.`,
      primary_course_number: "8.01",
      extra_course_numbers: "8.011, 8.012",
      term: "Fall",
      year: "2026",
      level: ["Undergraduate"],
      department_numbers: ["8"],
      topics: [["Science", "Physics", "Classical Mechanics"]],
      learning_resource_types: ["Lecture Notes"],
      audience: ["Learners"],
      instructors: [instructor.uid],
      course_image: image.uid,
    },
  });
  await publishLive(site.id, base, cookie);
  return { site, base, cookie, instructor, image, notes, syllabus, draft, metadata };
}

/** Publishes live through the SitePublisher and the fake builder; waits for activation. */
export async function publishLive(siteId: string, base: string, cookie: string) {
  const before = (await (
    await fetch(`${env.BUILDER_URL}/__jobs?siteId=${siteId}`)
  ).json()) as unknown[];
  const res = await call(`${base}/publish/live`, { cookie, body: { confirmBrokenLinks: true } });
  expect(res.status, await res.clone().text()).toBe(202);
  const jobs = await waitForJobs(siteId, before.length + 1);
  const job = jobs[jobs.length - 1];
  if (!job) throw new Error("no job");
  await completeJob(job.job);
}

export async function createKey(t: TenantFixture, name = "Learn") {
  const res = await call(`/tenants/${t.tenant.id}/signing-keys`, {
    cookie: t.roles.admin.cookie,
    body: { name },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<{ key: { id: string }; secret: string }>(res);
}

export async function signedSiteUrl(
  tenantSlug: string,
  siteSlug: string,
  key: { id: string; secret: string },
  expiresAt = Date.now() + 3_600_000,
) {
  return signUrl(`${APP}/public/v1/tenants/${tenantSlug}/sites/${siteSlug}.json`, key, expiresAt);
}

/** A receiver endpoint row (the fake receiver is http on loopback, which the API refuses
 * outside local mode: the tests insert it as the API would have). */
export async function receiverEndpoint(
  tenantId: string,
  events = ["site.published", "site.unpublished", "site.updated"],
) {
  const name = uniq("hook")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-");
  const secret = newWebhookSecret();
  const id = newId("whe");
  await insertEndpoint(db(), {
    id,
    tenantId,
    url: `${env.WEBHOOK_RECEIVER_URL}/hook/${name}`,
    description: "test receiver",
    events,
    secret,
  }).run();
  return { id, name, secret };
}

export async function script(name: string, statuses: number[]) {
  const res = await fetch(`${env.WEBHOOK_RECEIVER_URL}/__script`, {
    method: "POST",
    body: JSON.stringify({ name, statuses }),
  });
  expect(res.status).toBe(204);
}

export async function received(name: string): Promise<ReceivedWebhook[]> {
  const res = await fetch(`${env.WEBHOOK_RECEIVER_URL}/__received?name=${name}`);
  return (await res.json()) as ReceivedWebhook[];
}

export async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
