import { availableParallelism } from "os";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take longest, slowest first. Vitest starts the files it timed before longest first, but a
 * fresh clone has no timings, and one of these started last would leave a core idle at the end of the run.
 */
const SLOWEST_FIRST = [
  "test/conformance/package-consumer.test.ts",
  "test/cli/diff.test.ts",
  "test/conformance/local-dagnats-cli.test.ts",
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

/**
 * Unit files that need a process of their own: the render CLI's tests check which modules a fresh process
 * loads, the package schema comes from the analyzer loading the package, and the entry point runs the host.
 */
const OWN_PROCESS_UNIT_TESTS = ["test/unit/package-schema.test.ts", "test/unit/program-entry-point.test.ts"];

/** The fault tests: real servers killed under load, timed. */
const FAULT_TESTS = "test/conformance/faults-*.test.ts";

const shared = {
  // The conformance and fault files each get a fresh module graph: they hold servers, connections and timers
  // of their own, and a file that fails to stop one must not leave it to the next.
  isolate: true,
  // The CLIs compiled once, before any file runs them (see test/support/compiled-cli.ts).
  globalSetup: ["test/support/compiled-cli.ts"],
  pool: "forks" as const,
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

// Vitest's default keeps a core free, which on two cores means one file at a time. The unit files and the
// conformance files without fault injection often wait on child processes and real servers, so they run as one
// group (same maxWorkers), one file more than there are cores: on two cores, with the CLIs started compiled,
// the group took 214 s with three files at a time, 256 s with two (a fifth of the CPU idle) and 218 s with four.
const oneFileMoreThanCores = { ...shared, maxWorkers: availableParallelism() + 1 };

export default defineConfig({
  test: {
    sequence: { sequencer: SlowestFirstSequencer },
    projects: [
      // The unit files share their workers' module graphs: the SDKs and the components load once per worker
      // instead of once per file (loading them was most of these files' time). That is safe because every
      // file that registers resources installs its own mocks at its top level (setMocks replaces the previous
      // file's monitor and settings), each scenario starts from an empty record and waits until every
      // registration is answered, and the program runs reset their config and reload index.ts (program-run.ts).
      { test: { ...oneFileMoreThanCores, isolate: false, sequence: { groupOrder: 0 }, name: "unit", include: ["test/unit/**/*.test.ts"], exclude: OWN_PROCESS_UNIT_TESTS } },
      { test: { ...oneFileMoreThanCores, sequence: { groupOrder: 0 }, name: "unit-own-process", include: ["test/cli/**/*.test.ts", ...OWN_PROCESS_UNIT_TESTS] } },
      { test: { ...oneFileMoreThanCores, sequence: { groupOrder: 0 }, name: "conformance", include: ["test/conformance/**/*.test.ts"], exclude: [FAULT_TESTS] } },
      {
        test: {
          ...shared,
          name: "faults",
          include: [FAULT_TESTS],
          // Real servers under fault injection measure timing; on two cores, the unit and conformance files
          // (type loading, renders, many servers at once) would skew leader elections and catch-up enough to
          // turn a fault test into a load test. So the fault files run in a group of their own after the
          // others, three at a time: each is a few servers under a light load, mostly waiting on them. Five at
          // a time was faster (by 25 s), but beside a CPU hog (npm run stress) servers then took over 30 s to
          // become healthy and a worker pool fell behind its deadline.
          sequence: { groupOrder: 1 },
          maxWorkers: 3,
        },
      },
    ],
  },
});
