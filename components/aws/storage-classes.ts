/**
 * NatsStorageClasses: the StorageClass a cluster's tier names, created in its Kubernetes cluster. nats-ssd is
 * EBS gp3 (the EBS CSI driver must be installed); nats-nvme is the pool's instance-store disks, with the local
 * static provisioner that offers them and the node-cleanup controller that frees those of deleted nodes.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KMS_KEY_ARN, KMS_KEY_RULE } from "../model/aws-schema";
import { POOL_LABEL, POOL_TAINT } from "../model/aws-scheduling";
import { Problems } from "../model/errors";
import { dnsLabelRule, isDnsLabel } from "../model/names";
import { checkInputs } from "../pulumi-errors";
import { localVolumeProvisionerObjects } from "./local-volume-provisioner-objects";
import { gp3StorageClass, localStorageClass } from "./storage-class-objects";

export const NATS_STORAGE_CLASSES_TYPE = "nats-jetstream:index:NatsStorageClasses";

/** An EBS gp3 class. */
export interface Gp3ClassArgs {
  /** The class name. Default "nats-ssd". */
  name?: string;
  /** Provisioned IOPS, 3000 (included) to 16000, at most 500 per GiB of the smallest volume. */
  iops: number;
  /** Provisioned throughput in MiB/s, 125 (included) to 1000, at most a quarter of the IOPS. */
  throughput: number;
  /** KMS key ARN that encrypts the volumes. Default: EBS's default key for the account. Volumes are encrypted either way. */
  kmsKeyArn?: string;
}

/** A class over a pool's instance-store disks. */
export interface LocalClassArgs {
  /** The class name. Default "nats-nvme". */
  name?: string;
  /** The pool whose nodes hold the disks: the value of their `nats.io/pool` label. */
  poolName: string;
}

/** What NatsStorageClasses takes: either class, or both. */
export interface NatsStorageClassesArgs {
  /** Create a gp3 class. Default: none. */
  ssd?: Gp3ClassArgs;
  /** Create a class over instance-store disks, with its provisioner. Default: none. */
  nvme?: LocalClassArgs;
}


/** Checks the args against EBS gp3's limits; throws a ValidationError naming every problem. */
export function validateStorageClasses(args: NatsStorageClassesArgs): void {
  const problems = new Problems();
  const { ssd, nvme } = args ?? {};
  if (ssd === undefined && nvme === undefined) problems.add("ssd", undefined, "describe an ssd class, an nvme class or both");
  if (ssd !== undefined) {
    if (ssd.name !== undefined && !isDnsLabel(ssd.name, 253)) problems.add("ssd.name", ssd.name, dnsLabelRule(253));
    if (!Number.isInteger(ssd.iops) || ssd.iops < 3000 || ssd.iops > 16000) problems.add("ssd.iops", ssd.iops, "use 3000 to 16000 IOPS, gp3's range");
    if (!Number.isInteger(ssd.throughput) || ssd.throughput < 125 || ssd.throughput > 1000) {
      problems.add("ssd.throughput", ssd.throughput, "use 125 to 1000 MiB/s, gp3's range");
    } else if (ssd.throughput > ssd.iops / 4) {
      problems.add("ssd.throughput", ssd.throughput, `use at most ${Math.floor(ssd.iops / 4)} MiB/s: gp3 gives 0.25 MiB/s per provisioned IOPS`);
    }
    if (ssd.kmsKeyArn !== undefined && !KMS_KEY_ARN.test(ssd.kmsKeyArn)) problems.add("ssd.kmsKeyArn", ssd.kmsKeyArn, KMS_KEY_RULE);
  }
  if (nvme !== undefined) {
    if (nvme.name !== undefined && !isDnsLabel(nvme.name, 253)) problems.add("nvme.name", nvme.name, dnsLabelRule(253));
    if (!isDnsLabel(nvme.poolName)) problems.add("nvme.poolName", nvme.poolName, "name the pool: the value of its nodes' nats.io/pool label");
  }
  problems.throwIfAny();
}

/** The StorageClasses a NATS tier names, with what makes them work. */
export class NatsStorageClasses extends pulumi.ComponentResource {
  /** The names of the classes created. */
  readonly classNames: pulumi.Output<string[]>;

  constructor(name: string, args: NatsStorageClassesArgs, opts?: pulumi.ComponentResourceOptions) {
    checkInputs(() => validateStorageClasses(args));
    super(NATS_STORAGE_CLASSES_TYPE, name, {}, opts);
    const names: string[] = [];
    if (args.ssd !== undefined) {
      const spec = { name: args.ssd.name ?? "nats-ssd", iops: args.ssd.iops, throughput: args.ssd.throughput, kmsKeyArn: args.ssd.kmsKeyArn };
      new k8s.storage.v1.StorageClass(`${name}-${spec.name}`, gp3StorageClass(spec), { parent: this });
      names.push(spec.name);
    }
    if (args.nvme !== undefined) {
      const className = args.nvme.name ?? "nats-nvme";
      const storageClass = new k8s.storage.v1.StorageClass(`${name}-${className}`, localStorageClass(className), { parent: this });
      names.push(className);
      const objects = localVolumeProvisionerObjects({
        storageClass: className,
        nodeSelector: { [POOL_LABEL]: args.nvme.poolName },
        tolerations: [{ key: POOL_TAINT.key, operator: "Equal", value: POOL_TAINT.value, effect: POOL_TAINT.effect }],
      });
      const inCluster = { parent: this, dependsOn: [storageClass] };
      const account = new k8s.core.v1.ServiceAccount(`${name}-provisioner`, objects.serviceAccount, inCluster);
      const grants = [
        new k8s.rbac.v1.ClusterRole(`${name}-provisioner-node-reader`, objects.nodeReader, inCluster),
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-provisioner-node-reader`, objects.nodeReaderBinding, inCluster),
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-provisioner-pv`, objects.volumeProvisionerBinding, inCluster),
      ];
      const config = new k8s.core.v1.ConfigMap(`${name}-provisioner-config`, objects.config, inCluster);
      new k8s.apps.v1.DaemonSet(`${name}-provisioner`, objects.daemonSet, { parent: this, dependsOn: [account, config, ...grants] });
      const cleanupAccount = new k8s.core.v1.ServiceAccount(`${name}-node-cleanup`, objects.cleanupServiceAccount, inCluster);
      const cleanupRole = new k8s.rbac.v1.ClusterRole(`${name}-node-cleanup`, objects.cleanupRole, inCluster);
      const cleanupBinding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-node-cleanup`, objects.cleanupRoleBinding, inCluster);
      new k8s.apps.v1.Deployment(`${name}-node-cleanup`, objects.cleanupDeployment, { parent: this, dependsOn: [cleanupAccount, cleanupRole, cleanupBinding] });
    }
    this.classNames = pulumi.output(names);
    this.registerOutputs({ classNames: this.classNames });
  }
}
