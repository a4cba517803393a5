/**
 * Faults a three-server cluster must survive without losing an acknowledged write: the stream leader
 * killed mid-load, and two of three servers lost (writes refused until one returns).
 */
import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model";
import { streamLeader, waitUntilCaughtUp } from "../support/nats-client";
import { auditAndReport, FAULT_STREAM, loadedClusters, refusedUntilOneReturns, secondsWithoutWrites, serverIndex } from "../support/nats-faults";

const CLUSTER = validateCluster({ name: "faults3", tier: "small" });

describe("a 3-server cluster under faults", () => {
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

  it("refuses writes with two of three servers down and loses nothing when one returns", { timeout: 90_000 }, async () => {
    const { local, publisher, nc, jsm } = await startLoad(CLUSTER, 3);
    const leader = await streamLeader(jsm, FAULT_STREAM);
    const follower = local.servers.find((server) => server.name !== leader)!.name;

    await local.kill(serverIndex(local, leader));
    await local.kill(serverIndex(local, follower));
    const { refused, resumedAfter } = await refusedUntilOneReturns(local, nc, publisher, follower, "without a quorum");

    await local.restart(serverIndex(local, leader));
    await publisher.waitForMore(100, 15_000);
    await publisher.stop();
    await waitUntilCaughtUp(local, jsm, FAULT_STREAM, leader);
    await waitUntilCaughtUp(local, jsm, FAULT_STREAM, follower);

    await auditAndReport("3 servers, lose two", local, nc, publisher, {
      "writes-refused": `${refused.toFixed(1)}s`,
      "resumed-after-restart": `${resumedAfter.toFixed(1)}s`,
    });
  });
});
