/**
 * Topologies of several clusters (a supercluster, a hub with leaf sites) as real nats-server processes on
 * loopback. The model places every server (localSuperClusterPlacements, localHubAndLeafPlacements) and the
 * shared renderer writes its nats.conf, as for a single cluster; here the clusters are started together and
 * waited on until they work as one topology.
 */
import * as fs from "fs";
import * as path from "path";
import { Cluster, Ports } from "../model/cluster";
import { ConfBlock } from "../model/conf";
import { TlsFiles } from "../model/gateway-config";
import { HubAndLeafTopology } from "../model/leaf";
import { localHubAndLeafPlacements, localSuperClusterPlacements, PlacedCluster, PlacedServer, PortsByCluster } from "./local-topology";
import { renderServer } from "../model/server-config";
import { SuperClusterTopology } from "../model/supercluster";
import { makeOwnerOnlyDir, writeOwnerOnlyFile } from "../owner-only-files";
import { LocalCluster, ServerExitedError } from "./local-cluster";
import { LocalServer } from "./local-server";
import { readJetStream } from "./monitor";
import { pollUntil } from "./poll";
import { allocatePorts } from "./ports";
import { ServerBinary } from "./server-binary";
import { LeafLink, readLeafLinks } from "./topology-links";

export interface TopologyLaunchOptions {
  binary: ServerBinary;
  /** Sections every server of a cluster gets besides its placement's, such as the operator-mode section. */
  clusterSections?: (cluster: Cluster) => ConfBlock[];
  /** Told of each step; messages about one cluster start with `[<cluster>]`. */
  onProgress?: (message: string) => void;
}

/** The running clusters of one topology, in the order they were placed. */
export class LocalTopology {
  constructor(readonly clusters: readonly LocalCluster[]) {}

  cluster(name: string): LocalCluster {
    const found = this.clusters.find((cluster) => cluster.name === name);
    if (!found) throw new Error(`the topology has no cluster ${name}`);
    return found;
  }

  get servers(): LocalServer[] {
    return this.clusters.flatMap((cluster) => cluster.servers);
  }

  /** Waits until every cluster is ready on its own: healthy servers that agree on a JetStream meta leader. */
  async waitUntilReady(timeoutMs?: number): Promise<void> {
    await Promise.all(this.clusters.map((cluster) => cluster.waitUntilReady(timeoutMs)));
  }

  /** kill -9 every server. */
  async kill(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.kill()));
  }

  /** Stops every cluster in lame duck at once (see LocalCluster.stop). */
  async stop(): Promise<void> {
    await Promise.all(this.clusters.map((cluster) => cluster.stop()));
  }
}

function launchServer(cluster: Cluster, placed: PlacedServer, extraSections: readonly ConfBlock[], binary: ServerBinary): { server: LocalServer; omitted: string[] } {
  const { placement } = placed;
  const dir = path.dirname(placement.storeDir);
  makeOwnerOnlyDir(dir);
  makeOwnerOnlyDir(placement.storeDir);
  const rendered = renderServer(cluster, placement, { targetVersion: binary.version, extraSections: [...placed.sections, ...extraSections] });
  const configFile = path.join(dir, "nats.conf");
  writeOwnerOnlyFile(configFile, rendered.text);
  const files = { dir, configFile, logFile: path.join(dir, "nats.log"), storeDir: placement.storeDir };
  const server = new LocalServer(placed.ordinal, String(placement.serverName), placement.ports, files, binary);
  server.start();
  return { server, omitted: rendered.omitted };
}

/**
 * Renders and starts every server of every placed cluster without waiting: gateways and leaf remotes dial
 * servers that are still starting, and retry until they answer.
 */
export function launchTopology(placed: readonly PlacedCluster[], options: TopologyLaunchOptions): LocalTopology {
  const clusters = placed.map(({ cluster, servers }) => {
    const sections = options.clusterSections?.(cluster) ?? [];
    const started = servers.map((server) => launchServer(cluster, server, sections, options.binary));
    const omitted = [...new Set(started.flatMap(({ omitted }) => omitted))];
    options.onProgress?.(`[${cluster.name}] started ${started.length} nats-server process${started.length === 1 ? "" : "es"}`);
    return new LocalCluster(cluster, started.map(({ server }) => server), omitted, (message) => options.onProgress?.(`[${cluster.name}] ${message}`));
  });
  return new LocalTopology(clusters);
}

/**
 * Waits until one JetStream meta group spans every server of every cluster: all running servers name the
 * same leader, and the leader counts them all as current peers. Returns the leader's name.
 */
export async function waitForMetaGroup(topology: LocalTopology, timeoutMs: number, onProgress?: (message: string) => void): Promise<string> {
  const servers = topology.servers;
  const leader = await pollUntil<string>(
    async () => {
      const reports = await Promise.all(servers.map((server) => readJetStream(server.ports.monitor)));
      const leaders = new Set(reports.map((report) => report?.meta_cluster?.leader || "none"));
      if (leaders.size !== 1 || leaders.has("none")) return { missing: `the servers name ${[...leaders].sort().join(", ")} as meta leader` };
      const [name] = leaders;
      const group = reports[servers.findIndex((server) => server.name === name)]?.meta_cluster;
      if (group === undefined) return { missing: `${name}, the meta leader, is not one of the topology's servers` };
      const current = (group.replicas ?? []).filter((peer) => peer.current && !peer.offline).length + 1;
      if (group.cluster_size !== servers.length || current !== servers.length) {
        return { missing: `meta leader ${name} has ${current} current of ${group.cluster_size ?? "?"} peers, expected ${servers.length}` };
      }
      return { reached: name };
    },
    { what: `one JetStream meta group of all ${servers.length} servers`, timeoutMs, onProgress },
  );
  onProgress?.(`one JetStream meta group of ${servers.length} servers across ${topology.clusters.map((cluster) => cluster.name).join(", ")}, leader ${leader}`);
  return leader;
}

/**
 * Waits until every server of every site has its leaf connection to the hub up, listed on both ends
 * (see readLeafLinks). Returns the links.
 */
export async function waitForLeafLinks(hub: LocalCluster, sites: readonly LocalCluster[], timeoutMs: number, onProgress?: (message: string) => void): Promise<LeafLink[]> {
  const wanted = sites.flatMap((site) => site.servers.map((server) => server.name));
  const links = await pollUntil<LeafLink[]>(
    async () => {
      const found = await readLeafLinks(hub, sites);
      const unlinked = wanted.filter((name) => !found.some((link) => link.server === name));
      return unlinked.length === 0 ? { reached: found } : { missing: `no leaf connection from ${unlinked.join(", ")} that hub ${hub.name} lists` };
    },
    { what: `every site linked to hub ${hub.name}`, timeoutMs, onProgress },
  );
  onProgress?.(`every site linked to hub ${hub.name}: ${links.map((link) => `${link.server} -> ${link.hubServer}`).join(", ")}`);
  return links;
}

export interface TopologyStartOptions extends TopologyLaunchOptions {
  /** How long to wait for each cluster to be ready, and then for the topology to work as one. Default 60 s. */
  readyTimeoutMs?: number;
}

const DEFAULT_TOPOLOGY_TIMEOUT_MS = 60_000;
/** Fresh port sets tried when a port allocated here is taken by another program before a server binds it. */
const PORT_ATTEMPTS = 3;

/**
 * Allocates ports for `clusters`, places them with `place`, launches them and waits until every cluster is
 * ready and then until `working` says the topology works as one. On failure every server is killed first;
 * a port taken meanwhile by another program starts everything again on fresh ports.
 */
async function startTopology(
  clusters: readonly Cluster[],
  place: (ports: PortsByCluster) => PlacedCluster[],
  options: TopologyStartOptions,
  working: (topology: LocalTopology, timeoutMs: number) => Promise<unknown>,
): Promise<LocalTopology> {
  const timeoutMs = options.readyTimeoutMs ?? DEFAULT_TOPOLOGY_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    const ports: Record<string, Ports[]> = {};
    for (const cluster of clusters) ports[cluster.name] = await allocatePorts(cluster.servers);
    const placed = place(ports);
    const topology = launchTopology(placed, options);
    try {
      await topology.waitUntilReady(timeoutMs);
      await working(topology, timeoutMs);
      return topology;
    } catch (error) {
      await topology.kill();
      if (!(error instanceof ServerExitedError && error.portTaken && attempt < PORT_ATTEMPTS)) throw error;
      options.onProgress?.("a port was taken meanwhile; starting every cluster again on fresh ports");
      for (const { servers } of placed) {
        for (const { placement } of servers) fs.rmSync(path.dirname(placement.storeDir), { recursive: true, force: true });
      }
    }
  }
}

export interface SuperClusterStartOptions extends TopologyStartOptions {
  /** Directory the servers' directories are made in; must exist. */
  runDir: string;
  /** Certificate files for the gateways (valid for 127.0.0.1). Unset: plain TCP between clusters. */
  gatewayTls?: TlsFiles;
}

/** Starts a supercluster and waits until its clusters form one JetStream meta group across the gateways. */
export function startSuperCluster(superCluster: SuperClusterTopology, options: SuperClusterStartOptions): Promise<LocalTopology> {
  const runDir = path.resolve(options.runDir);
  return startTopology(
    superCluster.members.map((member) => member.cluster),
    (ports) => localSuperClusterPlacements(superCluster, ports, runDir, options.gatewayTls),
    options,
    (topology, timeoutMs) => waitForMetaGroup(topology, timeoutMs, options.onProgress),
  );
}

export interface HubAndLeafStartOptions extends TopologyStartOptions {
  /** Directory the servers' directories are made in; must exist. */
  runDir: string;
  /** Each site's leaf credentials file, by site name. */
  leafCredentials?: Readonly<Record<string, string>>;
  /** The account each site's link carries, by site name, as the site's nats.conf names it (see localHubAndLeafPlacements). */
  localAccounts?: Readonly<Record<string, string>>;
  /** Certificate files for the leaf links (valid for 127.0.0.1). Unset: plain TCP between the hub and its sites. */
  leafnodesTls?: TlsFiles;
}

/** Starts a hub and its sites and waits until every site server's leaf connection to the hub is up. */
export function startHubAndLeaf(hubAndLeaf: HubAndLeafTopology, options: HubAndLeafStartOptions): Promise<LocalTopology> {
  const runDir = path.resolve(options.runDir);
  const hub = hubAndLeaf.hub.cluster.name;
  return startTopology(
    [hubAndLeaf.hub.cluster, ...hubAndLeaf.sites.map((site) => site.cluster)],
    (ports) => localHubAndLeafPlacements(hubAndLeaf, ports, runDir, options.leafCredentials, options.localAccounts, options.leafnodesTls),
    options,
    (topology, timeoutMs) =>
      waitForLeafLinks(
        topology.cluster(hub),
        topology.clusters.filter((cluster) => cluster.name !== hub),
        timeoutMs,
        options.onProgress,
      ),
  );
}
