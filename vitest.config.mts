import { availableParallelism } from "os";
import { defineConfig } from "vitest/config";

/** The fault tests: real servers killed under load, timed. */
const FAULT_TESTS = "test/conformance/faults-*.test.ts";

const shared = {
  // Each file gets a fresh module graph: @pulumi/pulumi keeps one set of mocks per process.
  isolate: true,
  // The CLIs compiled once, before any file runs them (see test/support/compiled-cli.ts).
  globalSetup: ["test/support/compiled-cli.ts"],
  pool: "forks" as const,
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

// Vitest's default keeps a core free, which on two cores means one file at a time. The unit files and the
// conformance files without fault injection often wait on child processes and real servers, so they run as one
// group (same maxWorkers) on every core at once.
const everyCore = { ...shared, maxWorkers: availableParallelism() };

export default defineConfig({
  test: {
    projects: [
      { test: { ...everyCore, sequence: { groupOrder: 0 }, name: "unit", include: ["test/unit/**/*.test.ts", "test/cli/**/*.test.ts"] } },
      { test: { ...everyCore, sequence: { groupOrder: 0 }, name: "conformance", include: ["test/conformance/**/*.test.ts"], exclude: [FAULT_TESTS] } },
      {
        test: {
          ...shared,
          name: "faults",
          include: [FAULT_TESTS],
          // Real servers under fault injection measure timing; on two cores, the unit and conformance files
          // (type loading, renders, many servers at once) would skew leader elections and catch-up enough to
          // turn a fault test into a load test. So the fault files run in a group of their own after the
          // others, two at a time: each is a few servers under a light load, mostly waiting on them.
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
        },
      },
    ],
  },
});
