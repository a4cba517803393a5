/**
 * The JetStream volumes, and how a change of size reaches them without replacing the StatefulSet.
 *
 * A StatefulSet's `volumeClaimTemplates` are immutable, and Pulumi answers a change there by deleting the
 * named StatefulSet and creating it again: every server down at once. So the component ignores later
 * changes to the template and owns the claims directly instead, one PersistentVolumeClaimPatch per
 * ordinal, named exactly as the StatefulSet controller names its claims. Server-side apply creates each
 * claim on the first deploy (the controller adopts an existing claim of its name) and raises its
 * requested size on later deploys, which the storage driver then grows in place; the StorageClass must
 * allow volume expansion.
 *
 * What the Kubernetes API refuses for a bound claim, and so stops `pulumi up` with the API's error:
 * shrinking a volume, and changing its StorageClass (a tier change from SSD to NVMe, for instance). Those
 * need a new cluster and a move of the streams, not an in-place change.
 */
import type * as k8s from "@pulumi/kubernetes";
import { Cluster } from "../../model/cluster";
import { JETSTREAM_CLAIM_TEMPLATE, jetstreamClaimName, selectorLabels } from "./labels";

/** The spec every JetStream claim of the cluster gets, whether the controller or a patch writes it. */
export function jetstreamClaimSpec(cluster: Cluster): k8s.types.input.core.v1.PersistentVolumeClaimSpec {
  return {
    accessModes: ["ReadWriteOnce"],
    // Left out, the API server fills in the Kubernetes cluster's default class.
    ...(cluster.storageClass === undefined ? {} : { storageClassName: cluster.storageClass }),
    resources: { requests: { storage: cluster.volumeSize } },
  };
}

/** The StatefulSet's claim template; only a first deploy reads it (the component ignores later changes). */
export function jetstreamClaimTemplate(cluster: Cluster): k8s.types.input.core.v1.PersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: JETSTREAM_CLAIM_TEMPLATE, labels: selectorLabels(cluster) },
    spec: jetstreamClaimSpec(cluster),
  };
}

export const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";
export const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

/** One claim per server, as a server-side apply patch. */
export function jetstreamClaimPatches(cluster: Cluster): k8s.core.v1.PersistentVolumeClaimPatchArgs[] {
  const patches: k8s.core.v1.PersistentVolumeClaimPatchArgs[] = [];
  for (let ordinal = 0; ordinal < cluster.servers; ordinal++) {
    patches.push({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        name: jetstreamClaimName(cluster, ordinal),
        namespace: cluster.namespace,
        labels: selectorLabels(cluster),
        annotations: {
          // A claim the StatefulSet controller made (a cluster deployed before these patches, or a claim
          // recreated by hand) has another field manager: take its fields over rather than fail on the conflict.
          [PATCH_FORCE_ANNOTATION]: "true",
          // A claim of a WaitForFirstConsumer class binds only once its pod is scheduled, and the pods come
          // from the StatefulSet that waits for these claims: waiting here could only deadlock.
          [SKIP_AWAIT_ANNOTATION]: "true",
        },
      },
      spec: jetstreamClaimSpec(cluster),
    });
  }
  return patches;
}
