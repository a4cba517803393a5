/**
 * NatsNodePool: the nodes a NATS cluster runs on, as an EKS managed node group on an existing cluster. Its
 * nodes carry the pool's label and a NoSchedule taint, so only the cluster's servers (which the model gives
 * the matching selector and toleration) and node-level DaemonSets run there; it spans the subnets of the
 * zones the servers spread over. For a pool with NVMe instance storage, a launch template's user data has
 * nodeadm mount each disk for the local static provisioner (see node-config.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { NodePoolPlan, NodePoolRequest, validateNodePool } from "../model/aws-substrate";
import { POOL_LABEL, POOL_TAINT } from "../model/aws-scheduling";
import { checkInputs } from "../pulumi-errors";
import { awsSdk } from "./aws-sdk";
import { encodedUserData, localStorageNodeConfig } from "./node-config";

export const NATS_NODE_POOL_TYPE = "nats-jetstream:index:NatsNodePool";

/** The AMI type of the EKS-optimized Amazon Linux 2023 image, whose nodeadm reads the NodeConfig. */
export const AL2023_AMI_TYPE = "AL2023_x86_64_STANDARD";
/** The policies every EKS node role needs: join the cluster, pull from ECR, run the VPC CNI. */
export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKS_CNI_Policy"] as const;
/** The taint effect as the EKS API spells NoSchedule. */
const EKS_TAINT_EFFECT = { NoSchedule: "NO_SCHEDULE" } as const;

/** What NatsNodePool takes. */
export interface NatsNodePoolArgs extends NodePoolRequest {
  /** Tags on the node group, its launch template and role. Default none. */
  tags?: Record<string, string>;
}

function nodeRole(name: string, pool: NodePoolPlan, tags: Record<string, string>, parent: pulumi.Resource): pulumi.Input<string> {
  if (pool.nodeRoleArn !== undefined) return pool.nodeRoleArn;
  const { Role, RolePolicyAttachment } = awsSdk().iam;
  const role = new Role(
    `${name}-node-role`,
    {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags,
    },
    { parent },
  );
  const attachments = NODE_ROLE_POLICIES.map(
    (policy) => new RolePolicyAttachment(`${name}-${policy}`, { role: role.name, policyArn: `arn:aws:iam::aws:policy/${policy}` }, { parent }),
  );
  // The node group must not start nodes that cannot join yet: the role's policies come first.
  return pulumi.all([role.arn, ...attachments.map((attachment) => attachment.id)]).apply(([arn]) => arn);
}

/** An EKS managed node group dedicated to one NATS cluster's servers, with instance storage mounted when it has some. */
export class NatsNodePool extends pulumi.ComponentResource {
  /** The node group's name, as EKS knows it. */
  readonly nodeGroupName: pulumi.Output<string>;
  /** The value of the pool's `nats.io/pool` node label. */
  readonly poolName: pulumi.Output<string>;

  constructor(name: string, args: NatsNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid pool creates nothing at all.
    const pool = checkInputs(() => validateNodePool(args));
    super(NATS_NODE_POOL_TYPE, name, {}, opts);
    const { ec2, eks } = awsSdk();
    const tags = { ...(args.tags ?? {}), [POOL_LABEL]: pool.poolName };
    const launchTemplate = pool.localStorage
      ? new ec2.LaunchTemplate(
          `${name}-nodes`,
          {
            description: `Nodes of NATS pool ${pool.poolName}: instance-store disks mounted one by one for local volumes`,
            userData: encodedUserData(localStorageNodeConfig()),
            updateDefaultVersion: true,
            tagSpecifications: [{ resourceType: "instance", tags: { ...tags, Name: pool.poolName } }],
            tags,
          },
          { parent: this },
        )
      : undefined;
    const nodeGroup = new eks.NodeGroup(
      name,
      {
        clusterName: pool.eksCluster,
        nodeRoleArn: nodeRole(name, pool, tags, this),
        subnetIds: pool.subnetIds,
        instanceTypes: [pool.instanceType.name],
        amiType: AL2023_AMI_TYPE,
        capacityType: "ON_DEMAND",
        // A fixed size: servers are placed one per node, and a node removed takes a server's disk with it.
        scalingConfig: { desiredSize: pool.nodes, minSize: pool.nodes, maxSize: pool.nodes },
        // One node at a time, so a rolling update keeps every stream's quorum.
        updateConfig: { maxUnavailable: 1 },
        labels: { [POOL_LABEL]: pool.poolName },
        taints: [{ key: POOL_TAINT.key, value: POOL_TAINT.value, effect: EKS_TAINT_EFFECT[POOL_TAINT.effect] }],
        ...(launchTemplate ? { launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) } } : {}),
        tags,
      },
      { parent: this },
    );
    this.nodeGroupName = nodeGroup.nodeGroupName;
    this.poolName = pulumi.output(pool.poolName);
    this.registerOutputs({ nodeGroupName: this.nodeGroupName, poolName: this.poolName });
  }
}
