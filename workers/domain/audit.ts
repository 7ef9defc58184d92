// Every mutation writes one audit event, in the same D1 batch as the change itself.
import type { AppContext } from "#workers/api/context";
import { insertAuditEvent } from "#workers/db/queries/audit";
import { newId } from "./ids.ts";

export type AuditInput = {
  tenantId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  data?: Record<string, unknown>;
};

export function auditStatement(c: AppContext, event: AuditInput) {
  const principal = c.get("principal");
  return insertAuditEvent(c.get("db"), {
    id: newId("aud"),
    tenantId: event.tenantId,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId ?? null,
    data: event.data ?? null,
    actorUserId: principal?.user.id ?? null,
    actorTokenId: principal?.token?.id ?? null,
    actorEmail: principal?.user.email ?? null,
    requestId: c.get("requestId"),
    ipAddress: c.req.header("cf-connecting-ip") ?? null,
  });
}
