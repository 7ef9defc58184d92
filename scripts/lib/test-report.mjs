// The verdict of `npm test`, from vitest's JSON report; separate so it can be unit-tested.

/**
 * Counts from vitest's JSON report (Jest-compatible shape): tests passed, failed, skipped
 * (skipped, todo and pending alike), plus the files that failed without a failing test.
 */
export function countReport(report, root = "") {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const brokenFiles = [];
  for (const file of report.testResults ?? []) {
    let fileFailures = 0;
    for (const t of file.assertionResults ?? []) {
      if (t.status === "passed") passed++;
      else if (t.status === "failed") {
        failed++;
        fileFailures++;
      } else skipped++;
    }
    // A file that failed without a failed test did not run at all (import error, hook failure).
    if (file.status === "failed" && fileFailures === 0) {
      failed++;
      brokenFiles.push(root ? file.name.replace(`${root}/`, "") : file.name);
    }
  }
  return { passed, failed, skipped, brokenFiles };
}
