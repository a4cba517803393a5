/**
 * Faults a five-server cluster must survive: two servers lost (the stream leader among them) while
 * writes go on, then a third lost, which must stop writes until one returns.
 *
 * The stream is R5. An R3 stream on five servers is decided by its own three peers alone, which is the
 * three-server case again; R5 is what puts the cluster's five-server fault tolerance to the test.
 */
import { describe, it } from "vitest";
import { validateCluster } from "../../components/model";
import { streamLeader, waitUntilCaughtUp } from "../support/nats-client";
import { auditAndReport, FAULT_STREAM, loadedClusters, refusedUntilOneReturns, secondsWithoutWrites, serverIndex } from "../support/nats-faults";

describe("a 5-server cluster under faults", () => {
  const startLoad = loadedClusters();

  it("writes on with two servers lost, refuses with three, and loses nothing", { timeout: 120_000 }, async () => {
    const { local, nc, jsm, publisher } = await startLoad(validateCluster({ name: "faults5", tier: "large" }), 5);

    const leader = await streamLeader(jsm, FAULT_STREAM);
    const [second, third] = local.servers.filter((server) => server.name !== leader).map((server) => server.name);
    const twoLostAt = Date.now();
    await local.kill(serverIndex(local, leader));
    await local.kill(serverIndex(local, second));
    await publisher.waitForMore(200, 30_000);
    const leaderless = secondsWithoutWrites(publisher, twoLostAt, Date.now());

    await local.kill(serverIndex(local, third));
    const { refused, resumedAfter } = await refusedUntilOneReturns(local, nc, publisher, third, "with three of five servers down");

    await local.restart(serverIndex(local, leader));
    await local.restart(serverIndex(local, second));
    await publisher.waitForMore(100, 15_000);
    await publisher.stop();
    for (const name of [leader, second, third]) await waitUntilCaughtUp(local, jsm, FAULT_STREAM, name);

    await auditAndReport("5 servers, lose two then three", local, nc, publisher, {
      leaderless: `${leaderless.toFixed(1)}s`,
      "writes-refused": `${refused.toFixed(1)}s`,
      "resumed-after-restart": `${resumedAfter.toFixed(1)}s`,
    });
  });
});
