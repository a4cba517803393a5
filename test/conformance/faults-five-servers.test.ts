/**
 * Faults a five-server cluster must survive: two servers lost (the stream leader among them) while
 * writes go on, then a third lost, which must stop writes until one returns.
 *
 * The stream is R5. An R3 stream on five servers is decided by its own three peers alone, which is the
 * three-server case again; R5 is what puts the cluster's five-server fault tolerance to the test.
 */
import { afterEach, describe, it } from "vitest";
import { NatsConnection } from "nats";
import { validateCluster } from "../../components/model";
import { connectToCluster, streamLeader, waitUntilCaughtUp } from "../support/nats-client";
import { startTestCluster, TestCluster } from "../support/nats-cluster";
import { auditAndReport, createFaultStream, FAULT_STREAM, refusedUntilOneReturns, secondsWithoutWrites, serverIndex, steadyLoad } from "../support/nats-faults";
import { SteadyPublisher } from "../support/nats-publisher";

describe("a 5-server cluster under faults", () => {
  let running: TestCluster | undefined;
  let nc: NatsConnection | undefined;
  let publisher: SteadyPublisher | undefined;

  afterEach(async () => {
    await publisher?.stop();
    await nc?.close();
    await running?.stop();
    publisher = nc = running = undefined;
  });

  it("writes on with two servers lost, refuses with three, and loses nothing", { timeout: 120_000 }, async () => {
    running = await startTestCluster(validateCluster({ name: "faults5", tier: "large" }));
    const local = running.local;
    nc = await connectToCluster(local);
    const jsm = await nc.jetstreamManager();
    await createFaultStream(jsm, 5);
    publisher = steadyLoad(nc.jetstream());
    publisher.start();
    await publisher.waitForMore(200, 15_000);

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
