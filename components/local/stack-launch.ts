/**
 * A whole stack's topology started on this machine as the Kubernetes components deploy it: every cluster in
 * operator mode with the stack's operator and accounts, the clusters of a supercluster joined by gateways,
 * the sites of a hub dialling it with their leaf users' creds files.
 *
 * Leaf sites follow the HubAndLeaf component and siteLeafSection: a site runs in operator mode with the same
 * operator and accounts as the hub (one resolver preload serves both), its clients users of its local account
 * (default: the hub account of its leaf user), and its remote binds that account by public key, since
 * nats.conf names accounts by key in operator mode. Only a site that opts into anonymous clients runs without
 * auth, its clients in the site server's default account, which its link carries into the hub account. The
 * leaf user's creds decide what crosses either way.
 *
 * Gateways and leaf links that the stack gives TLS (gatewayTls, leafnodesTls) get it here too, with the same
 * tls blocks the pods get; the certificates come from a throwaway CA made in `<runDir>/certs` instead of the
 * stack's issuer or Secrets.
 */
import * as path from "path";
import { ConfBlock } from "../model/conf";
import { inOperatorMode } from "../model/jetstream-targets";
import { narrowedOperatorSection, siteTrustedAccounts } from "../model/site-trust";
import { Stack } from "../model/stack";
import { Topology } from "../model/topology";
import { startCluster } from "./local-cluster";
import { makeLoopbackCertificates } from "./local-certificates";
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

/** Directory of the run's throwaway CA and certificate. */
export const CERTS_DIR = "certs";

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
      return startSuperCluster(topology.superCluster, {
        ...options,
        clusterSections,
        gatewayTls: topology.superCluster.gatewayTls === undefined ? undefined : makeLoopbackCertificates(path.join(options.runDir, CERTS_DIR)),
      });
    case "hub-leaf": {
      const sites = topology.hubAndLeaf.sites;
      // A site trusts only its own accounts (see siteTrustedAccounts), the hub every one.
      const siteNamed = (cluster: { name: string }) => sites.find((site) => site.cluster.name === cluster.name);
      const siteSections = (cluster: { name: string }) => {
        const site = siteNamed(cluster);
        if (site === undefined || !inOperatorMode(topology, cluster.name)) return clusterSections(cluster);
        return [narrowedOperatorSection(operatorSection, siteTrustedAccounts(site, stack.accounts).map((account) => publicKeyOf(credentials, account)))];
      };
      return startHubAndLeaf(topology.hubAndLeaf, {
        ...options,
        clusterSections: siteSections,
        leafnodesTls: topology.hubAndLeaf.leafnodesTls === undefined ? undefined : makeLoopbackCertificates(path.join(options.runDir, CERTS_DIR)),
        leafCredentials: Object.fromEntries(sites.map((site) => [site.cluster.name, credentials.credsFiles[site.user as string]])),
        localAccounts: Object.fromEntries(
          sites.filter((site) => site.localAccount !== undefined).map((site) => [site.cluster.name, publicKeyOf(credentials, site.localAccount as string)]),
        ),
      });
    }
  }
}
