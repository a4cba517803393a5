/**
 * Key-value buckets as a stack declares them (KeyValueSpec) and as the back ends use them (KeyValue). A
 * bucket is a stream named `KV_<bucket>` on the subjects `$KV.<bucket>.>`, so it shares its account's stream
 * names and subject space with the account's streams.
 */
import { checkReplicas, Cluster } from "./cluster";
import { DURATION_RULE, parseDurationSeconds } from "./duration";
import { Problems } from "./errors";
import { isNatsName, NATS_NAME_RULE } from "./names";
import { formatBytes, parseBytes } from "./quantity";
import { STORAGE_TYPES, StorageType } from "./streams";

/** Bucket names the clients accept: letters, digits, `_` and `-`. */
const BUCKET_NAME = /^[A-Za-z0-9_-]+$/;
/** Most values the server keeps per key. */
export const MAX_KV_HISTORY = 64;

/** A JetStream key-value bucket as a stack describes it (the stack key `keyValues`). */
export interface KeyValueSpec {
  /** Bucket name, unique in its account. */
  bucket: string;
  /** Name of the account the bucket lives in. */
  account: string;
  /** The cluster of the topology the bucket lands in, as a stream's `cluster`. Default: the stack's JetStream home. */
  cluster?: string;
  /** Free text shown in the bucket's info. Default none. */
  description?: string;
  /** Values kept per key, the latest included (1 to 64). Default 1. */
  history?: number;
  /** How long a value lives after it is written (a duration such as "60s"). Default: forever. */
  ttl?: string;
  /** Copies of each value. Default the cluster's `jetstream.streamReplicas`. */
  replicas?: number;
  /** `file` (on the JetStream volume) or `memory`. Default "file". */
  storage?: StorageType;
  /** Largest size of the bucket (Kubernetes quantity), per replica. Default: no limit. */
  maxBytes?: string;
  /** Largest single value (Kubernetes quantity). Default: the cluster's largest message. */
  maxValueSize?: string;
}

/** A validated bucket with every default filled in. */
export interface KeyValue {
  bucket: string;
  account: string;
  /** Name of the cluster the bucket lands in. */
  cluster: string;
  /** The supercluster member the JetStream API places the bucket in; undefined outside a supercluster. */
  placementCluster: string | undefined;
  description: string | undefined;
  history: number;
  ttl: string | undefined;
  ttlSeconds: number | undefined;
  replicas: number;
  storage: StorageType;
  maxBytes: number | undefined;
  maxValueSize: number | undefined;
  /** Name of the stream that holds the bucket. */
  streamName: string;
  /** Subjects of that stream. */
  subjects: string[];
}

export const KV_RULE = "use letters, digits, '_' and '-' only";

export function kvStreamName(bucket: string): string {
  return `KV_${bucket}`;
}

/** Checks one bucket against the cluster it lands in and fills in its defaults; `placed` as for resolveStream. */
export function resolveKeyValue(spec: KeyValueSpec, cluster: Cluster, path: string, problems: Problems, placed = false): KeyValue {
  const given = (spec ?? {}) as Partial<KeyValueSpec>;
  const bucket = given.bucket ?? "";
  if (typeof given.bucket !== "string" || !BUCKET_NAME.test(given.bucket)) problems.add(`${path}.bucket`, given.bucket, KV_RULE);
  if (!isNatsName(given.account)) problems.add(`${path}.account`, given.account, NATS_NAME_RULE);

  const history = given.history ?? 1;
  if (!Number.isInteger(history) || history < 1 || history > MAX_KV_HISTORY) {
    problems.add(`${path}.history`, history, `use a whole number from 1 to ${MAX_KV_HISTORY}`);
  }

  let ttlSeconds: number | undefined;
  if (given.ttl !== undefined) {
    ttlSeconds = parseDurationSeconds(given.ttl);
    if (ttlSeconds === undefined || ttlSeconds <= 0) problems.add(`${path}.ttl`, given.ttl, DURATION_RULE);
  }

  const replicas = given.replicas ?? cluster.jetstream.streamReplicas;
  checkReplicas(problems, `${path}.replicas`, replicas, cluster.servers);

  const storage = given.storage ?? "file";
  if (!STORAGE_TYPES.includes(storage)) problems.add(`${path}.storage`, storage, `use one of ${STORAGE_TYPES.join(", ")}`);

  let maxBytes: number | undefined;
  if (given.maxBytes !== undefined) {
    maxBytes = typeof given.maxBytes === "string" ? parseBytes(given.maxBytes) : undefined;
    const ceiling = storage === "memory" ? cluster.jetstream.maxMemoryStore : cluster.jetstream.maxFileStore;
    if (maxBytes === undefined || maxBytes <= 0) problems.add(`${path}.maxBytes`, given.maxBytes, 'use a Kubernetes quantity such as "64Mi" or "1Gi"');
    else if (maxBytes > ceiling) problems.add(`${path}.maxBytes`, given.maxBytes, `use at most ${formatBytes(ceiling)}, the ${storage} store of one server`);
  }

  let maxValueSize: number | undefined;
  if (given.maxValueSize !== undefined) {
    maxValueSize = typeof given.maxValueSize === "string" ? parseBytes(given.maxValueSize) : undefined;
    if (maxValueSize === undefined || maxValueSize <= 0) {
      problems.add(`${path}.maxValueSize`, given.maxValueSize, 'use a Kubernetes quantity such as "64Ki" or "1Mi"');
    } else if (maxValueSize > cluster.limits.maxPayload) {
      problems.add(`${path}.maxValueSize`, given.maxValueSize, `use at most ${formatBytes(cluster.limits.maxPayload)}, the largest message the cluster accepts (limits.maxPayload)`);
    }
  }

  return {
    bucket,
    account: given.account ?? "",
    cluster: cluster.name,
    placementCluster: placed ? cluster.name : undefined,
    description: given.description,
    history,
    ttl: given.ttl,
    ttlSeconds,
    replicas,
    storage,
    maxBytes,
    maxValueSize,
    streamName: kvStreamName(bucket),
    subjects: [`$KV.${bucket}.>`],
  };
}
