/**
 * The NetworkPolicy: each port open only to those who need it. Rules are built from a list of allowances
 * so that gateway and leaf-node ports join by adding entries, not by editing the policy.
 */
import type * as k8s from "@pulumi/kubernetes";
import { Cluster } from "../../model/cluster";
import { commonLabels, selectorLabels } from "./labels";

/** Pods that may connect: every pod of a namespace, or the cluster's own servers. */
export type IngressPeer = { namespace: string } | { clusterPods: true };

export interface IngressAllowance {
  /** Ports of the servers this allowance opens. */
  ports: number[];
  /** Who may connect to them. */
  from: IngressPeer[];
}

export interface ClusterAccess {
  /** Namespaces whose pods may connect as clients. */
  clientNamespaces: string[];
  /** Namespaces whose pods may read the monitor and metrics ports besides the servers (Prometheus, KEDA, dashboards). */
  monitoringNamespaces: readonly string[];
}

/** Clients from the namespaces allowed, routes between the servers only, monitoring from its namespaces. */
export function clusterIngressAllowances(cluster: Cluster, access: ClusterAccess): IngressAllowance[] {
  const { client, cluster: routes, monitor, metrics } = cluster.ports;
  const monitoringPeers: IngressPeer[] = [{ clusterPods: true }, ...access.monitoringNamespaces.map((namespace) => ({ namespace }))];
  return [
    { ports: [client], from: access.clientNamespaces.map((namespace) => ({ namespace })) },
    { ports: [routes], from: [{ clusterPods: true }] },
    { ports: [monitor, metrics], from: monitoringPeers },
  ];
}

function peer(cluster: Cluster, from: IngressPeer): k8s.types.input.networking.v1.NetworkPolicyPeer {
  if ("namespace" in from) {
    // Kubernetes sets this label on every namespace to its name, so it cannot be forged by relabelling.
    return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": from.namespace } } };
  }
  return { podSelector: { matchLabels: selectorLabels(cluster) } };
}

export function ingressRules(cluster: Cluster, allowances: IngressAllowance[]): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
  return allowances.map((allowance) => ({
    ports: allowance.ports.map((port) => ({ protocol: "TCP", port })),
    from: allowance.from.map((from) => peer(cluster, from)),
  }));
}

/**
 * Only ingress is restricted: servers dial their routes, DNS and later gateways and leaf remotes outward.
 * Kubelet probes come from the node, which NetworkPolicy implementations let through.
 */
export function buildNetworkPolicy(cluster: Cluster, allowances: IngressAllowance[]): k8s.networking.v1.NetworkPolicyArgs {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: cluster.name, namespace: cluster.namespace, labels: commonLabels(cluster) },
    spec: {
      podSelector: { matchLabels: selectorLabels(cluster) },
      policyTypes: ["Ingress"],
      ingress: ingressRules(cluster, allowances),
    },
  };
}
