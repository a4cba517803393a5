import { defineConfig } from "vitest/config";

const shared = {
  // Each file gets a fresh module graph: @pulumi/pulumi keeps one set of mocks per process.
  isolate: true,
  pool: "forks" as const,
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: "unit", include: ["test/unit/**/*.test.ts", "test/cli/**/*.test.ts"] } },
      {
        test: {
          ...shared,
          name: "conformance",
          include: ["test/conformance/**/*.test.ts"],
          // Real servers under fault injection measure timing; on two cores, parallel files would skew
          // leader elections and catch-up enough to turn a fault test into a load test.
          fileParallelism: false,
        },
      },
    ],
  },
});
