/**
 * `npm run local -- lightdash --smoke`: Lightdash's job streams, expanded from the stack's `lightdash`
 * description, created on a real 3-server cluster, and a job through each one with Lightdash's own users.
 */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { eventOf, isNatsServer, PROJECT_DIR, recordedPids, runEvents, runNpmLocal } from "../support/local-cli-run";
import { createdObjects, modelObjects, sortObjects } from "../support/provisioned";

describe("npm run local on the lightdash stack", () => {
  it("creates Lightdash's streams and passes a job from the API's user to each worker pool's user", { timeout: 60_000 }, async () => {
    const run = await runNpmLocal(["lightdash", "--smoke", "--json"], 50_000);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const ready = eventOf(runEvents(run.stdout), "ready");
    expect(ready.provisioned).toContainEqual({ cluster: "nats", account: "lightdash", kind: "stream", name: "WAREHOUSE_QUERY_JOBS", replicas: 3, retention: "workqueue", storage: "memory" });
    expect(ready.provisioned).toContainEqual({ cluster: "nats", account: "lightdash", kind: "consumer", name: "PRE_AGGREGATE_QUERY_JOBS/worker-pre-aggregate" });
    expect(sortObjects(createdObjects(ready.provisioned))).toEqual(sortObjects(modelObjects(PROJECT_DIR, "lightdash")));
    const jobs = ready.checks.filter((check) => check.check === "job");
    expect(jobs).toContainEqual({
      check: "job",
      outcome: "passed",
      scope: "nats",
      publisher: "lightdash-api",
      subject: "warehouse.query.jobs",
      stream: "WAREHOUSE_QUERY_JOBS",
      sequence: 1,
      worker: "lightdash-warehouse",
      consumer: "worker-warehouse",
    });
    expect(jobs).toContainEqual(expect.objectContaining({ outcome: "passed", stream: "PRE_AGGREGATE_QUERY_JOBS", worker: "lightdash-pre-aggregate", consumer: "worker-pre-aggregate" }));
    expect(ready.checks.every((check) => check.outcome === "passed")).toBe(true);
    const pids = recordedPids(path.join(PROJECT_DIR, ".local", "lightdash"));
    expect(pids).toHaveLength(3);
    expect(pids.filter(isNatsServer)).toEqual([]);
  });
});
