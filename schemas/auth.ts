import { z } from "zod";
import { displayName, email, isoDateTime, password } from "./common.ts";
import { tenantRole } from "./roles.ts";

export const signInBody = z.strictObject({
  email,
  password: z.string().min(1).max(128),
});
export type SignInBody = z.infer<typeof signInBody>;

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(128),
  newPassword: password,
});
export type ChangePasswordBody = z.infer<typeof changePasswordBody>;

export const membershipSummary = z.object({
  tenantId: z.string(),
  tenantSlug: z.string(),
  tenantName: z.string(),
  role: tenantRole,
});

export const me = z
  .object({
    user: z.object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      isOperator: z.boolean(),
    }),
    /** How this request is authenticated. */
    via: z.enum(["session", "token"]),
    session: z.object({ expiresAt: isoDateTime, createdAt: isoDateTime }).nullable(),
    memberships: z.array(membershipSummary),
  })
  .meta({ id: "Me" });
export type Me = z.infer<typeof me>;

export const updateProfileBody = z.strictObject({ name: displayName });
