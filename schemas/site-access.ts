// Contracts of the site-access routes (workers/api/routes/site-access.ts): custom domains and
// the preview-access handoff. Preview links and domain names are in publish.ts.
import { z } from "zod";
import { prefixedId } from "./common.ts";
import { domainName } from "./publish.ts";

/** Map a hostname to one of the tenant's sites (its live deploy). */
export const createDomainBody = z.strictObject({
  hostname: domainName,
  siteId: prefixedId("site"),
});
export type CreateDomainBody = z.infer<typeof createDomainBody>;

/**
 * Where to land on the preview host after the handoff: a path on that host. Optional (default
 * "/") so a bare link to the preview works.
 */
export const previewAccessQuery = z.strictObject({
  return: z
    .string()
    .max(2048)
    .refine((p) => p.startsWith("/") && !p.startsWith("//") && !/[\\\p{Cc}]/u.test(p), {
      message: 'must be a path on the preview site, starting with one "/"',
    })
    .default("/"),
});

export const previewAccess = z.object({
  /** Open this URL (once, within a minute) to get the preview cookie and land on `return`. */
  url: z.string(),
});
