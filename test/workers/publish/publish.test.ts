import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { verifyRequest } from "#workers/domain/job-signing";
import { publisherOf } from "#workers/publishing/publisher";
import { call, createTenant, exec, expectProblem, json, rows } from "../../factories.ts";
import ociTarGzB64 from "../../fixtures/archives/ocw-ci-test-course.tar.gz.b64?raw";
import { uploadDeploy } from "../delivery/fixtures.ts";
import {
  addPage,
  builderPost,
  completeJob,
  jobsOf,
  mailTo,
  makeSite,
  nth,
  SECRET,
  setBuilderMode,
  siteHostUrl,
  status,
  waitFor,
  waitForJobs,
} from "./support.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("publishing", () => {
  it("publishes to preview: a signed job, the export, activation, then the preview host serves it", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    await addPage(base, t.roles.admin.cookie, "Syllabus");
    const res = await call(`${base}/publish/preview`, { cookie: t.roles.admin.cookie, body: {} });
    expect(res.status).toBe(202);
    const accepted = await json(res);
    expect(accepted.coalesced).toBe(false);
    expect(accepted.deploy).toMatchObject({ target: "preview", requests: 1 });
    expect(["queued", "building"]).toContain(accepted.deploy.state);

    const [received] = await waitForJobs(site.id, 1);
    const job = received.job;
    // The job is signed for the builder's intake, and says everything the builder needs.
    const verdict = await verifyRequest({
      secrets: [SECRET],
      method: "POST",
      path: "/jobs",
      body: received.body,
      header: received.signature,
    });
    expect(verdict).toEqual({ ok: true });
    expect(job).toMatchObject({
      kind: "site-build",
      tenantId: t.tenant.id,
      siteId: site.id,
      target: "preview",
      deployId: accepted.deploy.id,
      jobId: `${accepted.deploy.id}-a1`,
      baseUrl: `http://${site.slug}.${t.tenant.slug}.preview.localhost/`,
      purgeTags: [`lectern-site-${site.id.toLowerCase()}`],
    });
    expect(job.contentVersion).toBe(1);

    // The export token reads this deploy's export and nothing else.
    const exported = await call(job.exportUrl, {
      headers: { authorization: `Bearer ${job.exportToken}` },
    });
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toBe("application/gzip");
    expect((await exported.arrayBuffer()).byteLength).toBeGreaterThan(100);
    const otherDeploy = job.exportUrl.replace(job.deployId, "dep_00000000000000000000000000");
    await expectProblem(
      await call(otherDeploy, { headers: { authorization: `Bearer ${job.exportToken}` } }),
      401,
      "UNAUTHENTICATED",
    );
    await expectProblem(await call(job.exportUrl), 401, "UNAUTHENTICATED");

    // Before activation the preview host serves nothing.
    const before = await call(siteHostUrl(t, site.slug, "preview"));
    expect(before.status).not.toBe(200);

    await completeJob(job, "<h1>Syllabus v1</h1>");
    const s = await status(base, t.roles.admin.cookie);
    expect(s.preview).toMatchObject({ deployId: job.deployId, contentVersion: 1, changes: false });
    expect(s.live).toMatchObject({ deployId: null, changes: true });
    expect(s.current).toBeNull();

    const detail = await json(
      await call(`${base}/deploys/${job.deployId}`, { cookie: t.roles.admin.cookie }),
    );
    expect(detail).toMatchObject({
      state: "succeeded",
      current: true,
      files: 2,
      blobsUploaded: 2,
      log: "hugo: built",
      requestedBy: { id: t.roles.admin.id },
    });
    expect(detail.timings).toMatchObject({ queue: expect.any(Number), build: 40, upload: 10 });
    expect(detail.durationMs).toBeGreaterThanOrEqual(0);

    // The audit log has the publish.
    const audit = await rows<{ action: string }>(
      "SELECT action FROM audit_events WHERE tenant_id = ? AND action = 'site.preview_published'",
      t.tenant.id,
    );
    expect(audit).toHaveLength(1);
  });

  it("coalesces 50 concurrent requests during a build into one follow-up build of the latest content", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    await addPage(base, t.roles.admin.cookie, "Week 1");
    const first = await json(
      await call(`${base}/publish/preview`, { cookie: t.roles.admin.cookie, body: {} }),
    );
    const [j1] = await waitForJobs(site.id, 1);
    // Content changes while the first build runs.
    await addPage(base, t.roles.admin.cookie, "Week 2");
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        call(`${base}/publish/preview`, {
          cookie: t.roles.admin.cookie,
          body: {},
        }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(202));
    const bodies = await Promise.all(answers.map((r) => json(r)));
    const followUps = new Set(bodies.map((b) => b.deploy.id));
    expect(followUps.size).toBe(1);
    expect(bodies.filter((b) => !b.coalesced)).toHaveLength(1);
    const followUp = [...followUps][0];
    expect(followUp).not.toBe(first.deploy.id);

    const mid = await status(base, t.roles.admin.cookie);
    expect(mid.current.id).toBe(first.deploy.id);
    expect(mid.queued.map((d: { id: string }) => d.id)).toEqual([followUp]);
    expect(mid.queued[0].requests).toBe(50);
    // Builds never overlap: the builder still has one job.
    expect(await jobsOf(site.id)).toHaveLength(1);

    await completeJob(j1.job);
    const jobs = await waitForJobs(site.id, 2);
    expect(jobs).toHaveLength(2);
    const j2 = nth(jobs, 1).job;
    expect(j2.deployId).toBe(followUp);
    expect(j2.contentVersion).toBe(2);
    await completeJob(j2, "<h1>Week 2</h1>");
    const end = await status(base, t.roles.admin.cookie);
    expect(end.preview).toMatchObject({ deployId: followUp, contentVersion: 2, changes: false });
    expect(await jobsOf(site.id)).toHaveLength(2);
  });

  it("ignores duplicate, late, unknown and backward reports; rejects forged and unsigned ones", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    await call(`${base}/publish/preview`, { cookie: t.roles.admin.cookie, body: {} });
    const [r] = await waitForJobs(site.id, 1);
    const job = r.job;
    let res = await builderPost(job.callbackUrl, {
      jobId: job.jobId,
      state: "uploading",
      progress: 0.5,
    });
    expect(await json(res)).toEqual({ ok: true, ignored: false });
    // Backward: proves life only.
    res = await builderPost(job.callbackUrl, { jobId: job.jobId, state: "building" });
    expect(res.status).toBe(200);
    const s = await status(base, t.roles.admin.cookie);
    expect(s.current).toMatchObject({ state: "uploading", progress: 0.5 });
    // Forged (wrong secret) and unsigned.
    await expectProblem(
      await builderPost(job.callbackUrl, { jobId: job.jobId, state: "failed" }, "not-the-secret"),
      401,
      "UNAUTHENTICATED",
    );
    await expectProblem(
      await call(job.callbackUrl, { body: { jobId: job.jobId, state: "failed" }, noCsrf: true }),
      401,
      "UNAUTHENTICATED",
    );
    // A job id that is not the running one (its deploy id differs in the last character).
    const otherId = `${job.deployId.slice(0, -1)}${job.deployId.endsWith("Z") ? "Y" : "Z"}-a1`;
    const other = job.callbackUrl.replace(job.jobId, otherId);
    res = await builderPost(other, { jobId: otherId, state: "failed" });
    expect(await json(res)).toEqual({ ok: true, ignored: true });
    // Body/path mismatch.
    await expectProblem(
      await builderPost(job.callbackUrl, { jobId: "dep_x-a1", state: "failed" }),
      400,
      "VALIDATION_FAILED",
    );
    // Success without activation is a failure, not a deploy.
    res = await builderPost(job.callbackUrl, { jobId: job.jobId, state: "succeeded" });
    expect(res.status).toBe(200);
    const after = await json(
      await call(`${base}/deploys/${job.deployId}`, { cookie: t.roles.admin.cookie }),
    );
    expect(after.state).toBe("failed");
    // And late words about it change nothing.
    res = await builderPost(job.callbackUrl, { jobId: job.jobId, state: "succeeded" });
    expect(await json(res)).toEqual({ ok: true, ignored: true });
    res = await builderPost(job.activateUrl, {
      jobId: job.jobId,
      files: 1,
      blobsUploaded: 1,
      bytesUploaded: 1,
    });
    await expectProblem(res, 409, "CONFLICT");
    expect((await status(base, t.roles.admin.cookie)).preview.deployId).toBeNull();
  });

  it("a Hugo failure shows the message and log, keeps the previous deploy, and is listed for whoever asked", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    await call(`${base}/publish/live`, { cookie: t.roles.admin.cookie, body: {} });
    const [r1] = await waitForJobs(site.id, 1);
    await completeJob(r1.job, "<h1>Good</h1>");
    await addPage(base, t.roles.admin.cookie, "Broken");
    await call(`${base}/publish/live`, { cookie: t.roles.admin.cookie, body: {} });
    const jobs = await waitForJobs(site.id, 2);
    const j2 = nth(jobs, 1).job;
    await builderPost(j2.callbackUrl, { jobId: j2.jobId, state: "building" });
    await builderPost(j2.callbackUrl, {
      jobId: j2.jobId,
      state: "failed",
      message: "Hugo failed\nERROR render of page failed",
      log: "Error: template: single.html:3: unexpected EOF",
    });
    const s = await status(base, t.roles.admin.cookie);
    expect(s.live.deployId).toBe(r1.job.deployId);
    const failed = await json(
      await call(`${base}/deploys/${j2.deployId}`, { cookie: t.roles.admin.cookie }),
    );
    expect(failed).toMatchObject({ state: "failed", current: false });
    expect(failed.message).toContain("Hugo failed");
    expect(failed.log).toContain("unexpected EOF");
    // The live site still serves the old deploy.
    const page = await call(siteHostUrl(t, site.slug, "live"));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Good");
    const failures = await json(
      await call(`/tenants/${t.tenant.id}/publish-failures`, { cookie: t.roles.admin.cookie }),
    );
    expect(failures.items.map((f: { deploy: { id: string } }) => f.deploy.id)).toEqual([
      j2.deployId,
    ]);
    expect(failures.items[0].site).toMatchObject({ id: site.id, slug: site.slug });
    // Whoever asked is also told by mail, with the reason and where to read the log.
    const mails = await waitFor(async () => {
      const got = await mailTo(t.roles.admin.email);
      return got.length > 0 ? got : null;
    });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      authorization: "Bearer test-mail-token",
      from: "lectern@lectern.test",
    });
    expect(mails[0]?.subject).toContain("(live) failed");
    expect(mails[0]?.text).toContain("Hugo failed");
    expect(mails[0]?.text).toContain(`/t/${t.tenant.id}/sites/${site.id}/publish`);
    expect(await mailTo(t.roles.owner.email)).toEqual([]);
    // Someone else asked for nothing.
    const none = await json(
      await call(`/tenants/${t.tenant.id}/publish-failures`, { cookie: t.roles.owner.cookie }),
    );
    expect(none.items).toEqual([]);
  });

  it("refuses broken links on live unless confirmed, and keeps each build's report", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    const cookie = t.roles.admin.cookie;
    const report = {
      brokenLinks: [{ page: "pages/syllabus.md", target: "/pages/gone", kind: "link" }],
      brokenLinkCount: 1,
      contentIssues: [
        {
          page: "resources/chart/index.html",
          kind: "image-alt",
          detail: "chart.png has no alt text",
        },
      ],
      contentIssueCount: 1,
    };
    // Preview never refuses; live does until someone confirms.
    await call(`${base}/publish/preview`, { cookie, body: {} });
    const [p] = await waitForJobs(site.id, 1);
    expect(p.job.refuseBrokenLinks).toBeUndefined();
    await completeJob(p.job);
    await call(`${base}/publish/live`, { cookie, body: {} });
    const live1 = nth(await waitForJobs(site.id, 2), 1).job;
    expect(live1.refuseBrokenLinks).toBe(true);
    // The job names what the site serves now, whose blobs the builder need not ask about.
    expect(p.job.knownDeployIds).toEqual([]);
    expect(live1.knownDeployIds).toEqual([p.job.deployId]);
    // The builder refuses before activation, with its report: the deploy keeps it.
    await builderPost(live1.callbackUrl, {
      jobId: live1.jobId,
      state: "failed",
      message: "The site has 1 broken internal link",
      report,
    });
    let detail = await json(await call(`${base}/deploys/${live1.deployId}`, { cookie }));
    expect(detail).toMatchObject({ state: "failed", brokenLinkCount: 1, contentIssueCount: 1 });
    expect(detail.report).toEqual(report);
    expect((await status(base, cookie)).live.deployId).toBeNull();

    // Confirmed: the job lets the links through, and activation stores the report.
    const confirmed = await call(`${base}/publish/live`, {
      cookie,
      body: { confirmBrokenLinks: true },
    });
    expect(confirmed.status).toBe(202);
    const live2 = nth(await waitForJobs(site.id, 3), 2).job;
    expect(live2.refuseBrokenLinks).toBeUndefined();
    await uploadDeploy({ "index.html": { body: "<h1>Hi</h1>" } }, live2.deployId);
    const activated = await builderPost(live2.activateUrl, {
      jobId: live2.jobId,
      files: 1,
      blobsUploaded: 1,
      bytesUploaded: 11,
      report,
    });
    expect(activated.status).toBe(200);
    await builderPost(live2.callbackUrl, { jobId: live2.jobId, state: "succeeded" });
    detail = await json(await call(`${base}/deploys/${live2.deployId}`, { cookie }));
    expect(detail).toMatchObject({ state: "succeeded", current: true, brokenLinkCount: 1 });
    expect(detail.report.brokenLinks).toEqual(report.brokenLinks);

    // A report that is not one is refused whole.
    await expectProblem(
      await call(`${base}/publish/live`, { cookie, body: { confirmBrokenLinks: "yes" } }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("a builder that goes silent is presumed lost at the deadline and the build is retried with a new job", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    await call(`${base}/publish/preview`, { cookie: t.roles.admin.cookie, body: {} });
    const [r1] = await waitForJobs(site.id, 1);
    await builderPost(r1.job.callbackUrl, { jobId: r1.job.jobId, state: "building" });
    // PUBLISH_STALL_SECONDS is 3 in the tests; the alarm retries after a short backoff.
    const jobs = await waitForJobs(site.id, 2, 15_000);
    const j2 = nth(jobs, 1).job;
    expect(j2.deployId).toBe(r1.job.deployId);
    expect(j2.jobId).toBe(`${r1.job.deployId}-a2`);
    const mid = await status(base, t.roles.admin.cookie);
    expect(mid.current).toMatchObject({ id: j2.deployId, attempt: 2 });
    // The lost attempt's late words are void.
    const late = await builderPost(r1.job.activateUrl, {
      jobId: r1.job.jobId,
      files: 1,
      blobsUploaded: 1,
      bytesUploaded: 1,
    });
    await expectProblem(late, 409, "CONFLICT");
    await completeJob(j2);
    const end = await status(base, t.roles.admin.cookie);
    expect(end.preview.deployId).toBe(j2.deployId);
  });

  it("retries while the builder is unavailable, then sends the job", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    await setBuilderMode(site.id, 503);
    await call(`${base}/publish/preview`, { cookie: t.roles.admin.cookie, body: {} });
    await waitForJobs(site.id, 2, 15_000);
    const s = await status(base, t.roles.admin.cookie);
    expect(s.current.state).toBe("building");
    expect(s.current.message).toMatch(/unavailable/);
    await setBuilderMode(site.id, 202);
    const jobs = await waitForJobs(site.id, 3, 15_000);
    // Dispatch retries resend the same attempt.
    expect(new Set(jobs.map((j) => j.jobId)).size).toBe(1);
    await completeJob(nth(jobs, 2).job);
    expect((await status(base, t.roles.admin.cookie)).preview.deployId).toBe(
      nth(jobs, 0).job.deployId,
    );
  });

  it("refuses to publish content that no longer validates, listing every problem", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    const parent = await addPage(base, t.roles.admin.cookie, "Unit 1");
    await addPage(base, t.roles.admin.cookie, "Lecture 1", { parent_uid: parent.item.uid });
    // The parent is deleted behind the API's back (as a starter change or an old import could).
    await exec(
      "UPDATE content_items SET deleted_at = 1 WHERE site_id = ? AND uid = ?",
      site.id,
      parent.item.uid,
    );
    const res = await call(`${base}/publish/preview`, { cookie: t.roles.admin.cookie, body: {} });
    const problem = await expectProblem(res, 422, "UNPROCESSABLE");
    expect(problem.errors).toHaveLength(1);
    expect(problem.errors?.[0]?.field).toMatch(/^page\/lecture-1\.parent_uid/);
    expect(problem.errors?.[0]?.message).toContain("Lecture 1");
    expect(await jobsOf(site.id)).toHaveLength(0);
    expect(await rows("SELECT id FROM deploys WHERE site_id = ?", site.id)).toHaveLength(0);
  });

  it("publishes an imported OCW course whose relations name another site (instructors in ocw-www)", async () => {
    const t = await createTenant();
    const bytes = Uint8Array.from(atob(ociTarGzB64.replace(/\s+/g, "")), (ch) => ch.charCodeAt(0));
    const imported = await call(`/tenants/${t.tenant.id}/sites/import`, {
      cookie: t.roles.admin.cookie,
      rawBody: bytes,
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(bytes.byteLength),
      },
    });
    expect(imported.status, await imported.clone().text()).toBe(201);
    const { site } = await json(imported);
    const res = await call(`/tenants/${t.tenant.id}/sites/${site.id}/publish/preview`, {
      cookie: t.roles.admin.cookie,
      body: {},
    });
    expect(res.status, await res.clone().text()).toBe(202);
    await waitForJobs(site.id, 1);
  });

  it("rolls back and unpublishes instantly, and refuses deploys that cannot be served", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    const cookie = t.roles.admin.cookie;
    await call(`${base}/publish/live`, { cookie, body: {} });
    const [a] = await waitForJobs(site.id, 1);
    await completeJob(a.job, "<h1>Version A</h1>");
    await addPage(base, cookie, "More");
    await call(`${base}/publish/live`, { cookie, body: {} });
    const jobs = await waitForJobs(site.id, 2);
    await completeJob(nth(jobs, 1).job, "<h1>Version B</h1>");
    expect(await (await call(siteHostUrl(t, site.slug, "live"))).text()).toContain("Version B");

    let res = await call(`${base}/rollback`, {
      cookie,
      body: { target: "live", deployId: a.job.deployId },
    });
    expect(res.status).toBe(200);
    expect((await json(res)).live).toMatchObject({
      deployId: a.job.deployId,
      contentVersion: 0,
      changes: true,
    });
    expect(await (await call(siteHostUrl(t, site.slug, "live"))).text()).toContain("Version A");

    // Another target's deploy, an unknown one, a failed one: refused.
    await expectProblem(
      await call(`${base}/rollback`, {
        cookie,
        body: { target: "preview", deployId: a.job.deployId },
      }),
      409,
      "CONFLICT",
    );
    await expectProblem(
      await call(`${base}/rollback`, {
        cookie,
        body: { target: "live", deployId: "dep_00000000000000000000000000" },
      }),
      404,
      "NOT_FOUND",
    );
    await expectProblem(
      await call(`${base}/rollback`, { cookie, body: { target: "live", deployId: "nope" } }),
      400,
      "VALIDATION_FAILED",
    );
    // Editors may not roll back or unpublish.
    await expectProblem(
      await call(`${base}/rollback`, {
        cookie: t.roles.member.cookie,
        body: { target: "live", deployId: a.job.deployId },
      }),
      404,
      "NOT_FOUND",
    );

    res = await call(`${base}/unpublish`, { cookie, body: {} });
    expect(res.status).toBe(200);
    expect((await json(res)).live.deployId).toBeNull();
    expect((await call(siteHostUrl(t, site.slug, "live"))).status).toBe(404);
    const history = await json(
      await call(`${base}/deploys`, { cookie, query: { target: "live" } }),
    );
    expect(history.items.map((d: { id: string }) => d.id)).toEqual([
      nth(jobs, 1).job.deployId,
      a.job.deployId,
    ]);
    expect(history.items.every((d: { current: boolean }) => !d.current)).toBe(true);
  });

  it("records the offline copy once it is stored, and serves it to collaborators", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    await call(`${base}/publish/preview`, { cookie: t.roles.admin.cookie, body: {} });
    const [r] = await waitForJobs(site.id, 1);
    const job = r.job;
    await completeJob(job);
    const key = `offline/${site.id}/${job.deployId}.zip`;
    // Announced before it is stored: refused.
    await expectProblem(
      await builderPost(String(job.offlineUrl), { jobId: job.jobId, key, bytes: 3 }),
      409,
      "CONFLICT",
    );
    await env.SITES.put(key, new Uint8Array([80, 75, 5, 6]));
    await expectProblem(
      await builderPost(String(job.offlineUrl), {
        jobId: job.jobId,
        key: `offline/${site.id}/dep_00000000000000000000000000.zip`,
        bytes: 3,
      }),
      400,
      "VALIDATION_FAILED",
    );
    const ok = await builderPost(String(job.offlineUrl), { jobId: job.jobId, key, bytes: 4 });
    expect(ok.status).toBe(200);
    const d = await json(
      await call(`${base}/deploys/${job.deployId}`, { cookie: t.roles.admin.cookie }),
    );
    expect(d.offlineBytes).toBe(4);
    expect(d.offlineUrl).toBe(`http://lectern.test/api/v1${base}/deploys/${job.deployId}/offline`);
    const zip = await call(d.offlineUrl, { cookie: t.roles.admin.cookie });
    expect(zip.status).toBe(200);
    expect(zip.headers.get("content-type")).toBe("application/zip");
    expect(new Uint8Array(await zip.arrayBuffer())).toEqual(new Uint8Array([80, 75, 5, 6]));
  });

  it("runs a scheduled live publish from the alarm, and lists and cancels schedules", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    const cookie = t.roles.admin.cookie;
    await expectProblem(
      await call(`${base}/schedules`, {
        cookie,
        body: { action: "publish", runAt: new Date(Date.now() - 60_000).toISOString() },
      }),
      400,
      "VALIDATION_FAILED",
    );
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const s1 = await json(
      await call(`${base}/schedules`, { cookie, body: { action: "unpublish", runAt: tomorrow } }),
    );
    expect(s1).toMatchObject({
      action: "unpublish",
      state: "pending",
      createdBy: { id: t.roles.admin.id },
    });
    const s2 = await json(
      await call(`${base}/schedules`, { cookie, body: { action: "publish", runAt: tomorrow } }),
    );
    expect((await status(base, cookie)).schedules).toHaveLength(2);

    let res = await call(`${base}/schedules/${s1.id}`, { method: "DELETE", cookie });
    expect((await json(res)).state).toBe("cancelled");
    await expectProblem(
      await call(`${base}/schedules/${s1.id}`, { method: "DELETE", cookie }),
      409,
      "CONFLICT",
    );

    // Time passes (the row is made due), and the alarm runs.
    await exec("UPDATE publish_schedules SET run_at = ? WHERE id = ?", Date.now() - 1000, s2.id);
    const stub = publisherOf(env, site.id);
    await stub.changed(site.id, t.tenant.id);
    await runDurableObjectAlarm(stub);
    const [job] = await waitForJobs(site.id, 1);
    expect(job.job.target).toBe("live");
    // Nobody is there to confirm broken links: a scheduled publish does not refuse them.
    expect(job.job.refuseBrokenLinks).toBeUndefined();
    const list = await json(await call(`${base}/schedules`, { cookie }));
    const ran = list.items.find((s: { id: string }) => s.id === s2.id);
    expect(ran).toMatchObject({ state: "done", deployId: job.job.deployId });
    res = await call(`${base}/deploys/${job.job.deployId}`, { cookie });
    expect((await json(res)).requestedBy.id).toBe(t.roles.admin.id);
  });

  it("pushes the status over a WebSocket from the app's origin only", async () => {
    const t = await createTenant();
    const { site, base } = await makeSite(t);
    const res = await call(`${base}/publish/events`, {
      cookie: t.roles.admin.cookie,
      headers: { upgrade: "websocket", origin: "http://lectern.test" },
    });
    expect(res.status).toBe(101);
    const ws = res.webSocket;
    if (!ws) throw new Error("no WebSocket in the 101 response");
    // biome-ignore lint/suspicious/noExplicitAny: parsed JSON messages, read loosely
    const messages: any[] = [];
    ws.accept();
    ws.addEventListener("message", (e) => messages.push(JSON.parse(e.data as string)));
    await call(`${base}/publish/preview`, { cookie: t.roles.admin.cookie, body: {} });
    await waitForJobs(site.id, 1);
    const until = Date.now() + 5000;
    while (!messages.some((m) => m.status?.current) && Date.now() < until) await sleep(50);
    expect(messages[0]).toMatchObject({ type: "status", status: { siteId: site.id } });
    expect(messages.some((m) => m.status.current?.target === "preview")).toBe(true);
    ws.close();
    await expectProblem(
      await call(`${base}/publish/events`, {
        cookie: t.roles.admin.cookie,
        headers: { upgrade: "websocket", origin: "https://evil.example" },
      }),
      403,
      "CSRF_REJECTED",
    );
    await expectProblem(
      await call(`${base}/publish/events`, { cookie: t.roles.admin.cookie }),
      400,
      "VALIDATION_FAILED",
    );
  });

  it("a mass rebuild enqueues every published site, counts outcomes, and can be cancelled", async () => {
    const t = await createTenant();
    const a = await makeSite(t, "Site A");
    const b = await makeSite(t, "Site B");
    await makeSite(t, "Never published");
    await exec(
      "UPDATE sites SET live_deploy_id = 'dep_00000000000000000000000000' WHERE id IN (?, ?)",
      a.site.id,
      b.site.id,
    );
    const cookie = t.roles.admin.cookie;
    const started = await call(`/tenants/${t.tenant.id}/rebuilds`, { cookie, body: {} });
    expect(started.status).toBe(202);
    const rb = await json(started);
    expect(rb).toMatchObject({ state: "running", tenantId: t.tenant.id });
    const [ja] = await waitForJobs(a.site.id, 1, 20_000);
    const [jb] = await waitForJobs(b.site.id, 1, 20_000);
    // A rebuild re-publishes what is there: it does not stop at broken links.
    expect([ja.job.target, jb.job.target]).toEqual(["live", "live"]);
    expect([ja.job.refuseBrokenLinks, jb.job.refuseBrokenLinks]).toEqual([undefined, undefined]);
    let view = await json(await call(`/tenants/${t.tenant.id}/rebuilds/${rb.id}`, { cookie }));
    expect(view).toMatchObject({ total: 2, done: 0, remaining: 2 });
    await completeJob(ja.job);
    await builderPost(jb.job.callbackUrl, {
      jobId: jb.job.jobId,
      state: "failed",
      message: "Hugo failed",
    });
    view = await json(await call(`/tenants/${t.tenant.id}/rebuilds/${rb.id}`, { cookie }));
    expect(view).toMatchObject({ total: 2, done: 1, failed: 1, remaining: 0, state: "finished" });
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/rebuilds/${rb.id}/cancel`, { cookie, body: {} }),
      409,
      "CONFLICT",
    );
    // Authors may not start one; another tenant's rebuild is not found.
    await expectProblem(
      await call(`/tenants/${t.tenant.id}/rebuilds`, { cookie: t.roles.author.cookie, body: {} }),
      403,
      "FORBIDDEN",
    );
    const other = await createTenant();
    await expectProblem(
      await call(`/tenants/${other.tenant.id}/rebuilds/${rb.id}`, {
        cookie: other.roles.admin.cookie,
      }),
      404,
      "NOT_FOUND",
    );

    // A second rebuild, cancelled at once: whatever had not started is counted as cancelled.
    const rb2 = await json(await call(`/tenants/${t.tenant.id}/rebuilds`, { cookie, body: {} }));
    const cancelled = await json(
      await call(`/tenants/${t.tenant.id}/rebuilds/${rb2.id}/cancel`, { cookie, body: {} }),
    );
    expect(cancelled.state).toBe("cancelled");
    const list = await json(await call(`/tenants/${t.tenant.id}/rebuilds`, { cookie }));
    expect(list.items.map((r: { id: string }) => r.id)).toEqual([rb2.id, rb.id]);
  });
});
