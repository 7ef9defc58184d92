// SitePublisher: one Durable Object per site (named by the site id), the site's publish lock and
// state machine (workers/domain/publish-machine.ts holds the decisions). It creates deploy rows,
// sends signed jobs to the builder, takes the builder's reports and activation, enforces every
// deadline with its alarm, runs the site's scheduled publishes and unpublishes, and pushes the
// publish status to the panel over hibernating WebSockets.
//
// Its methods are called through RPC by the API (publish, reports, activation), the publish
// queue (mass rebuilds) and itself (alarm). Every state change happens under one in-object lock
// (`serial`): D1 and the builder are outside I/O, during which a Durable Object takes other calls,
// so without it two requests could both decide to start a build.
import { DurableObject } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { BuildJob, BuildJobStatus, BuildReport, BuildTarget } from "#schemas/build-job";
import { deployManifestKey } from "#schemas/deploy";
import type { activateBody, PublishEvent } from "#schemas/publish";
import { createDb, type Db } from "#workers/db/client";
import {
  dueSchedules,
  finishSchedule,
  getSiteWithTenant,
  insertDeploy,
  nextScheduleAt,
  setSitePointer,
  updateDeploy,
} from "#workers/db/queries/deploys";
import { deploys, rebuilds, sites, users } from "#workers/db/schema";
import { newId } from "#workers/domain/ids";
import { sendInBackground } from "#workers/domain/mail";
import {
  applyDispatch,
  applyReport,
  type DispatchResult,
  decideRequest,
  emptyState,
  type MachineState,
  nextAlarmAt,
  onDeadline,
  retryBuild,
  startBuild,
} from "#workers/domain/publish-machine";
import { signToken } from "#workers/domain/signed-tokens";
import { siteBaseUrl, siteCacheTag } from "#workers/domain/site-hosts";
import { config } from "#workers/env";
import { requestYouTubePublic } from "#workers/providers/youtube-public";
import { dispatchToBuilder } from "#workers/publishing/builder-client";
import { afterPointerChange, auditRow, switchPointer } from "#workers/publishing/pointers";
import { announce, prepareSiteEvent } from "#workers/publishing/site-events";
import { loadPublishStatus } from "#workers/publishing/views";

export type ActivateBody = z.infer<typeof activateBody>;

export type PublishRequest = {
  tenantId: string;
  siteId: string;
  target: BuildTarget;
  requestedBy: string | null;
  rebuildId?: string | null;
  /**
   * Fail the build before it goes live if the site has broken links: set by the API for a live
   * publish made by hand that nobody confirmed, and by nothing else (mass rebuilds and
   * schedules go ahead; their build report lists the links all the same).
   */
  refuseBrokenLinks?: boolean;
};

export type ActivateResult = { ok: true } | { ok: false; status: 404 | 409; message: string };

const EXPORT_TOKEN_MS = 60 * 60_000;

export class SitePublisher extends DurableObject<Env> {
  private state: MachineState | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private dispatching = false;

  private get db(): Db {
    return createDb(this.env.DB);
  }

  private get stallMs() {
    return config(this.env).PUBLISH_STALL_SECONDS * 1000;
  }

  /** Runs `fn` after every earlier state change finished (the object's lock). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async load(tenantId: string | null, siteId: string): Promise<MachineState> {
    if (this.state) return this.state;
    const stored = await this.ctx.storage.get<MachineState>("state");
    if (stored) {
      this.state = stored;
      return stored;
    }
    let tenant = tenantId;
    if (!tenant) {
      const row = await this.db
        .select({ tenantId: sites.tenantId })
        .from(sites)
        .where(eq(sites.id, siteId))
        .limit(1);
      tenant = row[0]?.tenantId ?? null;
      if (!tenant) throw new Error(`SitePublisher: no site ${siteId}`);
    }
    this.state = emptyState(tenant, siteId);
    return this.state;
  }

  private async save() {
    const s = this.state;
    if (!s) return;
    await this.ctx.storage.put("state", s);
    const at = nextAlarmAt(s);
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(at, Date.now()));
  }

  // ---- RPC ----

  /** A publish request: starts a build, queues one, or joins the queued one for the target. */
  async request(input: PublishRequest): Promise<{ deployId: string; coalesced: boolean }> {
    const result = await this.serial(async () => {
      const s = await this.load(input.tenantId, input.siteId);
      const out = await this.enqueue(s, input, Date.now());
      await this.save();
      return out;
    });
    await this.broadcast();
    return result;
  }

  /** A status report from the builder (already signature-checked by the internal route). */
  async report(
    siteId: string,
    jobId: string,
    status: BuildJobStatus,
  ): Promise<{ ignored: boolean }> {
    const out = await this.serial(async () => {
      const s = await this.load(null, siteId);
      const run = s.running;
      const now = Date.now();
      const effect = applyReport(run, jobId, status, now, this.stallMs);
      if (effect.kind === "ignored" || !run) return { ignored: true };
      if (effect.kind === "alive") {
        if (effect.changed) {
          await updateDeploy(this.db, s.tenantId, run.deployId, {
            state:
              run.phase === "uploading" ? "uploading" : run.activated ? "activating" : "building",
            progress: run.progress === null ? null : Math.round(run.progress * 1000),
            message: run.message,
          });
        }
        await this.save();
        return { ignored: false, changed: effect.changed };
      }
      if (effect.kind === "succeeded") {
        await this.finish("succeeded", status.message ?? "Published", status.log ?? null, now);
      } else {
        await this.finish(
          effect.afterActivation ? "succeeded" : "failed",
          effect.afterActivation ? `Published, but then: ${effect.message}` : effect.message,
          status.log ?? null,
          now,
          // The activation's report stays; a failure before it brings its own.
          effect.afterActivation ? undefined : status.report,
        );
      }
      return { ignored: false, changed: true };
    });
    if (!out.ignored) await this.broadcast();
    return { ignored: out.ignored };
  }

  /** The builder's upload is complete: make it what the target serves (one D1 write). */
  async activate(siteId: string, jobId: string, body: ActivateBody): Promise<ActivateResult> {
    const out = await this.serial(async (): Promise<ActivateResult> => {
      const s = await this.load(null, siteId);
      const run = s.running;
      if (!run || run.jobId !== jobId) {
        return {
          ok: false,
          status: 409,
          message: "This job is no longer the site's running build",
        };
      }
      if (run.activated) return { ok: true };
      const manifest = await this.env.SITES.head(deployManifestKey(run.deployId));
      if (!manifest) {
        return { ok: false, status: 409, message: "The deploy's manifest is not in storage" };
      }
      const now = Date.now();
      const db = this.db;
      const row = await db
        .select({
          contentVersion: deploys.contentVersion,
          requestedBy: deploys.requestedBy,
          timings: deploys.timings,
        })
        .from(deploys)
        .where(and(eq(deploys.tenantId, s.tenantId), eq(deploys.id, run.deployId)))
        .limit(1);
      const version = row[0]?.contentVersion ?? null;
      // The builder's phases join what the object recorded itself (`queue`, at begin).
      const timings = { ...(row[0]?.timings ?? {}), ...(body.timings ?? {}) };
      const event =
        run.target === "live"
          ? await prepareSiteEvent(this.env, db, s.tenantId, s.siteId, "site.published")
          : null;
      await db.batch([
        updateDeploy(db, s.tenantId, run.deployId, {
          state: "activating",
          activatedAt: new Date(now),
          files: body.files,
          blobsUploaded: body.blobsUploaded,
          bytesUploaded: body.bytesUploaded,
          timings,
          progress: null,
          message: "Activated; purging the cache",
          ...(body.report ? { report: body.report } : {}),
        }),
        setSitePointer(db, s.tenantId, s.siteId, run.target, run.deployId, version),
        auditRow(
          db,
          { userId: row[0]?.requestedBy ?? null, email: null },
          {
            tenantId: s.tenantId,
            action: run.target === "live" ? "site.published" : "site.preview_published",
            targetType: "site",
            targetId: s.siteId,
            data: { deployId: run.deployId, contentVersion: version },
          },
        ),
        ...(event ? [event.statement] : []),
      ]);
      run.activated = true;
      run.phase = "activating";
      run.message = "Activated; purging the cache";
      run.deadline = now + this.stallMs;
      await this.save();
      await afterPointerChange(this.env, s.siteId);
      // The site is out: its unlisted YouTube videos go public (ADR 014; best effort, queued).
      if (run.target === "live") {
        await requestYouTubePublic(this.env, db, { tenantId: s.tenantId, siteId: s.siteId });
      }
      await announce(this.env, event);
      return { ok: true };
    });
    if (out.ok) await this.broadcast();
    return out;
  }

  /** Something outside the object changed the site's publish state: push it, re-plan schedules. */
  async changed(siteId: string, tenantId: string): Promise<void> {
    await this.serial(async () => {
      const s = await this.load(tenantId, siteId);
      s.nextScheduleAt = await nextScheduleAt(this.db, s.tenantId, s.siteId);
      await this.save();
    });
    await this.broadcast();
  }

  // ---- Build lifecycle (called under the lock) ----

  /**
   * Starts a build for the request, queues one, or joins the one queued for its target (every
   * request to publish goes through here: the API's, a mass rebuild's, a schedule's). A build
   * that answers several requests refuses broken links only if all of them would.
   */
  private async enqueue(
    s: MachineState,
    input: Omit<PublishRequest, "tenantId" | "siteId">,
    now: number,
    message?: string,
  ): Promise<{ deployId: string; coalesced: boolean }> {
    const decision = decideRequest(s, input.target);
    if (decision.kind === "coalesce") {
      await this.db
        .update(deploys)
        .set({
          requests: sql`${deploys.requests} + 1`,
          ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
          ...(input.rebuildId
            ? { rebuildId: sql`coalesce(${deploys.rebuildId}, ${input.rebuildId})` }
            : {}),
          ...(input.refuseBrokenLinks ? {} : { refuseBrokenLinks: false }),
          updatedAt: new Date(now),
        })
        .where(and(eq(deploys.tenantId, s.tenantId), eq(deploys.id, decision.deployId)));
      return { deployId: decision.deployId, coalesced: true };
    }
    const deployId = newId("dep", now);
    await insertDeploy(this.db, {
      id: deployId,
      tenantId: s.tenantId,
      siteId: s.siteId,
      target: input.target,
      state: "queued",
      requestedBy: input.requestedBy,
      rebuildId: input.rebuildId ?? null,
      refuseBrokenLinks: input.refuseBrokenLinks ?? false,
      message:
        message ?? (decision.kind === "start" ? "Starting" : "Waiting for the running build"),
      createdAt: new Date(now),
      updatedAt: new Date(now),
    });
    if (decision.kind === "start") await this.begin(deployId, input.target, now);
    else s.queued.push({ deployId, target: input.target });
    return { deployId, coalesced: false };
  }

  private async begin(deployId: string, target: BuildTarget, now: number) {
    const s = this.state as MachineState;
    s.running = startBuild(deployId, target, now);
    const site = await getSiteWithTenant(this.db, s.tenantId, s.siteId);
    await updateDeploy(this.db, s.tenantId, deployId, {
      state: "building",
      attempt: 1,
      startedAt: new Date(now),
      contentVersion: site?.site.contentVersion ?? null,
      message: s.running.message,
      timings: { queue: now - (await this.createdAt(deployId, now)) },
    });
  }

  private async createdAt(deployId: string, fallback: number) {
    const s = this.state as MachineState;
    const row = await this.db
      .select({ createdAt: deploys.createdAt })
      .from(deploys)
      .where(and(eq(deploys.tenantId, s.tenantId), eq(deploys.id, deployId)))
      .limit(1);
    return row[0]?.createdAt.getTime() ?? fallback;
  }

  /** Ends the running build and starts the next queued one (skipping cancelled ones). */
  private async finish(
    state: "succeeded" | "failed",
    message: string,
    log: string | null,
    now: number,
    report?: BuildReport,
  ) {
    const s = this.state as MachineState;
    const run = s.running;
    if (!run) return;
    s.running = null;
    const db = this.db;
    const current = await db
      .select({
        timings: deploys.timings,
        startedAt: deploys.startedAt,
        activatedAt: deploys.activatedAt,
        requestedBy: deploys.requestedBy,
        rebuildId: deploys.rebuildId,
        target: deploys.target,
        email: users.email,
      })
      .from(deploys)
      .leftJoin(users, eq(users.id, deploys.requestedBy))
      .where(and(eq(deploys.tenantId, s.tenantId), eq(deploys.id, run.deployId)))
      .limit(1);
    const row = current[0];
    const timings = { ...(row?.timings ?? {}) };
    if (row?.activatedAt) timings.purge = Math.max(0, now - row.activatedAt.getTime());
    await updateDeploy(db, s.tenantId, run.deployId, {
      state,
      message: message.slice(0, 4000),
      ...(log !== null ? { log: log.slice(-64_000) } : {}),
      ...(report ? { report } : {}),
      progress: null,
      finishedAt: new Date(now),
      timings,
    });
    if (row?.rebuildId) await this.settleRebuild(row.rebuildId, now);
    if (state === "failed" && row?.email) {
      const site = await getSiteWithTenant(db, s.tenantId, s.siteId);
      const app = config(this.env).appOrigin;
      sendInBackground(this.env, this.ctx, {
        to: row.email,
        subject: `Publishing "${site?.site.title ?? s.siteId}" (${row.target}) failed`,
        text:
          `Your ${row.target} publish of "${site?.site.title ?? s.siteId}" failed:\n\n${message}\n\n` +
          `The site still serves its previous version. Details and the build log:\n` +
          `${app}/t/${s.tenantId}/sites/${s.siteId}/publish\n`,
      });
    }
    await this.startNext(now);
  }

  private async startNext(now: number) {
    const s = this.state as MachineState;
    while (!s.running && s.queued.length > 0) {
      const next = s.queued.shift() as { deployId: string; target: BuildTarget };
      const row = await this.db
        .select({ state: deploys.state })
        .from(deploys)
        .where(and(eq(deploys.tenantId, s.tenantId), eq(deploys.id, next.deployId)))
        .limit(1);
      if (row[0]?.state !== "queued") continue; // cancelled meanwhile (a cancelled rebuild)
      await this.begin(next.deployId, next.target, now);
    }
    await this.save();
  }

  private async settleRebuild(rebuildId: string, now: number) {
    await this.db
      .update(rebuilds)
      .set({ state: "finished", finishedAt: new Date(now), updatedAt: new Date(now) })
      .where(
        and(
          eq(rebuilds.id, rebuildId),
          eq(rebuilds.state, "running"),
          eq(rebuilds.enqueued, true),
          sql`${rebuilds.total} <= (select count(*) from deploys where rebuild_id = ${rebuildId} and state in ('succeeded','failed','cancelled'))`,
        ),
      );
  }

  // ---- Alarm: deadlines, retries, dispatch, schedules ----

  override async alarm(): Promise<void> {
    const work = await this.serial(async () => {
      const stored = this.state ?? (await this.ctx.storage.get<MachineState>("state"));
      if (!stored) return { dispatch: null as null | string, changed: false };
      this.state = stored;
      const s = stored;
      const now = Date.now();
      let changed = false;
      let dispatch: string | null = null;
      const effect = onDeadline(s.running, now);
      if (effect.kind === "dispatch" && s.running && !this.dispatching) {
        dispatch = s.running.jobId;
      } else if (effect.kind === "retry" && s.running) {
        s.running = retryBuild(s.running, now);
        await updateDeploy(this.db, s.tenantId, s.running.deployId, {
          state: "building",
          attempt: s.running.attempt,
          progress: null,
          message: `${effect.message} (attempt ${s.running.attempt})`,
        });
        changed = true;
      } else if (effect.kind === "fail") {
        await this.finish("failed", effect.message, null, now);
        changed = true;
      } else if (effect.kind === "succeed") {
        await this.finish("succeeded", effect.message, null, now);
        changed = true;
      }
      if (s.nextScheduleAt !== null && s.nextScheduleAt <= now) {
        await this.runSchedules(now);
        changed = true;
      }
      await this.save();
      return { dispatch, changed };
    });
    if (work.changed) await this.broadcast();
    if (work.dispatch) await this.dispatch(work.dispatch);
  }

  private async runSchedules(now: number) {
    const s = this.state as MachineState;
    const db = this.db;
    for (const due of await dueSchedules(db, s.tenantId, s.siteId, new Date(now))) {
      if (due.action === "publish") {
        // Claim it first, so a crash never runs it twice.
        const claimed = await finishSchedule(db, s.tenantId, due.id, "done", {
          message: "Publish requested",
        });
        if ((claimed.meta?.changes ?? 0) === 0) continue;
        const { deployId } = await this.enqueue(
          s,
          { target: "live", requestedBy: due.createdBy },
          now,
          "Scheduled publish",
        );
        await finishScheduleDeploy(db, s.tenantId, due.id, deployId);
      } else {
        const claimed = await finishSchedule(db, s.tenantId, due.id, "done", {
          message: "Unpublished",
        });
        if ((claimed.meta?.changes ?? 0) === 0) continue;
        await switchPointer(
          this.env,
          db,
          { userId: due.createdBy, email: null },
          {
            tenantId: s.tenantId,
            siteId: s.siteId,
            target: "live",
            deployId: null,
            contentVersion: null,
            action: "site.unpublished",
          },
        );
      }
    }
    s.nextScheduleAt = await nextScheduleAt(db, s.tenantId, s.siteId);
  }

  /** Sends the running build's job to the builder (outside the lock: it may take seconds). */
  private async dispatch(jobId: string) {
    this.dispatching = true;
    let result: DispatchResult;
    try {
      result = await this.send(jobId);
    } finally {
      this.dispatching = false;
    }
    const failure = await this.serial(async () => {
      const s = this.state as MachineState;
      const run = s.running;
      if (!run || run.jobId !== jobId) return null; // superseded while sending
      const now = Date.now();
      const final = applyDispatch(run, result, now, this.stallMs);
      if (final) {
        await this.finish("failed", final, null, now);
      } else {
        await updateDeploy(this.db, s.tenantId, run.deployId, { message: run.message });
        await this.save();
      }
      return final;
    });
    if (failure !== undefined) await this.broadcast();
  }

  private async send(jobId: string): Promise<DispatchResult> {
    const s = this.state as MachineState;
    const run = s.running;
    if (!run) return { ok: false, transient: false, message: "no running build" };
    const cfg = config(this.env);
    if (cfg.builderSecrets.length === 0) {
      return {
        ok: false,
        transient: false,
        message: "Publishing is not configured here: BUILDER_JOB_SECRET is not set",
      };
    }
    const site = await getSiteWithTenant(this.db, s.tenantId, s.siteId);
    if (!site) return { ok: false, transient: false, message: "The site no longer exists" };
    const row = await this.db
      .select({
        contentVersion: deploys.contentVersion,
        refuseBrokenLinks: deploys.refuseBrokenLinks,
      })
      .from(deploys)
      .where(and(eq(deploys.tenantId, s.tenantId), eq(deploys.id, run.deployId)))
      .limit(1);
    const now = Date.now();
    const app = cfg.appOrigin;
    const base = `${app}/internal/v1/sites/${s.siteId}/jobs/${jobId}`;
    const job: BuildJob = {
      jobId,
      kind: "site-build",
      tenantId: s.tenantId,
      siteId: s.siteId,
      target: run.target,
      contentVersion: row[0]?.contentVersion ?? site.site.contentVersion,
      deployId: run.deployId,
      exportUrl: `${app}/internal/v1/exports/${run.deployId}`,
      exportToken: await signToken(
        cfg.AUTH_SECRET,
        "build-export",
        { d: run.deployId, s: s.siteId, t: s.tenantId },
        now + EXPORT_TOKEN_MS,
      ),
      baseUrl: siteBaseUrl(cfg, run.target, site.tenantSlug, site.site.slug),
      callbackUrl: `${base}/status`,
      activateUrl: `${base}/activate`,
      offlineUrl: `${base}/offline`,
      purgeTags: [siteCacheTag(s.siteId)],
      deadline: new Date(run.limitAt).toISOString(),
      knownDeployIds: [site.site.previewDeployId, site.site.liveDeployId].filter(
        (id): id is string => typeof id === "string",
      ),
      ...(run.target === "live" && row[0]?.refuseBrokenLinks ? { refuseBrokenLinks: true } : {}),
    };
    const out = await dispatchToBuilder(
      { url: cfg.BUILDER_URL, secrets: cfg.builderSecrets },
      "/jobs",
      job,
    );
    return out.ok
      ? out
      : { ok: false, transient: out.transient, message: `the builder ${out.detail}` };
  }

  // ---- Live status (hibernating WebSockets) ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const url = new URL(request.url);
    const siteId = url.searchParams.get("siteId") ?? "";
    const tenantId = url.searchParams.get("tenantId") ?? "";
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ siteId, tenantId });
    const status = await loadPublishStatus(this.env, this.db, tenantId, siteId);
    if (status) server.send(JSON.stringify({ type: "status", status } satisfies PublishEvent));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    // The panel only listens; "ping" gets "pong" so clients can check the line.
    if (message === "ping") ws.send("pong");
  }

  override async webSocketClose(ws: WebSocket, code: number) {
    try {
      ws.close(code === 1005 ? 1000 : code, "closing");
    } catch {
      // Already closed.
    }
  }

  private async broadcast() {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    const { siteId, tenantId } = (sockets[0]?.deserializeAttachment() ?? {}) as {
      siteId?: string;
      tenantId?: string;
    };
    if (!siteId || !tenantId) return;
    const status = await loadPublishStatus(this.env, this.db, tenantId, siteId);
    if (!status) return;
    const text = JSON.stringify({ type: "status", status } satisfies PublishEvent);
    for (const ws of sockets) {
      try {
        ws.send(text);
      } catch {
        // A socket closing as we send; the runtime drops it.
      }
    }
  }
}

function finishScheduleDeploy(db: Db, tenantId: string, scheduleId: string, deployId: string) {
  return db.run(
    sql`update publish_schedules set deploy_id = ${deployId} where id = ${scheduleId} and tenant_id = ${tenantId}`,
  );
}
