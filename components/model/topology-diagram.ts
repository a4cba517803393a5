/**
 * A Mermaid flowchart of a stack's topology: clusters with their servers and routes. Drawn from the
 * model rather than from rendered objects so a pull request's diff shows topology changes plainly.
 */
import { podName } from "./placement";
import { Stack } from "./stack";

function nodeId(...parts: string[]): string {
  return parts.join("_").replace(/[^A-Za-z0-9_]/g, "_");
}

export function topologyMermaid(stack: Stack): string {
  const lines = ["flowchart LR"];
  for (const cluster of stack.clusters) {
    const domain = cluster.jetstream.domain ? `, domain ${cluster.jetstream.domain}` : "";
    lines.push(`  subgraph ${nodeId("cluster", cluster.name)}["cluster ${cluster.name} (${cluster.tier.name}, R${cluster.jetstream.streamReplicas}${domain})"]`);
    const servers = Array.from({ length: cluster.servers }, (_, ordinal) => podName(cluster, ordinal));
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
  return lines.join("\n") + "\n";
}
