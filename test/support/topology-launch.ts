/**
 * Topologies of several clusters (supercluster, hub and leaf sites) as real nats-server processes for tests.
 * The servers are placed by the model's local topology placement and configured by the shared renderServer;
 * processes, readiness and faults are the local back end's (LocalServer, LocalCluster). Its startCluster
 * places servers itself, so it cannot take the prefixed server names and topology sections placed here.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { allocatePorts, LocalCluster, LocalServer } from "../../components/local";
import { Cluster, ConfBlock, Ports, renderServer } from "../../components/model";
import { PlacedCluster, PlacedServer, PortsByCluster } from "../../components/model/local-topology";
import { installedServer } from "./nats-cluster";

export interface RunningTopology {
  runDir: string;
  /** The running clusters, in the order placed. */
  clusters: LocalCluster[];
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

function startServer(cluster: Cluster, placed: PlacedServer, extraSections: ConfBlock[]): { server: LocalServer; omitted: string[] } {
  const binary = installedServer();
  const { placement } = placed;
  const dir = path.dirname(placement.storeDir);
  fs.mkdirSync(placement.storeDir, { recursive: true });
  const rendered = renderServer(cluster, placement, { targetVersion: binary.version, extraSections: [...placed.sections, ...extraSections] });
  const configFile = path.join(dir, "nats.conf");
  fs.writeFileSync(configFile, rendered.text);
  const name = String(placement.serverName);
  const server = new LocalServer(placed.ordinal, name, placement.ports, { dir, configFile, logFile: path.join(dir, "nats.log"), storeDir: placement.storeDir }, binary);
  server.start();
  return { server, omitted: rendered.omitted };
}

/**
 * Starts every server of every cluster at once (gateways and leaf links dial clusters that are still
 * starting, and retry), then waits until each cluster is healthy with a meta leader. `extraSections` adds
 * per-cluster sections such as an operator-mode auth section. On failure every server is killed.
 */
export async function launchTopology(
  placed: readonly PlacedCluster[],
  runDir: string,
  extraSections: (cluster: Cluster) => ConfBlock[] = () => [],
  readyTimeoutMs = 30_000,
): Promise<RunningTopology> {
  const clusters = placed.map(({ cluster, servers }) => {
    const started = servers.map((server) => startServer(cluster, server, extraSections(cluster)));
    return new LocalCluster(cluster, started.map(({ server }) => server), [...new Set(started.flatMap(({ omitted }) => omitted))]);
  });
  const killAll = () => Promise.all(clusters.flatMap((cluster) => cluster.servers.map((server) => server.kill())));
  try {
    await Promise.all(clusters.map((cluster) => cluster.waitUntilReady(readyTimeoutMs)));
  } catch (error) {
    await killAll();
    fs.rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  return {
    runDir,
    clusters,
    cluster(name: string) {
      const found = clusters.find((cluster) => cluster.name === name);
      if (!found) throw new Error(`the topology has no cluster ${name}`);
      return found;
    },
    async stop() {
      // Killed rather than put in lame duck: several clusters of JetStream servers handing leaderships to
      // each other while they all go down only costs the test time.
      await killAll();
      fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}
