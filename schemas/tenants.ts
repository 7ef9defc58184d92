import { z } from "zod";
import { displayName, email, isoDateTime, prefixedId } from "./common.ts";

export const tenantId = prefixedId("ten");

export const slug = z
  .string()
  .trim()
  .min(2)
  .max(63)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, {
    message: "must be lowercase letters, digits and single hyphens",
  });

export const createTenantBody = z.strictObject({
  name: displayName,
  slug: slug.optional(),
  ownerEmail: email,
});
export type CreateTenantBody = z.infer<typeof createTenantBody>;

export const tenant = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    createdAt: isoDateTime,
  })
  .meta({ id: "Tenant" });
export type Tenant = z.infer<typeof tenant>;

export const createdTenant = z.object({
  tenant,
  /** The owner's invitation link (also sent by email); null when the owner already had an account. */
  ownerInvitationUrl: z.string().nullable(),
});

export const updateTenantBody = z.strictObject({ name: displayName });
