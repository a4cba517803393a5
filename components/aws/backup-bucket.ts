/**
 * The BackupBucket component: the S3 bucket a stack's backups are uploaded to, created on AWS with the stack,
 * and the way the backup pods reach it. The bucket keeps versions, encrypts with SSE-KMS (S3's key, with a
 * bucket key), blocks every public access, and expires backups after the policy's retention; an IAM role may
 * only put and get objects under the stack's prefix, and EKS Pod Identity gives it to each cluster's backup
 * ServiceAccount. The current S3 classes are used (BucketVersioning, BucketServerSideEncryptionConfiguration,
 * BucketLifecycleConfiguration), loaded class by class on first use (awsSdk), so a program without the bucket
 * neither loads nor needs @pulumi/aws.
 */
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../model/errors";
import { isS3BucketName, isS3Prefix, S3_BUCKET_RULE, S3_PREFIX_RULE } from "../model/backup-rules";
import { MAX_RETENTION_DAYS } from "../model/backups";
import { checkInputs } from "../pulumi-errors";
import { awsSdk } from "./aws-sdk";
import { backupAccessPolicy, podIdentityTrustPolicy } from "./backup-policies";

export const BACKUP_BUCKET_TYPE = "nats-jetstream:index:BackupBucket";

/** A ServiceAccount the backup pods of one cluster run as. */
export interface BackupServiceAccount {
  /** The cluster's namespace. */
  namespace: string;
  /** The ServiceAccount's name (BackupSchedule's `serviceAccountName`). */
  serviceAccount: string;
}

/** What BackupBucket takes. */
export interface BackupBucketArgs {
  /** The bucket's name, by S3's naming rules. */
  bucket: string;
  /** The key prefix the backups are written under; the role may use nothing else. */
  prefix: string;
  /** The bucket's region, which the provider creates it in. */
  region: string;
  /** Days a backup is kept; older ones, and replaced versions as old, are expired. */
  retentionDays: number;
  /** The EKS cluster whose Pod Identity agent hands the role to the backup pods. */
  eksCluster: string;
  /** The backup ServiceAccount of each cluster of the stack. */
  serviceAccounts: BackupServiceAccount[];
}

function checkArgs(args: BackupBucketArgs): void {
  checkInputs(() => {
    const problems = new Problems();
    if (!isS3BucketName(args.bucket)) problems.add("bucket", args.bucket, S3_BUCKET_RULE);
    if (!isS3Prefix(args.prefix)) problems.add("prefix", args.prefix, S3_PREFIX_RULE);
    if (!Number.isInteger(args.retentionDays) || args.retentionDays < 1 || args.retentionDays > MAX_RETENTION_DAYS) {
      problems.add("retentionDays", args.retentionDays, `use a whole number of days from 1 to ${MAX_RETENTION_DAYS}`);
    }
    if (!Array.isArray(args.serviceAccounts) || args.serviceAccounts.length === 0) problems.add("serviceAccounts", args.serviceAccounts, "name at least one backup ServiceAccount");
    problems.throwIfAny();
  });
}

/** The S3 bucket of a stack's backups, its role, and the Pod Identity associations that hand the role to the backup pods. */
export class BackupBucket extends pulumi.ComponentResource {
  /** The bucket's name. */
  readonly bucketName: pulumi.Output<string>;
  /** The ARN of the role the backup pods write with. */
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: BackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    checkArgs(args);
    super(BACKUP_BUCKET_TYPE, name, {}, opts);
    const child = { parent: this };
    // Backups are what is left after a disaster: `pulumi destroy` must not take them along.
    const { Bucket, BucketLifecycleConfiguration, BucketPublicAccessBlock, BucketServerSideEncryptionConfiguration, BucketVersioning } = awsSdk().s3;
    const { Role, RolePolicy } = awsSdk().iam;
    const { PodIdentityAssociation } = awsSdk().eks;
    const bucket = new Bucket(`${name}-bucket`, { bucket: args.bucket, forceDestroy: false }, { ...child, protect: true });
    const versioning = new BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
    new BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }] },
      child,
    );
    new BucketPublicAccessBlock(`${name}-public-access-block`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, child);
    new BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-backups",
            status: "Enabled",
            filter: { prefix: `${args.prefix}/` },
            expiration: { days: args.retentionDays },
            // A version replaced or deleted by mistake stays restorable for as long as a backup is kept.
            noncurrentVersionExpiration: { noncurrentDays: args.retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      { ...child, dependsOn: [versioning] },
    );
    const role = new Role(`${name}-role`, { assumeRolePolicy: podIdentityTrustPolicy(), description: `Writes NATS backups to s3://${args.bucket}/${args.prefix}/` }, child);
    new RolePolicy(`${name}-access`, { role: role.id, policy: backupAccessPolicy(args.bucket, args.prefix, args.region) }, child);
    for (const account of args.serviceAccounts) {
      new PodIdentityAssociation(
        `${name}-${account.namespace}-${account.serviceAccount}`,
        { clusterName: args.eksCluster, namespace: account.namespace, serviceAccount: account.serviceAccount, roleArn: role.arn },
        child,
      );
    }
    this.bucketName = bucket.bucket;
    this.roleArn = role.arn;
    this.registerOutputs({ bucketName: this.bucketName, roleArn: this.roleArn });
  }
}
