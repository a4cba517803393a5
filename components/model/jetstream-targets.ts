/**
 * The clusters of a topology that streams and key-value buckets can be created in, and what creating one
 * there means. A stream or bucket names its cluster with `cluster:`; without it, it lands in the stack's
 * JetStream home (see jetStreamHome).
 *
 * - One cluster: that cluster.
 * - A supercluster: any member. The members share one JetStream meta group, so where a stream lands is
 *   not decided by the server its creator reaches but by the stream's placement, `placement.cluster`.
 * - A hub with leaf sites: the hub or any site; each is its own JetStream domain, and a stream is created
 *   by connecting to the cluster that answers its domain. An open site (`anonymousClients: true`) runs without
 *   auth: its clients, its streams included, live in its default account, which its leaf link carries into the
 *   hub account it binds; so that account is the only one such a site's streams can name.
 */
import { Cluster } from "./cluster";
import { DEFAULT_KUBERNETES_TARGET, KubernetesTarget } from "./kubernetes-target";
import { Topology } from "./topology";

export interface JetStreamTarget {
  cluster: Cluster;
  /** The Kubernetes cluster the cluster's objects go to, where a NACK controller in its namespace creates them. */
  kubernetes: KubernetesTarget;
  /** Streams and buckets are placed in this cluster by `placement.cluster` (members of a supercluster). */
  placed: boolean;
  /** The JetStream domain the cluster answers, if it has one. */
  domain: string | undefined;
  /**
   * Set when the cluster runs without auth (an open leaf site): objects are created without
   * creds, in the servers' default account, and this is the stack account they count as (the site's link account).
   */
  defaultAccount: string | undefined;
}

/** Every cluster of the topology as a target, in the topology's order (see topologyClusters). */
export function jetStreamTargets(topology: Topology): JetStreamTarget[] {
  switch (topology.kind) {
    case "cluster":
      return [{ cluster: topology.cluster, kubernetes: { ...DEFAULT_KUBERNETES_TARGET }, placed: false, domain: topology.cluster.jetstream.domain, defaultAccount: undefined }];
    case "supercluster":
      return topology.superCluster.members.map((member) => ({
        cluster: member.cluster,
        kubernetes: member.kubernetes,
        placed: true,
        domain: topology.superCluster.domain,
        defaultAccount: undefined,
      }));
    case "hub-leaf": {
      const { hub, sites } = topology.hubAndLeaf;
      return [
        { cluster: hub.cluster, kubernetes: hub.kubernetes, placed: false, domain: hub.cluster.jetstream.domain, defaultAccount: undefined },
        ...sites.map((site) => ({
          cluster: site.cluster,
          kubernetes: site.kubernetes,
          placed: false,
          domain: site.cluster.jetstream.domain,
          defaultAccount: site.localAccount === undefined ? site.account : undefined,
        })),
      ];
    }
  }
}

/** Whether the cluster runs in operator mode, where every connection authenticates as a user of an account. */
export function inOperatorMode(topology: Topology, clusterName: string): boolean {
  return jetStreamTargets(topology).find((target) => target.cluster.name === clusterName)?.defaultAccount === undefined;
}
