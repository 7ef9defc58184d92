// A build job, as the site's SitePublisher Durable Object sends it to the builder (POST /jobs,
// signed with workers/domain/job-signing.ts), and the status the builder reports back to the
// job's callback URL (signed the same way).
//
// Decisions:
// - The job carries everything the builder needs and nothing it could look up wrongly: the
//   export to build (a URL and a short-lived token for it), where the site will be served
//   (`baseUrl`, which Hugo needs), the deploy id the upload is recorded under and where to
//   report. The builder never reads D1.
// - `jobId` is chosen by the Durable Object and is the idempotency key: the same job sent twice
//   (a retry after a lost response) runs once. It appears in a URL path (GET /jobs/{id}), so it
//   is limited to URL-safe characters.
// - Terminal states ("succeeded", "failed") are sent exactly once per job, by the builder's job
//   queue, never by the build itself; "accepted" is what a queued job reads as.
import { z } from "zod";
import { isoDateTime, prefixedId } from "./common.ts";
import { deployId } from "./deploy.ts";

export const buildJobId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, { message: "must be letters, digits, _ or -" });
export type BuildJobId = z.infer<typeof buildJobId>;

const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2048);

export const buildTarget = z.enum(["preview", "live"]);
export type BuildTarget = z.infer<typeof buildTarget>;

export const buildJob = z.strictObject({
  jobId: buildJobId,
  kind: z.literal("site-build"),
  tenantId: prefixedId("ten"),
  siteId: prefixedId("site"),
  target: buildTarget,
  /** The content version being built; the deploy records it. */
  contentVersion: z.number().int().min(0),
  deployId,
  /** The site's Hugo content tree (tar.gz), fetched with `exportToken` as a bearer token. */
  exportUrl: httpUrl,
  exportToken: z.string().min(1).max(4096),
  /** Where the built site will be served; Hugo's baseURL. */
  baseUrl: httpUrl,
  /** Where status reports go (POST, signed). */
  callbackUrl: httpUrl,
  /**
   * Where the builder asks for its upload to go live (POST, signed, body `activateBody` of
   * schemas/publish.ts) before purging the cache; answered 409 when the job was superseded.
   */
  activateUrl: httpUrl,
  /** Cache tags to purge after activation (Cloudflare purge API, by tag). */
  purgeTags: z.array(z.string().min(1).max(1024)).max(30),
  /**
   * Also build the offline copy (relative URLs, a zip) after the online publish, upload it to
   * R2 SITES under `offline/<siteId>/<deployId>.zip` and POST `offlineBody` here (signed).
   * Never delays the online publish or its "succeeded" report.
   */
  offlineUrl: httpUrl.optional(),
  /** After this the Durable Object has given up on the job: do not start it. */
  deadline: isoDateTime,
  /**
   * Fail before activation when the built site has broken internal links (a live publish
   * nobody confirmed): the previous deploy stays, and the failure carries the report.
   */
  refuseBrokenLinks: z.boolean().optional(),
  /**
   * The deploys the site serves now (preview, live). Every blob their manifests name exists in
   * R2 (blobs are never deleted), so the builder uploads without asking about those.
   */
  knownDeployIds: z.array(deployId).max(4).optional(),
});
export type BuildJob = z.infer<typeof buildJob>;

/** Items the report lists of each kind; the counts say how many there were in all. */
export const BUILD_REPORT_ITEMS = 100;

const reportText = z.string().max(500);

/**
 * What a build found wrong with the content, per page: broken internal links and missing
 * resources (the theme's warnings), and content accessibility issues in the built pages.
 */
export const buildReport = z.strictObject({
  brokenLinks: z
    .array(
      z.strictObject({
        /** The content file (or page path) holding the link. */
        page: reportText,
        /** The uid or path it points at. */
        target: reportText,
        /** What kind of reference: resource_link, resource, link, course_image, … */
        kind: z.string().max(50),
      }),
    )
    .max(BUILD_REPORT_ITEMS),
  brokenLinkCount: z.number().int().min(0),
  contentIssues: z
    .array(
      z.strictObject({
        /** The built page's path. */
        page: reportText,
        kind: z.enum(["image-alt", "video-captions", "heading-order"]),
        detail: reportText,
      }),
    )
    .max(BUILD_REPORT_ITEMS),
  contentIssueCount: z.number().int().min(0),
});
export type BuildReport = z.infer<typeof buildReport>;

export const buildJobState = z.enum(["accepted", "building", "uploading", "succeeded", "failed"]);
export type BuildJobState = z.infer<typeof buildJobState>;

/** The callback body, and what GET /jobs/{id} answers. */
export const buildJobStatus = z.strictObject({
  jobId: buildJobId,
  state: buildJobState,
  /** Fraction done, 0 to 1, when the builder can tell. */
  progress: z.number().min(0).max(1).optional(),
  /** One line for people ("building online version", the reason of a failure). */
  message: z.string().max(2000).optional(),
  /** The tail of the build's log (Hugo's output), bounded. */
  log: z.string().max(65_536).optional(),
  /** With "failed" when the content was the problem (broken links on a live publish). */
  report: buildReport.optional(),
});
export type BuildJobStatus = z.infer<typeof buildJobStatus>;
