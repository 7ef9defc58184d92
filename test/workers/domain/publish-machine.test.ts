import { describe, expect, it } from "vitest";
import {
  applyDispatch,
  applyReport,
  backoffMs,
  decideRequest,
  deployIdOfJob,
  emptyState,
  MAX_ATTEMPTS,
  MAX_DISPATCH_FAILURES,
  nextAlarmAt,
  onDeadline,
  retryBuild,
  startBuild,
} from "#workers/domain/publish-machine";

const DEP = "dep_01JZ0000000000000000000000";
const STALL = 60_000;

describe("publish machine", () => {
  it("starts when idle, queues behind a build, and coalesces per target", () => {
    const s = emptyState("ten_x", "site_x");
    expect(decideRequest(s, "preview")).toEqual({ kind: "start" });
    s.running = startBuild(DEP, "preview", 0);
    expect(decideRequest(s, "preview")).toEqual({ kind: "queue" });
    s.queued.push({ deployId: "dep_Q", target: "preview" });
    expect(decideRequest(s, "preview")).toEqual({ kind: "coalesce", deployId: "dep_Q" });
    // Another target gets its own follow-up.
    expect(decideRequest(s, "live")).toEqual({ kind: "queue" });
  });

  it("takes reports only for the running job and only forwards", () => {
    const run = startBuild(DEP, "live", 0);
    expect(applyReport(run, "other", { state: "building" }, 1, STALL).kind).toBe("ignored");
    expect(applyReport(null, run.jobId, { state: "building" }, 1, STALL).kind).toBe("ignored");
    expect(applyReport(run, run.jobId, { state: "uploading", progress: 0.5 }, 10, STALL)).toEqual({
      kind: "alive",
      changed: true,
    });
    expect(run.phase).toBe("uploading");
    expect(run.deadline).toBe(10 + STALL);
    // A late "building" proves life but does not move the build back.
    expect(applyReport(run, run.jobId, { state: "building" }, 20, STALL)).toEqual({
      kind: "alive",
      changed: false,
    });
    expect(run.phase).toBe("uploading");
    expect(run.deadline).toBe(20 + STALL);
    // Tiny progress steps are not worth a write.
    expect(applyReport(run, run.jobId, { state: "uploading", progress: 0.51 }, 21, STALL)).toEqual({
      kind: "alive",
      changed: false,
    });
  });

  it("success needs activation; failure after activation is still a deploy", () => {
    const run = startBuild(DEP, "live", 0);
    expect(applyReport(run, run.jobId, { state: "succeeded" }, 1, STALL).kind).toBe("failed");
    run.activated = true;
    expect(applyReport(run, run.jobId, { state: "succeeded" }, 1, STALL).kind).toBe("succeeded");
    expect(applyReport(run, run.jobId, { state: "failed", message: "x" }, 1, STALL)).toEqual({
      kind: "failed",
      message: "x",
      afterActivation: true,
    });
  });

  it("dispatches at once, retries a stalled build with backoff, and gives up after the last attempt", () => {
    let run = startBuild(DEP, "preview", 1000);
    expect(onDeadline(run, 1000)).toEqual({ kind: "dispatch" });
    expect(applyDispatch(run, { ok: true }, 1000, STALL)).toBeNull();
    expect(run.phase).toBe("accepted");
    expect(onDeadline(run, 1000 + STALL - 1)).toEqual({ kind: "none" });
    expect(onDeadline(run, 1000 + STALL).kind).toBe("retry");
    run = retryBuild(run, 1000 + STALL);
    expect(run.attempt).toBe(2);
    expect(run.jobId).toBe(`${DEP}-a2`);
    expect(run.phase).toBe("retry-wait");
    expect(onDeadline(run, 1000 + STALL).kind).toBe("none");
    expect(onDeadline(run, 1000 + STALL + backoffMs(1)).kind).toBe("dispatch");
    for (let a = run.attempt; a < MAX_ATTEMPTS; a++) run = retryBuild(run, 2000 + STALL);
    applyDispatch(run, { ok: true }, 3000 + STALL, STALL);
    expect(onDeadline(run, 3000 + 2 * STALL).kind).toBe("fail");
  });

  it("a stall after activation ends as published, not failed; the overall limit fails the rest", () => {
    const run = startBuild(DEP, "live", 0);
    applyDispatch(run, { ok: true }, 0, STALL);
    run.activated = true;
    expect(onDeadline(run, STALL).kind).toBe("succeed");
    const slow = startBuild(DEP, "live", 0);
    applyDispatch(slow, { ok: true }, 0, STALL);
    slow.deadline = Number.MAX_SAFE_INTEGER;
    expect(onDeadline(slow, slow.limitAt).kind).toBe("fail");
  });

  it("treats an unreachable builder as transient up to a bound, and a refusal as final", () => {
    const run = startBuild(DEP, "live", 0);
    for (let i = 1; i < MAX_DISPATCH_FAILURES; i++) {
      expect(
        applyDispatch(run, { ok: false, transient: true, message: "503" }, i, STALL),
      ).toBeNull();
      expect(run.phase).toBe("retry-wait");
      expect(run.retryAt).toBe(i + backoffMs(i));
    }
    expect(applyDispatch(run, { ok: false, transient: true, message: "503" }, 99, STALL)).toMatch(
      /could not be reached/,
    );
    const refused = startBuild(DEP, "live", 0);
    expect(applyDispatch(refused, { ok: false, transient: false, message: "401" }, 0, STALL)).toBe(
      "401",
    );
  });

  it("the alarm is due at the earliest of the build's deadline and the next schedule", () => {
    const s = emptyState("ten_x", "site_x");
    expect(nextAlarmAt(s)).toBeNull();
    s.nextScheduleAt = 500;
    expect(nextAlarmAt(s)).toBe(500);
    s.running = startBuild(DEP, "live", 100);
    expect(nextAlarmAt(s)).toBe(100);
  });

  it("parses its own job ids only", () => {
    expect(deployIdOfJob(`${DEP}-a3`)).toBe(DEP);
    expect(deployIdOfJob("dep_x-a1")).toBeNull();
    expect(deployIdOfJob(`${DEP}-a1/../x`)).toBeNull();
    expect(backoffMs(1)).toBe(2000);
    expect(backoffMs(10)).toBe(60_000);
  });
});
