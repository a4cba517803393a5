/**
 * What a stack provisions on AWS under its NATS clusters, computed once for the program, the render and the
 * cost estimate: a node pool per cluster that asks for one (the stack's `aws` block for a single cluster, a
 * member's own `aws` block in a supercluster) and the storage classes its tier needs. Every rule that relates
 * the pool to the cluster is here: the instance type fits a server and, for nats-nvme, has instance storage
 * large enough for a server's volume; the subnets cover the zones the servers spread over; one node per server.
 */
import { Cloud } from "./clouds";
import { Cluster, ClusterSpec, resolveCluster, STORAGE_CLASS_FOR } from "./cluster";
import { Problems } from "./errors";
import { EKS_CLUSTER_NAME_RULE, INSTANCE_TYPE_RULE, KMS_KEY_ARN, KMS_KEY_RULE, ROLE_ARN_RULE, SUBNET_RULE } from "./aws-schema";
import { hasInstanceStorage, INSTANCE_TYPE_NAMES, instanceType, InstanceType, NODE_OVERHEAD } from "./aws-instance-types";
import { GIBIBYTE, parseMillicores } from "./quantity";
import { isTierName, TIER_NAMES, TierName } from "./tiers";
import { poolNameOf } from "./aws-scheduling";
import { Topology } from "./topology";

/** Where one cluster's node pool goes (the keys both `aws` blocks share). */
export interface AwsPoolSpec {
  /** The existing EKS cluster the node group joins. */
  clusterName?: string;
  /** One subnet per availability zone the servers spread over, by zone. */
  subnets?: Record<string, string>;
  /** Nodes in the pool. Default: one per server. */
  nodes?: number;
  /** KMS key (ARN) that encrypts the nats-ssd volumes. Default: the account's EBS default key. */
  kmsKeyArn?: string;
  /** An existing IAM role for the nodes. Default: a role made for the pool with EKS's worker node policies. */
  nodeRoleArn?: string;
}

/** The stack's `aws` block. */
export interface AwsSpec extends AwsPoolSpec {
  /** Region of a single cluster's pool. Default: the AWS provider's (`aws:region`). */
  region?: string;
  /** Instance type per tier, over the defaults (AWS_DEFAULT_INSTANCE_TYPES). */
  instanceTypes?: Partial<Record<TierName, string>>;
}

/** A supercluster member's `aws` block: a pool in the member's region. */
export interface MemberAwsSpec extends AwsPoolSpec {
  /** Over the tier's instance type. */
  instanceType?: string;
}

/**
 * The instance type each tier's pool runs by default: the smallest current general-purpose type that leaves
 * NODE_OVERHEAD beside the tier's server, and for large a storage-optimized type whose one NVMe disk holds
 * the tier's 500Gi volume.
 */
export const AWS_DEFAULT_INSTANCE_TYPES: Readonly<Record<TierName, string>> = {
  dev: "m6i.large",
  small: "m6i.xlarge",
  medium: "m6i.2xlarge",
  large: "i4i.4xlarge",
};

/** Where nodeadm mounts each instance-store disk (`/mnt/k8s-disks/1`, `/2`, ...) with strategy Mount. */
export const LOCAL_DISKS_DIR = "/mnt/k8s-disks";

/** gp3 performance of the nats-ssd class, by tier; the small tier stays on gp3's included baseline. */
export const GP3_PERFORMANCE: Readonly<Partial<Record<TierName, { iops: number; throughput: number }>>> = {
  small: { iops: 3000, throughput: 125 },
  medium: { iops: 6000, throughput: 250 },
};

/** One cluster's node pool, every default filled in. */
export interface NodePoolPlan {
  /** The NATS cluster that runs on it. */
  cluster: string;
  /** The pool's name: the value of its nodes' POOL_LABEL, and the prefix of its AWS resources. */
  poolName: string;
  /** Undefined: the AWS provider's region. */
  region: string | undefined;
  eksCluster: string;
  /** Zones in name order, and the subnet of each. */
  zones: string[];
  subnetIds: string[];
  instanceType: InstanceType;
  nodes: number;
  nodeRoleArn: string | undefined;
  /** The servers' volumes on the instance's NVMe disks (the nats-nvme class), set up by nodeadm. */
  localStorage: boolean;
  /** The classes this cluster needs created: nats-ssd as gp3 with these settings, or nats-nvme. */
  storageClass: { kind: "ssd"; name: string; iops: number; throughput: number; kmsKeyArn: string | undefined } | { kind: "nvme"; name: string } | undefined;
  /** The Kubernetes context of the cluster's objects (a supercluster member's), where the storage classes go. */
  kubernetesContext: string | undefined;
}

/** The AWS substrate of a stack: a pool per cluster that asked for one. */
export interface AwsSubstrate {
  pools: NodePoolPlan[];
}

const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** A pool's facts before the cluster is weighed against them. */
interface PoolInput {
  spec: AwsPoolSpec;
  path: string;
  cluster: Cluster;
  region: string | undefined;
  /** Zones the cluster's servers are tagged with (a supercluster member's `zones`); empty: any the subnets give. */
  zones: string[];
  instanceTypeName: string;
  instanceTypePath: string;
  kubernetesContext: string | undefined;
}

function checkInstanceType(problems: Problems, input: PoolInput): InstanceType | undefined {
  const { cluster, instanceTypeName: name, instanceTypePath: path } = input;
  const type = instanceType(name);
  if (type === undefined) {
    problems.add(path, name, `${INSTANCE_TYPE_RULE}; the pool knows ${INSTANCE_TYPE_NAMES.join(", ")}`);
    return undefined;
  }
  const cpus = (parseMillicores(cluster.cpu) ?? 0) / 1000;
  const memoryGiB = cluster.memoryBytes / GIBIBYTE;
  if (cpus + NODE_OVERHEAD.vcpus > type.vcpus || memoryGiB + NODE_OVERHEAD.memoryGiB > type.memoryGiB) {
    problems.add(
      path,
      name,
      `use a type with at least ${cpus + NODE_OVERHEAD.vcpus} vCPUs and ${memoryGiB + NODE_OVERHEAD.memoryGiB}GiB: a server asks for ${cluster.cpu} CPU and ${cluster.memory}, and the node keeps ${NODE_OVERHEAD.vcpus} vCPU and ${NODE_OVERHEAD.memoryGiB}GiB for its own daemons (${name} has ${type.vcpus} vCPUs, ${type.memoryGiB}GiB)`,
    );
  }
  if (cluster.storageClass === STORAGE_CLASS_FOR.nvme) {
    const nvmeTypes = INSTANCE_TYPE_NAMES.filter((other) => hasInstanceStorage(instanceType(other)!));
    if (!hasInstanceStorage(type)) {
      problems.add(path, name, `use a type with NVMe instance storage for ${STORAGE_CLASS_FOR.nvme} (${nvmeTypes.join(", ")}); ${name} has EBS only`);
    } else if (cluster.volumeBytes > type.disks.sizeGB * 1e9) {
      problems.add(
        path,
        name,
        `use a type whose NVMe disk holds a server's ${cluster.volumeSize} volume: each volume is one whole disk, and ${name}'s disks are ${type.disks.sizeGB} GB (${(cluster.volumeBytes / 1e9).toFixed(0)} GB needed)`,
      );
    }
  }
  return type;
}

function checkSubnets(problems: Problems, input: PoolInput): { zones: string[]; subnetIds: string[] } {
  const { spec, path, cluster, region } = input;
  const subnets = spec.subnets;
  if (subnets === undefined || typeof subnets !== "object") {
    problems.add(`${path}.subnets`, subnets, 'map each availability zone the servers spread over to a subnet ID, e.g. { us-east-1a: "subnet-0123456789abcdef0" }');
    return { zones: [], subnetIds: [] };
  }
  const zones = Object.keys(subnets).sort();
  for (const zone of zones) {
    if (!SUBNET_ID.test(String(subnets[zone]))) problems.add(`${path}.subnets.${zone}`, subnets[zone], SUBNET_RULE);
    if (region !== undefined && !(zone.startsWith(region) && /^[a-z]$/.test(zone.slice(region.length)))) {
      problems.add(`${path}.subnets.${zone}`, zone, `name a zone of ${region}, such as ${region}a`);
    }
  }
  const missing = input.zones.filter((zone) => !zones.includes(zone));
  if (missing.length > 0) {
    problems.add(`${path}.subnets`, subnets, `give a subnet in every zone the cluster's servers are tagged with: none for ${missing.join(", ")}`);
  }
  const wanted = Math.min(cluster.servers, 3);
  if (zones.length < wanted) {
    problems.add(
      `${path}.subnets`,
      subnets,
      `give subnets in at least ${wanted} zones: the ${cluster.servers} servers spread over the pool's zones, and with fewer a zone's loss takes the quorum with it`,
    );
  }
  return { zones, subnetIds: zones.map((zone) => String(subnets[zone])) };
}

function storageClassOf(cluster: Cluster, spec: AwsPoolSpec): NodePoolPlan["storageClass"] {
  if (cluster.storageClass === STORAGE_CLASS_FOR.nvme) return { kind: "nvme", name: cluster.storageClass! };
  if (cluster.storageClass === STORAGE_CLASS_FOR.ssd) {
    const performance = GP3_PERFORMANCE[cluster.tier.name] ?? GP3_PERFORMANCE.medium!;
    return { kind: "ssd", name: cluster.storageClass!, ...performance, kmsKeyArn: spec.kmsKeyArn };
  }
  // The cluster's default class or a class the stack names: it exists already, or the stack is wrong either way.
  return undefined;
}

function resolvePool(problems: Problems, input: PoolInput): NodePoolPlan | undefined {
  const { spec, path, cluster } = input;
  if (!EKS_CLUSTER_NAME.test(String(spec.clusterName ?? ""))) problems.add(`${path}.clusterName`, spec.clusterName, EKS_CLUSTER_NAME_RULE);
  if (spec.kmsKeyArn !== undefined && !KMS_KEY_ARN.test(spec.kmsKeyArn)) problems.add(`${path}.kmsKeyArn`, spec.kmsKeyArn, KMS_KEY_RULE);
  if (spec.nodeRoleArn !== undefined && !ROLE_ARN.test(spec.nodeRoleArn)) problems.add(`${path}.nodeRoleArn`, spec.nodeRoleArn, ROLE_ARN_RULE);
  const nodes = spec.nodes ?? cluster.servers;
  if (!Number.isInteger(nodes) || nodes < cluster.servers) {
    problems.add(
      `${path}.nodes`,
      nodes,
      `use at least ${cluster.servers}: one node per server, since two servers of the cluster never share a node`,
    );
  }
  const type = checkInstanceType(problems, input);
  const { zones, subnetIds } = checkSubnets(problems, input);
  if (type === undefined) return undefined;
  return {
    cluster: cluster.name,
    poolName: poolNameOf(cluster),
    region: input.region,
    eksCluster: String(spec.clusterName),
    zones,
    subnetIds,
    instanceType: type,
    nodes,
    nodeRoleArn: spec.nodeRoleArn,
    localStorage: cluster.storageClass === STORAGE_CLASS_FOR.nvme,
    storageClass: storageClassOf(cluster, spec),
    kubernetesContext: input.kubernetesContext,
  };
}

/** The instance type a cluster's tier gets: the stack's `aws.instanceTypes` over the defaults. */
function tierInstanceType(aws: AwsSpec | undefined, tier: TierName): string {
  return aws?.instanceTypes?.[tier] ?? AWS_DEFAULT_INSTANCE_TYPES[tier];
}

/** A stack's description as far as its AWS substrate reads it. */
export interface AwsStackSpec {
  cloud?: Cloud;
  aws?: AwsSpec;
  supercluster?: { clusters?: { aws?: MemberAwsSpec }[] };
}

/**
 * The node pools and storage classes a stack provisions on AWS, every problem collected under the path of
 * its field. Undefined when the stack asks for none.
 */
export function resolveAwsSubstrate(spec: AwsStackSpec, topology: Topology, problems: Problems): AwsSubstrate | undefined {
  const aws = spec.aws;
  const memberSpecs = topology.kind === "supercluster" ? (spec.supercluster?.clusters ?? []).map((member) => member?.aws) : [];
  if (aws === undefined && memberSpecs.every((member) => member === undefined)) return undefined;
  if (spec.cloud !== "aws") problems.add("cloud", spec.cloud, "set cloud: aws to provision AWS node pools and storage classes");
  for (const tier of Object.keys(aws?.instanceTypes ?? {})) {
    if (!isTierName(tier)) problems.add(`aws.instanceTypes.${tier}`, aws!.instanceTypes![tier as TierName], `name a tier: ${TIER_NAMES.join(", ")}`);
  }
  const pools: NodePoolPlan[] = [];
  if (topology.kind === "cluster") {
    if (aws?.clusterName === undefined && aws?.subnets === undefined) return { pools };
    const cluster = topology.cluster;
    const pool = resolvePool(problems, {
      spec: aws!,
      path: "aws",
      cluster,
      region: aws!.region,
      zones: [],
      instanceTypeName: tierInstanceType(aws, cluster.tier.name),
      instanceTypePath: aws!.instanceTypes?.[cluster.tier.name] === undefined ? "aws.instanceTypes" : `aws.instanceTypes.${cluster.tier.name}`,
      kubernetesContext: undefined,
    });
    if (pool) pools.push(pool);
    return { pools };
  }
  for (const key of ["clusterName", "subnets", "nodes", "kmsKeyArn", "nodeRoleArn", "region"] as const) {
    if (aws?.[key] !== undefined) {
      problems.add(`aws.${key}`, aws[key], topology.kind === "supercluster" ? "give it in each supercluster member's own aws block, in that member's region" : "node pools are provisioned for a cluster or a supercluster's members");
    }
  }
  if (topology.kind !== "supercluster") return { pools };
  topology.superCluster.members.forEach((member, index) => {
    const memberAws = memberSpecs[index];
    if (memberAws === undefined) return;
    const path = `supercluster.clusters[${index}].aws`;
    const pool = resolvePool(problems, {
      spec: memberAws,
      path,
      cluster: member.cluster,
      region: member.region,
      zones: member.zones,
      instanceTypeName: memberAws.instanceType ?? tierInstanceType(aws, member.cluster.tier.name),
      instanceTypePath: memberAws.instanceType === undefined ? "aws.instanceTypes" : `${path}.instanceType`,
      kubernetesContext: member.kubernetes.context,
    });
    if (pool) pools.push(pool);
  });
  return { pools };
}


/** One cluster's node pool as a component takes it: the cluster it serves and where the pool goes. */
export interface NodePoolRequest {
  /** The NATS cluster the pool runs: its tier, servers, CPU, memory and volume decide what the pool needs. */
  cluster: ClusterSpec;
  /** The EKS cluster, subnets, node count, instance type and keys of the pool. */
  aws: MemberAwsSpec;
  /** The region the subnets are in, checked against their zones. Default: not checked. */
  region?: string;
  /** Zones the servers are tagged with, each needing a subnet. Default none beyond the spread rule. */
  zones?: string[];
}

/** Checks one pool against the cluster it serves; throws a ValidationError naming every problem. */
export function validateNodePool(request: NodePoolRequest): NodePoolPlan {
  const problems = new Problems();
  const given = (request ?? {}) as Partial<NodePoolRequest>;
  const cluster = resolveCluster(given.cluster as ClusterSpec, "cluster", problems);
  const aws = (given.aws ?? {}) as MemberAwsSpec;
  const pool = resolvePool(problems, {
    spec: aws,
    path: "aws",
    cluster,
    region: given.region,
    zones: given.zones ?? [],
    instanceTypeName: aws.instanceType ?? AWS_DEFAULT_INSTANCE_TYPES[cluster.tier.name],
    instanceTypePath: "aws.instanceType",
    kubernetesContext: undefined,
  });
  problems.throwIfAny();
  return pool!;
}

/** A stack's description as far as its pools' requests read it. */
export interface PoolStackSpec {
  aws?: AwsSpec;
  cluster?: ClusterSpec;
  supercluster?: { clusters: (ClusterSpec & { region: string; zones?: string[]; aws?: MemberAwsSpec })[] };
}

/**
 * Each pool the stack asks for as its NatsNodePool is given it: the cluster it serves and the pool's keys,
 * the instance type resolved from the tier. The same pools, in the same order, as resolveAwsSubstrate's.
 */
export function nodePoolRequests(spec: PoolStackSpec): NodePoolRequest[] {
  const aws = spec.aws;
  if (spec.cluster !== undefined) {
    if (aws?.clusterName === undefined && aws?.subnets === undefined) return [];
    const { region, instanceTypes: _types, ...pool } = aws;
    return [{ cluster: spec.cluster, aws: { ...pool, instanceType: tierInstanceType(aws, spec.cluster.tier) }, ...(region === undefined ? {} : { region }) }];
  }
  return (spec.supercluster?.clusters ?? [])
    .filter((member) => member.aws !== undefined)
    .map((member) => ({
      // A member is a cluster description with keys of its own, which the pool's check does not read.
      cluster: member,
      aws: { ...member.aws!, instanceType: member.aws!.instanceType ?? tierInstanceType(aws, member.tier) },
      region: member.region,
      ...(member.zones === undefined ? {} : { zones: member.zones }),
    }));
}
