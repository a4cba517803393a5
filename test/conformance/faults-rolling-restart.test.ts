/**
 * A rolling restart as Kubernetes does one (every upgrade, node drain and tier change), under load: each server
 * in turn gets the preStop's lame duck, exits, starts again on its store, and the next goes only once it passes
 * the StatefulSet's startup and readiness probes. Publishers keep writing and a worker pool keeps working off
 * a durable consumer throughout.
 *
 * The lame duck's grace period is 2 s rather than the default 10 s: the grace only delays the closing of
 * clients after leaderships have moved, and three full ones would cost the suite half a minute.
 */
import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model";
import { auditAndReport, FAULT_STREAM, loadedClusters, secondsWithoutWrites } from "../support/nats-faults";
import { rollingRestart } from "../support/nats-rolling";
import { WorkerPool } from "../support/nats-workers";

const CLUSTER = validateCluster({ name: "rolling3", tier: "small", lameDuck: { gracePeriod: "2s" } });

describe("a rolling restart of a 3-server cluster under load", () => {
  const startLoad = loadedClusters();

  it("loses no acknowledged write and hands no job out twice without a missing ack", { timeout: 150_000 }, async () => {
    const { local, nc, jsm, publisher } = await startLoad(CLUSTER, 3);
    // Short pulls: a pull request waits on the consumer leader that took it, and every server goes in turn.
    const pool = await WorkerPool.start(local, jsm, { stream: FAULT_STREAM, durable: "workers", workers: 2, ackWaitMs: 3_000, pullExpiresMs: 2_000 });
    try {
      const rollStarted = Date.now();
      const failedBefore = publisher.failedAttempts;
      const ackedBefore = publisher.acknowledged.length;
      const steps = await rollingRestart(local, 60_000);
      const rollEnded = Date.now();
      const failed = publisher.failedAttempts - failedBefore;
      const acked = publisher.acknowledged.length - ackedBefore;

      await publisher.waitForMore(100, 15_000);
      await publisher.stop();
      await pool.waitUntilWorkedOff(jsm, 30_000);
      const work = pool.audit();
      const unprocessed = await pool.unreceived(jsm, publisher.acknowledged);

      await auditAndReport("3 servers, rolling restart", local, nc, publisher, {
        "publish-error-rate": `${((100 * failed) / Math.max(1, failed + acked)).toFixed(1)}%`,
        "longest-stall": `${secondsWithoutWrites(publisher, rollStarted, rollEnded).toFixed(1)}s`,
        drains: steps.map((step) => `${step.server}:${step.drainSeconds.toFixed(1)}s`).join("/"),
        "ready-after-start": steps.map((step) => `${step.server}:${step.readySeconds.toFixed(1)}s`).join("/"),
        "fully-healthy-when-ready": steps.map((step) => `${step.server}:${step.fullyHealthy ? "yes" : "no"}`).join("/"),
        processed: `${work.processed}`,
        "redelivered-after-missing-ack": `${work.redelivered}`,
        "replayed-after-leader-change": `${work.replayedAfterLeaderChange.length}`,
      });
      expect(steps.map((step) => step.server)).toEqual(local.servers.map((server) => server.name).reverse());
      expect(unprocessed.missing, `acknowledged messages the worker pool never received: ${unprocessed.explanation}`).toEqual([]);
      expect(work.unexplainedDuplicates, "messages delivered twice without a redelivery or a new consumer leader's replay").toEqual([]);
    } finally {
      await pool.stop();
    }
  });
});
