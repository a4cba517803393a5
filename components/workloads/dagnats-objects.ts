/**
 * A DagNATS-style workflow engine on a shared NATS cluster: its streams and key-value buckets with the
 * retention, limits and duplicate windows the engine creates them with, the engine's Deployment and
 * Service, and task worker pools, each pulling its task types through one durable consumer per type.
 *
 * File streams are bounded by byte ceilings that are shares of a store budget, as the engine sizes them;
 * where a stream also has a max age, the age is the dominant limit and the ceiling the safety net.
 *
 * The engine creates or updates these streams itself at start, with the same settings, so it and NACK
 * agree; only the replica count is the engine's own setting, which must be set to the cluster's stream
 * replicas or the two would keep changing it back.
 */
import type { Input } from "@pulumi/pulumi";
import { Cluster } from "../model/cluster";
import { Problems } from "../model/errors";
import { JetStreamResourceSet } from "../model/jetstream-resource-set";
import { KeyValueSpec } from "../model/kv";
import { isNatsName } from "../model/names";
import { formatBytes, MEBIBYTE, parseBytes } from "../model/quantity";
import { StreamSpec } from "../model/streams";
import { CredsSecret } from "./creds-volume";
import { ConsumerRef, LagScalingSpec } from "./keda";
import { ResourceRequirements, Secret, Service } from "./k8s-types";
import { PodEnvVar } from "./pod-extras";
import { checkNatsApp, httpService, NatsApp, natsAppObjects, NatsAppSpec } from "./nats-app";
import { appLabels } from "./object-names";
import { checkWorkerPool, WorkerPoolObjects, workerPoolObjects, WorkerPoolSpec } from "./worker-pool-objects";

export const DAGNATS_PORT = 8080;
/** The engine's event log, the source of truth of every run, which the engine replays at start. */
export const HISTORY_STREAM = "WORKFLOW_HISTORY";
export const TASK_STREAM = "TASK_QUEUES";
/** The durable consumer the engine itself creates on its event log to replay and follow it. */
export const HISTORY_CONSUMER = "orchestrator";
/** Variables the engine reads its NATS URL and its two shared secrets from. */
export const DAGNATS_NATS_URL_ENV = "DAGNATS_NATS_URL";
export const WEBHOOK_SECRET_KEY = "DAGNATS_WEBHOOK_SECRET";
export const BRIDGE_TOKEN_KEY = "DAGNATS_BRIDGE_TOKEN";

/** Shares of the store budget per file stream: 80% in all, leaving headroom under the budget. */
const STORE_SHARES = {
  WORKFLOW_HISTORY: 0.3,
  EVENTS: 0.15,
  TASK_QUEUES: 0.12,
  TELEMETRY: 0.1,
  DEAD_LETTERS: 0.05,
  TRIGGER_HISTORY: 0.04,
  SLEEP_TIMERS: 0.04,
} as const;

/** The engine's buckets: worker heartbeats age out after 60s, sticky bindings after 25h. */
const BUCKETS: readonly Omit<KeyValueSpec, "account">[] = [
  { bucket: "workflow_defs" },
  { bucket: "workflow_runs" },
  { bucket: "scheduled_runs" },
  { bucket: "workers", ttl: "60s" },
  { bucket: "worker_status", ttl: "120s" },
  { bucket: "event_waiters" },
  { bucket: "rate_limits" },
  { bucket: "concurrency_tasks", history: 1 },
  { bucket: "approval_tokens", history: 1, ttl: "168h" },
  { bucket: "debounce_state", ttl: "336h" },
  { bucket: "idempotency_keys", ttl: "24h" },
  { bucket: "http_idempotency", ttl: "1h" },
  { bucket: "sticky_bindings", ttl: "25h" },
  { bucket: "singleton_locks" },
  { bucket: "trigger_types", history: 1 },
  { bucket: "services", history: 1 },
];

/** A task pool as a stack describes it and the builder takes it alike. */
export interface TaskPoolSettings {
  /** Pool name; the Deployment is `<engine name>-<pool name>`. */
  name: string;
  /** Task types the pool runs; each gets the durable consumer `workers-<type>` on `task.<type>.>`. */
  taskTypes: string[];
  /** The NATS user the pool pulls with, a user of the engine's account. */
  user: string;
  /** Default the engine's image. */
  image?: string;
  /** The container's entrypoint. Default the image's. */
  command?: string[];
  /** Arguments to the entrypoint. Default the image's. */
  args?: string[];
  /** Tasks one pod runs at once. Default 1, the engine's own default per task type. */
  concurrency?: number;
  /** Per task type: most tasks handed out and not yet acknowledged. Default 1000. */
  maxAckPending?: number;
  /** How long a task may run unacknowledged before it is handed out again. Default "30s". */
  ackWait?: string;
  /** Fixed pod count; leave out with `autoscaling`. Default 2. */
  replicas?: number;
  /** Requests and limits of the pool's container. */
  resources?: ResourceRequirements;
  /** Port of the pool's /health and /ready endpoints, if it serves them. */
  port?: number;
  /** Further environment of the pool's container. */
  env?: PodEnvVar[];
}

export interface TaskPoolSpec extends TaskPoolSettings {
  creds: CredsSecret;
  autoscaling?: LagScalingSpec;
}

/** The engine's own Deployment as a stack describes it and the builder takes it alike. */
export interface DagnatsEngineSizing {
  /** The container's entrypoint. Default the image's. */
  command?: string[];
  /** Arguments to the entrypoint. Default the image's. */
  args?: string[];
  /** Default 1. */
  replicas?: number;
  /** Requests and limits of the engine's container. */
  resources?: ResourceRequirements;
}

export interface DagnatsEngineSpec extends DagnatsEngineSizing {
  /** The NATS user the engine connects with. */
  creds: CredsSecret;
}

/** The engine as a stack describes it and the builder takes it alike: its release, image, account and stores. */
export interface DagnatsRelease {
  /** Name of the engine's Deployment and prefix of every other object. Default "dagnats". */
  name?: string;
  /** The namespace the engine and its pools run in. */
  namespace: string;
  /** The engine's image, which the pools run too unless they name their own. */
  image: string;
  /** NATS account of the engine's streams, buckets and users. */
  account: string;
  /** Store the byte ceilings are shares of (Kubernetes quantity). Default the cluster's per-server file store. */
  storeBudget?: string;
  /** Add the memory-backed STICKY_TASKS stream for sticky workflows. Default false. */
  stickyTasks?: boolean;
}

export interface DagnatsSpec extends DagnatsRelease {
  natsUrl: string;
  engine: DagnatsEngineSpec;
  taskPools: TaskPoolSpec[];
  /** Authenticates webhook triggers; generated by the caller (e.g. a Pulumi RandomPassword). */
  webhookSecret: Input<string>;
  /** Authenticates the HTTP bridge; generated by the caller. */
  bridgeToken: Input<string>;
}

export interface Dagnats {
  secret: Secret;
  engine: NatsApp & { service: Service };
  taskPools: WorkerPoolObjects[];
}

function engineName(spec: Pick<DagnatsRelease, "name">): string {
  return spec.name ?? "dagnats";
}

export function taskConsumerName(taskType: string): string {
  return `workers-${taskType}`;
}

/** The store the byte ceilings are shares of: the engine's own budget, else the cluster's per-server file store. */
export function dagnatsStoreBudget(spec: Pick<DagnatsRelease, "storeBudget">, cluster: Cluster): number {
  return spec.storeBudget !== undefined ? parseBytes(spec.storeBudget) ?? 0 : cluster.jetstream.maxFileStore;
}

/** The engine's streams and buckets, to be declared with the stack's other streams. */
export function dagnatsJetStream(spec: DagnatsSpec, cluster: Cluster): { streams: StreamSpec[]; keyValues: KeyValueSpec[] } {
  const budget = dagnatsStoreBudget(spec, cluster);
  const ceiling = (stream: keyof typeof STORE_SHARES) => formatBytes(Math.max(MEBIBYTE, Math.floor((budget * STORE_SHARES[stream]) / MEBIBYTE) * MEBIBYTE));
  const account = spec.account;
  const taskConsumers = spec.taskPools.flatMap((pool) =>
    pool.taskTypes.map((type) => ({
      durable: taskConsumerName(type),
      filterSubject: `task.${type}.>`,
      ackPolicy: "explicit" as const,
      ...(pool.ackWait !== undefined ? { ackWait: pool.ackWait } : {}),
      ...(pool.maxAckPending !== undefined ? { maxAckPending: pool.maxAckPending } : {}),
      workerUser: pool.user,
    })),
  );
  const streams: StreamSpec[] = [
    // The source of truth of every run: kept for 30 days, a 5s window drops events republished on retry.
    { name: HISTORY_STREAM, account, subjects: ["history.>"], maxAge: "720h", maxBytes: ceiling("WORKFLOW_HISTORY"), dominantLimit: "maxAge", duplicateWindow: "5s" },
    // Pending tasks carry no max age: an age limit would delete work nobody has run yet.
    { name: TASK_STREAM, account, subjects: ["task.>"], retention: "workqueue", maxBytes: ceiling("TASK_QUEUES"), consumers: taskConsumers },
    { name: "EVENTS", account, subjects: ["event.>"], maxAge: "336h", maxBytes: ceiling("EVENTS"), dominantLimit: "maxAge" },
    // Dead letters stay a month for post-mortems; 24h of message ids drops republished failures.
    { name: "DEAD_LETTERS", account, subjects: ["dead.>"], maxAge: "720h", maxBytes: ceiling("DEAD_LETTERS"), dominantLimit: "maxAge", duplicateWindow: "24h" },
    // Timers wait for their time, so only a byte ceiling bounds them.
    { name: "SLEEP_TIMERS", account, subjects: ["sleep.>", "scheduled.>"], maxBytes: ceiling("SLEEP_TIMERS") },
    { name: "TELEMETRY", account, subjects: ["telemetry.>"], maxAge: "168h", maxBytes: ceiling("TELEMETRY"), dominantLimit: "maxAge", duplicateWindow: "5s" },
    { name: "TRIGGER_HISTORY", account, subjects: ["trigger.fire.>"], maxAge: "720h", maxBytes: ceiling("TRIGGER_HISTORY"), dominantLimit: "maxAge", discard: "old" },
  ];
  if (spec.stickyTasks === true) {
    streams.push({ name: "STICKY_TASKS", account, subjects: ["sticky.>"], storage: "memory", maxAge: "30m" });
  }
  return { streams, keyValues: BUCKETS.map((bucket) => ({ ...bucket, account })) };
}

function natsEnv(spec: DagnatsSpec): Pick<NatsAppSpec, "natsUrl" | "envNames"> {
  return { natsUrl: spec.natsUrl, envNames: { natsUrl: DAGNATS_NATS_URL_ENV } };
}

function engineSpec(spec: DagnatsSpec): NatsAppSpec {
  const name = engineName(spec);
  return {
    name,
    namespace: spec.namespace,
    partOf: name,
    image: spec.image,
    ...(spec.engine?.command !== undefined ? { command: spec.engine.command } : {}),
    ...(spec.engine?.args !== undefined ? { args: spec.engine.args } : {}),
    ...natsEnv(spec),
    creds: spec.engine?.creds,
    env: [WEBHOOK_SECRET_KEY, BRIDGE_TOKEN_KEY].map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: `${name}-secrets`, key } } })),
    port: DAGNATS_PORT,
    probes: { liveness: { path: "/health" }, readiness: { path: "/ready" } },
    replicas: spec.engine?.replicas ?? 1,
    ...(spec.engine?.resources !== undefined ? { resources: spec.engine.resources } : {}),
  };
}

/**
 * A task pool's Deployment name, the consumers it pulls (one per task type) and the tasks a pod runs at once:
 * what its ScaledObject and its lag alert are both built from.
 */
export function taskPoolJobs(spec: Pick<DagnatsRelease, "name">, pool: Pick<TaskPoolSettings, "name" | "taskTypes" | "concurrency">): { name: string; consumers: ConsumerRef[]; concurrency: number } {
  return {
    name: `${engineName(spec)}-${pool.name}`,
    consumers: pool.taskTypes.map((type) => ({ stream: TASK_STREAM, durable: taskConsumerName(type) })),
    concurrency: pool.concurrency ?? 1,
  };
}

function poolSpec(spec: DagnatsSpec, pool: TaskPoolSpec): WorkerPoolSpec {
  return {
    ...taskPoolJobs(spec, pool),
    namespace: spec.namespace,
    partOf: engineName(spec),
    image: pool.image ?? spec.image,
    ...(pool.command !== undefined ? { command: pool.command } : {}),
    ...(pool.args !== undefined ? { args: pool.args } : {}),
    natsUrl: spec.natsUrl,
    envNames: { natsUrl: DAGNATS_NATS_URL_ENV },
    creds: pool.creds,
    ...(pool.env !== undefined ? { env: pool.env } : {}),
    ...(pool.port !== undefined ? { port: pool.port, probes: { liveness: { path: "/health" }, readiness: { path: "/ready" } } } : {}),
    ...(pool.resources !== undefined ? { resources: pool.resources } : {}),
    ...(pool.replicas !== undefined ? { replicas: pool.replicas } : {}),
    ...(pool.autoscaling !== undefined ? { autoscaling: pool.autoscaling } : {}),
  };
}

/** Checks the engine, its pools and their task types. */
export function checkDagnats(spec: DagnatsSpec, path: string, problems: Problems, resources?: JetStreamResourceSet): void {
  if (spec.storeBudget !== undefined && !((parseBytes(spec.storeBudget) ?? 0) > 0)) {
    problems.add(`${path}.storeBudget`, spec.storeBudget, 'use a Kubernetes quantity such as "10Gi"');
  }
  checkNatsApp(engineSpec(spec), `${path}.engine`, problems);
  const owner = new Map<string, string>();
  (spec.taskPools ?? []).forEach((pool, index) => {
    const at = `${path}.taskPools[${index}]`;
    if (!Array.isArray(pool.taskTypes) || pool.taskTypes.length === 0) problems.add(`${at}.taskTypes`, pool.taskTypes, "list at least one task type the pool runs");
    (pool.taskTypes ?? []).forEach((type, typeIndex) => {
      const typePath = `${at}.taskTypes[${typeIndex}]`;
      if (!isNatsName(type)) return problems.add(typePath, type, "use one subject token: no whitespace, '.', '*', '>', '/' or '\\'");
      const other = owner.get(type);
      if (other !== undefined) return problems.add(typePath, type, `give each task type to one pool: ${other} already runs it`);
      owner.set(type, pool.name);
    });
    checkWorkerPool(poolSpec(spec, pool), at, problems, resources);
  });
}

/** Every Kubernetes object of the engine. Throws a ValidationError listing every problem first. */
export function dagnats(spec: DagnatsSpec, options: { path?: string; resources?: JetStreamResourceSet } = {}): Dagnats {
  const problems = new Problems();
  checkDagnats(spec, options.path ?? "dagnats", problems, options.resources);
  problems.throwIfAny();

  const name = engineName(spec);
  const secret: Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: `${name}-secrets`, namespace: spec.namespace, labels: appLabels(`${name}-secrets`, "secrets", name) },
    type: "Opaque",
    stringData: { [WEBHOOK_SECRET_KEY]: spec.webhookSecret, [BRIDGE_TOKEN_KEY]: spec.bridgeToken },
  };
  return {
    secret,
    engine: { ...natsAppObjects(engineSpec(spec), "engine"), service: httpService(name, spec.namespace, "engine", DAGNATS_PORT) },
    taskPools: spec.taskPools.map((pool) => workerPoolObjects(poolSpec(spec, pool))),
  };
}
