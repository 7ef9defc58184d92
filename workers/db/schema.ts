// D1 schema. Tables snake_case plural, drizzle properties camelCase.
// `migrations/` is generated from this file by `npm run db:generate`; never edit migrations by hand.
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import type { BuildReport } from "#schemas/build-job";

const timestamps = {
  createdAt: integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
};

// ---- Accounts (better-auth core models, mapped to our names; see ADR 0004) ----

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
  image: text("image"),
  /** Platform operator: may create tenants; no access inside a tenant without a membership. */
  isOperator: integer("is_operator", { mode: "boolean" }).notNull().default(false),
  /** A disabled user cannot sign in and all their sessions and tokens stop working. */
  disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
  ...timestamps,
});

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    token: text("token").notNull().unique(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    ...timestamps,
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: integer("access_token_expires_at", { mode: "timestamp_ms" }),
    refreshTokenExpiresAt: integer("refresh_token_expires_at", { mode: "timestamp_ms" }),
    scope: text("scope"),
    password: text("password"),
    ...timestamps,
  },
  (t) => [index("accounts_user_id_idx").on(t.userId)],
);

export const verifications = sqliteTable(
  "verifications",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    ...timestamps,
  },
  (t) => [index("verifications_identifier_idx").on(t.identifier)],
);

// ---- Tenancy ----

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  /** Media limits (bytes); null = the platform default (workers/domain/media-limits.ts). */
  mediaMaxFileBytes: integer("media_max_file_bytes"),
  mediaQuotaBytes: integer("media_quota_bytes"),
  ...timestamps,
});

export const memberships = sqliteTable(
  "memberships",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "admin", "author", "member"] }).notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("memberships_tenant_user_uq").on(t.tenantId, t.userId),
    index("memberships_user_id_idx").on(t.userId),
  ],
);

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role", { enum: ["owner", "admin", "author", "member"] }).notNull(),
    /** SHA-256 of the secret in the invitation link; the secret itself is never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    acceptedAt: integer("accepted_at", { mode: "timestamp_ms" }),
    acceptedBy: text("accepted_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    ...timestamps,
  },
  (t) => [index("invitations_tenant_id_idx").on(t.tenantId, t.email)],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    role: text("role", { enum: ["owner", "admin", "author", "member"] }).notNull(),
    /** First characters of the token, shown in lists so users can tell tokens apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole token; the token itself is shown once and never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    ...timestamps,
  },
  (t) => [index("api_tokens_tenant_id_idx").on(t.tenantId, t.userId)],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    /** Null for platform-level events (tenant creation by the operator). */
    tenantId: text("tenant_id"),
    actorUserId: text("actor_user_id"),
    actorTokenId: text("actor_token_id"),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
    requestId: text("request_id"),
    ipAddress: text("ip_address"),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    index("audit_events_tenant_idx").on(t.tenantId, t.id),
    index("audit_events_tenant_action_idx").on(t.tenantId, t.action),
  ],
);

/**
 * Never holds a row. `expectChanged()` inserts NULL into it when the statement before changed
 * nothing, which fails the NOT NULL constraint and so rolls back the whole D1 batch: a
 * conditional write and everything batched with it happen together or not at all.
 */
export const batchGuards = sqliteTable("batch_guards", {
  mustHaveChanged: integer("must_have_changed").notNull(),
});

/** Fixed-window counters for sign-in attempts, keyed per account and per IP. */
export const rateLimits = sqliteTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStart: integer("window_start").notNull(),
  count: integer("count").notNull(),
});

// ---- Starters, sites and content (issue: Starters, sites and structured content) ----

export const starters = sqliteTable(
  "starters",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    /** Built-in starters (course, website) ship with Lectern and cannot be edited. */
    builtIn: integer("built_in", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: ["active", "inactive"] })
      .notNull()
      .default("active"),
    currentVersion: integer("current_version").notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("starters_tenant_slug_uq").on(t.tenantId, t.slug)],
);

export const starterVersions = sqliteTable(
  "starter_versions",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    starterId: text("starter_id")
      .notNull()
      .references(() => starters.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** The YAML as uploaded, and its parsed, validated form. */
    source: text("source").notNull(),
    config: text("config", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamps.createdAt,
  },
  (t) => [uniqueIndex("starter_versions_starter_version_uq").on(t.starterId, t.version)],
);

export const sites = sqliteTable(
  "sites",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    starterId: text("starter_id")
      .notNull()
      .references(() => starters.id),
    starterVersionId: text("starter_version_id")
      .notNull()
      .references(() => starterVersions.id),
    ownerUserId: text("owner_user_id").references(() => users.id, { onDelete: "set null" }),
    /** Bumped by every content change; publishing records which version went out. */
    contentVersion: integer("content_version").notNull().default(0),
    previewPublishedVersion: integer("preview_published_version"),
    livePublishedVersion: integer("live_published_version"),
    /**
     * The deploy each target serves (publishing/rollback switch it in one write; null = not
     * published there). Delivery reads these, cached, never per request.
     */
    previewDeployId: text("preview_deploy_id"),
    liveDeployId: text("live_deploy_id"),
    archivedAt: integer("archived_at", { mode: "timestamp_ms" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("sites_tenant_slug_uq").on(t.tenantId, t.slug),
    index("sites_tenant_updated_idx").on(t.tenantId, t.updatedAt),
  ],
);

export const siteCollaborators = sqliteTable(
  "site_collaborators",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["admin", "editor", "viewer"] }).notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("site_collaborators_site_user_uq").on(t.siteId, t.userId),
    index("site_collaborators_tenant_user_idx").on(t.tenantId, t.userId),
  ],
);

/**
 * A site's content: one row per folder item (page, resource…) and per singleton file
 * (course metadata, menus). Deletes are soft (`deleted_at`); `version` is the item's ETag.
 */
export const contentItems = sqliteTable(
  "content_items",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    /** Stable UUID, kept from OCW on import; unique per site. */
    uid: text("uid").notNull(),
    collection: text("collection").notNull(),
    filename: text("filename").notNull(),
    title: text("title").notNull().default(""),
    /** Denormalised from `data.resourcetype` for filtering. */
    resourcetype: text("resourcetype"),
    body: text("body").notNull().default(""),
    data: text("data", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    /** Imported front-matter keys the starter does not declare, kept verbatim. */
    extra: text("extra", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    fileMissing: integer("file_missing", { mode: "boolean" }).notNull().default(false),
    version: integer("version").notNull().default(1),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
    deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("content_items_site_uid_uq").on(t.siteId, t.uid),
    // Unique among live items only: a deleted item's name may be reused (restore then checks).
    uniqueIndex("content_items_site_file_uq")
      .on(t.siteId, t.collection, t.filename)
      .where(sql`deleted_at IS NULL`),
    index("content_items_site_collection_title_idx").on(t.siteId, t.collection, t.title),
    index("content_items_site_updated_idx").on(t.siteId, t.updatedAt),
  ],
);

/** Every save of a content item, in order: the item as it was after that save. */
export const contentRevisions = sqliteTable(
  "content_revisions",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    itemId: text("item_id")
      .notNull()
      .references(() => contentItems.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    action: text("action", {
      enum: ["created", "updated", "deleted", "restored", "reverted", "imported"],
    }).notNull(),
    revertedFrom: integer("reverted_from"),
    filename: text("filename").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    data: text("data", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    deleted: integer("deleted", { mode: "boolean" }).notNull().default(false),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamps.createdAt,
  },
  (t) => [uniqueIndex("content_revisions_item_version_uq").on(t.itemId, t.version)],
);

// ---- Publishing (issue 4; docs/decisions/009-publishing.md) ----

export const deployStates = [
  "queued",
  "building",
  "uploading",
  "activating",
  "succeeded",
  "failed",
  "cancelled",
] as const;

/**
 * One build of a site for a target, from request to result. A succeeded row has a manifest in
 * R2 SITES (`deploys/<id>.json`) and can be made current (publish, rollback) by pointing the
 * site's target at it. Requests that arrive while a build of the same target is queued join it.
 */
export const deploys = sqliteTable(
  "deploys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    target: text("target", { enum: ["preview", "live"] }).notNull(),
    state: text("state", { enum: deployStates }).notNull().default("queued"),
    /** The content version exported for the build (set when the build starts). */
    contentVersion: integer("content_version"),
    requestedBy: text("requested_by").references(() => users.id, { onDelete: "set null" }),
    /** How many requests this build answers (coalescing). */
    requests: integer("requests").notNull().default(1),
    rebuildId: text("rebuild_id"),
    attempt: integer("attempt").notNull().default(0),
    /** Progress of the current state, 0–1. */
    progress: integer("progress_permille"),
    message: text("message"),
    /** Tail of the build log (Hugo's output), bounded. */
    log: text("log"),
    files: integer("files"),
    blobsUploaded: integer("blobs_uploaded"),
    bytesUploaded: integer("bytes_uploaded"),
    /** R2 SITES key of the offline copy (zip), once built. */
    offlineKey: text("offline_key"),
    offlineBytes: integer("offline_bytes"),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    activatedAt: integer("activated_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    /** Milliseconds spent per phase: queue, build, upload, activate, purge. */
    timings: text("timings", { mode: "json" }).$type<Record<string, number>>(),
    /** What the build found wrong with the content (schemas/build-job.ts, buildReport). */
    report: text("report", { mode: "json" }).$type<BuildReport>(),
    /**
     * A live publish made by hand that nobody confirmed: its build refuses broken links. Mass
     * rebuilds and schedules never set it (nobody is there to confirm).
     */
    refuseBrokenLinks: integer("refuse_broken_links", { mode: "boolean" }).notNull().default(false),
    ...timestamps,
  },
  (t) => [
    index("deploys_site_created_idx").on(t.siteId, t.createdAt),
    index("deploys_tenant_requester_idx").on(t.tenantId, t.requestedBy, t.finishedAt),
    index("deploys_rebuild_idx").on(t.rebuildId, t.state),
  ],
);

/** Scheduled live publishes and unpublishes, run by the site's SitePublisher alarm. */
export const publishSchedules = sqliteTable(
  "publish_schedules",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    action: text("action", { enum: ["publish", "unpublish"] }).notNull(),
    runAt: integer("run_at", { mode: "timestamp_ms" }).notNull(),
    state: text("state", { enum: ["pending", "done", "failed", "cancelled"] })
      .notNull()
      .default("pending"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    deployId: text("deploy_id"),
    message: text("message"),
    ...timestamps,
  },
  (t) => [index("publish_schedules_site_state_run_idx").on(t.siteId, t.state, t.runAt)],
);

/** A mass rebuild of every published site of a tenant (or of all tenants: tenant_id null). */
export const rebuilds = sqliteTable(
  "rebuilds",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").references(() => tenants.id, { onDelete: "cascade" }),
    state: text("state", { enum: ["running", "cancelled", "finished"] })
      .notNull()
      .default("running"),
    /** Builds enqueued so far (grows while the fan-out pages through sites). */
    total: integer("total").notNull().default(0),
    /** The fan-out has enqueued every site. */
    enqueued: integer("enqueued", { mode: "boolean" }).notNull().default(false),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    ...timestamps,
  },
  (t) => [index("rebuilds_tenant_created_idx").on(t.tenantId, t.createdAt)],
);

/** Custom hostnames a tenant admin maps to a site's live deploy. */
export const siteDomains = sqliteTable(
  "site_domains",
  {
    hostname: text("hostname").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
  },
  (t) => [index("site_domains_site_idx").on(t.siteId)],
);

// ---- Media library (issue 6; docs/decisions/012-media-uploads.md) ----

export const mediaKinds = ["document", "image", "video", "other"] as const;
export const mediaStatuses = ["uploading", "ready", "failed", "deleted"] as const;

/**
 * One uploaded file of a site's media library. The original lives in R2 MEDIA at `r2_key`
 * (server-generated: the resource's file key, so the builder links it like an imported
 * resource's file); derived files (thumbnails, web MP4, poster, captions) are listed in
 * `variants`, under `t/<tenant>/s/<site>/media/<id>/`. While `uploading`, the R2 multipart
 * upload id is kept here and each stored part in `media_upload_parts`.
 */
export const mediaItems = sqliteTable(
  "media_items",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    /** The resource content item this file backs (its uid is chosen when the upload starts). */
    resourceUid: text("resource_uid"),
    r2Key: text("r2_key").notNull(),
    filename: text("filename").notNull(),
    declaredType: text("declared_type").notNull(),
    /** The type the file's first bytes show (null until the upload completes). */
    sniffedType: text("sniffed_type"),
    kind: text("kind", { enum: mediaKinds }).notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256"),
    status: text("status", { enum: mediaStatuses }).notNull().default("uploading"),
    /** Why the item failed (a failed upload or a failed pipeline step that left it unusable). */
    error: text("error"),
    uploadId: text("upload_id"),
    partSize: integer("part_size").notNull(),
    partCount: integer("part_count").notNull(),
    /** Filled by the pipeline: width, height, duration_seconds, … */
    metadata: text("metadata", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    /** Derived files: [{ role, key, type, size, width?, height?, lang? }]. */
    variants: text("variants", { mode: "json" }).notNull().$type<MediaVariantRow[]>(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
    ...timestamps,
  },
  (t) => [
    index("media_items_site_created_idx").on(t.siteId, t.id),
    index("media_items_tenant_sha_idx").on(t.tenantId, t.sha256),
    index("media_items_site_resource_idx").on(t.siteId, t.resourceUid),
    index("media_items_status_idx").on(t.status, t.updatedAt),
  ],
);

export type MediaVariantRow = {
  role: string;
  key: string;
  type: string;
  size: number;
  width?: number;
  height?: number;
  lang?: string;
  label?: string;
};

/** The parts of an R2 multipart upload stored so far (resume asks for them). */
export const mediaUploadParts = sqliteTable(
  "media_upload_parts",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    mediaId: text("media_id")
      .notNull()
      .references(() => mediaItems.id, { onDelete: "cascade" }),
    partNumber: integer("part_number").notNull(),
    etag: text("etag").notNull(),
    size: integer("size").notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [uniqueIndex("media_upload_parts_uq").on(t.mediaId, t.partNumber)],
);

// ---- Media jobs (issue 6; docs/decisions/013-media-pipeline.md) ----

export const mediaJobKinds = [
  "image_metadata",
  "thumbnails",
  "transcode",
  "poster",
  "captions",
  "youtube_upload",
  "transcript_order",
] as const;
export const mediaJobStates = ["queued", "running", "done", "failed"] as const;

/**
 * One step of a media item's pipeline (one per item and kind), as the item's MediaPipeline
 * Durable Object runs it: what people see and retry. The object keeps its own copy for its
 * alarm; this row is written on every change, so an item's jobs are never out of sight.
 */
export const mediaJobs = sqliteTable(
  "media_jobs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    mediaId: text("media_id")
      .notNull()
      .references(() => mediaItems.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: mediaJobKinds }).notNull(),
    state: text("state", { enum: mediaJobStates }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(3),
    lastError: text("last_error"),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
    startedAt: integer("started_at", { mode: "timestamp_ms" }),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
    /** What the step produced (schemas/media-jobs.ts, jobOutput). */
    output: text("output", { mode: "json" }).$type<{
      metadata: Record<string, unknown>;
      variants: MediaVariantRow[];
    }>(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("media_jobs_media_kind_uq").on(t.mediaId, t.kind),
    index("media_jobs_tenant_state_idx").on(t.tenantId, t.state, t.updatedAt),
  ],
);

// ---- Media providers (issue: media library; ADR 014) ----

export const providerNames = ["youtube", "threeplay", "gdrive"] as const;

/**
 * A tenant's credentials for an optional media provider (YouTube, 3Play Media, Google Drive):
 * one row per tenant and provider. `config` holds what may be shown (an OAuth client id, a
 * turnaround level); the secrets are one AES-GCM sealed JSON object (workers/providers/
 * secret-box.ts, bound to the tenant and provider), never returned by the API.
 */
export const tenantProviders = sqliteTable(
  "tenant_providers",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    provider: text("provider", { enum: providerNames }).notNull(),
    config: text("config", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    secretCiphertext: text("secret_ciphertext").notNull(),
    /** The last characters of the main secret, so admins can tell which one is set. */
    secretHint: text("secret_hint").notNull(),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.provider] })],
);

// ---- Learn integration (issue 7; docs/decisions/011-learn-integration.md) ----

/**
 * Keys that sign catalog URLs (/public/v1). The Worker verifies HMACs, so it keeps the secret
 * itself (not a hash); the API shows it once, at creation or rotation, and never again.
 * Valid while not revoked and before `expires_at` (set on the old key by a rotation: the
 * overlap during which both keys work).
 */
export const signingKeys = sqliteTable(
  "signing_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    secret: text("secret").notNull(),
    /** The key this one replaced (rotation), for the list. */
    rotatedFrom: text("rotated_from"),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
  },
  (t) => [index("signing_keys_tenant_idx").on(t.tenantId, t.id)],
);

/** A catalog's webhook endpoint (Standard Webhooks): where the tenant's site events go. */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    /** Event types it subscribes to (schemas/learn.ts, webhookEventType). */
    events: text("events", { mode: "json" }).notNull().$type<string[]>(),
    /** `whsec_…`; shown once at creation and rotation. */
    secret: text("secret").notNull(),
    /** The secret before the last rotation: still signs (a second signature) until it expires. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: integer("previous_secret_expires_at", { mode: "timestamp_ms" }),
    disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
    disabledReason: text("disabled_reason"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    ...timestamps,
  },
  (t) => [index("webhook_endpoints_tenant_idx").on(t.tenantId, t.id)],
);

/** Something that happened to a tenant's site, once; deliveries fan out from it. */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** Null for a test event. */
    siteId: text("site_id").references(() => sites.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    /** The event's `data` (ids and URLs as they were when it happened). */
    data: text("data", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    /** When its fan-out to endpoints ran; null until then (the sweep re-sends lost ones). */
    fannedOutAt: integer("fanned_out_at", { mode: "timestamp_ms" }),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    index("webhook_events_tenant_idx").on(t.tenantId, t.id),
    index("webhook_events_unannounced_idx").on(t.fannedOutAt, t.createdAt),
  ],
);

export const deliveryStates = ["pending", "sending", "succeeded", "failed"] as const;

/** One event to one endpoint: its state and attempt count live here, not in the queue. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    state: text("state", { enum: deliveryStates }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    lastLatencyMs: integer("last_latency_ms"),
    deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_endpoint_uq").on(t.eventId, t.endpointId),
    index("webhook_deliveries_endpoint_idx").on(t.tenantId, t.endpointId, t.id),
  ],
);

/** Every attempt of a delivery: the log behind the delivery's latest state. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    /** The endpoint's HTTP status; null when no response came (timeout, connection error). */
    status: integer("status"),
    error: text("error"),
    latencyMs: integer("latency_ms").notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);
