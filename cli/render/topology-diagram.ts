/**
 * A Mermaid flowchart of a stack's topology: clusters with their servers and routes, the gateways between
 * the clusters of a supercluster and the leaf links of a hub's sites. Drawn from the model rather than from
 * rendered objects so a pull request's diff shows topology changes plainly.
 */
import { serverName } from "../../components/model/names";
import { Stack } from "../../components/model/stack";
import { Topology } from "../../components/model/topology";

function nodeId(...parts: string[]): string {
  return parts.join("_").replace(/[^A-Za-z0-9_]/g, "_");
}

export function topologyMermaid(stack: Stack): string {
  const lines = ["flowchart LR"];
  for (const cluster of stack.clusters) {
    const domain = cluster.jetstream.domain ? `, domain ${cluster.jetstream.domain}` : "";
    lines.push(`  subgraph ${nodeId("cluster", cluster.name)}["cluster ${cluster.name} (${cluster.tier.name}, R${cluster.jetstream.streamReplicas}${domain})"]`);
    const servers = Array.from({ length: cluster.servers }, (_, ordinal) => serverName(cluster, ordinal));
    for (const server of servers) {
      lines.push(`    ${nodeId(cluster.name, server)}["${server}"]`);
    }
    for (let i = 0; i < servers.length; i++) {
      for (let j = i + 1; j < servers.length; j++) {
        lines.push(`    ${nodeId(cluster.name, servers[i])} <-- route --> ${nodeId(cluster.name, servers[j])}`);
      }
    }
    lines.push("  end");
  }
  lines.push(...linksBetweenClusters(stack.topology));
  return lines.join("\n") + "\n";
}

function linksBetweenClusters(topology: Topology): string[] {
  if (topology.kind === "supercluster") {
    const names = topology.superCluster.members.map((member) => member.cluster.name);
    return names.flatMap((name, i) => names.slice(i + 1).map((other) => `  ${nodeId("cluster", name)} <== gateway ==> ${nodeId("cluster", other)}`));
  }
  if (topology.kind === "hub-leaf") {
    const hub = nodeId("cluster", topology.hubAndLeaf.hub.cluster.name);
    return topology.hubAndLeaf.sites.map((site) => `  ${nodeId("cluster", site.cluster.name)} -->|"leaf, account ${site.account}"| ${hub}`);
  }
  return [];
}
