/**
 * The schema of the AWS keys: the stack's `aws` block (a single cluster's node pool, and instance types per
 * tier for every pool) and a supercluster member's own `aws` block (its region's pool). Rules that need the
 * tier, the servers or the zones stay in resolveAwsSubstrate.
 */
import { z } from "zod";
import { dnsLabel, text, wholeNumber } from "./schema-fields";
import { TIER_NAMES, TierName } from "./tiers";

export const EKS_CLUSTER_NAME_RULE = "name an existing EKS cluster: a letter or digit, then up to 99 letters, digits, '-' or '_'";
export const SUBNET_RULE = 'name a subnet ID such as "subnet-0123456789abcdef0"';
export const KMS_KEY_RULE = 'use the full ARN of a KMS key or alias, such as "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"';
/** A KMS key or alias ARN, as the EBS CSI driver's kmsKeyId takes it. */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+$/;
export const ROLE_ARN_RULE = 'use the full ARN of an IAM role, such as "arn:aws:iam::111122223333:role/nats-nodes"';
export const INSTANCE_TYPE_RULE = 'name an EC2 instance type such as "i4i.4xlarge"';

/** Where one cluster's node pool goes and what it runs: the keys a pool shares in both blocks. */
const poolShape = {
  clusterName: text(EKS_CLUSTER_NAME_RULE, 100),
  subnets: z.record(dnsLabel(63, 'name an availability zone such as "us-east-1a"'), text(SUBNET_RULE, 64), {
    error: 'map each availability zone to a subnet ID, e.g. { us-east-1a: "subnet-0123456789abcdef0" }',
  }),
  nodes: wholeNumber(1, 100, "use a node count from 1 to 100, at least one per server").optional(),
  kmsKeyArn: text(KMS_KEY_RULE, 2048).optional(),
  nodeRoleArn: text(ROLE_ARN_RULE, 2048).optional(),
};

const instanceTypesSchema = z.strictObject(
  Object.fromEntries(TIER_NAMES.map((tier) => [tier, text(INSTANCE_TYPE_RULE, 32).optional()])) as Record<TierName, z.ZodOptional<z.ZodString>>,
);

/** The stack's `aws` block. */
export const awsSchema = z.strictObject({
  region: dnsLabel(32, 'name an AWS region such as "us-east-1"').optional(),
  clusterName: poolShape.clusterName.optional(),
  subnets: poolShape.subnets.optional(),
  nodes: poolShape.nodes,
  kmsKeyArn: poolShape.kmsKeyArn,
  nodeRoleArn: poolShape.nodeRoleArn,
  instanceTypes: instanceTypesSchema.optional(),
});

/** A supercluster member's `aws` block: its region's pool, in the member's `region`. */
export const memberAwsSchema = z.strictObject({ ...poolShape, instanceType: text(INSTANCE_TYPE_RULE, 32).optional() });

/** The stack's `cost` block: what the estimate cannot read from the topology. */
export const costSchema = z.strictObject({
  writeRate: text('use bytes per second as a Kubernetes quantity, such as "1Mi" (a MiB per second averaged over the month)', 32).optional(),
});
