/**
 * The EC2 instance types a NATS node pool may use, with what the pool's checks need: vCPUs and memory (does
 * a server fit beside the node's own daemons), instance-store NVMe disks (can the nats-nvme class hold a
 * server's volume) and the CPU architecture (which EKS AMI type boots it). Figures from AWS's instance type
 * pages (general purpose M6i, M7i, M6id; storage optimized I4i), stated in GiB of memory and GB of disk as
 * AWS states them.
 */

/** What a node pool needs to know of one instance type. */
export interface InstanceType {
  name: string;
  vcpus: number;
  /** Memory in GiB. */
  memoryGiB: number;
  /** Instance-store NVMe disks; empty for EBS-only types. */
  disks: { count: number; sizeGB: number };
  arch: "x86_64";
}

function family(prefix: string, rows: [size: string, vcpus: number, memoryGiB: number, diskGB?: number, disks?: number][]): InstanceType[] {
  return rows.map(([size, vcpus, memoryGiB, diskGB = 0, disks = diskGB === 0 ? 0 : 1]) => ({
    name: `${prefix}.${size}`,
    vcpus,
    memoryGiB,
    disks: { count: disks, sizeGB: diskGB },
    arch: "x86_64",
  }));
}

export const INSTANCE_TYPES: readonly InstanceType[] = [
  ...family("m6i", [["large", 2, 8], ["xlarge", 4, 16], ["2xlarge", 8, 32], ["4xlarge", 16, 64]]),
  ...family("m7i", [["large", 2, 8], ["xlarge", 4, 16], ["2xlarge", 8, 32], ["4xlarge", 16, 64]]),
  ...family("m6id", [["large", 2, 8, 118], ["xlarge", 4, 16, 237], ["2xlarge", 8, 32, 474], ["4xlarge", 16, 64, 950], ["8xlarge", 32, 128, 1900]]),
  ...family("i4i", [["large", 2, 16, 468], ["xlarge", 4, 32, 937], ["2xlarge", 8, 64, 1875], ["4xlarge", 16, 128, 3750], ["8xlarge", 32, 256, 3750, 2]]),
];

export const INSTANCE_TYPE_NAMES = INSTANCE_TYPES.map((type) => type.name);

export function instanceType(name: string): InstanceType | undefined {
  return INSTANCE_TYPES.find((type) => type.name === name);
}

/** Whether the type has NVMe instance storage that nodeadm can mount. */
export function hasInstanceStorage(type: InstanceType): boolean {
  return type.disks.count > 0;
}

/**
 * What a node keeps for itself and for what runs beside the server: the kubelet and system reservations,
 * the CNI, kube-proxy and CSI DaemonSets, the provisioner and the server's two sidecars. A server asking for
 * all of a node's CPUs or memory would stay Pending, so a pool's type must leave this much over.
 */
export const NODE_OVERHEAD = { vcpus: 0.5, memoryGiB: 1 } as const;
