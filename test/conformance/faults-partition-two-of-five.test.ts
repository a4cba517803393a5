/**
 * A network partition of a five-server cluster: two servers lose their cluster network together (their
 * namespaces' cluster links go down, as when a zone holding two of five servers is cut off), while their
 * clients can still reach them. The stream is R5 so that both sides of the split hold replicas: the majority
 * of three, which holds the stream's and the workers' consumer's leaders, keeps acknowledging writes and a
 * worker pool keeps working them off; the two cut-off servers refuse writes; after the heal both catch up,
 * and the audit finds nothing lost and every replica identical.
 */
import { connect, NatsConnection } from "nats";
import { afterEach, describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model";
import { streamLeader, waitFor, waitUntilCaughtUp, waitUntilLeaderless } from "../support/nats-client";
import { auditAndReport, createFaultStream, FAULT_STREAM, probeWrites, secondsWithoutWrites, serverIndex, steadyLoad } from "../support/nats-faults";
import { SteadyPublisher } from "../support/nats-publisher";
import { addWorkConsumer, WorkerPool } from "../support/nats-workers";
import { NetnsCluster } from "../support/netns-cluster";
import { currentServer } from "../support/nats-cluster";
import { formatServerVersion } from "../../components/model/version";

const CLUSTER = validateCluster({ name: "partition5", tier: "large" });
const WORKERS = { stream: FAULT_STREAM, durable: "workers", workers: 2, ackWaitMs: 3_000, pullExpiresMs: 2_000 };
/** Writes tried through each cut-off server while it is cut off. */
const PROBES = 3;

describe("a 5-server cluster with two servers cut off by a network partition", () => {
  let cluster: NetnsCluster | undefined;
  const connections: NatsConnection[] = [];
  let publisher: SteadyPublisher | undefined;
  let pool: WorkerPool | undefined;

  afterEach(async () => {
    await publisher?.stop();
    await pool?.stop();
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    await cluster?.stop();
    cluster = publisher = pool = undefined;
  });

  it("writes and works on in the majority of three, refuses writes in the minority of two, and loses nothing after the heal", { timeout: 120_000 }, async () => {
    cluster = await NetnsCluster.start(CLUSTER, currentServer());
    const { local } = cluster;
    const setup = await connect({ servers: local.clientUrls, ignoreClusterUpdates: true });
    connections.push(setup);
    const jsm = await waitFor("the JetStream API to answer through the cluster", 15_000, () => setup.jetstreamManager());
    await createFaultStream(jsm, 5);
    const leader = await streamLeader(jsm, FAULT_STREAM);
    // The workers' consumer is made before the cut so that its leader is known; sent again while the request
    // reaches no one, as the stream's create is.
    await waitFor("consumer workers to be created", 15_000, async () => {
      await addWorkConsumer(jsm, WORKERS);
      return true;
    });
    const consumerLeader = await waitFor("consumer workers to have a leader", 15_000, async () => (await jsm.consumers.info(FAULT_STREAM, WORKERS.durable)).cluster?.leader || undefined);
    // Two servers that lead neither the stream nor the consumer are cut off, so both leaders stay in the
    // majority. With the consumer's leader cut off, its successor was seen to hand out again messages delivered
    // just before the cut without marking them as redeliveries: deliveries the old leader had not replicated.
    const isolated = local.servers.filter((server) => server.name !== leader && server.name !== consumerLeader).slice(0, 2);
    const majority = local.servers.filter((server) => !isolated.includes(server));

    // The load and the workers go through the majority only; one connection per cut-off server speaks to it alone.
    const majorityUrls = majority.map((server) => server.clientUrl);
    const load = await connect({ servers: majorityUrls, ignoreClusterUpdates: true });
    const minority = await Promise.all(isolated.map((server) => connect({ servers: [server.clientUrl], ignoreClusterUpdates: true })));
    connections.push(load, ...minority);
    publisher = steadyLoad(load.jetstream());
    publisher.start();
    pool = await WorkerPool.start(local, jsm, { ...WORKERS, servers: majorityUrls });
    await publisher.waitForMore(200, 15_000);

    const cutAt = Date.now();
    for (const server of isolated) cluster.cut(serverIndex(local, server.name));
    publisher.mark("cut");
    await publisher.waitForMore(150, 30_000);
    const stall = secondsWithoutWrites(publisher, cutAt, Date.now());
    // The consumer's leader may have been cut off with the two servers; the majority then elects another.
    const workResumed = await waitFor("the worker pool to process a message published after the cut", 30_000, async () => {
      const publishedAfterCut = new Set(publisher!.acknowledgedAfter(cutAt).map((ack) => ack.msgId));
      return pool!.deliveries.find((delivery) => delivery.at > cutAt && publishedAfterCut.has(delivery.msgId))?.at;
    });
    const accepted = await Promise.all(minority.map((connection) => probeWrites(connection.jetstream(), PROBES)));
    const acceptedByMinority = accepted.reduce((sum, count) => sum + count, 0);
    expect(acceptedByMinority, "writes acknowledged through the cut-off servers").toBe(0);
    // The cut lasts until both cut-off servers have stood for election, so the heal brings back higher terms.
    await Promise.all(isolated.map((server) => waitUntilLeaderless(local, FAULT_STREAM, server.name, 30_000)));

    const healedAt = Date.now();
    for (const server of isolated) cluster.heal(serverIndex(local, server.name));
    publisher.mark("healed");
    await Promise.all(isolated.map((server) => waitUntilCaughtUp(local, jsm, FAULT_STREAM, server.name, 60_000)));
    const caughtUpAfter = (Date.now() - healedAt) / 1000;
    await publisher.waitForMore(100, 15_000);
    await publisher.stop();
    await pool.waitUntilWorkedOff(jsm, 30_000);
    const work = pool.audit();
    const unprocessed = await pool.unreceived(jsm, publisher.acknowledged);

    await auditAndReport("5 servers, two cut off", local, load, publisher, {
      server: formatServerVersion(currentServer().version),
      "longest-stall-in-majority": `${stall.toFixed(1)}s`,
      "minority-writes-acknowledged": `${acceptedByMinority}/${PROBES * isolated.length}`,
      "work-resumed-after-cut": `${((workResumed - cutAt) / 1000).toFixed(1)}s`,
      "caught-up-after-heal": `${caughtUpAfter.toFixed(1)}s`,
      processed: `${work.processed}`,
      "redelivered-after-missing-ack": `${work.redelivered}`,
      "replayed-after-leader-change": `${work.replayedAfterLeaderChange.length}`,
    });
    expect(unprocessed.missing, `acknowledged messages the worker pool never received: ${unprocessed.explanation}`).toEqual([]);
    expect(work.unexplainedDuplicates, "messages delivered twice without a redelivery or a new consumer leader's replay").toEqual([]);
  });
});
