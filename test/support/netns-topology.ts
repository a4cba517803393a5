/**
 * A topology of several clusters (a hub and its leaf sites, a supercluster) with each cluster in a network
 * namespace of its own, so a test can cut one cluster's links to the others (leaf links, gateways) as when a
 * site or a region loses its WAN, while the test itself still reaches every server.
 *
 * The model places the topology on loopback as for the local back end (localHubAndLeafPlacements,
 * localSuperClusterPlacements), and the shared renderer writes each nats.conf. A cluster's servers share its
 * namespace, so the routes between them, on the namespace's own 127.0.0.1, never cross a cut. Each namespace
 * has two links, as in NetnsCluster: a WAN link (a veth on a bridge shared by the topology's namespaces only)
 * that carries the links between clusters and is what a cut takes down, and a host link for the test's
 * clients and monitoring requests, through a TCP relay on 127.0.0.1 per client and monitor port. Two changes
 * to the placement make the WAN carry the links: every listener binds every address of its namespace, and
 * the URLs one cluster dials of another (gateway URLs, leaf remotes) name the other cluster's WAN address,
 * which its gateway and leafnodes listeners also advertise.
 *
 * Needs root (namespaces, links) and iproute2.
 */
import { randomBytes } from "crypto";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { LocalCluster, LocalServer, LocalTopology, PlacedCluster } from "../../components/local";
import { Cluster, ConfBlock, ConfValue } from "../../components/model";
import { renderServer } from "../../components/model/server-config";
import { installedServer } from "./nats-cluster";
import { ip, relayClientAndMonitor } from "./netns-cluster";
import { ClaimedRange, claimRange } from "./netns-subnets";

const LOOPBACK = "127.0.0.1";
const LOOPBACK_URL = /^nats:\/\/127\.0\.0\.1:(\d+)$/;

/**
 * `value` with its loopback addresses moved onto the WAN: a listener's host becomes every address, and it
 * advertises `ownAddress`; a URL naming a port of another cluster names that cluster's address instead.
 */
function ontoWan(value: ConfValue, ownAddress: string, addressOfPort: (port: number) => string | undefined): ConfValue {
  if (Array.isArray(value)) return value.map((item) => ontoWan(item, ownAddress, addressOfPort));
  if (typeof value === "string") {
    const port = LOOPBACK_URL.exec(value)?.[1];
    const address = port === undefined ? undefined : addressOfPort(Number(port));
    return address === undefined ? value : `nats://${address}:${port}`;
  }
  // A variable reference is written bare and holds no address.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const block = value as ConfBlock;
  const moved: ConfBlock = Object.fromEntries(Object.entries(block).map(([key, item]) => [key, item === undefined ? undefined : ontoWan(item, ownAddress, addressOfPort)]));
  if (block.host === LOOPBACK && typeof block.port === "number") return { ...moved, host: "0.0.0.0", advertise: `${ownAddress}:${block.port}` };
  return moved;
}

/** The running clusters of a topology across network namespaces, and the cuts a test makes between them. */
export class NetnsTopology {
  private constructor(
    readonly topology: LocalTopology,
    private readonly id: string,
    private readonly range: ClaimedRange,
    private readonly runDir: string,
    private readonly relays: net.Server[],
  ) {}

  cluster(name: string): LocalCluster {
    return this.topology.cluster(name);
  }

  private clusterIndex(name: string): number {
    const index = this.topology.clusters.findIndex((cluster) => cluster.name === name);
    if (index === -1) throw new Error(`the topology has no cluster ${name}`);
    return index;
  }

  /**
   * Renders and starts every placed server, each cluster in its namespace, and waits until every cluster is
   * ready on its own; what the topology adds (gateways, leaf links) is left to the test to wait for.
   * `runDir` (the placements' directory, made by the caller) is removed by stop().
   */
  static async start(placed: readonly PlacedCluster[], runDir: string, clusterSections: (cluster: Cluster) => ConfBlock[] = () => [], readyTimeoutMs = 30_000): Promise<NetnsTopology> {
    const id = randomBytes(3).toString("hex");
    // 10.216-255.x.x: ranges NetnsCluster does not number from, claimed so that parallel runs differ.
    const range = claimRange(216, 40);
    const subnet = range.octet;
    const wanAddress = (index: number) => `10.${subnet}.0.${index + 1}`;
    const hostAddress = (index: number) => `10.${subnet}.${index + 1}.2`;
    const owner = new Map<number, number>();
    placed.forEach(({ servers }, index) => servers.forEach(({ placement }) => Object.values(placement.ports).forEach((port) => owner.set(port, index))));
    const binary = installedServer();
    const wrapper = path.join(runDir, "nats-server-in-netns");
    // The server's directory names its namespace: LocalServer starts `<binary> -c <dir>/nats.conf`.
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec "$(cat "$(dirname "$2")/netns")" ${binary.path} "$@"\n`, { mode: 0o755 });

    const relays: net.Server[] = [];
    const clusters: LocalCluster[] = [];
    const started = new NetnsTopology(new LocalTopology(clusters), id, range, runDir, relays);
    ip("link", "add", `wb${id}`, "type", "bridge");
    ip("link", "set", `wb${id}`, "up");
    try {
      // Every port of the topology, and each relay's as it is picked: a relay's port is also its server's in
      // the namespace, which the cluster's other servers share.
      const taken = new Set(owner.keys());
      for (const [index, { cluster, servers }] of placed.entries()) {
        const namespace = started.names(index).namespace;
        ip("netns", "add", namespace);
        ip("-n", namespace, "link", "set", "lo", "up");
        ip("link", "add", started.names(index).wanLink, "type", "veth", "peer", "name", "eth0", "netns", namespace);
        ip("link", "set", started.names(index).wanLink, "master", `wb${id}`, "up");
        ip("-n", namespace, "addr", "add", `${wanAddress(index)}/24`, "dev", "eth0");
        ip("-n", namespace, "link", "set", "eth0", "up");
        ip("link", "add", `th${id}${index}`, "type", "veth", "peer", "name", "eth1", "netns", namespace);
        ip("addr", "add", `10.${subnet}.${index + 1}.1/30`, "dev", `th${id}${index}`);
        ip("link", "set", `th${id}${index}`, "up");
        ip("-n", namespace, "addr", "add", `${hostAddress(index)}/30`, "dev", "eth1");
        ip("-n", namespace, "link", "set", "eth1", "up");
        const addressOfPort = (port: number) => {
          const of = owner.get(port);
          return of === undefined || of === index ? undefined : wanAddress(of);
        };
        const localServers: LocalServer[] = [];
        for (const { ordinal, placement: allocated, sections } of servers) {
          const { client, monitor } = await relayClientAndMonitor(hostAddress(index), taken);
          relays.push(client.server, monitor.server);
          const placement = { ...allocated, ports: { ...allocated.ports, client: client.port, monitor: monitor.port } };
          const dir = path.dirname(placement.storeDir);
          fs.mkdirSync(placement.storeDir, { recursive: true, mode: 0o700 });
          fs.writeFileSync(path.join(dir, "netns"), namespace);
          const extraSections = [...sections, ...clusterSections(cluster)].map((section) => ontoWan(section, wanAddress(index), addressOfPort) as ConfBlock);
          const rendered = renderServer(cluster, { ...placement, listenHost: "0.0.0.0" }, { targetVersion: binary.version, extraSections });
          const configFile = path.join(dir, "nats.conf");
          fs.writeFileSync(configFile, rendered.text, { mode: 0o600 });
          const files = { dir, configFile, logFile: path.join(dir, "nats.log"), storeDir: placement.storeDir };
          localServers.push(new LocalServer(ordinal, String(placement.serverName), placement.ports, files, { ...binary, path: wrapper }));
        }
        clusters.push(new LocalCluster(cluster, localServers, []));
      }
      for (const server of started.topology.servers) server.start();
      await started.topology.waitUntilReady(readyTimeoutMs);
      return started;
    } catch (error) {
      await started.stop(placed.length);
      throw error;
    }
  }

  /** The namespace and WAN interface names of the cluster placed `index`th. */
  private names(index: number) {
    return { namespace: `nt-${this.id}-${index}`, wanLink: `nw${this.id}${index}` };
  }

  /** Takes the named cluster's WAN link down: its links to the other clusters are cut, its clients and monitor ports are not. */
  cut(clusterName: string): void {
    ip("link", "set", this.names(this.clusterIndex(clusterName)).wanLink, "down");
  }

  /** Brings the named cluster's WAN link back up. */
  heal(clusterName: string): void {
    ip("link", "set", this.names(this.clusterIndex(clusterName)).wanLink, "up");
  }

  /** Kills every server and removes the relays, namespaces, links and run directory. */
  async stop(namespaces = this.topology.clusters.length): Promise<void> {
    await this.topology.kill();
    await Promise.all(this.relays.map((server) => new Promise((resolve) => server.close(resolve))));
    for (let index = 0; index < namespaces; index++) {
      // Deleting a namespace removes the veth ends in it, and with them their peers on the host. A start that
      // failed part way may not have made them all.
      const namespace = this.names(index).namespace;
      if (fs.existsSync(path.join("/var/run/netns", namespace))) execFileSync("ip", ["netns", "del", namespace], { stdio: "ignore" });
    }
    execFileSync("ip", ["link", "del", `wb${this.id}`], { stdio: "ignore" });
    this.range.release();
    fs.rmSync(this.runDir, { recursive: true, force: true });
  }
}
