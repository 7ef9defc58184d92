import { z } from "zod";
import { isoDateTime } from "./common.ts";
import { tenantRole } from "./roles.ts";

export const createApiTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(80),
  role: tenantRole,
  /** Days until the token expires; omit for a token that lives until revoked. */
  expiresInDays: z.number().int().min(1).max(365).optional(),
});
export type CreateApiTokenBody = z.infer<typeof createApiTokenBody>;

export const apiToken = z
  .object({
    id: z.string(),
    name: z.string(),
    role: tenantRole,
    prefix: z.string(),
    userId: z.string(),
    expiresAt: isoDateTime.nullable(),
    lastUsedAt: isoDateTime.nullable(),
    revokedAt: isoDateTime.nullable(),
    createdAt: isoDateTime,
  })
  .meta({ id: "ApiToken" });
export type ApiToken = z.infer<typeof apiToken>;

export const createdApiToken = z.object({
  token: apiToken,
  /** The secret, shown this once. Send it as `Authorization: Bearer <secret>`. */
  secret: z.string(),
});
