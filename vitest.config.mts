import { availableParallelism } from "os";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Unit tests of pure functions: the model, credentials, streams, stack schema, workload builders, plans. */
const PURE_UNIT_TESTS = [
  "test/unit/model-*.test.ts",
  "test/unit/credentials-{accounts,generate,roles}.test.ts",
  "test/unit/streams-*.test.ts",
  "test/unit/stack-schema-*.test.ts",
  "test/unit/workloads-*.test.ts",
  "test/unit/conf.test.ts",
  "test/unit/local-{smoke-plan,topology-smoke-plan,s2-frames}.test.ts",
  "test/unit/render-keystore.test.ts",
  "test/unit/test-summary.test.ts",
  "test/unit/monitoring-{dashboards,metric-names,model}.test.ts",
  "test/unit/kubernetes-{builders,schema}.test.ts",
];

/**
 * The files that take longest, slowest first. Vitest starts the files it timed before longest first, but a
 * fresh clone has no timings, and one of these started last would leave a core idle at the end of the run.
 */
const SLOWEST_FIRST = [
  "test/conformance/package-consumer.test.ts",
  "test/cli/diff.test.ts",
  "test/conformance/local-topology-cli.test.ts",
  "test/conformance/local-cli.test.ts",
  "test/conformance/backup-cli.test.ts",
  "test/unit/program-entry-point.test.ts",
  "test/cli/render.test.ts",
  "test/conformance/streams-presets.test.ts",
  "test/conformance/attacks.test.ts",
  "test/conformance/backup-restore.test.ts",
  "test/conformance/hub-leaf.test.ts",
];

/** Vitest's order (groups, then earlier timings or size), with the slowest files known here moved to the front of their group. */
class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = SLOWEST_FIRST.findIndex((slow) => file.moduleId.endsWith(slow));
      return index === -1 ? SLOWEST_FIRST.length : index;
    };
    const sorted = await super.sort(files);
    return sorted.sort((a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || rank(a) - rank(b));
  }
}

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
    sequence: { sequencer: SlowestFirstSequencer },
    projects: [
      { test: { ...everyCore, sequence: { groupOrder: 0 }, name: "unit", include: ["test/unit/**/*.test.ts", "test/cli/**/*.test.ts"], exclude: PURE_UNIT_TESTS } },
      // Files that touch no Pulumi runtime, no global state and no child process share their workers' module
      // graphs: loading the model once per worker instead of once per file.
      { test: { ...everyCore, isolate: false, sequence: { groupOrder: 0 }, name: "unit-pure", include: PURE_UNIT_TESTS } },
      { test: { ...everyCore, sequence: { groupOrder: 0 }, name: "conformance", include: ["test/conformance/**/*.test.ts"], exclude: [FAULT_TESTS] } },
      {
        test: {
          ...shared,
          name: "faults",
          include: [FAULT_TESTS],
          // Real servers under fault injection measure timing; on two cores, the unit and conformance files
          // (type loading, renders, many servers at once) would skew leader elections and catch-up enough to
          // turn a fault test into a load test. So the fault files run in a group of their own after the
          // others, three at a time: each is a few servers under a light load, mostly waiting on them.
          sequence: { groupOrder: 1 },
          maxWorkers: 3,
        },
      },
    ],
  },
});
