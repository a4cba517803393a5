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
import { formatGatewayLinks, formatLeafLinks, readGatewayLinks, readLeafLinks } from "./topology-links";
import { planCrossClusterCheck, planLeafChecks } from "./topology-smoke-plan";

/** One line per gateway direction or leaf link; none for a single cluster. */
export async function describeLinks(stack: Stack, topology: LocalTopology, credentials: LocalCredentials): Promise<string[]> {
  switch (stack.topology.kind) {
    case "cluster":
      return [];
    case "supercluster":
      return formatGatewayLinks(await readGatewayLinks(topology.clusters), topology.clusters.map((cluster) => cluster.name));
    case "hub-leaf": {
      const hub = stack.topology.hubAndLeaf.hub.cluster.name;
      const links = await readLeafLinks(topology.cluster(hub), topology.clusters.filter((cluster) => cluster.name !== hub));
      const accountNames = new Map(credentials.generated.accounts.map((account) => [account.publicKey, account.name]));
      return formatLeafLinks(links, (key) => accountNames.get(key) ?? key);
    }
  }
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
