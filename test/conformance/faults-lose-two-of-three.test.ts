/**
 * Two of three servers lost: a three-server cluster must refuse writes until one returns, and lose no
 * acknowledged write (the stream leader killed mid-load is faults-leader-killed.test.ts).
 */
import { describe, it } from "vitest";
import { validateCluster } from "../../components/model";
import { streamLeader, waitUntilCaughtUp } from "../support/nats-client";
import { auditAndReport, FAULT_STREAM, loadedClusters, refusedUntilOneReturns, serverIndex } from "../support/nats-faults";

const CLUSTER = validateCluster({ name: "faults3", tier: "small" });

describe("a 3-server cluster losing two servers", () => {
  const startLoad = loadedClusters();

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
