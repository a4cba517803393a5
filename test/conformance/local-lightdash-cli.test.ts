/**
 * `npm run local -- lightdash --smoke`: Lightdash's job streams, expanded from the stack's `lightdash`
 * description, created on a real 3-server cluster, and a job through each one with Lightdash's own users.
 */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { isNatsServer, PROJECT_DIR, recordedPids, runNpmLocal } from "../support/local-cli-run";
import { createdObjects, modelObjects, sortObjects } from "../support/provisioned";

describe("npm run local on the lightdash stack", () => {
  it("creates Lightdash's streams and passes a job from the API's user to each worker pool's user", { timeout: 60_000 }, async () => {
    const run = await runNpmLocal(["lightdash", "--smoke"], 50_000);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("lightdash: stream WAREHOUSE_QUERY_JOBS created (R3, workqueue, memory)");
    expect(run.stdout).toContain("lightdash: consumer PRE_AGGREGATE_QUERY_JOBS/worker-pre-aggregate created");
    expect(sortObjects(createdObjects(run.stdout))).toEqual(sortObjects(modelObjects(PROJECT_DIR, "lightdash")));
    expect(run.stdout).toMatch(
      /lightdash-api published a job to warehouse\.query\.jobs, stored in WAREHOUSE_QUERY_JOBS as sequence 1; lightdash-warehouse pulled it from WAREHOUSE_QUERY_JOBS\/worker-warehouse and acked it; nothing is left to deliver again/,
    );
    expect(run.stdout).toMatch(/lightdash-pre-aggregate pulled it from PRE_AGGREGATE_QUERY_JOBS\/worker-pre-aggregate and acked it/);
    expect(run.stdout).toContain("smoke check passed");
    const pids = recordedPids(path.join(PROJECT_DIR, ".local", "lightdash"));
    expect(pids).toHaveLength(3);
    expect(pids.filter(isNatsServer)).toEqual([]);
  });
});
