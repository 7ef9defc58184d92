// The benchmark's printed table, from the same object that is written as JSON.

/**
 * @typedef {import("./stats.mjs").Summary & {
 *   request: string,
 *   vsBaseline: { p50: number | null, p99: number | null },
 *   server: { cpuSeconds: number | null, cpuMsPerRequest: number | null, peakRssBytes: number | null },
 *   errorDetails?: string[],
 * }} OperationResult
 * @typedef {{
 *   available: boolean, request: string, status: number, detail?: string,
 *   contentType?: string | null, runs?: { ttfbMs: number, ms: number, bytes: number }[],
 * }} ExportResult
 */

const num = (/** @type {number | null | undefined} */ v, digits = 1) =>
  v === null || v === undefined ? "–" : v.toFixed(digits);
const mb = (/** @type {number | null | undefined} */ v) =>
  v === null || v === undefined ? "–" : `${Math.round(v / 1024 / 1024)} MiB`;

/**
 * An aligned text table: the first row is the header; columns after the first are
 * right-aligned (they are numbers).
 * @param {string[][]} rows
 */
export function textTable(rows) {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  const line = (/** @type {string[]} */ r) =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join("  ");
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(/** @type {string[]} */ (rows[0])), rule, ...rows.slice(1).map(line)].join("\n");
}

/**
 * @param {{
 *   operations: Record<string, OperationResult>,
 *   export: ExportResult,
 *   server: { peakRssBytes: number | null },
 *   config: { items: number, concurrency: number },
 * }} result
 */
export function formatReport(result) {
  const header = [
    "operation",
    "count",
    "errors",
    "412",
    "p50 ms",
    "p90 ms",
    "p99 ms",
    "max ms",
    "req/s",
    "p50 ×base",
    "p99 ×base",
    "CPU ms/req",
  ];
  const rows = Object.entries(result.operations).map(([name, op]) => [
    name,
    String(op.count),
    String(op.errors),
    String(op.conflicts),
    num(op.p50, 2),
    num(op.p90, 2),
    num(op.p99, 2),
    num(op.max, 2),
    num(op.throughput),
    num(op.vsBaseline.p50, 2),
    num(op.vsBaseline.p99, 2),
    num(op.server.cpuMsPerRequest, 2),
  ]);
  const lines = [textTable([header, ...rows])];
  const ex = result.export;
  if (ex.available && ex.runs?.length) {
    const runs = ex.runs.map((r) => `${r.ms.toFixed(0)} ms`).join(", ");
    const bytes = ex.runs[0]?.bytes ?? 0;
    lines.push(
      `export: ${runs} to the last byte (first byte after ${ex.runs[0]?.ttfbMs.toFixed(0)} ms); ` +
        `${(bytes / 1024).toFixed(0)} KiB ${ex.contentType ?? ""}`.trim(),
    );
  } else {
    lines.push(
      `export: not available (${ex.request} answered ${ex.status}${ex.detail ? `: ${ex.detail}` : ""})`,
    );
  }
  lines.push(
    `server (wrangler dev + workerd) peak RSS: ${mb(result.server.peakRssBytes)}; ` +
      `${result.config.items} items, ${result.config.concurrency} concurrent clients`,
  );
  for (const [name, op] of Object.entries(result.operations)) {
    for (const d of op.errorDetails ?? []) lines.push(`  ${name} error: ${d}`);
  }
  return lines.join("\n");
}
