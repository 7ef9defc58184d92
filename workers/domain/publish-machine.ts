// The SitePublisher's decisions, as pure functions over its state: what a builder report does
// to the running build, when the next alarm is due, what a missed deadline means. The Durable
// Object (workers/objects/site-publisher.ts) keeps the state, talks to D1 and the builder, and
// calls these; the tests drive them directly (test/workers/domain/publish-machine.test.ts).
//
// Decisions (docs/decisions/009-publishing.md):
// - One running build per site (either target) and at most one queued build per target: a
//   request for a target that already has a queued build joins it (coalescing), so any number
//   of requests during a build cause exactly one follow-up build, which exports the content as
//   it is when it starts — the latest.
// - Every non-final phase has a deadline. The builder speaks at least every heartbeat while it
//   works; silence for the stall time means the build is lost (builder killed, network gone)
//   and it is retried with a new job id, up to MAX_ATTEMPTS, with backoff. A build also has an
//   overall limit. Nothing waits forever.
// - Reports are accepted only for the running job id and only forwards (accepted → building →
//   uploading); anything else — a late report of a superseded attempt, a duplicate, a replay —
//   is ignored, so callbacks are idempotent.
// - A builder's "failed" is final (Hugo's error, bad content): retrying would fail the same way.
//   Transient faults inside the builder (an upload error) are retried there; the deadline covers
//   a builder that dies.
// - Once activated, the deploy is live whatever happens next: a stall after activation ends the
//   build as succeeded with a warning (the purge was not confirmed), never as failed.
import type { BuildJobState, BuildTarget } from "#schemas/build-job";

export const MAX_ATTEMPTS = 3;
/** Failed dispatches (builder unreachable or full) tolerated before giving up on an attempt. */
export const MAX_DISPATCH_FAILURES = 8;
/** The longest any one build may take, from start to result. */
export const BUILD_LIMIT_MS = 30 * 60_000;

export type Phase =
  | "dispatching"
  | "retry-wait"
  | "accepted"
  | "building"
  | "uploading"
  | "activating";

export type RunningBuild = {
  deployId: string;
  target: BuildTarget;
  attempt: number;
  jobId: string;
  phase: Phase;
  activated: boolean;
  /** When the current phase is presumed lost without word from the builder. */
  deadline: number;
  /** When to dispatch again (phase "retry-wait"). */
  retryAt: number | null;
  dispatchFailures: number;
  startedAt: number;
  /** Overall limit of this build. */
  limitAt: number;
  progress: number | null;
  message: string | null;
};

export type QueuedBuild = { deployId: string; target: BuildTarget };

export type MachineState = {
  tenantId: string;
  siteId: string;
  running: RunningBuild | null;
  queued: QueuedBuild[];
  nextScheduleAt: number | null;
};

export function emptyState(tenantId: string, siteId: string): MachineState {
  return { tenantId, siteId, running: null, queued: [], nextScheduleAt: null };
}

export function jobIdOf(deployId: string, attempt: number): string {
  return `${deployId}-a${attempt}`;
}

/** The deploy id inside a job id, or null when it is not one of ours. */
export function deployIdOfJob(jobId: string): string | null {
  const m = /^(dep_[0-9A-Z]{26})-a\d{1,3}$/.exec(jobId);
  return m?.[1] ?? null;
}

/** 2 s, 4 s, 8 s … capped at a minute. */
export function backoffMs(failures: number): number {
  return Math.min(60_000, 2_000 * 2 ** Math.max(0, failures - 1));
}

export type RequestDecision =
  | { kind: "start" }
  | { kind: "queue" }
  | { kind: "coalesce"; deployId: string };

/** What a publish request for `target` does, given the state. */
export function decideRequest(state: MachineState, target: BuildTarget): RequestDecision {
  const waiting = state.queued.find((q) => q.target === target);
  if (waiting) return { kind: "coalesce", deployId: waiting.deployId };
  if (!state.running && state.queued.length === 0) return { kind: "start" };
  return { kind: "queue" };
}

/** A running build, fresh, in phase "dispatching" (the alarm sends it at once). */
export function startBuild(
  deployId: string,
  target: BuildTarget,
  now: number,
  attempt = 1,
  startedAt = now,
): RunningBuild {
  return {
    deployId,
    target,
    attempt,
    jobId: jobIdOf(deployId, attempt),
    phase: "dispatching",
    activated: false,
    deadline: now,
    retryAt: null,
    dispatchFailures: 0,
    startedAt,
    limitAt: startedAt + BUILD_LIMIT_MS,
    progress: null,
    message: attempt === 1 ? "Sending to the builder" : `Retrying (attempt ${attempt})`,
  };
}

const order: Record<Exclude<BuildJobState, "succeeded" | "failed">, number> = {
  accepted: 0,
  building: 1,
  uploading: 2,
};
const phaseRank: Record<Phase, number> = {
  dispatching: -1,
  "retry-wait": -1,
  accepted: 0,
  building: 1,
  uploading: 2,
  activating: 3,
};

export type ReportInput = {
  state: BuildJobState;
  progress?: number | undefined;
  message?: string | undefined;
};

export type ReportEffect =
  | { kind: "ignored"; reason: string }
  /** Word from the builder (a heartbeat, or progress): the deadline moves. */
  | { kind: "alive"; changed: boolean }
  | { kind: "succeeded" }
  | { kind: "failed"; message: string; afterActivation: boolean };

/** Applies a builder report for `jobId` to the running build (mutates `run` when accepted). */
export function applyReport(
  run: RunningBuild | null,
  jobId: string,
  report: ReportInput,
  now: number,
  stallMs: number,
): ReportEffect {
  if (!run || run.jobId !== jobId) return { kind: "ignored", reason: "not the running job" };
  if (report.state === "succeeded") {
    if (!run.activated) {
      return {
        kind: "failed",
        message: "The builder reported success without activating the deploy",
        afterActivation: false,
      };
    }
    return { kind: "succeeded" };
  }
  if (report.state === "failed") {
    return {
      kind: "failed",
      message: report.message ?? "The build failed",
      afterActivation: run.activated,
    };
  }
  // A report for a phase behind where the build is (a late or replayed one) only proves life.
  const rank = order[report.state];
  run.deadline = now + stallMs;
  if (run.phase === "retry-wait") return { kind: "ignored", reason: "attempt being retried" };
  if (rank < phaseRank[run.phase]) return { kind: "alive", changed: false };
  let changed = false;
  if (rank > phaseRank[run.phase] || run.phase === "dispatching") {
    run.phase = report.state;
    changed = true;
  }
  if (report.progress !== undefined && report.progress !== run.progress) {
    // Progress is written at most every 5 %: the bar moves, D1 is not flooded.
    if (
      run.progress === null ||
      Math.abs(report.progress - run.progress) >= 0.05 ||
      report.progress === 1
    ) {
      changed = true;
    }
    run.progress = report.progress;
  }
  if (report.message !== undefined && report.message !== run.message) {
    run.message = report.message;
    changed = true;
  }
  return { kind: "alive", changed };
}

export type DeadlineEffect =
  | { kind: "none" }
  | { kind: "dispatch" }
  | { kind: "retry"; message: string }
  | { kind: "fail"; message: string }
  | { kind: "succeed"; message: string };

/** What the alarm does about the running build at `now`. */
export function onDeadline(run: RunningBuild | null, now: number): DeadlineEffect {
  if (!run) return { kind: "none" };
  if (run.activated && (now >= run.deadline || now >= run.limitAt)) {
    return {
      kind: "succeed",
      message:
        "Published; the builder went silent after activation, so the cache purge is unconfirmed",
    };
  }
  if (now >= run.limitAt) {
    return { kind: "fail", message: "The build took longer than the 30-minute limit" };
  }
  if (run.phase === "dispatching")
    return now >= run.deadline ? { kind: "dispatch" } : { kind: "none" };
  if (run.phase === "retry-wait") {
    return run.retryAt !== null && now >= run.retryAt ? { kind: "dispatch" } : { kind: "none" };
  }
  if (now < run.deadline) return { kind: "none" };
  if (run.attempt >= MAX_ATTEMPTS) {
    return {
      kind: "fail",
      message: `The builder stopped responding ${MAX_ATTEMPTS} times; giving up`,
    };
  }
  return { kind: "retry", message: "The builder stopped responding; retrying" };
}

/** A new attempt of the running build after a stall (new job id: the old one's word is void). */
export function retryBuild(run: RunningBuild, now: number): RunningBuild {
  const next = startBuild(run.deployId, run.target, now, run.attempt + 1, run.startedAt);
  next.phase = "retry-wait";
  next.retryAt = now + backoffMs(run.attempt);
  next.deadline = next.retryAt;
  return next;
}

export type DispatchResult = { ok: true } | { ok: false; transient: boolean; message: string };

/** Applies the outcome of sending the job; returns a final failure message, if it is one. */
export function applyDispatch(
  run: RunningBuild,
  result: DispatchResult,
  now: number,
  stallMs: number,
): string | null {
  if (result.ok) {
    if (run.phase === "dispatching" || run.phase === "retry-wait") run.phase = "accepted";
    run.retryAt = null;
    run.deadline = now + stallMs;
    return null;
  }
  if (!result.transient) return result.message;
  run.dispatchFailures += 1;
  if (run.dispatchFailures >= MAX_DISPATCH_FAILURES) {
    return `The builder could not be reached: ${result.message}`;
  }
  run.phase = "retry-wait";
  run.retryAt = now + backoffMs(run.dispatchFailures);
  run.deadline = run.retryAt;
  run.message = `Builder unavailable (${result.message}); trying again`;
  return null;
}

/** When the alarm must fire next: the running build's deadline or retry, or the next schedule. */
export function nextAlarmAt(state: MachineState): number | null {
  const times: number[] = [];
  if (state.running) {
    const r = state.running;
    times.push(r.phase === "retry-wait" && r.retryAt !== null ? r.retryAt : r.deadline, r.limitAt);
  }
  if (state.nextScheduleAt !== null) times.push(state.nextScheduleAt);
  return times.length ? Math.min(...times) : null;
}
