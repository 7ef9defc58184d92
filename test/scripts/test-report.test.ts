import { describe, expect, it } from "vitest";
import { countReport } from "../../scripts/lib/test-report.mjs";

const file = (name: string, status: string, statuses: string[], message = "") => ({
  name: `/repo/${name}`,
  status,
  message,
  assertionResults: statuses.map((s, i) => ({ title: `t${i}`, status: s })),
});

describe("countReport (the verdict line of npm test)", () => {
  it("counts passed, failed and every kind of skipped test", () => {
    const counts = countReport({
      testResults: [
        file("a.test.ts", "passed", ["passed", "passed", "skipped"]),
        file("b.test.ts", "failed", ["passed", "failed", "todo", "pending"]),
      ],
    });
    expect(counts).toEqual({ passed: 3, failed: 1, skipped: 3, brokenFiles: [] });
  });

  it("counts a file that failed without a failing test (it never ran) as one failure", () => {
    const counts = countReport(
      { testResults: [file("broken.test.ts", "failed", [], "Cannot find module")] },
      "/repo",
    );
    expect(counts).toEqual({ passed: 0, failed: 1, skipped: 0, brokenFiles: ["broken.test.ts"] });
  });

  it("reads an empty report as nothing run", () => {
    expect(countReport({})).toEqual({ passed: 0, failed: 0, skipped: 0, brokenFiles: [] });
  });
});
