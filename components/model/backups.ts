/**
 * A stack's backup policy (the stack key `backups`): which streams and key-value buckets are snapshotted, on
 * which schedule, for how long backups are kept, and where they go. Every back end reads the resolved
 * policy: Kubernetes runs it as one CronJob per cluster, the local tools back up the same targets on demand.
 */
import { Problems } from "./errors";
import { JetStreamResourceSet } from "./jetstream-resource-set";
import { KeyValue } from "./kv";
import { parseBytes } from "./quantity";
import { CRON_RULE, isCronSchedule, isS3BucketName, isS3Prefix, S3_BUCKET_RULE, S3_PREFIX_RULE } from "./backup-rules";
import { Stream } from "./streams";

/** The most days a backup is kept: ten years, far past any retention rule, and within S3's lifecycle limits. */
export const MAX_RETENTION_DAYS = 3650;
export const DEFAULT_S3_REGION = "us-east-1";

/** An S3 bucket the stack creates on AWS, written to from the EKS cluster through Pod Identity. */
export interface CreatedBucketSpec {
  /** Name of the EKS cluster whose backup service accounts get write access to the bucket's prefix. */
  eksCluster: string;
}

/** An S3 bucket that exists already, on AWS or any S3-compatible store. */
export interface ExistingBucketSpec {
  /** The store's endpoint URL (e.g. "https://minio.example:9000"). Default: AWS S3 of `region`. */
  endpoint?: string;
  /** Secret in each cluster's namespace with the keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. */
  credentialsSecret: string;
}

/** Backups uploaded to an S3 bucket, under `<prefix>/<cluster>/<timestamp>/`. */
export interface S3DestinationSpec {
  /** The bucket's name, by S3's naming rules. */
  bucket: string;
  /** Key prefix of every object. Default: the stack's name. */
  prefix?: string;
  /** The bucket's region. Default "us-east-1". */
  region?: string;
  /** Create the bucket with the stack; instead of `existing`. */
  create?: CreatedBucketSpec;
  /** Use a bucket that exists; instead of `create`. */
  existing?: ExistingBucketSpec;
}

/** Backups kept on a PersistentVolumeClaim per cluster, for clusters without object storage. */
export interface PvcDestinationSpec {
  /** Size of the claim (Kubernetes quantity), room for `retentionDays` of backups. */
  size: string;
  /** StorageClass of the claim. Default: the cluster's default class. */
  storageClassName?: string;
}

/** Where backups go: exactly one of `s3` and `pvc`. */
export interface BackupDestinationSpec {
  /** An S3 bucket, created by the stack on AWS or existing. */
  s3?: S3DestinationSpec;
  /** A PersistentVolumeClaim per cluster. */
  pvc?: PvcDestinationSpec;
}

/** The backup policy as a stack describes it. */
export interface BackupsSpec {
  /** When backups run, as a Kubernetes CronJob schedule (five cron fields or a macro such as @daily). */
  schedule: string;
  /** Days a backup is kept before it expires (at least 1). */
  retentionDays: number;
  /** Streams to back up, by name. Default: every file-backed stream of the stack; [] for none. */
  streams?: string[];
  /** Key-value buckets to back up, by name. Default: every file-backed bucket of the stack; [] for none. */
  buckets?: string[];
  /** Where backups go. */
  destination: BackupDestinationSpec;
}

/** One stream snapshotted by a backup: a stream, or the stream `KV_<bucket>` that holds a bucket. */
export interface BackupTarget {
  /** Whether the stack declares it as a stream or as a key-value bucket. */
  kind: "stream" | "bucket";
  /** The stream's or the bucket's name, as the stack declares it. */
  name: string;
  /** The JetStream stream the snapshot is taken of. */
  stream: string;
  /** The account that holds it, whose backup user snapshots it. */
  account: string;
  /** The cluster it lands in, whose CronJob backs it up. */
  cluster: string;
}

/** Where backups go, with the defaults filled in: an S3 bucket (prefix and region resolved) or a claim per cluster (its size in bytes too). */
export type BackupDestination =
  | { kind: "s3"; bucket: string; prefix: string; region: string; create: CreatedBucketSpec | undefined; existing: ExistingBucketSpec | undefined }
  | { kind: "pvc"; size: string; sizeBytes: number; storageClassName: string | undefined };

/** A validated backup policy. */
export interface BackupPolicy {
  /** When backups run (cron). */
  schedule: string;
  /** Days a backup is kept. */
  retentionDays: number;
  /** Every stream to snapshot, in the stack's order: streams first, then buckets. */
  targets: BackupTarget[];
  /** Where backups go, with the defaults filled in. */
  destination: BackupDestination;
}

const MEMORY_REASON = "JetStream cannot snapshot a memory-backed stream";

function selectTargets<T extends Stream | KeyValue>(
  kind: BackupTarget["kind"],
  named: unknown,
  declared: readonly T[],
  nameOf: (item: T) => string,
  toTarget: (item: T) => BackupTarget,
  path: string,
  problems: Problems,
): BackupTarget[] {
  const fileBacked = declared.filter((item) => item.storage === "file");
  if (named === undefined) return fileBacked.map(toTarget);
  if (!Array.isArray(named)) return [];
  const known = declared.map(nameOf);
  const targets: BackupTarget[] = [];
  named.forEach((name: unknown, index) => {
    const at = `${path}[${index}]`;
    const matches = declared.filter((item) => nameOf(item) === name);
    if (matches.length === 0) return problems.add(at, name, `name a ${kind} the stack declares: ${known.join(", ") || `it declares no ${kind}s`}`);
    const memory = matches.find((item) => item.storage === "memory");
    if (memory !== undefined) return problems.add(at, name, `name a file-backed ${kind}: ${nameOf(memory)} is stored in memory, and ${MEMORY_REASON}`);
    targets.push(...matches.map(toTarget));
  });
  return targets;
}

function resolveDestination(spec: BackupDestinationSpec | undefined, stackName: string, path: string, problems: Problems): BackupDestination | undefined {
  const given = (spec ?? {}) as BackupDestinationSpec;
  if ((given.s3 === undefined) === (given.pvc === undefined)) {
    problems.add(path, spec, "give exactly one of s3 (an S3 bucket) and pvc (a PersistentVolumeClaim per cluster)");
    return undefined;
  }
  if (given.pvc !== undefined) {
    const sizeBytes = typeof given.pvc.size === "string" ? parseBytes(given.pvc.size) : undefined;
    if (sizeBytes === undefined || sizeBytes <= 0) problems.add(`${path}.pvc.size`, given.pvc.size, 'use a Kubernetes quantity such as "20Gi"');
    return { kind: "pvc", size: given.pvc.size, sizeBytes: sizeBytes ?? 0, storageClassName: given.pvc.storageClassName };
  }
  const s3 = given.s3!;
  if (!isS3BucketName(s3.bucket)) problems.add(`${path}.s3.bucket`, s3.bucket, S3_BUCKET_RULE);
  const prefix = s3.prefix ?? stackName;
  if (!isS3Prefix(prefix)) problems.add(`${path}.s3.prefix`, s3.prefix, S3_PREFIX_RULE);
  if ((s3.create === undefined) === (s3.existing === undefined)) {
    problems.add(`${path}.s3`, s3, "give exactly one of create (the stack creates the bucket on AWS) and existing (an endpoint with credentials in a Secret)");
  }
  return { kind: "s3", bucket: s3.bucket, prefix: prefix.replace(/\/+$/, ""), region: s3.region ?? DEFAULT_S3_REGION, create: s3.create, existing: s3.existing };
}

/**
 * Checks a backup policy against the stack's streams and buckets and fills in its defaults. A stream or
 * bucket it names must be declared and file-backed; without a list, every file-backed one is taken. None may
 * lie in `openClusters`, the clusters that run without auth.
 */
export function resolveBackups(
  spec: BackupsSpec | undefined,
  jetstream: JetStreamResourceSet,
  stackName: string,
  problems: Problems,
  path = "backups",
  openClusters: readonly string[] = [],
): BackupPolicy | undefined {
  if (spec === undefined) return undefined;
  const given = (spec ?? {}) as Partial<BackupsSpec>;
  if (!isCronSchedule(given.schedule)) problems.add(`${path}.schedule`, given.schedule, CRON_RULE);
  if (!Number.isInteger(given.retentionDays) || given.retentionDays! < 1 || given.retentionDays! > MAX_RETENTION_DAYS) {
    problems.add(`${path}.retentionDays`, given.retentionDays, `use a whole number of days from 1 to ${MAX_RETENTION_DAYS}`);
  }
  const streamTarget = (stream: Stream): BackupTarget => ({ kind: "stream", name: stream.name, stream: stream.name, account: stream.account, cluster: stream.cluster });
  const bucketTarget = (kv: KeyValue): BackupTarget => ({ kind: "bucket", name: kv.bucket, stream: kv.streamName, account: kv.account, cluster: kv.cluster });
  const before = problems.count;
  const targets = [
    ...selectTargets("stream", given.streams, jetstream.streams, (stream) => stream.name, streamTarget, `${path}.streams`, problems),
    ...selectTargets("bucket", given.buckets, jetstream.keyValues, (kv) => kv.bucket, bucketTarget, `${path}.buckets`, problems),
  ];
  // A cluster without auth (an open leaf site) has no users, so no backup user can snapshot its streams.
  const open = [...new Set(targets.filter((target) => openClusters.includes(target.cluster)).map((target) => target.cluster))];
  for (const cluster of open) {
    const names = targets.filter((target) => target.cluster === cluster).map((target) => target.name);
    problems.add(path, names.join(", "), `back up only streams and buckets of clusters with auth: ${cluster} runs without auth, so no backup user can reach them; list the others in backups.streams and backups.buckets`);
  }
  if (targets.length === 0 && problems.count === before) {
    problems.add(path, "(no streams or buckets)", "declare at least one file-backed stream or bucket to back up, or leave backups out");
  }
  const destination = resolveDestination(given.destination, stackName, `${path}.destination`, problems);
  return { schedule: given.schedule ?? "", retentionDays: given.retentionDays ?? 0, targets, destination: destination! };
}

/** The clusters that hold backup targets, each with its targets, in the order of the policy's targets. */
export function backupTargetsByCluster(policy: BackupPolicy): Map<string, BackupTarget[]> {
  const byCluster = new Map<string, BackupTarget[]>();
  for (const target of policy.targets) byCluster.set(target.cluster, [...(byCluster.get(target.cluster) ?? []), target]);
  return byCluster;
}

/** The accounts of a cluster's backup targets: each gets its own backup user there. */
export function backupAccounts(targets: readonly BackupTarget[]): string[] {
  return [...new Set(targets.map((target) => target.account))];
}
