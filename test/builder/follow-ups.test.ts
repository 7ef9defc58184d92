// The follow-up lane (offline copies): one at a time, after their job's report, bounded, and
// nothing it was given is forgotten (every task is run or discarded).
import { describe, expect, it } from "vitest";
import { type FollowUp, FollowUpLane } from "../../builder/src/follow-ups.ts";

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((ok) => {
    resolve = ok;
  });
  return { promise, resolve };
}

/** A task that records when it ran, and waits for `gate` (or its abort) before finishing. */
function task(name: string, events: string[], gate?: Promise<void>): FollowUp {
  return {
    name,
    async run(signal) {
      events.push(`start ${name}`);
      if (gate) {
        await Promise.race([
          gate,
          new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true })),
        ]);
      }
      events.push(`${signal.aborted ? "aborted" : "end"} ${name}`);
    },
    async discard() {
      events.push(`discard ${name}`);
    },
  };
}

describe("FollowUpLane", () => {
  it("runs one task at a time, in order, each after its `after` promise", async () => {
    const events: string[] = [];
    const lane = new FollowUpLane({ log: () => {} });
    const reported = deferred();
    const gate = deferred();
    lane.add(task("a", events, gate.promise), reported.promise);
    lane.add(task("b", events));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual([]);
    reported.resolve();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(["start a"]);
    expect(lane.counts).toEqual({ waiting: 1, running: 1 });
    gate.resolve();
    await lane.idle();
    expect(events).toEqual(["start a", "end a", "start b", "end b"]);
  });

  it("a failing task is logged and the next one still runs", async () => {
    const events: string[] = [];
    const lines: string[] = [];
    const lane = new FollowUpLane({ log: (line) => lines.push(line) });
    lane.add({
      name: "broken",
      run: async () => {
        throw new Error("boom");
      },
      discard: async () => {},
    });
    lane.add(task("next", events));
    await lane.idle();
    expect(lines).toEqual(["builder: broken failed: boom"]);
    expect(events).toEqual(["start next", "end next"]);
  });

  it("drops tasks past its limit, discarding them", async () => {
    const events: string[] = [];
    const lines: string[] = [];
    const lane = new FollowUpLane({ queueLimit: 1, log: (line) => lines.push(line) });
    const gate = deferred();
    lane.add(task("running", events, gate.promise));
    await new Promise((resolve) => setTimeout(resolve, 10));
    lane.add(task("waiting", events));
    lane.add(task("extra", events));
    expect(lines).toEqual(["builder: extra dropped (too many waiting)"]);
    gate.resolve();
    await lane.idle();
    expect(events).toEqual([
      "start running",
      "discard extra",
      "end running",
      "start waiting",
      "end waiting",
    ]);
  });

  it("at shutdown discards waiting tasks and stops the running one after the grace period", async () => {
    const events: string[] = [];
    const lines: string[] = [];
    const lane = new FollowUpLane({ log: (line) => lines.push(line) });
    lane.add(task("slow", events, new Promise(() => {})));
    lane.add(task("queued", events));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await lane.shutdown(50);
    expect(events).toEqual(["start slow", "discard queued", "aborted slow"]);
    expect(lines).toEqual([
      "builder: queued dropped (shutting down)",
      "builder: slow stopped (shutting down)",
    ]);
    lane.add(task("late", events));
    await lane.shutdown(0);
    expect(events.at(-1)).toBe("discard late");
  });
});
