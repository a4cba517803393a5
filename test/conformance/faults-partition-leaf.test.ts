/**
 * A leaf site cut off from its hub: the site's WAN link goes down (NetnsTopology, a namespace per cluster),
 * while the hub's clients and the site's clients still reach their own servers. Three loads run throughout:
 * the hub's own (hub clients writing an R3 hub stream), the site's own (site clients writing the site's
 * stream in its own JetStream domain, and a worker pool on the site working it off), and the cross-link one
 * (site clients writing a hub stream through the leaf link). While the site is cut off, both local loads go
 * on and nothing sent across the link is acknowledged; after the heal the link comes back, the cross-link load
 * resumes, the hub's JetStream domain answers the site again, and the audits find nothing acknowledged lost.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { connect, NatsConnection } from "nats";
import { afterEach, describe, expect, it } from "vitest";
import { allocatePorts, localHubAndLeafPlacements, readLeafLinks, waitForLeafInterest, waitForLeafLinks } from "../../components/local";
import { validateHubAndLeaf } from "../../components/model/leaf";
import { auditStream } from "../support/nats-audit";
import { readStream, waitFor } from "../support/nats-client";
import { auditAndReport, createFaultStream, probeWrites, secondsWithoutWrites, steadyLoad } from "../support/nats-faults";
import { SteadyPublisher } from "../support/nats-publisher";
import { WorkerPool } from "../support/nats-workers";
import { NetnsTopology } from "../support/netns-topology";

/** nats-server's default account: without auth, the link carries it on both ends. */
const GLOBAL_ACCOUNT = "$G";
const hubAndLeaf = validateHubAndLeaf({
  hub: { name: "hub", tier: "small", jetstream: { domain: "hub" }, leafnodesService: { type: "ClusterIP" } },
  sites: [{ name: "site", tier: "dev", jetstream: { domain: "site" }, account: "edge" }],
});
/** The hub stream the site writes to through the link, and the site's own stream. */
const UPLINK_STREAM = "FROM_SITE";
const UPLINK_SUBJECT = "site.up";
const SITE_STREAM = "SITE_WORK";
const SITE_SUBJECT = "site.work";
/** Writes the site tries to send across the link while it is cut. */
const PROBES = 3;

describe("a leaf site cut off from its hub by a network partition", () => {
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

  it("works on at the site and at the hub while cut off, and carries the site's writes to the hub again after the heal", { timeout: 120_000 }, async () => {
    const clusters = [hubAndLeaf.hub.cluster, hubAndLeaf.sites[0].cluster];
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "nats-partition-leaf-"));
    const ports = Object.fromEntries(await Promise.all(clusters.map(async (cluster) => [cluster.name, await allocatePorts(cluster.servers)] as const)));
    net = await NetnsTopology.start(localHubAndLeafPlacements(hubAndLeaf, ports, runDir, {}, { site: GLOBAL_ACCOUNT }), runDir);
    const hub = net.cluster("hub");
    const site = net.cluster("site");
    await waitForLeafLinks(hub, [site], 15_000);

    const hubClient = await connect({ servers: hub.clientUrls, ignoreClusterUpdates: true, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const siteClient = await connect({ servers: site.clientUrls, ignoreClusterUpdates: true, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    connections.push(hubClient, siteClient);
    const hubJsm = await waitFor("the hub's JetStream API to answer", 15_000, () => hubClient.jetstreamManager());
    const siteJsm = await waitFor("the site's JetStream API to answer", 15_000, () => siteClient.jetstreamManager());
    await createFaultStream(hubJsm, 3);
    await createFaultStream(hubJsm, 3, { name: UPLINK_STREAM, subject: UPLINK_SUBJECT });
    await createFaultStream(siteJsm, 1, { name: SITE_STREAM, subject: SITE_SUBJECT });
    // The site's writes reach the hub streams once their interest has crossed the link.
    await waitForLeafInterest(site, [UPLINK_SUBJECT, "faults.load"], 15_000);

    const hubLoad = steadyLoad(hubClient.jetstream());
    const siteLoad = steadyLoad(siteClient.jetstream(), SITE_SUBJECT);
    const uplink = steadyLoad(siteClient.jetstream(), UPLINK_SUBJECT);
    publishers.push(hubLoad, siteLoad, uplink);
    for (const publisher of publishers) publisher.start();
    pool = await WorkerPool.start(site, siteJsm, { stream: SITE_STREAM, durable: "workers", workers: 2, ackWaitMs: 3_000, servers: site.clientUrls, pullExpiresMs: 2_000 });
    await Promise.all(publishers.map((publisher) => publisher.waitForMore(100, 15_000)));

    const cutAt = Date.now();
    net.cut("site");
    await Promise.all([hubLoad.waitForMore(150, 30_000), siteLoad.waitForMore(150, 30_000)]);
    const workedWhileCut = await waitFor("the site's worker pool to process a message written after the cut", 15_000, async () => {
      const writtenAfterCut = new Set(siteLoad.acknowledgedAfter(cutAt).map((ack) => ack.msgId));
      return pool!.deliveries.find((delivery) => delivery.at > cutAt && writtenAfterCut.has(delivery.msgId))?.at;
    });
    const hubStall = secondsWithoutWrites(hubLoad, cutAt, Date.now());
    const siteStall = secondsWithoutWrites(siteLoad, cutAt, Date.now());
    // An acknowledgement already on its way at the cut may still arrive; none may come while the probes are tried.
    const probesFrom = Date.now();
    const acceptedAcross = await probeWrites(siteClient.jetstream(), PROBES);
    expect(acceptedAcross, "writes from the cut-off site acknowledged by the hub").toBe(0);
    expect(uplink.acknowledgedAfter(probesFrom), "cross-link writes acknowledged while the site was cut off").toEqual([]);
    // The cut is silent (no reset reaches either end), so the link may outlive it: reported, not required.
    const linkListedWhileCut = (await readLeafLinks(hub, [site])).length > 0;

    const healedAt = Date.now();
    net.heal("site");
    await Promise.all([uplink.waitForMore(1, 60_000), waitForLeafLinks(hub, [site], 30_000)]);
    const uplinkResumed = (uplink.acknowledgedAfter(healedAt)[0].at - healedAt) / 1000;
    const siteHubJsm = await siteClient.jetstreamManager({ domain: "hub" });
    await waitFor("the hub's JetStream domain to answer the site", 30_000, () => siteHubJsm.streams.info(UPLINK_STREAM));
    const uplinkStall = secondsWithoutWrites(uplink, cutAt, Date.now());
    await Promise.all(publishers.map((publisher) => publisher.waitForMore(50, 30_000)));
    for (const publisher of publishers) await publisher.stop();

    await pool.waitUntilWorkedOff(siteJsm, 30_000);
    const work = pool.audit();
    // The site's stream is one replica on one server: read back what it holds and compare.
    const siteLast = (await siteJsm.streams.info(SITE_STREAM)).state.last_seq;
    const siteAudit = auditStream(siteLoad.acknowledged, await readStream(siteJsm, SITE_STREAM, siteLast));
    console.log(
      `fault[leaf site cut off, site's own work]: acknowledged=${siteAudit.acknowledged}, lost=${siteAudit.lost.length}, duplicates=${siteAudit.duplicates.length}` +
        `, longest-stall-while-cut=${siteStall.toFixed(1)}s, work-processed-after-cut=${((workedWhileCut - cutAt) / 1000).toFixed(1)}s, processed=${work.processed}` +
        `, redelivered-after-missing-ack=${work.redelivered}, replayed-after-leader-change=${work.replayedAfterLeaderChange.length}, retried-attempts=${siteLoad.failedAttempts}, abandoned=${siteLoad.abandoned.length}`,
    );
    expect(siteAudit.lost, "acknowledged site messages missing from the site's stream").toEqual([]);
    expect(siteAudit.duplicates, "site messages stored more than once").toEqual([]);
    expect(work.unexplainedDuplicates, "site messages delivered twice without a redelivery or a new consumer leader's replay").toEqual([]);
    const unprocessed = await pool.unreceived(siteJsm, siteLoad.acknowledged);
    expect(unprocessed.missing, `acknowledged site messages the worker pool never received: ${unprocessed.explanation}`).toEqual([]);

    // The two hub streams settle independently; their audits run side by side.
    await Promise.all([
      auditAndReport("leaf site cut off, hub's own writes", hub, hubClient, hubLoad, {
        "longest-stall-while-cut": `${hubStall.toFixed(1)}s`,
        "site-writes-acknowledged-while-cut": `${acceptedAcross}/${PROBES}`,
        "link-listed-while-cut": linkListedWhileCut ? "yes" : "no",
      }),
      auditAndReport(
        "leaf site cut off, site writing to the hub",
        hub,
        hubClient,
        uplink,
        { "resumed-after-heal": `${uplinkResumed.toFixed(1)}s`, "longest-stall": `${uplinkStall.toFixed(1)}s` },
        UPLINK_STREAM,
      ),
    ]);
  });
});
