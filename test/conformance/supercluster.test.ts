/**
 * A 2 x 3 supercluster on real nats-server, placed by the model's local topology placement and configured by
 * the shared renderer: the six servers form one JetStream meta group across the gateways, core messages cross
 * between the clusters, and a stream created from one cluster is placed in the other by cluster name or tag.
 */
import * as fs from "fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsConnection, StorageType } from "nats";
import { readJetStream } from "../../components/local";
import { renderServer } from "../../components/model";
import { PlacedCluster } from "../../components/local/local-topology";
import { validateSuperCluster } from "../../components/model/supercluster";
import { publishWhenStreamReachable, waitFor } from "../support/nats-client";
import { installedServer } from "../support/nats-cluster";
import { launchSuperCluster, RunningSuperCluster, RunningTopology } from "../support/topology-launch";

const superCluster = validateSuperCluster({
  clusters: [
    // Gateways inside one Kubernetes cluster, so plain text is allowed: TLS on gateways is supercluster-tls's part.
    { name: "east", tier: "small", region: "us-east-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c"], gatewayService: { type: "ClusterIP" } },
    { name: "west", tier: "small", region: "us-west-2", zones: ["us-west-2a", "us-west-2b", "us-west-2c"], serverNamePrefix: "acme-", gatewayService: { type: "ClusterIP" } },
  ],
}, "supercluster", "1.35");
const EAST_SERVERS = ["east-0", "east-1", "east-2"];
const WEST_SERVERS = ["acme-west-0", "acme-west-1", "acme-west-2"];

/** The 2x3 meta leader takes 4-6 s on this machine; room for a loaded one. */
const META_GROUP_TIMEOUT_MS = 25_000;

interface GatewayReport {
  name: string;
  outbound_gateways?: Record<string, unknown>;
}

async function readGateways(monitorPort: number): Promise<GatewayReport | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${monitorPort}/gatewayz`, { signal: AbortSignal.timeout(1_000) });
    return (await response.json()) as GatewayReport;
  } catch {
    return undefined;
  }
}

/** The server's tags as it reports them in /varz. */
async function readTags(monitorPort: number): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${monitorPort}/varz`, { signal: AbortSignal.timeout(1_000) });
  return ((await response.json()) as { tags?: string[] }).tags ?? [];
}

describe("a 2 x 3 supercluster on real nats-server", () => {
  let running: RunningSuperCluster | undefined;
  let placed: PlacedCluster[];
  let topology: RunningTopology;
  let east: NatsConnection;
  let west: NatsConnection;

  beforeAll(async () => {
    running = await launchSuperCluster(superCluster, "supercluster", META_GROUP_TIMEOUT_MS);
    ({ placed, topology } = running);
    [east, west] = running.connections;
  }, 60_000);

  afterAll(async () => {
    await running?.stop();
  });

  it("runs on every server exactly the config the shared renderer gives for its placement", () => {
    for (const { cluster, servers } of placed) {
      for (const server of servers) {
        const expected = renderServer(cluster, server.placement, { targetVersion: installedServer().version, extraSections: server.sections }).text;
        const running = topology.cluster(cluster.name).servers[server.ordinal];
        expect(running.name).toBe(server.placement.serverName);
        expect(fs.readFileSync(running.files.configFile, "utf8")).toBe(expected);
      }
    }
  });

  it("links every server by gateway to the other cluster and forms one JetStream meta group of six", async () => {
    const servers = topology.clusters.flatMap((cluster) => cluster.servers);
    for (const server of servers) {
      const other = server.name.startsWith("east") ? "west" : "east";
      await waitFor(`${server.name} to open a gateway to ${other}`, 10_000, async () => ((await readGateways(server.ports.monitor))?.outbound_gateways?.[other] ? true : undefined));
    }
    const leader = await waitFor("one meta leader with six current peers", META_GROUP_TIMEOUT_MS, async () => {
      const reports = await Promise.all(servers.map((server) => readJetStream(server.ports.monitor)));
      const leaders = new Set(reports.map((report) => report?.meta_cluster?.leader));
      const first = reports[0]?.meta_cluster;
      if (leaders.size !== 1 || !first?.leader || first.cluster_size !== 6) return undefined;
      const leaderReport = reports[servers.findIndex((server) => server.name === first.leader)]?.meta_cluster;
      const peers = leaderReport?.replicas ?? [];
      return peers.length === 5 && peers.every((peer) => peer.current && !peer.offline) ? first.leader : undefined;
    });
    expect([...EAST_SERVERS, ...WEST_SERVERS]).toContain(leader);
  });

  it("delivers a message published in one cluster to a subscriber in the other, both ways", async () => {
    west.subscribe("across.west", { callback: (_error, message) => message.respond(`west got ${message.string()}`) });
    east.subscribe("across.east", { callback: (_error, message) => message.respond(`east got ${message.string()}`) });
    await Promise.all([west.flush(), east.flush()]);
    // Gateway interest spreads asynchronously: a request sent before it arrives gets no responder.
    const fromEast = await waitFor("a reply from west", 10_000, async () => (await east.request("across.west", "ping", { timeout: 500 })).string());
    const fromWest = await waitFor("a reply from east", 10_000, async () => (await west.request("across.east", "pong", { timeout: 500 })).string());
    expect(fromEast).toBe("west got ping");
    expect(fromWest).toBe("east got pong");
  });

  it("places an R3 stream created from east in west when the placement names the cluster", async () => {
    const jsm = await east.jetstreamManager();
    const info = await jsm.streams.add({ name: "PLACED_BY_CLUSTER", subjects: ["by-cluster.>"], num_replicas: 3, storage: StorageType.File, placement: { cluster: "west", tags: [] } });
    expect(info.cluster?.name).toBe("west");
    const replicaServers = [info.cluster!.leader!, ...(info.cluster!.replicas ?? []).map((replica) => replica.name)];
    expect(replicaServers.sort()).toEqual(WEST_SERVERS);
    const ack = await publishWhenStreamReachable(east.jetstream(), "by-cluster.order", "from east");
    expect(ack).toMatchObject({ stream: "PLACED_BY_CLUSTER", seq: 1 });
  });

  it("places an R3 stream created from east in west by the region tag, its replicas in three zones", async () => {
    const jsm = await east.jetstreamManager();
    const info = await jsm.streams.add({ name: "PLACED_BY_TAG", subjects: ["by-tag.>"], num_replicas: 3, storage: StorageType.File, placement: { cluster: "", tags: ["region:us-west-2"] } });
    expect(info.cluster?.name).toBe("west");
    const replicaServers = [info.cluster!.leader!, ...(info.cluster!.replicas ?? []).map((replica) => replica.name)];
    expect(replicaServers.sort()).toEqual(WEST_SERVERS);
    const zones = await Promise.all(replicaServers.map(async (name) => (await readTags(topology.cluster("west").server(name).ports.monitor)).find((tag) => tag.startsWith("az:"))));
    expect(zones.sort()).toEqual(["az:us-west-2a", "az:us-west-2b", "az:us-west-2c"]);
    const westJsm = await west.jetstreamManager();
    await publishWhenStreamReachable(east.jetstream(), "by-tag.order", "from east");
    const stored = await waitFor("the message in the west stream", 5_000, async () => {
      const state = (await westJsm.streams.info("PLACED_BY_TAG")).state;
      return state.messages === 1 ? state : undefined;
    });
    expect(stored.last_seq).toBe(1);
  });

  it("refuses a placement tag no server has", async () => {
    const jsm = await east.jetstreamManager();
    await expect(jsm.streams.add({ name: "NOWHERE", subjects: ["nowhere.>"], num_replicas: 3, placement: { cluster: "", tags: ["region:ap-south-1"] } })).rejects.toThrow(
      /insufficient resources|no suitable peers/i,
    );
  });
});
