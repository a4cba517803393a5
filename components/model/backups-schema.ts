/** The schema of the `backups` key, as BackupsSpec declares it. */
import { z } from "zod";
import { CRON_RULE, isCronSchedule, isS3BucketName, isS3Prefix, S3_BUCKET_RULE, S3_PREFIX_RULE } from "./backup-rules";
import { MAX_RETENTION_DAYS } from "./backups";
import { KV_RULE } from "./kv";
import { byteQuantity, dnsLabel, MAX_VOLUME_BYTES, natsName, wholeNumber } from "./schema-fields";

const REGION_RULE = 'use an AWS region name such as "us-east-1"';
const ENDPOINT_RULE = 'use an http:// or https:// URL such as "https://minio.example:9000"';
const EKS_CLUSTER_RULE = "use the EKS cluster's name: letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters";

const createdBucketSchema = z.strictObject({
  eksCluster: z
    .string({ error: EKS_CLUSTER_RULE })
    .regex(/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/, { error: EKS_CLUSTER_RULE })
    .meta({ description: "The EKS cluster whose backup service accounts write to the bucket through Pod Identity." }),
});

const existingBucketSchema = z.strictObject({
  endpoint: z
    .string({ error: ENDPOINT_RULE })
    .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, { error: ENDPOINT_RULE })
    .optional()
    .meta({ description: "The S3-compatible store's URL. Default: AWS S3 of the region." }),
  credentialsSecret: dnsLabel(253).meta({ description: "Secret in each cluster's namespace holding AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY." }),
});

const s3Schema = z.strictObject({
  bucket: z.string({ error: S3_BUCKET_RULE }).refine(isS3BucketName, { error: S3_BUCKET_RULE }).meta({ description: "The bucket's name." }),
  prefix: z.string({ error: S3_PREFIX_RULE }).refine(isS3Prefix, { error: S3_PREFIX_RULE }).optional().meta({ description: "Key prefix of every backup. Default: the stack's name." }),
  region: z
    .string({ error: REGION_RULE })
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: REGION_RULE })
    .optional()
    .meta({ description: 'The bucket\'s region. Default "us-east-1".' }),
  create: createdBucketSchema.optional().meta({ description: "Create the bucket, its role and Pod Identity association with the stack (AWS); instead of existing." }),
  existing: existingBucketSchema.optional().meta({ description: "A bucket that exists, on AWS or an S3-compatible store; instead of create." }),
});

const pvcSchema = z.strictObject({
  size: byteQuantity(MAX_VOLUME_BYTES, "the largest single volume").meta({ description: "Size of each cluster's backup claim." }),
  storageClassName: dnsLabel(253).optional().meta({ description: "StorageClass of the claim. Default: the cluster's default class." }),
});

export const destinationSchema = z.strictObject({
  s3: s3Schema.optional().meta({ description: "An S3 bucket, created by the stack on AWS or existing." }),
  pvc: pvcSchema.optional().meta({ description: "A PersistentVolumeClaim per cluster, for clusters without object storage." }),
});

export const scheduleSchema = () => z.string({ error: CRON_RULE }).refine(isCronSchedule, { error: CRON_RULE });
export const retentionDaysSchema = () => wholeNumber(1, MAX_RETENTION_DAYS, `use a whole number of days from 1 to ${MAX_RETENTION_DAYS}`);

export const backupsSchema = z.strictObject({
  schedule: scheduleSchema().meta({ description: 'When backups run, as a CronJob schedule such as "0 3 * * *".' }),
  retentionDays: retentionDaysSchema().meta({ description: "Days a backup is kept." }),
  streams: z.array(natsName(), { error: "give a list of stream names" }).optional().meta({ description: "Streams to back up. Default: every file-backed stream; [] for none." }),
  buckets: z
    .array(z.string({ error: KV_RULE }).regex(/^[A-Za-z0-9_-]+$/, { error: KV_RULE }), { error: "give a list of bucket names" })
    .optional()
    .meta({ description: "Key-value buckets to back up. Default: every file-backed bucket; [] for none." }),
  destination: destinationSchema.meta({ description: "Where backups go: exactly one of s3 and pvc." }),
});
