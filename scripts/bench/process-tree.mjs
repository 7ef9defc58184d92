// Memory and CPU of a process and everything it started, from /proc. The builder needs this
// rather than process-group.mjs's group sum: it runs Hugo detached (builder/src/hugo.ts), so
// Hugo has a process group (and session) of its own, but it stays the builder's child.
// Linux only; elsewhere the figures are null.
import { readdirSync, readFileSync } from "node:fs";
import { CLOCK_TICKS, watchSamples } from "./process-group.mjs";

/**
 * @typedef {{ pid: number, ppid: number, rssBytes: number, cpuTicks: number }} ProcEntry
 */

/**
 * `root` and every process whose chain of parents leads to it. Pure: works on any table.
 * @param {readonly { pid: number, ppid: number }[]} table
 * @param {number} root
 * @returns {Set<number>}
 */
export function treeOf(table, root) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const { pid, ppid } of table) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const tree = new Set();
  if (!table.some((p) => p.pid === root)) return tree;
  const queue = [root];
  while (queue.length > 0) {
    const pid = /** @type {number} */ (queue.pop());
    if (tree.has(pid)) continue;
    tree.add(pid);
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  return tree;
}

/**
 * Every process's parent, resident memory and CPU ticks: its own (utime, stime) and those of
 * the children it has waited for (cutime, cstime), so a Hugo that has exited still counts,
 * once, in its parent. Null without /proc.
 * @returns {ProcEntry[] | null}
 */
export function readProcTable() {
  let pids;
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  /** @type {ProcEntry[]} */
  const table = [];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name: state(3) ppid(4) … utime(14) stime(15) cutime(16)
      // cstime(17) … rss(24); index 0 here is field 3.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const vmRss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      table.push({
        pid: Number(pid),
        ppid: Number(fields[1]),
        rssBytes: vmRss ? Number(vmRss[1]) * 1024 : 0,
        cpuTicks: [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i] ?? 0), 0),
      });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return table;
}

/**
 * The tree's resident memory (bytes), CPU time so far (seconds) and size, or null without
 * /proc or once the root is gone.
 * @param {number} root
 */
export function sampleTree(root) {
  const table = readProcTable();
  if (!table) return null;
  const tree = treeOf(table, root);
  if (tree.size === 0) return null;
  let rssBytes = 0;
  let ticks = 0;
  for (const p of table) {
    if (!tree.has(p.pid)) continue;
    rssBytes += p.rssBytes;
    ticks += p.cpuTicks;
  }
  return { rssBytes, cpuSeconds: ticks / CLOCK_TICKS, processes: tree.size };
}

/**
 * Samples the tree every `intervalMs`, keeping the peak memory overall and per phase; a
 * phase's CPU seconds come with its end. Same shape as process-group.mjs's watchGroup.
 * @param {number} root
 * @param {number} [intervalMs]
 */
export function watchTree(root, intervalMs = 100) {
  const watch = watchSamples(() => sampleTree(root), intervalMs);
  return {
    phase: watch.phase,
    stop() {
      const { peakRssBytes, startRssBytes } = watch.stop();
      return { peakRssBytes, startRssBytes };
    },
  };
}
