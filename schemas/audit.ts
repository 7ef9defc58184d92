import { z } from "zod";
import { cursorQuery, isoDateTime } from "./common.ts";

export const auditEvent = z
  .object({
    id: z.string(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string().nullable(),
    actorUserId: z.string().nullable(),
    actorTokenId: z.string().nullable(),
    actorEmail: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    requestId: z.string().nullable(),
    createdAt: isoDateTime,
  })
  .meta({ id: "AuditEvent" });
export type AuditEvent = z.infer<typeof auditEvent>;

export const auditListQuery = cursorQuery.extend({
  action: z.string().max(80).optional().meta({ description: "Exact action, e.g. member.invited" }),
  actor: z.string().max(254).optional().meta({ description: "Actor user id or email" }),
  targetType: z.string().max(40).optional(),
  since: isoDateTime.optional(),
  until: isoDateTime.optional(),
});
export type AuditListQuery = z.infer<typeof auditListQuery>;
