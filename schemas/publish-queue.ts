// Messages on the publish queue (workers/queues/publish.ts consumes them).
import { z } from "zod";
import { buildTarget } from "./build-job.ts";

export const publishMessage = z.discriminatedUnion("kind", [
  /** Ask a site's SitePublisher for a build (a mass rebuild's share, or a retried request). */
  z.object({
    kind: z.literal("publish"),
    tenantId: z.string(),
    siteId: z.string(),
    target: buildTarget,
    requestedBy: z.string().nullable(),
    rebuildId: z.string().nullable(),
  }),
  /** Enqueue the next page of a mass rebuild's sites (after `afterId`), then itself again. */
  z.object({
    kind: z.literal("rebuild-fanout"),
    rebuildId: z.string(),
    tenantId: z.string().nullable(),
    afterId: z.string().nullable(),
    requestedBy: z.string().nullable(),
  }),
]);
export type PublishMessage = z.infer<typeof publishMessage>;
