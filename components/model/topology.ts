/**
 * The shape of a stack's deployment: one cluster, a supercluster joined by gateways, or a hub with leaf
 * sites. Back ends switch on `kind`; every cluster of any shape is also listed in the stack's `clusters`.
 */
import { Cluster } from "./cluster";
import { HubAndLeafTopology } from "./leaf";
import { SuperClusterTopology } from "./supercluster";

export type Topology =
  | { kind: "cluster"; cluster: Cluster }
  | { kind: "supercluster"; superCluster: SuperClusterTopology }
  | { kind: "hub-leaf"; hubAndLeaf: HubAndLeafTopology };

/** Every cluster of a topology: the hub before its sites, supercluster members in the order given. */
export function topologyClusters(topology: Topology): Cluster[] {
  switch (topology.kind) {
    case "cluster":
      return [topology.cluster];
    case "supercluster":
      return topology.superCluster.members.map((member) => member.cluster);
    case "hub-leaf":
      return [topology.hubAndLeaf.hub.cluster, ...topology.hubAndLeaf.sites.map((site) => site.cluster)];
  }
}
