import { describe, expect, it } from "vitest";
import { summarize } from "../../scripts/test-summary";

describe("the closing line of npm test", () => {
  it("counts passed, failed and skipped tests and a failed type check", () => {
    const report = { numPassedTests: 5, numFailedTests: 1, numPendingTests: 2, testResults: [] };
    expect(summarize(report, 0)).toBe("5 passed, 1 failed, 2 skipped");
    expect(summarize(report, 2)).toBe("5 passed, 2 failed, 2 skipped");
  });

  it("counts a file whose setup hook threw as a failure although its tests were only skipped", () => {
    const report = {
      numPassedTests: 3,
      numFailedTests: 0,
      numPendingTests: 2,
      testResults: [
        { status: "passed", assertionResults: [{ status: "passed" }] },
        { status: "failed", assertionResults: [{ status: "skipped" }, { status: "skipped" }] },
      ],
    };
    expect(summarize(report, 0)).toBe("3 passed, 1 failed, 2 skipped");
  });

  it("counts a file that failed to load once, and a file with failed tests by its tests only", () => {
    const report = {
      numPassedTests: 0,
      numFailedTests: 2,
      testResults: [
        { status: "failed", assertionResults: [] },
        { status: "failed", assertionResults: [{ status: "failed" }, { status: "failed" }] },
      ],
    };
    expect(summarize(report, 0)).toBe("0 passed, 3 failed");
  });

  it("counts a missing report as a failure, beside a failed type check", () => {
    expect(summarize(undefined, 0)).toBe("0 passed, 1 failed");
    expect(summarize(undefined, 1)).toBe("0 passed, 2 failed");
    expect(summarize({}, 0)).toBe("0 passed, 0 failed");
  });
});
