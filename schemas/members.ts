import { z } from "zod";
import { displayName, email, isoDateTime, password } from "./common.ts";
import { tenantRole } from "./roles.ts";

export const member = z
  .object({
    id: z.string(),
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    role: tenantRole,
    disabled: z.boolean(),
    createdAt: isoDateTime,
  })
  .meta({ id: "Member" });
export type Member = z.infer<typeof member>;

export const updateMemberBody = z.strictObject({ role: tenantRole });

export const createInvitationBody = z.strictObject({ email, role: tenantRole });
export type CreateInvitationBody = z.infer<typeof createInvitationBody>;

export const invitation = z
  .object({
    id: z.string(),
    email: z.string(),
    role: tenantRole,
    status: z.enum(["pending", "accepted", "revoked", "expired"]),
    expiresAt: isoDateTime,
    createdAt: isoDateTime,
  })
  .meta({ id: "Invitation" });
export type Invitation = z.infer<typeof invitation>;

export const createdInvitation = z.object({
  invitation,
  /** The link to accept; shown once to the inviter (and sent by email). */
  url: z.string(),
});

/** What someone holding an invitation link may see before accepting it. */
export const invitationPreview = z.object({
  tenantName: z.string(),
  email: z.string(),
  role: tenantRole,
  expiresAt: isoDateTime,
  /** True when an account with this email exists: accept by signing in instead of setting a password. */
  accountExists: z.boolean(),
});

export const acceptInvitationBody = z.strictObject({
  token: z.string().min(20).max(200),
  /** Required when no account exists for the invited email. */
  name: displayName.optional(),
  password: password.optional(),
});
export type AcceptInvitationBody = z.infer<typeof acceptInvitationBody>;

export const invitationTokenQuery = z.strictObject({ token: z.string().min(20).max(200) });

export const acceptedInvitation = z.object({ tenantId: z.string(), tenantSlug: z.string(), email });
