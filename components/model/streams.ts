/**
 * JetStream streams as a stack declares them (StreamSpec) and as the back ends use them (Stream): every
 * default filled from the cluster, every rule that concerns one stream checked. Rules that compare streams
 * with each other (subjects unique in an account, users in the right account) are in jetstream-resource-set.ts.
 */
import { checkReplicas, Cluster } from "./cluster";
import { Consumer, ConsumerSpec, resolveConsumer } from "./consumers";
import { DURATION_RULE, parseDurationSeconds } from "./duration";
import { Problems } from "./errors";
import { isNatsName, NATS_NAME_RULE } from "./names";
import { formatBytes, parseBytes } from "./quantity";
import { subjectsOverlap } from "./subject-overlap";
import { isSubject, SUBJECT_RULE, subjectWithin } from "./subjects";

/** When a stream lets a message go: `limits`, `workqueue` or `interest`. */
export const Retention = {
  /** Messages stay until a limit (age, bytes, count) removes them. */
  limits: "limits",
  /** A message goes once one consumer acknowledges it. */
  workqueue: "workqueue",
  /** A message goes once every consumer has acknowledged it. */
  interest: "interest",
} as const;
/** When a stream lets a message go. */
export type Retention = (typeof Retention)[keyof typeof Retention];
export const RETENTIONS: readonly Retention[] = Object.values(Retention);

/** Where a stream or bucket keeps its messages: `file` or `memory`. */
export const StorageType = {
  /** On the JetStream volume. */
  file: "file",
  /** In memory, lost when every replica restarts. */
  memory: "memory",
} as const;
/** Where a stream or bucket keeps its messages. */
export type StorageType = (typeof StorageType)[keyof typeof StorageType];
export const STORAGE_TYPES: readonly StorageType[] = Object.values(StorageType);

/** What a full stream does with the next message: `old` or `new`. */
export const DiscardPolicy = {
  /** A full stream drops its oldest messages. */
  old: "old",
  /** A full stream refuses new messages. */
  new: "new",
} as const;
/** What a full stream does with the next message. */
export type DiscardPolicy = (typeof DiscardPolicy)[keyof typeof DiscardPolicy];
export const DISCARD_POLICIES: readonly DiscardPolicy[] = Object.values(DiscardPolicy);

/** The three limits a stream can be bounded by. */
export const StreamLimit = {
  /** The age limit. */
  maxAge: "maxAge",
  /** The size limit. */
  maxBytes: "maxBytes",
  /** The message count limit. */
  maxMsgs: "maxMsgs",
} as const;
/** One of a stream's limits. */
export type StreamLimit = (typeof StreamLimit)[keyof typeof StreamLimit];
export const STREAM_LIMITS: readonly StreamLimit[] = Object.values(StreamLimit);

/** The server's default duplicate window; a shorter max age shortens it (the server refuses a longer one). */
export const DEFAULT_DUPLICATE_WINDOW = "2m";

/**
 * Subject namespaces the server and its clients own: the JetStream API and acks, key-value buckets, object
 * stores and the system account. A stream inside one would take the place of a bucket or swallow API
 * traffic; nats-server itself refuses streams inside `$JS.API.>`.
 */
export const RESERVED_SUBJECTS: readonly string[] = ["$JS.>", "$KV.>", "$O.>", "$SYS.>"];

/** A JetStream stream as a stack describes it (the stack key `streams`). */
export interface StreamSpec {
  /** Stream name, unique in its account. */
  name: string;
  /** Name of the account the stream lives in. */
  account: string;
  /**
   * The cluster of the topology the stream lands in: a supercluster member (placed there by
   * `placement.cluster`), or the hub or a site of a hub with leaf sites (each its own JetStream domain).
   * Default: the stack's JetStream home (see jetStreamHome).
   */
  cluster?: string;
  /** Free text shown in the stream's info. Default none. */
  description?: string;
  /** Subjects the stream captures; none may overlap another stream or bucket of the same account. */
  subjects: string[];
  /**
   * `limits` keeps messages until a limit removes them; `workqueue` removes each message once a consumer
   * acknowledges it; `interest` removes it once every consumer has. Default "limits".
   */
  retention?: Retention;
  /** `file` (on the JetStream volume) or `memory`. Default "file". */
  storage?: StorageType;
  /** Copies of each message. Default the cluster's `jetstream.streamReplicas` (R1 in a one-server cluster, else R3). */
  replicas?: number;
  /** Oldest message kept (a duration such as "720h"). Default: no age limit. */
  maxAge?: string;
  /** Largest size of the stream (Kubernetes quantity, e.g. "1Gi"), per replica. Default: no size limit. */
  maxBytes?: string;
  /** Most messages kept. Default: no count limit. */
  maxMsgs?: number;
  /**
   * The limit that is meant to bound the stream when two or three are set; the others are safety nets.
   * See `resolveStream` for the rule.
   */
  dominantLimit?: StreamLimit;
  /**
   * What happens at a limit: `old` removes the oldest messages, `new` refuses the publish. Default "old" for
   * limits retention; "new" for work-queue and interest streams, whose messages are jobs that must not vanish
   * without the publisher hearing of it.
   */
  discard?: DiscardPolicy;
  /** How long a `Nats-Msg-Id` is remembered to drop a republished duplicate. Default "2m", or maxAge if shorter. */
  duplicateWindow?: string;
  /** The stream's durable pull consumers. Default none. */
  consumers?: ConsumerSpec[];
}

/** A validated stream with every default filled in. */
export interface Stream {
  name: string;
  account: string;
  /** Name of the cluster the stream lands in. */
  cluster: string;
  /** The supercluster member the JetStream API places the stream in; undefined outside a supercluster. */
  placementCluster: string | undefined;
  description: string | undefined;
  subjects: string[];
  retention: Retention;
  storage: StorageType;
  replicas: number;
  maxAge: string | undefined;
  maxAgeSeconds: number | undefined;
  maxBytes: number | undefined;
  maxMsgs: number | undefined;
  /** The limit that bounds the stream, or undefined for a work-queue or interest stream that sets none. */
  dominantLimit: StreamLimit | undefined;
  discard: DiscardPolicy;
  duplicateWindow: string;
  duplicateWindowSeconds: number;
  consumers: Consumer[];
}

function list<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

function checkSubjects(problems: Problems, path: string, subjects: unknown): string[] {
  if (!Array.isArray(subjects) || subjects.length === 0) {
    problems.add(path, subjects, "list at least one subject the stream captures");
    return [];
  }
  const valid: string[] = [];
  subjects.forEach((subject: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isSubject(subject)) return problems.add(at, subject, SUBJECT_RULE);
    const reserved = RESERVED_SUBJECTS.find((pattern) => subjectWithin(subject, pattern));
    if (reserved) return problems.add(at, subject, `use a subject outside ${reserved}, which belongs to the server and its clients`);
    const earlier = valid.find((other) => subjectsOverlap(subject, other));
    if (earlier !== undefined) return problems.add(at, subject, `list each subject once: it overlaps ${earlier} of the same stream`);
    valid.push(subject);
  });
  return valid;
}

function storeCeiling(cluster: Cluster, storage: StorageType): number {
  return storage === "memory" ? cluster.jetstream.maxMemoryStore : cluster.jetstream.maxFileStore;
}

/**
 * Picks the stream's dominant limit: the operations guide asks for exactly one of max age, max bytes and max
 * messages to be the constraint that bounds a stream, with the others as safety nets. The rule:
 *
 * - A stream with `limits` retention must set at least one limit. Nothing else removes its messages, so
 *   without one it grows until the server's store is full, and then every stream of that storage type on
 *   the server is refused writes. Work-queue and interest streams shrink as consumers acknowledge, so they
 *   may set none.
 * - When exactly one limit is set, it is the dominant one; `dominantLimit` may name it or be left out.
 * - When two or three are set, `dominantLimit` must name one of them, so the stack says which limit is
 *   expected to act and which are only there to catch the unexpected.
 * - `dominantLimit` may only name a limit that is set.
 */
function pickDominantLimit(problems: Problems, path: string, retention: Retention, set: StreamLimit[], named: unknown): StreamLimit | undefined {
  if (named !== undefined) {
    if (!STREAM_LIMITS.includes(named as StreamLimit)) {
      problems.add(`${path}.dominantLimit`, named, `use one of ${STREAM_LIMITS.join(", ")}`);
      return undefined;
    }
    if (!set.includes(named as StreamLimit)) {
      problems.add(
        `${path}.dominantLimit`,
        named,
        set.length === 0 ? `set ${named} too, or leave dominantLimit out` : `name a limit the stream sets (${set.join(", ")}), or set ${named} too`,
      );
      return undefined;
    }
    return named as StreamLimit;
  }
  if (set.length === 0) {
    if (retention === "limits") {
      problems.add(
        path,
        "no maxAge, maxBytes or maxMsgs",
        "set at least one of maxAge, maxBytes and maxMsgs: a limits stream keeps every message until a limit removes it, so without one it fills the server's store",
      );
    }
    return undefined;
  }
  if (set.length === 1) return set[0];
  problems.add(
    `${path}.dominantLimit`,
    undefined,
    `name the limit meant to bound the stream, one of ${set.join(", ")}; the others stay as safety nets`,
  );
  return undefined;
}

/**
 * Checks one stream and its consumers against the cluster it lands in and fills in their defaults. `placed`:
 * the cluster is a supercluster member, and the stream is placed in it by name.
 */
export function resolveStream(spec: StreamSpec, cluster: Cluster, path: string, problems: Problems, placed = false): Stream {
  const given = (spec ?? {}) as Partial<StreamSpec>;
  if (!isNatsName(given.name)) problems.add(`${path}.name`, given.name, NATS_NAME_RULE);
  if (!isNatsName(given.account)) problems.add(`${path}.account`, given.account, NATS_NAME_RULE);
  const subjects = checkSubjects(problems, `${path}.subjects`, given.subjects);

  const retention = given.retention ?? "limits";
  if (!RETENTIONS.includes(retention)) problems.add(`${path}.retention`, retention, `use one of ${RETENTIONS.join(", ")}`);

  const storage = given.storage ?? "file";
  if (!STORAGE_TYPES.includes(storage)) problems.add(`${path}.storage`, storage, `use one of ${STORAGE_TYPES.join(", ")}`);

  const replicas = given.replicas ?? cluster.jetstream.streamReplicas;
  checkReplicas(problems, `${path}.replicas`, replicas, cluster.servers);

  let maxAgeSeconds: number | undefined;
  if (given.maxAge !== undefined) {
    maxAgeSeconds = parseDurationSeconds(given.maxAge);
    if (maxAgeSeconds === undefined || maxAgeSeconds <= 0) problems.add(`${path}.maxAge`, given.maxAge, DURATION_RULE);
  }

  let maxBytes: number | undefined;
  if (given.maxBytes !== undefined) {
    maxBytes = typeof given.maxBytes === "string" ? parseBytes(given.maxBytes) : undefined;
    const ceiling = storeCeiling(cluster, storage);
    if (maxBytes === undefined || maxBytes <= 0) {
      problems.add(`${path}.maxBytes`, given.maxBytes, 'use a Kubernetes quantity such as "512Mi" or "10Gi"');
    } else if (STORAGE_TYPES.includes(storage) && maxBytes > ceiling) {
      problems.add(
        `${path}.maxBytes`,
        given.maxBytes,
        `use at most ${formatBytes(ceiling)}, the ${storage} store of one server (jetstream.${storage === "memory" ? "maxMemoryStore" : "maxFileStore"}); the server refuses a stream that cannot fit`,
      );
    }
  }

  const maxMsgs = given.maxMsgs;
  if (maxMsgs !== undefined && (!Number.isInteger(maxMsgs) || maxMsgs < 1)) {
    problems.add(`${path}.maxMsgs`, maxMsgs, "use a whole number of at least 1");
  }

  const setLimits = STREAM_LIMITS.filter((limit) => given[limit] !== undefined);
  const dominantLimit = pickDominantLimit(problems, path, retention, setLimits, given.dominantLimit);

  const discard = given.discard ?? (retention === "limits" ? "old" : "new");
  if (!DISCARD_POLICIES.includes(discard)) problems.add(`${path}.discard`, discard, `use one of ${DISCARD_POLICIES.join(", ")}`);

  const duplicateWindow = given.duplicateWindow ?? (maxAgeSeconds !== undefined && maxAgeSeconds < 120 ? given.maxAge! : DEFAULT_DUPLICATE_WINDOW);
  const duplicateWindowSeconds = parseDurationSeconds(duplicateWindow);
  if (duplicateWindowSeconds === undefined || duplicateWindowSeconds <= 0) {
    problems.add(`${path}.duplicateWindow`, duplicateWindow, DURATION_RULE);
  } else if (maxAgeSeconds !== undefined && duplicateWindowSeconds > maxAgeSeconds) {
    problems.add(`${path}.duplicateWindow`, duplicateWindow, `use at most maxAge (${given.maxAge}): a message id cannot be remembered longer than the message is kept`);
  }

  const name = given.name ?? "";
  const account = given.account ?? "";
  const workQueue = retention === "workqueue";
  const consumers = list(given.consumers).map((consumer, index) =>
    resolveConsumer(consumer, { name, account, subjects, workQueue }, `${path}.consumers[${index}]`, problems),
  );
  checkConsumersTogether(problems, path, consumers, workQueue);

  return {
    name,
    account,
    cluster: cluster.name,
    placementCluster: placed ? cluster.name : undefined,
    description: given.description,
    subjects,
    retention,
    storage,
    replicas,
    maxAge: given.maxAge,
    maxAgeSeconds,
    maxBytes,
    maxMsgs,
    dominantLimit,
    discard,
    duplicateWindow,
    duplicateWindowSeconds: duplicateWindowSeconds ?? 0,
    consumers,
  };
}

/**
 * Durable names are unique in a stream. A work-queue stream hands each message to exactly one consumer, so
 * nats-server refuses a second consumer without a filter and, from 2.10 on, two consumers whose filters
 * overlap (2.9 refused only a filter inside another, and then handed a message matching both to either).
 */
function checkConsumersTogether(problems: Problems, path: string, consumers: Consumer[], workQueue: boolean): void {
  consumers.forEach((consumer, index) => {
    const at = `${path}.consumers[${index}]`;
    const earlier = consumers.slice(0, index);
    if (earlier.some((other) => other.durable === consumer.durable)) {
      problems.add(`${at}.durable`, consumer.durable, "use a durable name no other consumer of the stream has");
    }
    if (!workQueue || consumers.length < 2) return;
    if (consumer.filterSubject === undefined) {
      problems.add(`${at}.filterSubject`, undefined, "give every consumer of a work-queue stream with several consumers a filter subject: each message may go to only one consumer");
      return;
    }
    const filter = consumer.filterSubject;
    const clash = earlier.find((other) => other.filterSubject !== undefined && subjectsOverlap(filter, other.filterSubject));
    if (clash) {
      problems.add(
        `${at}.filterSubject`,
        filter,
        `use a filter that does not overlap ${clash.filterSubject} of consumer ${clash.durable}: a work-queue stream gives each message to only one consumer`,
      );
    }
  });
}
