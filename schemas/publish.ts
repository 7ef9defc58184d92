// Publishing contracts: the API's publish, deploy, rollback, schedule, rebuild, domain and
// preview-link bodies and answers, and what the SitePublisher pushes to the publish panel.
// See docs/decisions/009-publishing.md.
import { z } from "zod";
import { buildReport, buildTarget } from "./build-job.ts";
import { cursorQuery, isoDateTime, prefixedId } from "./common.ts";
import { deployId } from "./deploy.ts";
import { mediaWarnings } from "./media.ts";

export { buildTarget as publishTarget };

export const deployState = z.enum([
  "queued",
  "building",
  "uploading",
  "activating",
  "succeeded",
  "failed",
  "cancelled",
]);
export type DeployState = z.infer<typeof deployState>;

/** States a deploy leaves on its own (the SitePublisher's deadlines guarantee it). */
export const activeDeployStates: readonly DeployState[] = [
  "queued",
  "building",
  "uploading",
  "activating",
];

export const person = z.object({ id: z.string(), name: z.string(), email: z.string() });

export const deploy = z
  .object({
    id: deployId,
    target: buildTarget,
    state: deployState,
    contentVersion: z.number().int().nullable(),
    requestedBy: person.nullable(),
    /** How many publish requests this build answers (requests during a build coalesce). */
    requests: z.number().int(),
    rebuildId: z.string().nullable(),
    /** Builder attempts so far (retries after transient faults). */
    attempt: z.number().int(),
    /** 0–1 within the current state, when known. */
    progress: z.number().min(0).max(1).nullable(),
    /** What is happening, or why it failed. */
    message: z.string().nullable(),
    files: z.number().int().nullable(),
    blobsUploaded: z.number().int().nullable(),
    bytesUploaded: z.number().int().nullable(),
    /** Download link of the offline copy (zip), once built. */
    offlineUrl: z.string().nullable(),
    offlineBytes: z.number().int().nullable(),
    /** Whether this deploy is what the target serves right now. */
    current: z.boolean(),
    createdAt: isoDateTime,
    startedAt: isoDateTime.nullable(),
    activatedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime.nullable(),
    /** Request to finish, in ms. */
    durationMs: z.number().int().nullable(),
    /** Milliseconds per phase (queue, build, upload, activate, purge), when known. */
    timings: z.record(z.string(), z.number()).nullable(),
    /** Broken internal links and content issues the build found (details on the deploy). */
    brokenLinkCount: z.number().int().nullable(),
    contentIssueCount: z.number().int().nullable(),
  })
  .meta({ id: "Deploy" });
export type Deploy = z.infer<typeof deploy>;

export const deployDetail = deploy
  .extend({
    log: z.string().nullable().meta({ description: "Tail of the build log" }),
    report: buildReport.nullable().meta({ description: "What the build found wrong, per page" }),
  })
  .meta({ id: "DeployDetail" });
export type DeployDetail = z.infer<typeof deployDetail>;

export const targetStatus = z.object({
  /** The deploy served, or null when the target is not published. */
  deployId: deployId.nullable(),
  contentVersion: z.number().int().nullable(),
  /** Where the target is served. */
  url: z.string(),
  /** Content changed since the served deploy was built. */
  changes: z.boolean(),
});

export const publishStatus = z
  .object({
    siteId: z.string(),
    contentVersion: z.number().int(),
    preview: targetStatus,
    live: targetStatus,
    /** The build running now, if any. */
    current: deploy.nullable(),
    /** Follow-up builds waiting for the current one (at most one per target). */
    queued: z.array(deploy),
    /** Pending scheduled actions, soonest first. */
    schedules: z.array(z.lazy(() => schedule)),
  })
  .meta({ id: "PublishStatus" });
export type PublishStatus = z.infer<typeof publishStatus>;

export const publishAccepted = z.object({
  deploy,
  /** True when the request joined a build already waiting to run. */
  coalesced: z.boolean(),
  /** Media to look at (videos without captions, images without alt, jobs running); never a refusal. */
  mediaWarnings,
});

export const deployListQuery = cursorQuery.extend({
  target: buildTarget.optional(),
  state: deployState.optional(),
});

export const rollbackBody = z.strictObject({
  target: buildTarget,
  deployId,
});

export const scheduleAction = z.enum(["publish", "unpublish"]);
export const schedule = z
  .object({
    id: z.string(),
    action: scheduleAction,
    runAt: isoDateTime,
    state: z.enum(["pending", "done", "failed", "cancelled"]),
    createdBy: person.nullable(),
    deployId: z.string().nullable(),
    message: z.string().nullable(),
    createdAt: isoDateTime,
  })
  .meta({ id: "PublishSchedule" });
export type Schedule = z.infer<typeof schedule>;

export const createScheduleBody = z.strictObject({
  action: scheduleAction,
  /** When to run it; must be in the future (and within a year). */
  runAt: z.iso.datetime({ offset: true }),
});

export const scheduleParam = z.object({ scheduleId: prefixedId("psch") });

export const previewLinkBody = z.strictObject({
  /** Lifetime of the link in hours (default 72, at most 30 days). */
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
});
export const previewLink = z.object({ url: z.string(), expiresAt: isoDateTime });

export const rebuild = z
  .object({
    id: z.string(),
    tenantId: z.string().nullable(),
    state: z.enum(["running", "cancelled", "finished"]),
    total: z.number().int(),
    done: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    remaining: z.number().int(),
    createdBy: person.nullable(),
    createdAt: isoDateTime,
    finishedAt: isoDateTime.nullable(),
  })
  .meta({ id: "Rebuild" });
export type Rebuild = z.infer<typeof rebuild>;

export const rebuildParam = z.object({ rebuildId: prefixedId("rbd") });

/** A hostname a tenant maps to a site (its live deploy). */
export const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    message: "must be a hostname like courses.example.edu",
  });
export const addDomainBody = z.strictObject({ hostname: domainName });
export const siteDomain = z
  .object({
    hostname: z.string(),
    siteId: z.string(),
    /** Who mapped it (null once their account is gone). */
    createdBy: person.nullable(),
    createdAt: isoDateTime,
  })
  .meta({ id: "SiteDomain" });

/** What the publish panel's WebSocket receives. */
export const publishEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("status"), status: publishStatus }),
]);
export type PublishEvent = z.infer<typeof publishEvent>;

// ---- Builder → Worker (signed with the job secret, /internal/v1) ----

/** A live publish: confirm it to publish even when the build finds broken internal links. */
export const publishLiveBody = z.strictObject({ confirmBrokenLinks: z.boolean().optional() });

/** The builder asks to make its upload current: one D1 write switches the target's pointer. */
export const activateBody = z.strictObject({
  jobId: z.string().min(1).max(100),
  files: z.number().int().min(0),
  blobsUploaded: z.number().int().min(0),
  bytesUploaded: z.number().int().min(0),
  /** Milliseconds per builder phase so far (fetch, build, upload). */
  timings: z.record(z.string(), z.number().min(0)).optional(),
  /** What the build found wrong with the content (never a reason not to activate here). */
  report: buildReport.optional(),
});

/** The offline copy of a deploy is stored (R2 SITES key) and can be offered for download. */
export const offlineBody = z.strictObject({
  jobId: z.string().min(1).max(100),
  key: z.string().regex(/^offline\/site_[0-9A-Z]{26}\/dep_[0-9A-Z]{26}\.zip$/),
  bytes: z.number().int().min(0),
});
