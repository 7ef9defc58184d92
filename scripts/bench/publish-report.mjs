// The publish benchmark's printed report, from the same object that is written as JSON.
import { textTable } from "./report.mjs";

const num = (/** @type {number | null | undefined} */ v, digits = 1) =>
  v === null || v === undefined ? "–" : v.toFixed(digits);
/** Milliseconds as seconds with two decimals. */
const sec = (/** @type {number | null | undefined} */ ms) =>
  ms === null || ms === undefined ? "–" : (ms / 1000).toFixed(2);
const mib = (/** @type {number | null | undefined} */ v, digits = 0) =>
  v === null || v === undefined ? "–" : (v / 1024 / 1024).toFixed(digits);
const kib = (/** @type {number | null | undefined} */ v) =>
  v === null || v === undefined ? "–" : `${(v / 1024).toFixed(1)} KiB`;

/**
 * @typedef {{
 *   servedMs: number, vsBareHugo: number | null, files: number | null,
 *   blobsUploaded: number | null, bytesUploaded: number | null,
 *   split: Record<string, number | null>,
 *   offlineCopy: { readyMsAfterServed: number | null },
 *   builder: { untilServed: { peakRssBytes: number | null, cpuSeconds: number | null },
 *     offlineCopy: { peakRssBytes: number | null } },
 * }} PublishRun
 * @typedef {{
 *   key: string, label: string,
 *   import: { ms: number, items: number },
 *   bareHugo: { hugoMs: number, exportMs: number, outputFiles: number },
 *   themeBudget: { htmlBytesPerPage: number, cssBytes: number, jsBytes: number,
 *     htmlPages: number, hugoMsPerPage: number | null },
 *   publish: PublishRun, republish: PublishRun & { edit: { path: string } },
 * }} CourseResult
 * @typedef {import("./stats.mjs").Summary & { meanBytes: number | null,
 *   server: { cpuMsPerRequest: number | null }, errorDetails?: string[] }} DeliveryOp
 */

/**
 * @param {{
 *   courses: CourseResult[],
 *   delivery: { concurrency: number, pages: number, operations: Record<string, DeliveryOp>,
 *     vsStatic: Record<string, { p50: number | null, p99: number | null, throughput: number | null }> },
 *   builder: { peakRssGoalBytes: number, generatedCoursePeakRssBytes: number | null },
 *   server: { peakRssBytes: number | null },
 *   machine: { loadAverages: { at: string, loadAverage1m: number }[], loadAverage1mAtEnd: number },
 * }} result
 */
export function formatPublishReport(result) {
  const runs = result.courses.flatMap((c) => [c.publish, c.republish]);
  // Every phase some run has, in the order of the first run that has it, `other` and `purge` last.
  const phases = [
    ...new Set(runs.flatMap((r) => Object.keys(r.split).filter((p) => r.split[p] !== null))),
  ].filter((p) => p !== "other" && p !== "purge");
  phases.push("other", "purge");
  const header = [
    "course",
    "run",
    "served s",
    "×hugo",
    "files",
    "uploaded",
    "MiB up",
    ...phases,
    "builder MiB",
  ];
  /** @type {string[][]} */
  const rows = [];
  for (const c of result.courses) {
    for (const [name, run] of /** @type {const} */ ([
      ["publish", c.publish],
      ["republish", c.republish],
    ])) {
      rows.push([
        name === "publish" ? c.label : "",
        name === "publish" ? "first publish" : "1-word edit",
        sec(run.servedMs),
        num(run.vsBareHugo, 2),
        num(run.files, 0),
        num(run.blobsUploaded, 0),
        mib(run.bytesUploaded, 2),
        ...phases.map((p) => sec(run.split[p])),
        mib(run.builder.untilServed.peakRssBytes),
      ]);
    }
  }
  const lines = [
    "publish live: request → live host serves the new version (s); ×hugo = served / bare hugo build; phases in s",
    textTable([header, ...rows]),
    "",
  ];
  for (const c of result.courses) {
    lines.push(
      `${c.label}: import ${c.import.items} items in ${sec(c.import.ms)} s; bare hugo ${sec(c.bareHugo.hugoMs)} s ` +
        `(${c.bareHugo.outputFiles} files; export download + unpack ${sec(c.bareHugo.exportMs)} s); ` +
        `offline copy ready ${sec(c.publish.offlineCopy.readyMsAfterServed)} s after served ` +
        `(builder ${mib(c.publish.builder.offlineCopy.peakRssBytes)} MiB)`,
    );
    const b = c.themeBudget;
    lines.push(
      `  theme budget: HTML ${kib(b.htmlBytesPerPage)}/page gzip over ${b.htmlPages} pages, ` +
        `CSS ${kib(b.cssBytes)}, JS ${kib(b.jsBytes)} gzip; Hugo ${num(b.hugoMsPerPage, 2)} ms/page`,
    );
  }
  const peak = result.builder.generatedCoursePeakRssBytes;
  lines.push(
    `builder peak RSS (Node + Hugo) for the generated course: ${mib(peak)} MiB ` +
      `(goal < ${mib(result.builder.peakRssGoalBytes)} MiB: ${peak === null ? "not measured" : peak < result.builder.peakRssGoalBytes ? "met" : "MISSED"})`,
    "",
  );

  const d = result.delivery;
  const dHeader = [
    `delivery (${d.pages} pages, ${d.concurrency} clients)`,
    "count",
    "errors",
    "p50 ms",
    "p90 ms",
    "p99 ms",
    "max ms",
    "req/s",
    "KiB/resp",
    "CPU ms/req",
  ];
  const dRows = Object.entries(d.operations).map(([name, op]) => [
    name,
    String(op.count),
    String(op.errors),
    num(op.p50, 2),
    num(op.p90, 2),
    num(op.p99, 2),
    num(op.max, 2),
    num(op.throughput),
    op.meanBytes === null ? "–" : (op.meanBytes / 1024).toFixed(1),
    num(op.server.cpuMsPerRequest, 2),
  ]);
  lines.push(textTable([dHeader, ...dRows]));
  for (const [kind, r] of Object.entries(d.vsStatic)) {
    lines.push(
      `lectern vs static, ${kind}: p50 ×${num(r.p50, 2)}, p99 ×${num(r.p99, 2)}, req/s ×${num(r.throughput, 2)}`,
    );
  }
  lines.push(
    `server (wrangler dev + workerd) peak RSS: ${mib(result.server.peakRssBytes)} MiB; load average (1 min): ` +
      result.machine.loadAverages.map((l) => `${l.at} ${l.loadAverage1m}`).join(", "),
  );
  for (const [name, op] of Object.entries(d.operations)) {
    for (const e of op.errorDetails ?? []) lines.push(`  ${name} error: ${e}`);
  }
  return lines.join("\n");
}
