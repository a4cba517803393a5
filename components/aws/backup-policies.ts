/**
 * The IAM documents of a backup bucket's role, as plain JSON: who may assume it (EKS Pod Identity) and what it
 * may do (write and read the backups under its prefix, list that prefix, and use S3's KMS key through S3).
 */

/** The trust policy EKS Pod Identity needs: its service principal assumes the role and tags the session. */
export function podIdentityTrustPolicy(): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
  });
}

/**
 * What the backup pods may do, and nothing more: put and get objects under `<prefix>/`, list only that prefix
 * (the restore finds a backup, the CronJob nothing else), and have S3 encrypt and decrypt with its KMS key.
 * No delete: backups expire by the bucket's lifecycle rule, so a leaked role cannot destroy them.
 */
export function backupAccessPolicy(bucket: string, prefix: string, region: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "BackupObjects", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: [`arn:aws:s3:::${bucket}/${prefix}/*`] },
      { Sid: "ListPrefix", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [`arn:aws:s3:::${bucket}`], Condition: { StringLike: { "s3:prefix": [`${prefix}/*`] } } },
      { Sid: "KmsThroughS3", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: ["*"], Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } } },
    ],
  });
}
