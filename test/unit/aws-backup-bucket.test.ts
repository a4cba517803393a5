/**
 * The BackupBucket component under Pulumi mocks: a versioned, KMS-encrypted, private bucket whose backups
 * expire after the retention, with the current (non-deprecated) S3 classes; a role only EKS Pod Identity may
 * assume, allowed only its prefix; one association per backup ServiceAccount; refusals before anything exists.
 */
import { describe, expect, it } from "vitest";
import type { BackupBucketArgs } from "../../components/aws/backup-bucket";
import { installMocks, RecordedResource } from "../../components/testing";
import { expectRefusal } from "../support/component-expectations";

const mocks = await installMocks({ preview: false });
const { BackupBucket } = await import("../../components/aws/backup-bucket");

const ARGS: BackupBucketArgs = {
  bucket: "acme-nats-backups",
  prefix: "prod",
  region: "eu-west-1",
  retentionDays: 30,
  eksCluster: "prod-eks",
  serviceAccounts: [
    { namespace: "nats-east", serviceAccount: "east-backup" },
    { namespace: "nats-west", serviceAccount: "west-backup" },
  ],
};

async function deploy(args: BackupBucketArgs): Promise<void> {
  mocks.reset();
  new BackupBucket("backups", args);
  await mocks.settle();
}

const only = (type: string): RecordedResource => {
  const found = mocks.ofType(type);
  expect(found).toHaveLength(1);
  return found[0];
};

describe("a stack's backup bucket", () => {
  it("is versioned, SSE-KMS with a bucket key, private, kept on destroy, and expires backups after the retention", async () => {
    await deploy(ARGS);
    expect(mocks.resources.filter((resource) => resource.custom).map((resource) => resource.type).sort()).toEqual([
      "aws:eks/podIdentityAssociation:PodIdentityAssociation",
      "aws:eks/podIdentityAssociation:PodIdentityAssociation",
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:s3/bucket:Bucket",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "aws:s3/bucketVersioning:BucketVersioning",
    ]);
    const bucket = only("aws:s3/bucket:Bucket");
    expect(bucket.inputs).toMatchObject({ bucket: "acme-nats-backups", forceDestroy: false });
    expect(only("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(only("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true },
    ]);
    expect(only("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(only("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules).toEqual([
      {
        id: "expire-backups",
        status: "Enabled",
        filter: { prefix: "prod/" },
        expiration: { days: 30 },
        noncurrentVersionExpiration: { noncurrentDays: 30 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      },
    ]);
    for (const child of mocks.resources.filter((resource) => resource.type.startsWith("aws:s3/") && resource.type !== "aws:s3/bucket:Bucket")) {
      expect(child.inputs.bucket).toBe("backups-bucket-id");
    }
  });

  it("has a role only EKS Pod Identity assumes, allowed to put, get and list under its prefix only, with no delete", () => {
    const role = only("aws:iam/role:Role");
    expect(JSON.parse(role.inputs.assumeRolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
    });
    const policy = JSON.parse(only("aws:iam/rolePolicy:RolePolicy").inputs.policy) as { Statement: { Action: string[]; Resource: string[]; Condition?: unknown }[] };
    expect(policy.Statement.flatMap((statement) => statement.Action).sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey", "s3:GetObject", "s3:ListBucket", "s3:PutObject"]);
    expect(policy.Statement[0].Resource).toEqual(["arn:aws:s3:::acme-nats-backups/prod/*"]);
    expect(policy.Statement[1].Condition).toEqual({ StringLike: { "s3:prefix": ["prod/*"] } });
    expect(policy.Statement[2].Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } });
  });

  it("binds the role to each cluster's backup ServiceAccount through Pod Identity", () => {
    const associations = mocks.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation").map((association) => association.inputs);
    expect(associations.map(({ clusterName, namespace, serviceAccount }) => ({ clusterName, namespace, serviceAccount }))).toEqual([
      { clusterName: "prod-eks", namespace: "nats-east", serviceAccount: "east-backup" },
      { clusterName: "prod-eks", namespace: "nats-west", serviceAccount: "west-backup" },
    ]);
  });

  it("refuses a bucket name S3 would reject, a retention below a day and no ServiceAccount, by field, creating nothing", async () => {
    const { paths } = await expectRefusal(mocks, () => new BackupBucket("backups", { ...ARGS, bucket: "Bad_Name", retentionDays: 0, serviceAccounts: [] }));
    expect(paths).toEqual(["bucket", "retentionDays", "serviceAccounts"]);
  });
});
