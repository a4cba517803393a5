/**
 * A cluster on a NATS node pool must land on the pool's nodes and tolerate their taint: the stack description
 * gets both added to that cluster's `pod` settings, so every back end reads them from the cluster itself.
 */
import type { ClusterSpec } from "./cluster";
import { PodSettingsSpec, TolerationOperator } from "./pod-settings";

/** The node label that marks a NATS pool's nodes, and the taint that keeps other pods off them. */
export const POOL_LABEL = "nats.io/pool";
export const POOL_TAINT = { key: "dedicated", value: "nats", effect: "NoSchedule" } as const;

/** The pool's name for a cluster: the value of its nodes' POOL_LABEL. */
export function poolNameOf(cluster: Pick<ClusterSpec, "name">): string {
  return `nats-${cluster.name}`;
}

/** The pod settings of a cluster on its pool: the stack's own, plus the pool's selector and toleration. */
export function onNodePool(pod: PodSettingsSpec | undefined, poolName: string): PodSettingsSpec {
  const toleration = { key: POOL_TAINT.key, operator: TolerationOperator.Equal, value: POOL_TAINT.value, effect: POOL_TAINT.effect };
  const tolerations = pod?.tolerations ?? [];
  const tolerated = tolerations.some((given) => given.key === toleration.key && given.value === toleration.value && given.effect === toleration.effect);
  return {
    ...pod,
    nodeSelector: { ...(pod?.nodeSelector ?? {}), [POOL_LABEL]: poolName },
    tolerations: tolerated ? tolerations : [...tolerations, toleration],
  };
}

/** A stack's description as far as its pools' scheduling reads and writes it. */
interface PooledStackSpec {
  aws?: { clusterName?: string; subnets?: Record<string, string> };
  cluster?: ClusterSpec;
  supercluster?: { clusters: (ClusterSpec & { aws?: object })[] };
}

/** The description with each cluster that has a node pool pinned to it; clusters without one are unchanged. */
export function withNodePoolScheduling<T extends PooledStackSpec>(spec: T): T {
  if (spec.cluster !== undefined && (spec.aws?.clusterName !== undefined || spec.aws?.subnets !== undefined)) {
    return { ...spec, cluster: { ...spec.cluster, pod: onNodePool(spec.cluster.pod, poolNameOf(spec.cluster)) } };
  }
  if (spec.supercluster !== undefined && spec.supercluster.clusters.some((member) => member.aws !== undefined)) {
    const clusters = spec.supercluster.clusters.map((member) => (member.aws === undefined ? member : { ...member, pod: onNodePool(member.pod, poolNameOf(member)) }));
    return { ...spec, supercluster: { ...spec.supercluster, clusters } };
  }
  return spec;
}
