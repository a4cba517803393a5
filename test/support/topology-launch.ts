/**
 * Topologies of several clusters for tests: placed by the model's local topology placement in a temporary run
 * directory, launched by the local back end (launchTopology), and killed and removed at the end.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NatsConnection } from "nats";
import { allocatePorts, launchTopology as launchLocalTopology, LocalCluster } from "../../components/local";
import { localSuperClusterPlacements, PlacedCluster, PortsByCluster } from "../../components/local/local-topology";
import { Cluster, ConfBlock, Ports, SuperClusterTopology, TlsFiles } from "../../components/model";
import { connectToCluster } from "./nats-client";
import { installedServer } from "./nats-cluster";

export interface RunningTopology {
  runDir: string;
  /** The running clusters, in the order placed. */
  clusters: readonly LocalCluster[];
  cluster(name: string): LocalCluster;
  /** Kills every server and removes the run directory. */
  stop(): Promise<void>;
}

/** A temporary run directory and fresh loopback ports for each cluster. */
export async function prepareTopology(clusters: readonly Cluster[], prefix: string): Promise<{ runDir: string; ports: PortsByCluster }> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `nats-${prefix}-`));
  const ports: Record<string, Ports[]> = {};
  for (const cluster of clusters) ports[cluster.name] = await allocatePorts(cluster.servers);
  return { runDir, ports };
}

/**
 * Starts every server of every placed cluster and waits until each cluster is healthy with a meta leader;
 * what the topology adds (one meta group, leaf links) is left to the test to wait for and check.
 * `extraSections` adds per-cluster sections such as the operator-mode section. On failure every server is killed.
 */
export async function launchTopology(
  placed: readonly PlacedCluster[],
  runDir: string,
  extraSections: (cluster: Cluster) => ConfBlock[] = () => [],
  readyTimeoutMs = 30_000,
): Promise<RunningTopology> {
  const topology = launchLocalTopology(placed, { binary: installedServer(), clusterSections: extraSections });
  // Killed rather than put in lame duck: several clusters of JetStream servers handing leaderships to each
  // other while they all go down only costs the test time.
  const stop = async () => {
    await topology.kill();
    fs.rmSync(runDir, { recursive: true, force: true });
  };
  try {
    await topology.waitUntilReady(readyTimeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { runDir, clusters: topology.clusters, cluster: (name) => topology.cluster(name), stop };
}

/** A running supercluster with a connection to each member, in member order. */
export interface RunningSuperCluster {
  placed: PlacedCluster[];
  topology: RunningTopology;
  connections: NatsConnection[];
  /** Closes the connections, kills every server and removes the run directory. */
  stop(): Promise<void>;
}

/** Places the supercluster on loopback (its gateways with `gatewayTls` files when given), starts it and connects to each member. */
export async function launchSuperCluster(superCluster: SuperClusterTopology, prefix: string, readyTimeoutMs: number, gatewayTls?: (runDir: string) => TlsFiles): Promise<RunningSuperCluster> {
  const { runDir, ports } = await prepareTopology(superCluster.members.map((member) => member.cluster), prefix);
  const placed = localSuperClusterPlacements(superCluster, ports, runDir, gatewayTls?.(runDir));
  const topology = await launchTopology(placed, runDir, () => [], readyTimeoutMs);
  const connections: NatsConnection[] = [];
  const stop = async () => {
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
    await topology.stop();
  };
  try {
    for (const member of superCluster.members) connections.push(await connectToCluster(topology.cluster(member.cluster.name)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { placed, topology, connections, stop };
}
