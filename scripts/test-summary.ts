// The closing line of `npm test`: `N passed, N failed[, N skipped]` from vitest's JSON report and the type check's exit code.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** The parts of vitest's JSON report the line counts. */
export interface VitestReport {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: { status: string; assertionResults?: { status: string }[] }[];
}

/**
 * Counts a vitest JSON report and the type check's exit status. No report (vitest stopped before writing one)
 * counts as a failure of its own, so the line never reads `0 failed` for a run that did not finish.
 */
export function summarize(given: VitestReport | undefined, typecheckStatus: number): string {
  const report = given ?? {};
  // A file that fails to load, or whose setup hook throws, fails without a failed test (its tests are absent or
  // skipped), so each such file counts as one failure; so does a failed type check.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === "failed" && !(file.assertionResults ?? []).some((test) => test.status === "failed"),
  ).length;
  const failed = (report.numFailedTests ?? 0) + brokenFiles + (given === undefined ? 1 : 0) + (typecheckStatus === 0 ? 0 : 1);
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  return `${report.numPassedTests ?? 0} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : "");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  let report: VitestReport | undefined;
  try {
    report = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8"));
  } catch {
    // No report: vitest did not get far enough to write one.
  }
  console.log(summarize(report, Number(process.argv[3])));
}
