/**
 * A whole stack's topology started on this machine as the Kubernetes components deploy it: every cluster in
 * operator mode with the stack's operator and accounts, the clusters of a supercluster joined by gateways,
 * the sites of a hub dialling it with their leaf users' creds files.
 *
 * Leaf sites follow the HubAndLeaf component and siteLeafSection: a site runs without auth, its clients in
 * the site server's default account, which its link carries into the hub account of its leaf user, unless the
 * site names a `localAccount`. Then it runs in operator mode with the same operator and accounts as the hub
 * (one resolver preload serves both), and its remote binds that account by public key, since nats.conf names
 * accounts by key in operator mode. The leaf user's creds decide what crosses either way.
 */
import { ConfBlock } from "../model/conf";
import { inOperatorMode } from "../model/jetstream-targets";
import { Stack } from "../model/stack";
import { Topology } from "../model/topology";
import { startCluster } from "./local-cluster";
import { LocalCredentials } from "./local-credentials";
import { LocalTopology, startHubAndLeaf, startSuperCluster } from "./local-topology-launch";
import { ServerBinary } from "./server-binary";

export interface StackLaunchOptions {
  /** Directory the servers' directories are made in; must exist. */
  runDir: string;
  binary: ServerBinary;
  /** Told of each step; messages about one cluster start with `[<cluster>]`. */
  onProgress?: (message: string) => void;
  /** How long to wait for the clusters to be ready, and then for the topology to work as one. */
  readyTimeoutMs?: number;
}


/**
 * The clusters in operator mode, grouped by which servers one connection of the system user reaches: all of
 * a supercluster's, whose gateways carry the system account; one cluster alone otherwise, since a leaf link
 * carries only the account it binds.
 */
export function systemAccountGroups(topology: Topology, clusterNames: readonly string[]): string[][] {
  const inOperator = clusterNames.filter((name) => inOperatorMode(topology, name));
  return topology.kind === "supercluster" ? [inOperator] : inOperator.map((name) => [name]);
}

function publicKeyOf(credentials: LocalCredentials, account: string): string {
  const found = credentials.generated.accounts.find((candidate) => candidate.name === account);
  if (found === undefined) throw new Error(`no credentials were generated for account ${account}`);
  return found.publicKey;
}

/** Starts every cluster of the stack and waits until the topology works (see startSuperCluster, startHubAndLeaf). */
export async function startStackTopology(stack: Stack, credentials: LocalCredentials, options: StackLaunchOptions): Promise<LocalTopology> {
  const operatorSection: ConfBlock = credentials.generated.confSection;
  const topology = stack.topology;
  const clusterSections = (cluster: { name: string }) => (inOperatorMode(topology, cluster.name) ? [operatorSection] : []);
  switch (topology.kind) {
    case "cluster": {
      const cluster = topology.cluster;
      const local = await startCluster(cluster, {
        runDir: options.runDir,
        binary: options.binary,
        extraSections: () => [operatorSection],
        onProgress: (message) => options.onProgress?.(`[${cluster.name}] ${message}`),
        readyTimeoutMs: options.readyTimeoutMs,
      });
      return new LocalTopology([local]);
    }
    case "supercluster":
      return startSuperCluster(topology.superCluster, { ...options, clusterSections });
    case "hub-leaf": {
      const sites = topology.hubAndLeaf.sites;
      return startHubAndLeaf(topology.hubAndLeaf, {
        ...options,
        clusterSections,
        leafCredentials: Object.fromEntries(sites.map((site) => [site.cluster.name, credentials.credsFiles[site.user as string]])),
        localAccounts: Object.fromEntries(
          sites.filter((site) => site.localAccount !== undefined).map((site) => [site.cluster.name, publicKeyOf(credentials, site.localAccount as string)]),
        ),
      });
    }
  }
}
