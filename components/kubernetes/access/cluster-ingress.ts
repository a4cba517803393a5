/**
 * What a workload needs the cluster's NetworkPolicy to let in. JetStreamCluster builds its policy from a
 * list of allowances when it is constructed, so each workload component states its own list, and a pure
 * function gives the same list before the workload (or the cluster) exists.
 */
import { Cluster } from "../../model/cluster";
import { DEFAULT_KEDA_NAMESPACE } from "../../workloads/network-rules";
import { IngressAllowance } from "../cluster/network-policy";

/** Pods of the workload's namespace connect to the client port. */
export function clientIngress(cluster: Pick<Cluster, "ports">, namespace: string): IngressAllowance {
  return { ports: [cluster.ports.client], from: [{ namespace }] };
}

/**
 * KEDA's nats-jetstream scaler reads consumer lag from every server's monitor port, so a pool that scales
 * on lag needs KEDA's namespace let in there.
 */
export function kedaIngress(cluster: Pick<Cluster, "ports">, kedaNamespace = DEFAULT_KEDA_NAMESPACE): IngressAllowance {
  return { ports: [cluster.ports.monitor], from: [{ namespace: kedaNamespace }] };
}

/** One allowance per port list, each peer once, in the order first given: what several workloads need together. */
export function mergeIngress(allowances: readonly IngressAllowance[]): IngressAllowance[] {
  const merged = new Map<string, IngressAllowance>();
  for (const allowance of allowances) {
    const key = allowance.ports.join(",");
    const entry = merged.get(key) ?? { ports: [...allowance.ports], from: [] };
    for (const peer of allowance.from) {
      if (!entry.from.some((known) => JSON.stringify(known) === JSON.stringify(peer))) entry.from.push(peer);
    }
    merged.set(key, entry);
  }
  return [...merged.values()];
}
