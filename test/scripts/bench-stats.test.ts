// The arithmetic and options of `npm run bench` (scripts/bench/), apart from any load.
import { describe, expect, it } from "vitest";
import { parseOptions, UsageError } from "../../scripts/bench/options.mjs";
import { textTable } from "../../scripts/bench/report.mjs";
import { percentile, ratio, ratios, summarize } from "../../scripts/bench/stats.mjs";

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
/** A fixed permutation (37 is coprime with the lengths used here). */
const shuffled = <T>(values: T[]) => values.map((_, i) => values[(i * 37) % values.length] as T);

describe("percentile (nearest rank)", () => {
  it("picks the measured value at the rank, whatever the input order", () => {
    const values = shuffled(oneTo(100));
    expect(new Set(values).size).toBe(100);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 90)).toBe(90);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
  });

  it("rounds the rank up and never interpolates", () => {
    expect(percentile([40, 10, 30, 20], 50)).toBe(20);
    expect(percentile([40, 10, 30, 20], 51)).toBe(30);
    expect(percentile([40, 10, 30, 20], 99)).toBe(40);
    expect(percentile([0.5, 1.5], 50)).toBe(0.5);
  });

  it("makes p99 of 2,000 samples the 1,980th fastest", () => {
    expect(percentile(shuffled(oneTo(2000)), 99)).toBe(1980);
  });

  it("leaves the input alone, answers null for no values, refuses a p outside 0–100", () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe("summarize", () => {
  const ok = (ms: number) => ({ ms, outcome: "ok" as const, status: 200 });

  it("takes percentiles of successful requests and counts conflicts and errors apart", () => {
    const samples = [
      ...oneTo(100).map(ok),
      { ms: 5000, outcome: "error" as const, status: 500 },
      { ms: 0.1, outcome: "error" as const, status: 0 },
      { ms: 7, outcome: "conflict" as const, status: 412 },
    ];
    expect(summarize(samples, 2060)).toEqual({
      count: 103,
      ok: 100,
      errors: 2,
      conflicts: 1,
      p50: 50,
      p90: 90,
      p99: 99,
      max: 100,
      throughput: 50,
      wallMs: 2060,
    });
  });

  it("rounds latencies to hundredths of a millisecond and throughput to tenths", () => {
    const s = summarize([ok(1.23456), ok(2.34567), ok(3.45678)], 1000);
    expect(s.p50).toBe(2.35);
    expect(s.max).toBe(3.46);
    expect(summarize([ok(1), ok(1), ok(1)], 7).throughput).toBe(428.6);
  });

  it("has no latency without a success and no throughput without time", () => {
    const s = summarize([{ ms: 3, outcome: "error", status: 503 }], 0);
    expect(s).toMatchObject({ count: 1, ok: 0, errors: 1, p50: null, p99: null, max: null });
    expect(s.throughput).toBeNull();
    expect(summarize([], 100)).toMatchObject({ count: 0, p50: null, throughput: 0 });
  });
});

describe("ratio against the bare route", () => {
  it("divides with two decimals", () => {
    expect(ratio(12, 4)).toBe(3);
    expect(ratio(10, 3)).toBe(3.33);
    expect(ratio(2, 3)).toBe(0.67);
    expect(ratios({ p50: 30, p99: 90 }, { p50: 10, p99: 45 })).toEqual({ p50: 3, p99: 2 });
  });

  it("is null when either side is missing or the base is not positive", () => {
    expect(ratio(null, 4)).toBeNull();
    expect(ratio(4, null)).toBeNull();
    expect(ratio(4, undefined)).toBeNull();
    expect(ratio(4, 0)).toBeNull();
    expect(ratio(4, -1)).toBeNull();
    expect(ratio(0, 4)).toBe(0);
    expect(ratios({ p50: 30, p99: null }, { p50: null, p99: 45 })).toEqual({
      p50: null,
      p99: null,
    });
  });
});

describe("parseOptions", () => {
  it("defaults to the full benchmark: 2,000 items, 20 clients, 2,000 requests", () => {
    expect(parseOptions([], {})).toEqual({
      suites: ["content", "publish", "media-transcode", "media-upload"],
      items: 2000,
      pages: 1000,
      resources: 2000,
      concurrency: 20,
      requests: 2000,
      durationS: null,
      quick: false,
      build: true,
      out: null,
    });
  });

  it("shrinks to 200 items and 200 requests with --quick, where explicit values still win", () => {
    expect(parseOptions(["--quick"], {})).toMatchObject({
      items: 200,
      requests: 200,
      pages: 50,
      resources: 100,
    });
    expect(parseOptions(["--quick", "--requests", "50"], {})).toMatchObject({
      items: 200,
      requests: 50,
      quick: true,
    });
  });

  it("reads BENCH_* variables, and flags win over them", () => {
    const env = { BENCH_ITEMS: "500", BENCH_CONCURRENCY: "4", BENCH_DURATION: "10" };
    expect(parseOptions([], env)).toMatchObject({ items: 500, concurrency: 4, durationS: 10 });
    expect(
      parseOptions(
        ["--items", "300", "--skip-build", "--suite", "content", "--out", "x.json"],
        env,
      ),
    ).toMatchObject({
      items: 300,
      build: false,
      out: "x.json",
    });
  });

  it("runs every suite by default, or the one --suite (or BENCH_SUITE) names", () => {
    expect(parseOptions(["--suite", "publish"], {}).suites).toEqual(["publish"]);
    expect(parseOptions(["--suite", "content"], {}).suites).toEqual(["content"]);
    expect(parseOptions(["--suite", "all"], {}).suites).toEqual([
      "content",
      "publish",
      "media-transcode",
      "media-upload",
    ]);
    expect(parseOptions(["--suite", "media-transcode"], {}).suites).toEqual(["media-transcode"]);
    expect(parseOptions(["--suite", "media-upload"], {}).suites).toEqual(["media-upload"]);
    expect(parseOptions([], { BENCH_SUITE: "publish" }).suites).toEqual(["publish"]);
    expect(parseOptions(["--suite", "content"], { BENCH_SUITE: "publish" }).suites).toEqual([
      "content",
    ]);
    expect(
      parseOptions(["--suite", "publish", "--pages", "300", "--resources", "600"], {}),
    ).toMatchObject({ pages: 300, resources: 600 });
    expect(parseOptions(["--suite", "publish", "--out", "p.json"], {}).out).toBe("p.json");
  });

  it("refuses an unknown suite, and --out for more than one suite", () => {
    expect(() => parseOptions(["--suite", "delivery"], {})).toThrow(/--suite must be one of/);
    expect(() => parseOptions(["--suite"], {})).toThrow(UsageError);
    expect(() => parseOptions(["--out", "x.json"], {})).toThrow(/single --suite/);
    expect(() => parseOptions(["--pages", "0"], {})).toThrow(UsageError);
  });

  it("refuses what it cannot use", () => {
    for (const argv of [
      ["--items", "0"],
      ["--items", "9"],
      ["--concurrency", "-2"],
      ["--requests", "1.5"],
      ["--requests"],
      ["--duration", "--quick"],
      ["--fast"],
    ]) {
      expect(() => parseOptions(argv, {}), argv.join(" ")).toThrow(UsageError);
    }
    expect(() => parseOptions([], { BENCH_REQUESTS: "many" })).toThrow(/positive whole number/);
  });
});

describe("textTable", () => {
  it("left-aligns the first column, right-aligns the numbers, rules the header", () => {
    expect(
      textTable([
        ["operation", "p50 ms"],
        ["baseline", "1.5"],
        ["search-text", "120.25"],
      ]),
    ).toBe(
      [
        "operation    p50 ms",
        "-----------  ------",
        "baseline        1.5",
        "search-text  120.25",
      ].join("\n"),
    );
  });
});
