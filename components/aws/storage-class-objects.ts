/**
 * The two StorageClasses the tiers name, as Kubernetes objects: nats-ssd as encrypted EBS gp3 through the
 * EBS CSI driver, and nats-nvme over the instance-store disks the local static provisioner offers. Both bind
 * only when a pod is scheduled (WaitForFirstConsumer), so a volume is made in, or taken from, the zone and
 * node the scheduler picked for the server.
 */
import type * as k8s from "@pulumi/kubernetes/types/input";

/** The EBS CSI driver's provisioner name. */
export const EBS_CSI_PROVISIONER = "ebs.csi.aws.com";
/** Static local volumes have no dynamic provisioner: the local static provisioner creates them ahead. */
export const NO_PROVISIONER = "kubernetes.io/no-provisioner";

/** What a gp3 class provisions. */
export interface Gp3ClassSpec {
  name: string;
  iops: number;
  /** MiB/s. */
  throughput: number;
  /** Undefined: EBS's default key for the account. */
  kmsKeyArn: string | undefined;
}

const labels = { "app.kubernetes.io/part-of": "nats-jetstream", "app.kubernetes.io/managed-by": "pulumi" };

export function gp3StorageClass(spec: Gp3ClassSpec): k8s.storage.v1.StorageClass {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: spec.name, labels },
    provisioner: EBS_CSI_PROVISIONER,
    parameters: {
      type: "gp3",
      iops: String(spec.iops),
      throughput: String(spec.throughput),
      encrypted: "true",
      ...(spec.kmsKeyArn === undefined ? {} : { kmsKeyId: spec.kmsKeyArn }),
    },
    volumeBindingMode: "WaitForFirstConsumer",
    // The servers' claims grow in place when a stack raises volumeSize (see volume-claims.ts).
    allowVolumeExpansion: true,
    reclaimPolicy: "Delete",
  };
}

/**
 * Local volumes: one per disk, bound where the pod lands. Deleting a claim frees its disk: the provisioner
 * wipes it and offers it again. A local volume cannot grow, so the class does not claim to.
 */
export function localStorageClass(name: string): k8s.storage.v1.StorageClass {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name, labels },
    provisioner: NO_PROVISIONER,
    volumeBindingMode: "WaitForFirstConsumer",
    reclaimPolicy: "Delete",
  };
}
