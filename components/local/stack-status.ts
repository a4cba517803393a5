/**
 * What a newcomer sees of a running local stack besides each cluster's table: the links between its clusters,
 * and commands to try with the stack's creds.
 */
import { SYSTEM_USER_NAME } from "../model/accounts";
import { Stack } from "../model/stack";
import { LocalCredentials } from "./local-credentials";
import { LocalTopology } from "./local-topology-launch";
import { planJobChecks } from "./smoke-plan";
import { ConnectExample } from "./status";
import { formatGatewayLinks, formatLeafLinks, GatewayLinks, LeafLink, readGatewayLinks, readLeafLinks } from "./topology-links";
import { planCrossClusterCheck, planLeafChecks } from "./topology-smoke-plan";

/** The links between a topology's clusters; both lists are empty for a single cluster. */
export interface TopologyLinks {
  /** Every server's outbound gateways, in a supercluster. */
  gateways: GatewayLinks[];
  /** Every site server's leaf link to the hub, its hub accounts named as the stack names them. */
  leaves: LeafLink[];
}

/** Reads the gateways of a supercluster or the leaf links of a hub from the servers' monitoring endpoints. */
export async function readTopologyLinks(stack: Stack, topology: LocalTopology, credentials: LocalCredentials): Promise<TopologyLinks> {
  switch (stack.topology.kind) {
    case "cluster":
      return { gateways: [], leaves: [] };
    case "supercluster":
      return { gateways: await readGatewayLinks(topology.clusters), leaves: [] };
    case "hub-leaf": {
      const hub = stack.topology.hubAndLeaf.hub.cluster.name;
      const links = await readLeafLinks(topology.cluster(hub), topology.clusters.filter((cluster) => cluster.name !== hub));
      const accountNames = new Map(credentials.generated.accounts.map((account) => [account.publicKey, account.name]));
      return { gateways: [], leaves: links.map((link) => ({ ...link, hubAccounts: link.hubAccounts.map((key) => accountNames.get(key) ?? key) })) };
    }
  }
}

/** One line per gateway direction of each of `clusterNames`, then one per leaf link; none for a single cluster. */
export function formatTopologyLinks(links: TopologyLinks, clusterNames: readonly string[]): string[] {
  return [...(links.gateways.length === 0 ? [] : formatGatewayLinks(links.gateways, clusterNames)), ...formatLeafLinks(links.leaves)];
}

/** Commands to try: a job and the streams on the home cluster, and what crosses the topology's links. */
export function connectExamples(stack: Stack, topology: LocalTopology, credentials: LocalCredentials): ConnectExample[] {
  const examples: ConnectExample[] = [];
  const [job] = planJobChecks(stack.accounts, stack.jetstream.streams);
  if (job) {
    examples.push({ user: job.publisher.name, command: `pub ${job.subject} "a job"` });
    examples.push({ user: credentials.admins[job.stream.account], command: `stream info ${job.stream.name}` });
  }
  if (stack.topology.kind === "supercluster") {
    const crossing = planCrossClusterCheck(stack.accounts);
    const [first] = topology.clusters;
    const last = topology.clusters[topology.clusters.length - 1];
    if (crossing) {
      examples.push({ user: crossing.subscriber.name, command: `sub ${crossing.subject}`, urls: last.clientUrls });
      examples.push({ user: crossing.publisher.name, command: `pub ${crossing.subject} "from ${first.name}"`, urls: first.clientUrls });
    }
  }
  if (stack.topology.kind === "hub-leaf") {
    for (const check of planLeafChecks(stack.topology.hubAndLeaf, stack.accounts, credentials.admins)) {
      if ("reason" in check) continue;
      const site = topology.cluster(check.site.cluster.name);
      examples.push({ user: check.hubReceiver.name, command: `sub ${check.up}` });
      examples.push({ user: check.siteUser?.name, command: `pub ${check.up} "from ${site.name}"`, urls: site.clientUrls });
    }
  }
  if (!job) {
    for (const admin of Object.values(credentials.admins).slice(0, 1)) examples.push({ user: admin, command: "stream ls" });
  }
  examples.push({ user: SYSTEM_USER_NAME, command: "server list" });
  return examples;
}
