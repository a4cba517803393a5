/**
 * A network partition: one server of three loses its cluster network (its namespace's cluster link goes
 * down, as when a zone is cut off), while its clients can still reach it. The majority keeps acknowledging
 * writes; the cut-off server refuses them (a write sent to it is never acknowledged); after the heal it
 * catches up, and the audit finds nothing lost and every replica identical.
 */
import { connect, NatsConnection } from "nats";
import { afterEach, describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model";
import { streamLeader, waitFor, waitUntilCaughtUp, waitUntilLeaderless } from "../support/nats-client";
import { auditAndReport, createFaultStream, FAULT_STREAM, probeWrites, secondsWithoutWrites, serverIndex, steadyLoad } from "../support/nats-faults";
import { SteadyPublisher } from "../support/nats-publisher";
import { NetnsCluster } from "../support/netns-cluster";
import { currentServer } from "../support/nats-cluster";
import { formatServerVersion } from "../../components/model/version";

const CLUSTER = validateCluster({ name: "partition3", tier: "small" });
/** Writes tried through the cut-off server while it is cut off. */
const PROBES = 3;

describe("a 3-server cluster split by a network partition", () => {
  let cluster: NetnsCluster | undefined;
  const connections: NatsConnection[] = [];
  let publisher: SteadyPublisher | undefined;

  afterEach(async () => {
    await publisher?.stop();
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    await cluster?.stop();
    cluster = publisher = undefined;
  });

  it("writes on in the majority, refuses writes in the minority, and loses nothing after the heal", { timeout: 120_000 }, async () => {
    cluster = await NetnsCluster.start(CLUSTER, currentServer());
    const { local } = cluster;
    const setup = await connect({ servers: local.clientUrls, ignoreClusterUpdates: true });
    connections.push(setup);
    // Healthy servers with a meta leader can still answer the first JetStream request "no responders" while the
    // API's interest crosses the routes; the manager is made once an account info request is answered.
    const jsm = await waitFor("the JetStream API to answer through the cluster", 15_000, () => setup.jetstreamManager());
    await createFaultStream(jsm, 3);
    const leader = await streamLeader(jsm, FAULT_STREAM);
    // The server cut off is a follower, so the stream's leader stays in the majority.
    const isolated = local.servers.find((server) => server.name !== leader)!;
    const majority = local.servers.filter((server) => server !== isolated);

    // The load goes through the majority only; a second connection speaks to the isolated server alone.
    const load = await connect({ servers: majority.map((server) => server.clientUrl), ignoreClusterUpdates: true });
    const minority = await connect({ servers: [isolated.clientUrl], ignoreClusterUpdates: true });
    connections.push(load, minority);
    publisher = steadyLoad(load.jetstream());
    publisher.start();
    await publisher.waitForMore(200, 15_000);

    const cutAt = Date.now();
    cluster.cut(serverIndex(local, isolated.name));
    publisher.mark("cut");
    await publisher.waitForMore(150, 30_000);
    const stall = secondsWithoutWrites(publisher, cutAt, Date.now());
    const acceptedByMinority = await probeWrites(minority.jetstream(), PROBES);
    expect(acceptedByMinority, "writes acknowledged through the cut-off server").toBe(0);
    // The cut lasts until the cut-off server has stood for election (as in any outage of more than a few
    // seconds), so that the heal brings back a server with a higher term, which unseats the stream's leader.
    await waitUntilLeaderless(local, FAULT_STREAM, isolated.name, 30_000);

    const healedAt = Date.now();
    cluster.heal(serverIndex(local, isolated.name));
    publisher.mark("healed");
    await waitUntilCaughtUp(local, jsm, FAULT_STREAM, isolated.name, 60_000);
    const caughtUpAfter = (Date.now() - healedAt) / 1000;
    await publisher.waitForMore(100, 15_000);
    await publisher.stop();

    await auditAndReport("3 servers, one cut off", local, load, publisher, {
      server: formatServerVersion(currentServer().version),
      "longest-stall-in-majority": `${stall.toFixed(1)}s`,
      "minority-writes-acknowledged": `${acceptedByMinority}/${PROBES}`,
      "caught-up-after-heal": `${caughtUpAfter.toFixed(1)}s`,
    });
  });
});
