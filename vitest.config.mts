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

/** Vitest's order (groups, then earlier timings or size), with the fault files, then the slowest files known here, moved to the front of their group. */
class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = SLOWEST_FIRST.findIndex((slow) => file.moduleId.endsWith(slow));
      return index === -1 ? SLOWEST_FIRST.length : index;
    };
    // The fault files lead their group: the unit files that share it fill the cores the last of them leave idle.
    const faultsFirst = (file: TestSpecification) => (file.project.name === "faults" ? 0 : 1);
    const sorted = await super.sort(files);
    return sorted.sort((a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || faultsFirst(a) - faultsFirst(b) || rank(a) - rank(b));
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

// Vitest's default keeps a core free, which on two cores means one file at a time. The CLI files and the
// conformance files without fault injection often wait on child processes and real servers, so they run as one
// group (same maxWorkers), one file more than there are cores: on two cores, with the CLIs started compiled,
// the group (then with the unit files) took 214 s with three files at a time, 256 s with two (a fifth of the
// CPU idle) and 218 s with four.
const oneFileMoreThanCores = { ...shared, maxWorkers: availableParallelism() + 1 };

// Real servers under fault injection measure timing; on two cores, the conformance files (many servers at once,
// CLIs, builds) would skew leader elections and catch-up enough to turn a fault test into a load test. So the
// fault files run in a group after the others, four at a time: each is a few servers under a light load, mostly
// waiting on them. Beside a CPU hog (npm run stress) three at a time were green in 10 of 12 runs, and five at a
// time once failed two of three (before the relay port and pull-length fixes). The unit files join this group
// after the fault files: they only run Pulumi programs under mocks, and once most fault files are done they
// use the cores those leave idle. On two cores npm test took 312 s this way, against 336 to 378 s with the
// fault files three at a time in a group of their own and the unit files in the first group.
const faultGroup = { ...shared, maxWorkers: 4, sequence: { groupOrder: 1 } };

export default defineConfig({
  test: {
    sequence: { sequencer: SlowestFirstSequencer },
    projects: [
      // The unit files share their workers' module graphs: the SDKs and the components load once per worker
      // instead of once per file (loading them was most of these files' time). That is safe because every
      // file that registers resources installs its own mocks at its top level (setMocks replaces the previous
      // file's monitor and settings), each scenario starts from an empty record and waits until every
      // registration is answered, and the program runs reset their config and reload index.ts (program-run.ts).
      { test: { ...faultGroup, isolate: false, name: "unit", include: ["test/unit/**/*.test.ts"], exclude: OWN_PROCESS_UNIT_TESTS } },
      { test: { ...oneFileMoreThanCores, sequence: { groupOrder: 0 }, name: "unit-own-process", include: ["test/cli/**/*.test.ts", ...OWN_PROCESS_UNIT_TESTS] } },
      { test: { ...oneFileMoreThanCores, sequence: { groupOrder: 0 }, name: "conformance", include: ["test/conformance/**/*.test.ts"], exclude: [FAULT_TESTS] } },
      { test: { ...faultGroup, name: "faults", include: [FAULT_TESTS] } },
    ],
  },
});
