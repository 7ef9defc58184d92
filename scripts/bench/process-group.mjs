// Memory and CPU of the server under test: `wrangler dev` runs in its own process group
// (scripts/lib/local-stack.mjs starts it detached), so summing /proc over that group counts
// wrangler's Node process, workerd and anything else it started. Linux only; elsewhere the
// figures are null. For information: the client shares the machine, and a deployed Worker's
// memory and CPU are not workerd's on a laptop.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * The group's resident memory (bytes) and CPU time used so far (seconds), or null without
 * /proc.
 * @param {number} pgid
 * @returns {{ rssBytes: number, cpuSeconds: number, processes: number } | null}
 */
export function sampleGroup(pgid) {
  let pids;
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  let rssBytes = 0;
  let ticks = 0;
  let processes = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // The command name (field 2) may contain spaces and parentheses; fields after it are
      // numbers: state ppid pgrp … utime(14) stime(15) … rss(24).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const vmRss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      rssBytes += vmRss ? Number(vmRss[1]) * 1024 : 0;
      ticks += Number(fields[11]) + Number(fields[12]);
      processes++;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return { rssBytes, cpuSeconds: ticks / CLOCK_TICKS, processes };
}

/**
 * Samples `sample()` every `intervalMs` until stopped: the peak memory over the whole watch,
 * and per phase (between calls of `phase()`) the peak memory, the CPU seconds and the most
 * processes at once. The one loop behind watchGroup (here) and watchTree (process-tree.mjs).
 * A sample that is null or counts no process (the watched processes are gone) is skipped.
 * @param {() => ({ rssBytes: number, cpuSeconds: number, processes: number } | null)} sample
 * @param {number} intervalMs
 */
export function watchSamples(sample, intervalMs) {
  const first = sample();
  if (!first) {
    return {
      phase: () => ({ peakRssBytes: null, cpuSeconds: null, maxProcesses: null }),
      stop: () => ({ peakRssBytes: null, startRssBytes: null, processes: 0 }),
    };
  }
  let peak = first.rssBytes;
  let phasePeak = first.rssBytes;
  let phaseMaxProcesses = first.processes;
  let phaseCpu = first.cpuSeconds;
  let last = first;
  const tick = () => {
    const s = sample();
    if (!s || s.processes === 0) return;
    last = s;
    peak = Math.max(peak, s.rssBytes);
    phasePeak = Math.max(phasePeak, s.rssBytes);
    phaseMaxProcesses = Math.max(phaseMaxProcesses, s.processes);
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    /** Ends a phase: its peak memory, CPU seconds and most processes; the next starts now. */
    phase() {
      tick();
      const result = {
        peakRssBytes: phasePeak,
        cpuSeconds: Math.round((last.cpuSeconds - phaseCpu) * 100) / 100,
        maxProcesses: phaseMaxProcesses,
      };
      phasePeak = last.rssBytes;
      phaseMaxProcesses = last.processes;
      phaseCpu = last.cpuSeconds;
      return result;
    },
    /** Stops sampling; the peak over the whole watch. */
    stop() {
      tick();
      clearInterval(timer);
      return { peakRssBytes: peak, startRssBytes: first.rssBytes, processes: last.processes };
    },
  };
}

/**
 * Samples the group every `intervalMs` and keeps the peak memory, overall and since the last
 * `phase()` call, which also reports the CPU seconds the group used in that phase.
 * @param {number} pgid
 * @param {number} [intervalMs]
 */
export function watchGroup(pgid, intervalMs = 200) {
  const watch = watchSamples(() => sampleGroup(pgid), intervalMs);
  return {
    phase() {
      const { peakRssBytes, cpuSeconds } = watch.phase();
      return { peakRssBytes, cpuSeconds };
    },
    stop: watch.stop,
  };
}
