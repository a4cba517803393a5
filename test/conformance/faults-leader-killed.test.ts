/** A three-server cluster whose stream leader is killed mid-load must lose no acknowledged write. */
import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model";
import { streamLeader, waitUntilCaughtUp } from "../support/nats-client";
import { auditAndReport, FAULT_STREAM, loadedClusters, secondsWithoutWrites, serverIndex } from "../support/nats-faults";

const CLUSTER = validateCluster({ name: "leader3", tier: "small" });

describe("a 3-server cluster whose stream leader is killed", () => {
  const startLoad = loadedClusters();

  it("keeps every acknowledged write when the stream leader is killed mid-load", { timeout: 90_000 }, async () => {
    const { local, publisher, nc, jsm } = await startLoad(CLUSTER, 3);
    const leader = await streamLeader(jsm, FAULT_STREAM);

    const killedAt = Date.now();
    await local.kill(serverIndex(local, leader));
    await publisher.waitForMore(200, 30_000);
    const leaderless = secondsWithoutWrites(publisher, killedAt, Date.now());
    const newLeader = await streamLeader(jsm, FAULT_STREAM);
    expect(newLeader).not.toBe(leader);

    await local.restart(serverIndex(local, leader));
    await publisher.waitForMore(100, 15_000);
    await publisher.stop();
    await waitUntilCaughtUp(local, jsm, FAULT_STREAM, leader);

    await auditAndReport("3 servers, kill leader", local, nc, publisher, { leaderless: `${leaderless.toFixed(1)}s` });
  });
});
