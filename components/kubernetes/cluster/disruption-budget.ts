/** The PodDisruptionBudget: voluntary disruptions (drains, upgrades) never take a cluster below quorum. */
import type * as k8s from "@pulumi/kubernetes";
import { Cluster } from "../../model/cluster";
import { commonLabels, selectorLabels } from "./labels";

/**
 * Servers that may be down at once and still leave a Raft majority: 1 of 3, 2 of 5. A single dev server
 * gets 0, so a drain waits for someone to move it deliberately rather than taking JetStream away.
 */
export function maxUnavailableServers(servers: number): number {
  return servers === 1 ? 0 : Math.floor((servers - 1) / 2);
}

export function buildDisruptionBudget(cluster: Cluster): k8s.policy.v1.PodDisruptionBudgetArgs {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: cluster.name, namespace: cluster.namespace, labels: commonLabels(cluster) },
    spec: {
      maxUnavailable: maxUnavailableServers(cluster.servers),
      selector: { matchLabels: selectorLabels(cluster) },
    },
  };
}
