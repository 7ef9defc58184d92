// MediaPipeline: one Durable Object per media item (named by the item's id), which runs the
// item's steps (thumbnails, transcode, poster, captions, …) to an end: each attempt sent to the
// media queue, answered by the queue's consumer (steps the Worker runs) or by the builder's
// signed callback (ffmpeg steps), retried with exponential backoff, given a deadline enforced
// by the object's alarm, and failed with its reason after the last attempt. Every change is
// written to D1 (`media_jobs`) at once, so what people see is what the object knows.
// See docs/decisions/013-media-pipeline.md.
//
// Decisions:
// - One lock (`serial`) orders every change, as in SitePublisher: D1 and the queue are outside
//   I/O, during which the object takes other calls.
// - Each attempt has a token. A result counts only for the running attempt with that token: a
//   late answer from an attempt that timed out (and was retried) is ignored, so the builder's
//   slowness cannot make a step run twice into the item's record.
// - Steps are idempotent: outputs have fixed keys under the item's prefix, and results merge
//   into the item's metadata and variants by (role, key). A repeated attempt overwrites.
// - A failure that would repeat (a corrupt file, a malformed caption file) fails the step at
//   once; others are retried, up to MAX_ATTEMPTS. "Retry" by a person gives a failed step a new
//   set of attempts.
// - Deadlines: a dispatched attempt must be started ("running" from the builder, or a result)
//   within its dispatch deadline, and finished within its run deadline. The alarm is always set
//   to the earliest due time of any step, so nothing waits on a message that never comes.
import { DurableObject } from "cloudflare:workers";
import type { MediaJobKind, MediaJobState } from "#schemas/media-jobs";
import { createDb, type Db } from "#workers/db/client";
import { getMediaItem, updateMediaMetadata } from "#workers/db/queries/media";
import {
  clearStepError,
  ensureMediaJobs,
  listMediaJobs,
  setMediaItemError,
  updateMediaJob,
} from "#workers/db/queries/media-jobs";
import type { MediaVariantRow } from "#workers/db/schema";
import { newId } from "#workers/domain/ids";
import { type PipelineItem, planSteps, variantPrefix } from "#workers/media/pipeline";
import { providersConfigured } from "#workers/media/providers";

export const MAX_ATTEMPTS = 3;
/** First retry after 30 s, then 60 s, 120 s, … at most an hour. */
export const RETRY_BASE_MS = 30_000;
export const RETRY_MAX_MS = 60 * 60_000;

const BUILDER_KINDS = new Set<MediaJobKind>(["thumbnails", "transcode", "poster"]);

/** How long a dispatched attempt may wait to start (the builder's queue may be busy). */
export function dispatchDeadlineMs(kind: MediaJobKind): number {
  return BUILDER_KINDS.has(kind) ? 30 * 60_000 : 5 * 60_000;
}

/** How long a started attempt may run. */
export function runDeadlineMs(kind: MediaJobKind): number {
  if (kind === "transcode" || kind === "youtube_upload") return 3 * 60 * 60_000;
  return BUILDER_KINDS.has(kind) ? 15 * 60_000 : 5 * 60_000;
}

export function backoffMs(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

export type Step = {
  jobId: string;
  kind: MediaJobKind;
  state: MediaJobState;
  attempts: number;
  /** The running attempt's token. */
  token: string | null;
  /** Queued: when to dispatch. Running: the deadline. Otherwise null. */
  dueAt: number | null;
  /** The running attempt was confirmed started (its run deadline applies). */
  started: boolean;
  lastError: string | null;
};

export type PipelineState = PipelineItem & { steps: Step[] };

export type StepResult =
  | { state: "running" }
  | {
      state: "done";
      output: { metadata: Record<string, unknown>; variants: MediaVariantRow[] };
    }
  | { state: "failed"; error: string; permanent?: boolean };

export type RetryResult =
  | { ok: true; jobId: string }
  | { ok: false; status: 404 | 409; message: string };

export class MediaPipeline extends DurableObject<Env> {
  private state: PipelineState | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  private get db(): Db {
    return createDb(this.env.DB);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<PipelineState | null> {
    if (this.state) return this.state;
    this.state = (await this.ctx.storage.get<PipelineState>("state")) ?? null;
    return this.state;
  }

  private async save() {
    const s = this.state;
    if (!s) return;
    await this.ctx.storage.put("state", s);
    const due = s.steps
      .filter(
        (step) => step.dueAt !== null && (step.state === "queued" || step.state === "running"),
      )
      .map((step) => step.dueAt as number);
    if (due.length === 0) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(Math.min(...due), Date.now()));
  }

  // ---- RPC ----

  /** Plans the item's steps (once) and starts them. Returns the item's jobs. */
  async start(item: PipelineItem): Promise<{ started: boolean; jobs: number }> {
    return this.serial(async () => {
      const existing = await this.load();
      if (existing && existing.steps.length > 0)
        return { started: false, jobs: existing.steps.length };
      const db = this.db;
      const media = await getMediaItem(db, item.tenantId, item.mediaId);
      if (!media || media.siteId !== item.siteId || media.status === "deleted") {
        return { started: false, jobs: 0 };
      }
      const kinds = planSteps(media, await providersConfigured(db, item.tenantId));
      const now = Date.now();
      const rows = await ensureMediaJobs(
        db,
        item.tenantId,
        kinds.map((kind, i) => ({
          // Ids in plan order (they sort the item's jobs).
          id: newId("mjob", now + i),
          tenantId: item.tenantId,
          siteId: item.siteId,
          mediaId: item.mediaId,
          kind,
          state: "queued" as const,
          maxAttempts: MAX_ATTEMPTS,
          nextAttemptAt: new Date(now),
        })),
      );
      this.state = {
        ...item,
        steps: rows.map((row) => ({
          jobId: row.id,
          kind: row.kind,
          state: row.state === "running" ? "queued" : row.state,
          attempts: row.attempts,
          token: null,
          dueAt: row.state === "done" || row.state === "failed" ? null : now,
          started: false,
          lastError: row.lastError,
        })),
      };
      await this.save();
      return { started: true, jobs: rows.length };
    });
  }

  /** A step's result (from the queue consumer, or the builder's signed callback). */
  async result(jobId: string, token: string, result: StepResult): Promise<{ ignored: boolean }> {
    return this.serial(async () => {
      const s = await this.load();
      const step = s?.steps.find((x) => x.jobId === jobId);
      if (!s || !step || step.state !== "running" || step.token !== token) return { ignored: true };
      const now = Date.now();
      if (result.state === "running") {
        if (!step.started) {
          step.started = true;
          step.dueAt = now + runDeadlineMs(step.kind);
          await this.save();
        }
        return { ignored: false };
      }
      if (result.state === "done") {
        const prefix = variantPrefix(s);
        const stray = result.output.variants.find(
          (v) => !v.key.startsWith(prefix) || v.key.includes(".."),
        );
        if (stray) {
          await this.attemptFailed(
            s,
            step,
            `A derived file is outside the item's folder: ${stray.key}`,
            true,
            now,
          );
          await this.save();
          return { ignored: false };
        }
        await updateMediaMetadata(this.db, s.tenantId, s.mediaId, {
          metadata: result.output.metadata,
          variants: result.output.variants,
        });
        await clearStepError(this.db, s.tenantId, s.mediaId, step.kind);
        step.state = "done";
        step.token = null;
        step.dueAt = null;
        step.lastError = null;
        await updateMediaJob(this.db, s.tenantId, jobId, {
          state: "done",
          lastError: null,
          nextAttemptAt: null,
          finishedAt: new Date(now),
          output: {
            metadata: result.output.metadata,
            variants: result.output.variants,
          },
        });
        await this.save();
        return { ignored: false };
      }
      await this.attemptFailed(s, step, result.error, result.permanent === true, now);
      await this.save();
      return { ignored: false };
    });
  }

  /**
   * A person's retry of a failed step: a fresh set of attempts, starting now. An object that
   * lost its storage (or never had it) takes the item's jobs from D1 first.
   */
  async retry(item: PipelineItem, jobId: string): Promise<RetryResult> {
    return this.serial(async (): Promise<RetryResult> => {
      const s = (await this.load()) ?? (await this.adopt(item));
      const step = s?.steps.find((x) => x.jobId === jobId);
      if (!s || !step) return { ok: false, status: 404, message: "No such job" };
      if (step.state !== "failed") {
        return {
          ok: false,
          status: 409,
          message: `The job is ${step.state}; only a failed job can be retried`,
        };
      }
      const now = Date.now();
      step.state = "queued";
      step.attempts = 0;
      step.token = null;
      step.started = false;
      step.dueAt = now;
      await updateMediaJob(this.db, s.tenantId, jobId, {
        state: "queued",
        attempts: 0,
        nextAttemptAt: new Date(now),
        startedAt: null,
        finishedAt: null,
      });
      await this.save();
      return { ok: true, jobId };
    });
  }

  /**
   * The queue gave up on an attempt's message (the dead-letter queue): the step fails now with
   * the reason, visible and retryable, whatever attempts it had left.
   */
  async deadLetter(jobId: string, token: string, reason: string): Promise<{ ignored: boolean }> {
    return this.serial(async () => {
      const s = await this.load();
      const step = s?.steps.find((x) => x.jobId === jobId);
      if (!s || !step || step.state !== "running" || step.token !== token) return { ignored: true };
      await this.attemptFailed(s, step, reason, true, Date.now());
      await this.save();
      return { ignored: false };
    });
  }

  /**
   * Derived files another item's step made for this one (a caption file's WebVTT for its
   * video): merged into this item's variants under this object's lock, so they never race the
   * item's own steps.
   */
  async attach(
    item: PipelineItem,
    variants: MediaVariantRow[],
    metadata?: Record<string, unknown>,
  ): Promise<boolean> {
    return this.serial(async () => {
      const row = await updateMediaMetadata(this.db, item.tenantId, item.mediaId, {
        variants,
        ...(metadata ? { metadata } : {}),
      });
      return row !== undefined;
    });
  }

  /** Rebuilds the object's state from the item's rows in D1 (finished and failed steps stay). */
  private async adopt(item: PipelineItem): Promise<PipelineState | null> {
    const rows = await listMediaJobs(this.db, item.tenantId, item.mediaId);
    if (rows.length === 0) return null;
    const now = Date.now();
    this.state = {
      ...item,
      steps: rows.map((row) => ({
        jobId: row.id,
        kind: row.kind,
        state: row.state === "running" ? "queued" : row.state,
        attempts: row.attempts,
        token: null,
        dueAt: row.state === "queued" || row.state === "running" ? now : null,
        started: false,
        lastError: row.lastError,
      })),
    };
    return this.state;
  }

  /** The object's view, for tests and diagnostics. */
  async snapshot(): Promise<PipelineState | null> {
    return this.serial(async () => structuredClone(await this.load()));
  }

  // ---- Alarm: dispatch due steps, enforce deadlines ----

  override async alarm(): Promise<void> {
    await this.serial(async () => {
      const s = await this.load();
      if (!s) return;
      const now = Date.now();
      for (const step of s.steps) {
        if (step.dueAt === null || step.dueAt > now) continue;
        if (step.state === "queued") await this.dispatch(s, step, now);
        else if (step.state === "running") {
          const limit = step.started ? runDeadlineMs(step.kind) : dispatchDeadlineMs(step.kind);
          await this.attemptFailed(
            s,
            step,
            step.started
              ? `The step did not finish within ${Math.round(limit / 60_000)} minutes`
              : `Nobody started the step within ${Math.round(limit / 60_000)} minutes (the builder did not answer)`,
            false,
            now,
          );
        }
      }
      await this.save();
    });
  }

  private async dispatch(s: PipelineState, step: Step, now: number) {
    step.attempts += 1;
    step.state = "running";
    step.token = crypto.randomUUID();
    step.started = false;
    step.dueAt = now + dispatchDeadlineMs(step.kind);
    await updateMediaJob(this.db, s.tenantId, step.jobId, {
      state: "running",
      attempts: step.attempts,
      nextAttemptAt: null,
      startedAt: new Date(now),
      finishedAt: null,
    });
    try {
      await this.env.MEDIA_QUEUE.send({
        kind: "run",
        tenantId: s.tenantId,
        siteId: s.siteId,
        mediaId: s.mediaId,
        jobId: step.jobId,
        token: step.token,
      });
    } catch (error) {
      await this.attemptFailed(
        s,
        step,
        `Could not queue the step: ${(error as Error)?.message ?? String(error)}`,
        false,
        now,
      );
    }
  }

  private async attemptFailed(
    s: PipelineState,
    step: Step,
    error: string,
    permanent: boolean,
    now: number,
  ) {
    const message = error.slice(0, 2000);
    step.token = null;
    step.started = false;
    step.lastError = message;
    if (permanent || step.attempts >= MAX_ATTEMPTS) {
      step.state = "failed";
      step.dueAt = null;
      await updateMediaJob(this.db, s.tenantId, step.jobId, {
        state: "failed",
        lastError: message,
        nextAttemptAt: null,
        finishedAt: new Date(now),
      });
      await setMediaItemError(this.db, s.tenantId, s.mediaId, `${step.kind}: ${message}`);
      return;
    }
    step.state = "queued";
    step.dueAt = now + backoffMs(step.attempts);
    await updateMediaJob(this.db, s.tenantId, step.jobId, {
      state: "queued",
      lastError: message,
      nextAttemptAt: new Date(step.dueAt),
    });
  }
}
