/**
 * A cluster cut off from its supercluster: of a 2 x 3 supercluster, the west cluster's WAN link goes down
 * (NetnsTopology, a namespace per cluster), cutting its gateways, while each cluster's clients still reach
 * their own servers. Three loads run throughout: each cluster's own (its clients writing an R3 stream placed
 * in it, with a worker pool in the east working its stream off), and the cross-cluster one (east clients
 * writing a stream placed in the west, through the gateways). While the west is cut off, both local loads go
 * on although neither half holds a majority of the JetStream meta group (a stream's own group needs none),
 * and nothing sent across is acknowledged; after the heal every gateway is up (a short silent cut leaves the
 * connections open), the meta group forms again, the cross-cluster load resumes, and the audits find nothing
 * acknowledged lost and every replica identical.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { connect, NatsConnection } from "nats";
import { afterEach, describe, expect, it } from "vitest";
import { allocatePorts, localSuperClusterPlacements, missingGateways, readGatewayLinks, waitForMetaGroup } from "../../components/local";
import { validateSuperCluster } from "../../components/model/supercluster";
import { waitFor } from "../support/nats-client";
import { auditAndReport, createFaultStream, secondsWithoutWrites, steadyLoad } from "../support/nats-faults";
import { SteadyPublisher } from "../support/nats-publisher";
import { WorkerPool } from "../support/nats-workers";
import { NetnsTopology } from "../support/netns-topology";

const superCluster = validateSuperCluster(
  {
    clusters: [
      { name: "east", tier: "small", region: "us-east-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c"], gatewayService: { type: "ClusterIP" } },
      { name: "west", tier: "small", region: "us-west-2", zones: ["us-west-2a", "us-west-2b", "us-west-2c"], gatewayService: { type: "ClusterIP" } },
    ],
  },
  "supercluster",
  "1.35",
);
const CLUSTERS = ["east", "west"];
/** Each cluster's own stream, and the west stream the east writes to across the gateways. */
const STREAMS = { east: "EAST_WORK", west: "WEST_WORK", across: "WEST_INBOX" };
const SUBJECTS = { east: "east.work", west: "west.work", across: "west.inbox" };
/** The 2 x 3 meta group forms in 4-6 s on this machine; room for a loaded one. */
const META_GROUP_TIMEOUT_MS = 25_000;

/** Waits until every server has an outbound gateway to the other cluster; returns the seconds it took from `since`. */
async function waitForGateways(net: NetnsTopology, since: number): Promise<number> {
  const clusters = CLUSTERS.map((name) => net.cluster(name));
  await waitFor("every server's gateway to the other cluster", 30_000, async () => {
    const missing = missingGateways(await readGatewayLinks(clusters), CLUSTERS);
    if (missing.length > 0) throw new Error(missing.join("; "));
    return true;
  });
  return (Date.now() - since) / 1000;
}

describe("a cluster cut off from its supercluster by a network partition", () => {
  let net: NetnsTopology | undefined;
  const connections: NatsConnection[] = [];
  const publishers: SteadyPublisher[] = [];
  let pool: WorkerPool | undefined;

  afterEach(async () => {
    await Promise.all(publishers.splice(0).map((publisher) => publisher.stop()));
    await pool?.stop();
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
    await net?.stop();
    net = pool = undefined;
  });

  it("works on in each cluster while cut off, and carries writes across again after the heal", { timeout: 120_000 }, async () => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "nats-partition-gateway-"));
    const ports = Object.fromEntries(await Promise.all(superCluster.members.map(async ({ cluster }) => [cluster.name, await allocatePorts(cluster.servers)] as const)));
    net = await NetnsTopology.start(localSuperClusterPlacements(superCluster, ports, runDir), runDir);
    await waitForMetaGroup(net.topology, META_GROUP_TIMEOUT_MS);
    const east = net.cluster("east");
    const west = net.cluster("west");

    const eastClient = await connect({ servers: east.clientUrls, ignoreClusterUpdates: true, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const westClient = await connect({ servers: west.clientUrls, ignoreClusterUpdates: true, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    connections.push(eastClient, westClient);
    const jsm = await waitFor("the JetStream API to answer", 15_000, () => eastClient.jetstreamManager());
    await createFaultStream(jsm, 3, { name: STREAMS.east, subject: SUBJECTS.east, cluster: "east" });
    await createFaultStream(jsm, 3, { name: STREAMS.west, subject: SUBJECTS.west, cluster: "west" });
    await createFaultStream(jsm, 3, { name: STREAMS.across, subject: SUBJECTS.across, cluster: "west" });

    const eastLoad = steadyLoad(eastClient.jetstream(), SUBJECTS.east);
    const westLoad = steadyLoad(westClient.jetstream(), SUBJECTS.west);
    // Until the inbox stream's interest has crossed the gateways a write is answered "no responders" and retried.
    const across = steadyLoad(eastClient.jetstream(), SUBJECTS.across);
    publishers.push(eastLoad, westLoad, across);
    for (const publisher of publishers) publisher.start();
    pool = await WorkerPool.start(east, jsm, { stream: STREAMS.east, durable: "workers", workers: 2, ackWaitMs: 3_000, servers: east.clientUrls, pullExpiresMs: 2_000 });
    await Promise.all(publishers.map((publisher) => publisher.waitForMore(100, 20_000)));

    const cutAt = Date.now();
    net.cut("west");
    await Promise.all([eastLoad.waitForMore(150, 30_000), westLoad.waitForMore(150, 30_000)]);
    const workedWhileCut = await waitFor("the east's worker pool to process a message written after the cut", 15_000, async () => {
      const writtenAfterCut = new Set(eastLoad.acknowledgedAfter(cutAt).map((ack) => ack.msgId));
      return pool!.deliveries.find((delivery) => delivery.at > cutAt && writtenAfterCut.has(delivery.msgId))?.at;
    });
    const eastStall = secondsWithoutWrites(eastLoad, cutAt, Date.now());
    const westStall = secondsWithoutWrites(westLoad, cutAt, Date.now());
    // An acknowledgement already on its way at the cut may still arrive; none may come over the next attempts.
    const failedBefore = across.failedAttempts;
    const watchedFrom = Date.now();
    await waitFor("three failed attempts of the cross-cluster load", 15_000, async () => (across.failedAttempts >= failedBefore + 3 ? true : undefined));
    expect(across.acknowledgedAfter(watchedFrom), "cross-cluster writes acknowledged while the west was cut off").toEqual([]);
    const refusedAttempts = across.failedAttempts - failedBefore;

    const healedAt = Date.now();
    net.heal("west");
    const [gatewaysAfter, metaGroupAfter] = await Promise.all([
      waitForGateways(net, healedAt),
      waitForMetaGroup(net.topology, META_GROUP_TIMEOUT_MS).then(() => (Date.now() - healedAt) / 1000),
      across.waitForMore(1, 60_000),
    ]);
    const acrossResumed = (across.acknowledgedAfter(healedAt)[0].at - healedAt) / 1000;
    const acrossStall = secondsWithoutWrites(across, cutAt, Date.now());
    await Promise.all(publishers.map((publisher) => publisher.waitForMore(50, 30_000)));
    for (const publisher of publishers) await publisher.stop();

    await pool.waitUntilWorkedOff(jsm, 30_000);
    const work = pool.audit();
    // The three streams settle independently; their audits run side by side.
    await Promise.all([
      auditAndReport(
        "west cut off from the supercluster, east's own work",
        east,
        eastClient,
        eastLoad,
        {
          "longest-stall-while-cut": `${eastStall.toFixed(1)}s`,
          "work-processed-after-cut": `${((workedWhileCut - cutAt) / 1000).toFixed(1)}s`,
          processed: `${work.processed}`,
          "redelivered-after-missing-ack": `${work.redelivered}`,
          "replayed-after-leader-change": `${work.replayedAfterLeaderChange.length}`,
        },
        STREAMS.east,
      ),
      auditAndReport("west cut off from the supercluster, west's own writes", west, westClient, westLoad, { "longest-stall-while-cut": `${westStall.toFixed(1)}s` }, STREAMS.west),
      auditAndReport(
        "west cut off from the supercluster, east writing to the west",
        west,
        westClient,
        across,
        {
          "attempts-unacknowledged-while-cut": `${refusedAttempts}`,
          "resumed-after-heal": `${acrossResumed.toFixed(1)}s`,
          "longest-stall": `${acrossStall.toFixed(1)}s`,
          "gateways-after-heal": `${gatewaysAfter.toFixed(1)}s`,
          "meta-group-after-heal": `${metaGroupAfter.toFixed(1)}s`,
        },
        STREAMS.across,
      ),
    ]);
    const unprocessed = await pool.unreceived(jsm, eastLoad.acknowledged);
    expect(unprocessed.missing, `acknowledged messages the worker pool never received: ${unprocessed.explanation}`).toEqual([]);
    expect(work.unexplainedDuplicates, "messages delivered twice without a redelivery or a new consumer leader's replay").toEqual([]);
  });
});
