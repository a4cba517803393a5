/**
 * Server tags of a supercluster member's pods: cluster and region, and the zone when the member lists zones.
 *
 * The zone must be the one the pod really runs in, or `unique_tag` would spread replicas over zones that
 * exist only on paper. A StatefulSet gives every pod one template and the scheduler, not the ordinal, picks
 * the node, so the model's zone-by-ordinal (right for local servers) cannot hold for pods. Instead the pod
 * reads its zone: Kubernetes copies the node's `topology.kubernetes.io/zone` label onto the pod when it
 * binds it (the PodTopologyLabelsAdmission plugin, beta and on by default from Kubernetes 1.35), the
 * downward API turns the label into an environment variable, and nats.conf takes the whole tag from it (one
 * ConfigMap serves every pod). The model refuses zones unless the stack's `kubernetesVersion` is 1.35 or
 * newer (see kubernetes-version.ts). Where the label is still missing, every server gets the same empty
 * zone, and JetStream refuses to place replicated streams instead of stacking replicas in one zone.
 */
import { PodEnvVar } from "../../workloads/pod-extras";
import { ConfBlock, ConfVariable } from "../../model/conf";
import { SuperClusterMember } from "../../model/supercluster";
import { serverTagsSection, ZONE_TAG_PREFIX } from "../../model/tags";
import { ZONE_TOPOLOGY_KEY } from "../cluster/statefulset";

/** The pod's zone, from the label copied from its node. */
export const ZONE_VARIABLE = "NATS_ZONE";
/** The pod's whole zone tag (`az:<zone>`): nats.conf expands a variable as a whole value, never inside a string. */
export const ZONE_TAG_VARIABLE = "NATS_ZONE_TAG";

export interface MemberTags {
  /** The tags section every pod of the member shares. */
  section: ConfBlock;
  /** What the nats-server container needs in its environment for the section. */
  env: PodEnvVar[];
}

export function memberTags(member: SuperClusterMember): MemberTags {
  const zoned = member.zones.length > 0;
  return {
    section: serverTagsSection({
      cluster: member.cluster.name,
      region: member.region,
      zone: zoned ? new ConfVariable(ZONE_TAG_VARIABLE) : undefined,
      uniqueZones: zoned,
    }),
    env: zoned
      ? [
          { name: ZONE_VARIABLE, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${ZONE_TOPOLOGY_KEY}']` } } },
          { name: ZONE_TAG_VARIABLE, value: `${ZONE_TAG_PREFIX}$(${ZONE_VARIABLE})` },
        ]
      : [],
  };
}
