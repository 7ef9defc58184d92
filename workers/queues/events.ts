// The events queue's consumer: webhooks to the tenants' catalog endpoints (Standard Webhooks).
//   fanout  → one delivery row per enabled, subscribed endpoint and one `deliver` message each
//   deliver → one attempt: claim it in D1, POST the signed event (15 s timeout, redirects not
//             followed), record the attempt; on failure enqueue the next attempt with a delay
//             (workers/domain/webhook-retry.ts), after the last one the delivery is `failed`;
//             410 Gone disables the endpoint.
// At-least-once: every message is idempotent (delivery rows are unique per event and endpoint;
// an attempt is claimed by number, so a duplicated message claims nothing). The attempt count
// lives in D1, not in the queue's retries, which only cover the consumer itself failing.
import { type EventsMessage, eventsMessage, type WebhookPayload } from "#schemas/learn";
import { createDb, type Db } from "#workers/db/client";
import {
  claimAttempt,
  currentSigningKey,
  getDelivery,
  getEvent,
  insertAttempt,
  insertDeliveries,
  markFannedOut,
  overdueDeliveries,
  subscribedEndpoints,
  unannouncedEvents,
  unstartedDeliveries,
  updateDelivery,
  updateEndpoint,
} from "#workers/db/queries/learn";
import { newId } from "#workers/domain/ids";
import { webhookHeaders } from "#workers/domain/standard-webhooks";
import { retryDelaySeconds } from "#workers/domain/webhook-retry";
import { config } from "#workers/env";
import { signedPublicUrl, siteJsonPath } from "#workers/public/urls";
import { consumeEach } from "./consume.ts";

export const DELIVERY_TIMEOUT_MS = 15_000;
/** How long the signed JSON URL in a webhook stays valid. */
export const JSON_URL_TTL_MS = 7 * 86_400_000;
const MAX_ERROR_CHARS = 300;
/** Longer than an attempt can take (the 15 s timeout and the writes around it). */
const STALE_CLAIM_MS = 30_000;

export async function handleEventsBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  await consumeEach(
    batch,
    eventsMessage,
    { name: "events-queue", maxDelaySeconds: 300, describe: (msg) => msg.kind },
    (msg) => handle(msg, env),
  );
}

async function handle(msg: EventsMessage, env: Env) {
  const db = createDb(env.DB);
  if (msg.kind === "fanout") return fanOut(env, db, msg.tenantId, msg.eventId);
  return deliver(env, db, msg.tenantId, msg.deliveryId, msg.attempt);
}

async function fanOut(env: Env, db: Db, tenantId: string, eventId: string) {
  const event = await getEvent(db, tenantId, eventId);
  if (!event) return;
  const endpoints = await subscribedEndpoints(db, tenantId, event.type);
  if (endpoints.length > 0) {
    // D1 binds at most 100 parameters a statement: a few rows per insert.
    for (let i = 0; i < endpoints.length; i += 10) {
      await insertDeliveries(
        db,
        endpoints.slice(i, i + 10).map((endpointId) => ({
          id: newId("dlv"),
          tenantId,
          endpointId,
          eventId,
        })),
      );
    }
  }
  await enqueueFirstAttempts(env, db, tenantId, eventId);
  await markFannedOut(db, tenantId, eventId, new Date()).run();
}

/** How late a fan-out or an attempt may be before the sweep sends its message again. */
export const SWEEP_GRACE_MS = 5 * 60_000;
/** Events older than this are not fanned out any more (their news is stale). */
export const SWEEP_MAX_EVENT_AGE_MS = 3 * 24 * 3600_000;
const SWEEP_BATCH = 100;

/**
 * The safety net under at-least-once (run by the Worker's cron trigger): a queue send that
 * failed after its D1 batch committed leaves an event never fanned out, or a delivery whose
 * next attempt never comes. Both are sent again; the attempt claims make a duplicate harmless.
 */
export async function sweepEvents(env: Env, db: Db, now = Date.now()) {
  const overdue = new Date(now - SWEEP_GRACE_MS);
  const events = await unannouncedEvents(
    db,
    new Date(now - SWEEP_MAX_EVENT_AGE_MS),
    overdue,
    SWEEP_BATCH,
  );
  const deliveries = await overdueDeliveries(db, overdue, SWEEP_BATCH);
  const messages: { body: EventsMessage }[] = [
    ...events.map((e) => ({
      body: { kind: "fanout", tenantId: e.tenantId, eventId: e.id } satisfies EventsMessage,
    })),
    ...deliveries.map((d) => ({
      body: {
        kind: "deliver",
        tenantId: d.tenantId,
        deliveryId: d.id,
        // A pending delivery waits for its next attempt; a dead claim is re-sent as itself.
        attempt: d.state === "pending" ? d.attempts + 1 : d.attempts,
      } satisfies EventsMessage,
    })),
  ];
  for (let i = 0; i < messages.length; i += 100) {
    await env.EVENTS_QUEUE.sendBatch(messages.slice(i, i + 100));
  }
  return { events: events.length, deliveries: deliveries.length };
}

/** Queues attempt 1 of every delivery of the event not yet attempted (again, if need be). */
export async function enqueueFirstAttempts(env: Env, db: Db, tenantId: string, eventId: string) {
  const pending = await unstartedDeliveries(db, tenantId, eventId);
  for (let i = 0; i < pending.length; i += 100) {
    await env.EVENTS_QUEUE.sendBatch(
      pending.slice(i, i + 100).map((d) => ({
        body: { kind: "deliver", tenantId, deliveryId: d.id, attempt: 1 } satisfies EventsMessage,
      })),
    );
  }
}

/** The body of an event as its endpoints get it: the JSON URL is signed fresh for each attempt. */
export async function payloadOf(
  env: Env,
  db: Db,
  event: NonNullable<Awaited<ReturnType<typeof getEvent>>>,
  now: number,
): Promise<WebhookPayload> {
  const d = event.data as Record<string, string | null | undefined>;
  const key = await currentSigningKey(db, event.tenantId, new Date(now));
  const tenant = d.tenant ?? "";
  const expiresAt = now + JSON_URL_TTL_MS;
  const jsonUrl =
    key && d.site_short_id
      ? await signedPublicUrl(env, siteJsonPath(tenant, d.site_short_id), key, expiresAt)
      : null;
  return {
    type: event.type as WebhookPayload["type"],
    timestamp: event.createdAt.toISOString(),
    data: {
      event_id: event.id,
      tenant,
      site_id: d.site_id ?? null,
      site_uid: d.site_uid ?? null,
      site_short_id: d.site_short_id ?? null,
      site_url_path: d.site_url_path ?? null,
      url: d.url ?? null,
      json_url: jsonUrl,
      json_url_expires_at: jsonUrl
        ? new Date(Math.floor(expiresAt / 1000) * 1000).toISOString()
        : null,
    },
  };
}

type Outcome = { status: number | null; error: string | null; latencyMs: number };

async function post(url: string, headers: Record<string, string>, body: string): Promise<Outcome> {
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        "user-agent": "Lectern-Webhooks/1",
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    // Only the status matters; the body is read (bounded by the timeout) and dropped.
    await res.body?.cancel();
    const redirect = res.status >= 300 && res.status < 400;
    return {
      status: res.status,
      error: redirect ? "Redirects are not followed" : null,
      latencyMs: Date.now() - started,
    };
  } catch (err) {
    const timeout =
      err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return {
      status: null,
      error: timeout
        ? `No answer within ${DELIVERY_TIMEOUT_MS / 1000} s`
        : `Connection failed: ${err instanceof Error ? err.message : String(err)}`.slice(
            0,
            MAX_ERROR_CHARS,
          ),
      latencyMs: Date.now() - started,
    };
  }
}

async function deliver(env: Env, db: Db, tenantId: string, deliveryId: string, attempt: number) {
  const now = Date.now();
  const claim = await claimAttempt(
    db,
    tenantId,
    deliveryId,
    attempt,
    new Date(now),
    new Date(now - STALE_CLAIM_MS),
  );
  const found = await getDelivery(db, tenantId, deliveryId);
  if (!found) return;
  if ((claim.meta?.changes ?? 0) === 0) {
    const d = found.delivery;
    // This very attempt is claimed and not finished: in flight elsewhere, or its consumer
    // died. The queue tries the message again later; once the claim is stale it is re-sent.
    if (d.state === "sending" && d.attempts === attempt) {
      throw new Error(`attempt ${attempt} of ${deliveryId} is still claimed`);
    }
    return; // a duplicate, or superseded
  }
  const { endpoint, event } = found;
  if (endpoint.disabledAt) {
    await db.batch([
      updateDelivery(db, tenantId, deliveryId, {
        state: "failed",
        lastError: "The endpoint is disabled",
      }),
    ]);
    return;
  }
  const secrets = [endpoint.secret];
  if (
    endpoint.previousSecret &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt.getTime() > now
  ) {
    secrets.push(endpoint.previousSecret);
  }
  const body = JSON.stringify(await payloadOf(env, db, event, now));
  const headers = await webhookHeaders(secrets, event.id, body, now);
  const out = await post(endpoint.url, headers, body);
  const ok = out.status !== null && out.status >= 200 && out.status < 300;
  const gone = out.status === 410;
  const delay =
    ok || gone ? null : retryDelaySeconds(attempt, config(env).WEBHOOK_RETRY_BASE_SECONDS);
  const finished = new Date();
  const attemptRow = insertAttempt(db, {
    id: newId("att"),
    tenantId,
    deliveryId,
    attempt,
    status: out.status,
    error: gone ? "410 Gone: the endpoint was disabled" : out.error,
    latencyMs: out.latencyMs,
  });
  const common = { lastStatus: out.status, lastLatencyMs: out.latencyMs };
  if (ok) {
    await db.batch([
      attemptRow,
      updateDelivery(db, tenantId, deliveryId, {
        ...common,
        state: "succeeded",
        lastError: null,
        deliveredAt: finished,
      }),
    ]);
    return;
  }
  const error = out.error ?? `HTTP ${out.status}`;
  if (gone || delay === null) {
    await db.batch([
      attemptRow,
      updateDelivery(db, tenantId, deliveryId, {
        ...common,
        state: "failed",
        lastError: gone
          ? "410 Gone: the endpoint was disabled"
          : `${error} (gave up after ${attempt} attempts)`,
      }),
      ...(gone
        ? [
            updateEndpoint(db, tenantId, endpoint.id, {
              disabledAt: finished,
              disabledReason: "The endpoint answered 410 Gone",
            }),
          ]
        : []),
    ]);
    return;
  }
  await db.batch([
    attemptRow,
    updateDelivery(db, tenantId, deliveryId, {
      ...common,
      state: "pending",
      lastError: error,
      nextAttemptAt: new Date(finished.getTime() + delay * 1000),
    }),
  ]);
  await env.EVENTS_QUEUE.send(
    { kind: "deliver", tenantId, deliveryId, attempt: attempt + 1 } satisfies EventsMessage,
    delay > 0 ? { delaySeconds: delay } : undefined,
  );
}
