// Webhook endpoints of a tenant's catalogs (Standard Webhooks), managed by tenant admins:
// create (the `whsec_` secret shown once), change, disable/enable, rotate the secret (the old
// one keeps signing beside the new one for an overlap), the delivery log with each attempt,
// manual redelivery and a test event. Deliveries run in workers/queues/events.ts.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { cursorQuery, page, prefixedId } from "#schemas/common";
import {
  createdWebhookEndpoint,
  createWebhookEndpointBody,
  type EventsMessage,
  rotateBody,
  updateWebhookEndpointBody,
  type WebhookEventType,
  webhookDelivery,
  webhookDeliveryDetail,
  webhookEndpoint,
} from "#schemas/learn";
import { expectChanged } from "#workers/db/queries/guards";
import {
  type DeliveryRow,
  type EndpointRow,
  getDelivery,
  getEndpoint,
  insertDeliveries,
  insertEndpoint,
  insertEvent,
  listAttempts,
  listDeliveries,
  listEndpoints,
  reopenDelivery,
  updateEndpoint,
} from "#workers/db/queries/learn";
import { auditStatement } from "#workers/domain/audit";
import { newId } from "#workers/domain/ids";
import { newWebhookSecret } from "#workers/domain/standard-webhooks";
import { webhookUrlProblem } from "#workers/domain/webhook-urls";
import { config } from "#workers/env";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import {
  defineRoute,
  iso,
  isoOrNull,
  jsonBody,
  jsonResponse,
  principalOf,
  tenantOf,
} from "../route.ts";
import { tenantParam } from "./tenants.ts";

export function endpointView(e: EndpointRow, now = Date.now()) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events as WebhookEventType[],
    enabled: e.disabledAt === null,
    disabledAt: isoOrNull(e.disabledAt),
    disabledReason: e.disabledReason,
    secretRotating:
      e.previousSecret !== null &&
      e.previousSecretExpiresAt !== null &&
      e.previousSecretExpiresAt.getTime() > now,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
}

export function deliveryView(
  d: DeliveryRow,
  event: { type: string; siteId: string | null },
): z.infer<typeof webhookDelivery> {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: event.type as WebhookEventType,
    siteId: event.siteId,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: isoOrNull(d.nextAttemptAt),
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    lastLatencyMs: d.lastLatencyMs,
    deliveredAt: isoOrNull(d.deliveredAt),
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  };
}

function checkUrl(env: Env, url: string) {
  const problem = webhookUrlProblem(url, config(env).LOCAL_MODE);
  if (problem) {
    throw new ApiError("VALIDATION_FAILED", `The URL ${problem}`, {
      errors: [{ field: "url", message: problem }],
    });
  }
}

const endpointParam = tenantParam.extend({ endpointId: prefixedId("whe") });
const deliveryParam = endpointParam.extend({ deliveryId: prefixedId("dlv") });
const tags = ["Webhooks"];

const list = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/webhooks",
  permission: "webhooks:manage",
  tags,
  summary: "The tenant's webhook endpoints (never their secrets)",
  request: { params: tenantParam },
  responses: { 200: jsonResponse(z.object({ items: z.array(webhookEndpoint) }), "Endpoints") },
});

const create = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/webhooks",
  permission: "webhooks:manage",
  tags,
  summary: "Add an endpoint; its signing secret (whsec_…) is returned this once",
  description:
    "Outside local mode the URL must be https and must not name a private, loopback or local host.",
  request: { params: tenantParam, body: jsonBody(createWebhookEndpointBody) },
  responses: { 201: jsonResponse(createdWebhookEndpoint, "Created") },
});

const get = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/webhooks/{endpointId}",
  permission: "webhooks:manage",
  tags,
  summary: "One endpoint",
  request: { params: endpointParam },
  responses: { 200: jsonResponse(webhookEndpoint, "The endpoint") },
});

const update = defineRoute({
  method: "patch",
  path: "/tenants/{tenantId}/webhooks/{endpointId}",
  permission: "webhooks:manage",
  tags,
  summary: "Change an endpoint's URL, description or events; disable or enable it",
  request: { params: endpointParam, body: jsonBody(updateWebhookEndpointBody) },
  responses: { 200: jsonResponse(webhookEndpoint, "Updated") },
});

const rotate = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/webhooks/{endpointId}/rotate-secret",
  permission: "webhooks:manage",
  tags,
  summary: "A new secret (returned once); the old one also signs each webhook for the overlap",
  request: { params: endpointParam, body: jsonBody(rotateBody) },
  responses: { 201: jsonResponse(createdWebhookEndpoint, "Rotated") },
});

const deliveries = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/webhooks/{endpointId}/deliveries",
  permission: "webhooks:manage",
  tags,
  summary: "The endpoint's delivery log, newest first",
  request: { params: endpointParam, query: cursorQuery },
  responses: { 200: jsonResponse(page(webhookDelivery), "Deliveries") },
});

const delivery = defineRoute({
  method: "get",
  path: "/tenants/{tenantId}/webhooks/{endpointId}/deliveries/{deliveryId}",
  permission: "webhooks:manage",
  tags,
  summary: "One delivery with every attempt (status, error, latency)",
  request: { params: deliveryParam },
  responses: { 200: jsonResponse(webhookDeliveryDetail, "The delivery") },
});

const redeliver = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/webhooks/{endpointId}/deliveries/{deliveryId}/redeliver",
  permission: "webhooks:manage",
  tags,
  summary: "Send a finished delivery again (same webhook-id, a new attempt)",
  request: { params: deliveryParam },
  responses: { 202: jsonResponse(webhookDelivery, "Queued") },
});

const test = defineRoute({
  method: "post",
  path: "/tenants/{tenantId}/webhooks/{endpointId}/test",
  permission: "webhooks:manage",
  tags,
  summary: "Send a `webhook.test` event to this endpoint",
  request: { params: endpointParam },
  responses: { 202: jsonResponse(webhookDelivery, "Queued") },
});

async function endpointOr404(c: Parameters<typeof tenantOf>[0], endpointId: string) {
  const found = await getEndpoint(c.get("db"), tenantOf(c).tenant.id, endpointId);
  if (!found) throw new ApiError("NOT_FOUND", "No such webhook endpoint");
  return found;
}

export const webhookRoutes = new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => {
    const { tenant } = tenantOf(c);
    const rows = await listEndpoints(c.get("db"), tenant.id);
    const now = Date.now();
    return c.json({ items: rows.map((e) => endpointView(e, now)) }, 200);
  })
  .openapi(create, async (c) => {
    const { tenant } = tenantOf(c);
    const body = c.req.valid("json");
    checkUrl(c.env, body.url);
    const now = new Date();
    const row = {
      id: newId("whe"),
      tenantId: tenant.id,
      url: body.url,
      description: body.description,
      events: [...new Set(body.events)],
      secret: newWebhookSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      disabledAt: null,
      disabledReason: null,
      createdBy: principalOf(c).user.id,
      createdAt: now,
      updatedAt: now,
    };
    const db = c.get("db");
    await db.batch([
      insertEndpoint(db, row),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "webhook.created",
        targetType: "webhook",
        targetId: row.id,
        data: { url: row.url, events: row.events },
      }),
    ]);
    return c.json({ endpoint: endpointView(row), secret: row.secret }, 201);
  })
  .openapi(get, async (c) => {
    const { endpointId } = c.req.valid("param");
    return c.json(endpointView(await endpointOr404(c, endpointId)), 200);
  })
  .openapi(update, async (c) => {
    const { tenant } = tenantOf(c);
    const { endpointId } = c.req.valid("param");
    const body = c.req.valid("json");
    const current = await endpointOr404(c, endpointId);
    if (body.url !== undefined) checkUrl(c.env, body.url);
    const set: Partial<EndpointRow> = {};
    if (body.url !== undefined) set.url = body.url;
    if (body.description !== undefined) set.description = body.description;
    if (body.events !== undefined) set.events = [...new Set(body.events)];
    if (body.enabled === false && current.disabledAt === null) {
      set.disabledAt = new Date();
      set.disabledReason = "Disabled by an admin";
    }
    if (body.enabled === true && current.disabledAt !== null) {
      set.disabledAt = null;
      set.disabledReason = null;
    }
    const db = c.get("db");
    if (Object.keys(set).length > 0) {
      await db.batch([
        updateEndpoint(db, tenant.id, endpointId, set),
        expectChanged(db),
        auditStatement(c, {
          tenantId: tenant.id,
          action: "webhook.updated",
          targetType: "webhook",
          targetId: endpointId,
          data: { ...body },
        }),
      ]);
    }
    return c.json(endpointView(await endpointOr404(c, endpointId)), 200);
  })
  .openapi(rotate, async (c) => {
    const { tenant } = tenantOf(c);
    const { endpointId } = c.req.valid("param");
    const { overlapHours } = c.req.valid("json");
    const current = await endpointOr404(c, endpointId);
    const secret = newWebhookSecret();
    const db = c.get("db");
    await db.batch([
      updateEndpoint(db, tenant.id, endpointId, {
        secret,
        previousSecret: overlapHours > 0 ? current.secret : null,
        previousSecretExpiresAt:
          overlapHours > 0 ? new Date(Date.now() + overlapHours * 3_600_000) : null,
      }),
      expectChanged(db),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "webhook.secret_rotated",
        targetType: "webhook",
        targetId: endpointId,
        data: { overlapHours },
      }),
    ]);
    return c.json({ endpoint: endpointView(await endpointOr404(c, endpointId)), secret }, 201);
  })
  .openapi(deliveries, async (c) => {
    const { tenant } = tenantOf(c);
    const { endpointId } = c.req.valid("param");
    await endpointOr404(c, endpointId);
    const q = c.req.valid("query");
    const result = await listDeliveries(c.get("db"), tenant.id, endpointId, q);
    return c.json(
      {
        items: result.items.map((r) =>
          deliveryView(r.delivery, { type: r.type, siteId: r.siteId }),
        ),
        nextCursor: result.nextCursor,
      },
      200,
    );
  })
  .openapi(delivery, async (c) => {
    const { tenant } = tenantOf(c);
    const { endpointId, deliveryId } = c.req.valid("param");
    const found = await getDelivery(c.get("db"), tenant.id, deliveryId);
    if (!found || found.delivery.endpointId !== endpointId) {
      throw new ApiError("NOT_FOUND", "No such delivery");
    }
    const attempts = await listAttempts(c.get("db"), tenant.id, deliveryId);
    return c.json(
      {
        ...deliveryView(found.delivery, found.event),
        attemptLog: attempts.map((a) => ({
          attempt: a.attempt,
          status: a.status,
          error: a.error,
          latencyMs: a.latencyMs,
          createdAt: iso(a.createdAt),
        })),
      },
      200,
    );
  })
  .openapi(redeliver, async (c) => {
    const { tenant } = tenantOf(c);
    const { endpointId, deliveryId } = c.req.valid("param");
    const db = c.get("db");
    const found = await getDelivery(db, tenant.id, deliveryId);
    if (!found || found.delivery.endpointId !== endpointId) {
      throw new ApiError("NOT_FOUND", "No such delivery");
    }
    if (found.endpoint.disabledAt) {
      throw new ApiError("CONFLICT", "Enable the endpoint before redelivering");
    }
    if (found.delivery.state === "pending" || found.delivery.state === "sending") {
      throw new ApiError("CONFLICT", "This delivery is still in progress");
    }
    await db.batch([
      reopenDelivery(db, tenant.id, deliveryId),
      expectChanged(db),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "webhook.redelivered",
        targetType: "webhook",
        targetId: endpointId,
        data: { deliveryId, eventId: found.event.id },
      }),
    ]);
    await c.env.EVENTS_QUEUE.send({
      kind: "deliver",
      tenantId: tenant.id,
      deliveryId,
      attempt: found.delivery.attempts + 1,
    } satisfies EventsMessage);
    const after = await getDelivery(db, tenant.id, deliveryId);
    if (!after) throw new ApiError("NOT_FOUND", "No such delivery");
    return c.json(deliveryView(after.delivery, after.event), 202);
  })
  .openapi(test, async (c) => {
    const { tenant } = tenantOf(c);
    const { endpointId } = c.req.valid("param");
    const endpoint = await endpointOr404(c, endpointId);
    if (endpoint.disabledAt) throw new ApiError("CONFLICT", "Enable the endpoint first");
    const db = c.get("db");
    const eventId = newId("evt");
    const deliveryId = newId("dlv");
    await db.batch([
      insertEvent(db, {
        id: eventId,
        tenantId: tenant.id,
        siteId: null,
        type: "webhook.test",
        data: { tenant: tenant.slug },
      }),
      insertDeliveries(db, [{ id: deliveryId, tenantId: tenant.id, endpointId, eventId }]),
      auditStatement(c, {
        tenantId: tenant.id,
        action: "webhook.test_sent",
        targetType: "webhook",
        targetId: endpointId,
        data: { eventId },
      }),
    ]);
    await c.env.EVENTS_QUEUE.send({
      kind: "deliver",
      tenantId: tenant.id,
      deliveryId,
      attempt: 1,
    } satisfies EventsMessage);
    const found = await getDelivery(db, tenant.id, deliveryId);
    if (!found) throw new ApiError("NOT_FOUND", "No such delivery");
    return c.json(deliveryView(found.delivery, found.event), 202);
  });
