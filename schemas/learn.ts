// Contracts of the Learn integration (docs/decisions/011-learn-integration.md): the site JSON a
// catalog reads, the signed catalog endpoints' queries, webhook events, and the tenant admin's
// API for signing keys and webhook endpoints. Field names of the site JSON follow OCW's
// course `data.json` (what MIT Learn's OCW ETL reads) wherever OCW has the field.
import { z } from "zod";
import { isoDateTime } from "./common.ts";

// ---- Site JSON ----

export const siteInstructor = z
  .object({
    uid: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    middle_initial: z.string(),
    salutation: z.string(),
    /** The full name as shown ("Prof. Jane Doe"): OCW's `title`. */
    title: z.string(),
  })
  .meta({ id: "SiteInstructor" });

export const siteImageMetadata = z
  .object({
    uid: z.string(),
    title: z.string(),
    description: z.string(),
    file: z.string().meta({ description: "Absolute URL of the image file" }),
    file_type: z.string(),
    image_metadata: z.object({
      "image-alt": z.string(),
      caption: z.string(),
      credit: z.string(),
    }),
  })
  .meta({ id: "SiteImageMetadata" });

export const siteContentEntry = z
  .object({
    uid: z.string(),
    title: z.string(),
    /** The starter collection: page, resource, video_gallery, resource-list, instructor… */
    type: z.string(),
    /** Resources: Document, Video, Image, Other; null for other types. */
    resource_type: z.string().nullable(),
    /** The entry's page on the live site. */
    url: z.string(),
    /** Resources with a file: the file's absolute URL; otherwise null. */
    file_url: z.string().nullable(),
    file_type: z.string().nullable(),
    learning_resource_types: z.array(z.string()),
  })
  .meta({ id: "SiteContentEntry" });

export const siteJson = z
  .object({
    site_id: z.string().meta({ description: "Lectern's id of the site" }),
    site_uid: z.string().meta({ description: "A stable UUID of the site (OCW's site_uid)" }),
    site_short_id: z.string().meta({ description: "The site's slug" }),
    site_url_path: z.string().meta({ example: "courses/physics-101" }),
    tenant: z.string().meta({ description: "The tenant's slug" }),
    starter: z.string(),
    course_title: z.string(),
    course_description: z.string().meta({ description: "Markdown, as authored" }),
    course_description_html: z.string(),
    primary_course_number: z.string(),
    extra_course_numbers: z
      .string()
      .meta({ description: "Comma-separated, as OCW writes it", example: "8.011, 8.012" }),
    term: z.string(),
    year: z.string(),
    level: z.array(z.string()),
    department_numbers: z.array(z.string()),
    topics: z.array(z.array(z.string())),
    learning_resource_types: z.array(z.string()),
    audience: z.array(z.string()),
    instructors: z.array(siteInstructor),
    image_src: z.string().nullable().meta({ description: "Absolute URL of the course image" }),
    course_image_metadata: siteImageMetadata.nullable(),
    hide_download: z.boolean(),
    legacy_uid: z.string(),
    url: z.string().meta({ description: "The live site" }),
    download_url: z
      .string()
      .nullable()
      .meta({ description: "The offline copy (zip); null when hidden" }),
    published_at: isoDateTime.meta({ description: "When the live deploy went live" }),
    updated_at: isoDateTime.meta({ description: "The site's last change" }),
    content_version: z.number().int(),
    live_content_version: z.number().int().nullable(),
    content: z.array(siteContentEntry),
  })
  .meta({ id: "SiteJson" });
export type SiteJson = z.infer<typeof siteJson>;

// ---- Public (signed) endpoints ----

export const signedQuery = {
  kid: z.string().min(1).max(64).meta({ description: "The signing key's id" }),
  exp: z.string().regex(/^\d{1,12}$/, { message: "must be a Unix time in seconds" }),
  sig: z.string().min(1).max(128).meta({ description: "base64url HMAC-SHA256" }),
};

export const catalogQuery = z.strictObject({
  ...signedQuery,
  cursor: z.string().max(200).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional(),
  updated_since: isoDateTime.optional(),
});

export const catalogEntry = z
  .object({
    site_id: z.string(),
    site_uid: z.string(),
    site_short_id: z.string(),
    title: z.string(),
    url: z.string(),
    published_at: isoDateTime,
    updated_at: isoDateTime,
    json_url: z.string().meta({ description: "The site's JSON, signed like this listing" }),
  })
  .meta({ id: "CatalogEntry" });

export const catalogPage = z
  .object({
    tenant: z.string(),
    items: z.array(catalogEntry),
    next_url: z
      .string()
      .nullable()
      .meta({ description: "The next page, signed with the same key and expiry" }),
  })
  .meta({ id: "CatalogPage" });
export type CatalogPage = z.infer<typeof catalogPage>;

// ---- Webhooks ----

export const webhookEventType = z.enum([
  "site.published",
  "site.unpublished",
  "site.updated",
  "webhook.test",
]);
export type WebhookEventType = z.infer<typeof webhookEventType>;
export const siteEventTypes = ["site.published", "site.unpublished", "site.updated"] as const;
export type SiteEventType = (typeof siteEventTypes)[number];

/** The body of every webhook (Standard Webhooks' recommended `type`/`timestamp`/`data`). */
export const webhookPayload = z
  .object({
    type: webhookEventType,
    timestamp: isoDateTime,
    data: z.object({
      event_id: z.string(),
      tenant: z.string(),
      site_id: z.string().nullable(),
      site_uid: z.string().nullable(),
      site_short_id: z.string().nullable(),
      site_url_path: z.string().nullable(),
      url: z.string().nullable().meta({ description: "The live site" }),
      json_url: z
        .string()
        .nullable()
        .meta({ description: "The site's JSON, signed; null when the tenant has no key" }),
      json_url_expires_at: isoDateTime.nullable(),
    }),
  })
  .meta({ id: "WebhookPayload" });
export type WebhookPayload = z.infer<typeof webhookPayload>;

/** Messages on the events queue (workers/queues/events.ts). */
export const eventsMessage = z.discriminatedUnion("kind", [
  /** One event: a delivery row and message per subscribed endpoint. */
  z.object({ kind: z.literal("fanout"), tenantId: z.string(), eventId: z.string() }),
  /** One attempt of one delivery; `attempt` is the number it will be (1-based). */
  z.object({
    kind: z.literal("deliver"),
    tenantId: z.string(),
    deliveryId: z.string(),
    attempt: z.number().int().min(1),
  }),
]);
export type EventsMessage = z.infer<typeof eventsMessage>;

// ---- Admin API ----

export const signingKey = z
  .object({
    id: z.string(),
    name: z.string(),
    rotatedFrom: z.string().nullable(),
    expiresAt: isoDateTime.nullable(),
    revokedAt: isoDateTime.nullable(),
    lastUsedAt: isoDateTime.nullable(),
    state: z.enum(["active", "expiring", "expired", "revoked"]),
    createdAt: isoDateTime,
  })
  .meta({ id: "SigningKey" });
export type SigningKey = z.infer<typeof signingKey>;

export const createSigningKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(80),
});

export const rotateBody = z.strictObject({
  /** Hours the old key (or secret) stays valid next to the new one. */
  overlapHours: z.number().int().min(0).max(720).default(24),
});

export const createdSigningKey = z.object({
  key: signingKey,
  /** Shown this once: the HMAC key for signing catalog URLs. */
  secret: z.string(),
});

export const signedUrlBody = z.strictObject({
  /** A site's JSON; omit for the catalog listing. */
  siteId: z.string().optional(),
  expiresInHours: z.number().int().min(1).max(8760).default(168),
});

export const signedUrl = z
  .object({ url: z.string(), keyId: z.string(), expiresAt: isoDateTime })
  .meta({ id: "SignedUrl" });

export const webhookEndpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    events: z.array(webhookEventType),
    enabled: z.boolean(),
    disabledAt: isoDateTime.nullable(),
    disabledReason: z.string().nullable(),
    secretRotating: z.boolean().meta({ description: "A previous secret still signs too" }),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: "WebhookEndpoint" });
export type WebhookEndpoint = z.infer<typeof webhookEndpoint>;

const subscribable = z
  .array(z.enum(siteEventTypes))
  .min(1, { message: "choose at least one event" })
  .max(siteEventTypes.length);

export const createWebhookEndpointBody = z.strictObject({
  url: z.string().trim().min(1).max(2000),
  description: z.string().trim().max(200).default(""),
  events: subscribable.default([...siteEventTypes]),
});

export const updateWebhookEndpointBody = z.strictObject({
  url: z.string().trim().min(1).max(2000).optional(),
  description: z.string().trim().max(200).optional(),
  events: subscribable.optional(),
  enabled: z.boolean().optional(),
});

export const createdWebhookEndpoint = z.object({
  endpoint: webhookEndpoint,
  /** `whsec_…`, shown this once: verify webhook signatures with it. */
  secret: z.string(),
});

export const webhookAttempt = z
  .object({
    attempt: z.number().int(),
    status: z.number().int().nullable(),
    error: z.string().nullable(),
    latencyMs: z.number().int(),
    createdAt: isoDateTime,
  })
  .meta({ id: "WebhookAttempt" });

export const webhookDelivery = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: webhookEventType,
    siteId: z.string().nullable(),
    state: z.enum(["pending", "sending", "succeeded", "failed"]),
    attempts: z.number().int(),
    nextAttemptAt: isoDateTime.nullable(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastLatencyMs: z.number().int().nullable(),
    deliveredAt: isoDateTime.nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: "WebhookDelivery" });
export type WebhookDelivery = z.infer<typeof webhookDelivery>;

export const webhookDeliveryDetail = webhookDelivery
  .extend({ attemptLog: z.array(webhookAttempt) })
  .meta({ id: "WebhookDeliveryDetail" });
