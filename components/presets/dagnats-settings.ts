/**
 * A DagNATS engine as a stack describes it (`nats-jetstream:dagnats`): the builder's description without what
 * the cluster and the credentials decide (the NATS URL, creds Secrets, KEDA's account and endpoint) and
 * without the two shared secrets, with the NATS user of the engine and of each task pool. Also what the preset
 * adds to the stack: the account those users need and the backup policy of the engine's stores.
 */
import { AccountSpec, UserSpec } from "../model/accounts";
import { BackupDestinationSpec, BackupsSpec } from "../model/backups";
import { Cluster } from "../model/cluster";
import { KeyValueSpec } from "../model/kv";
import { combinePermissions, inboxSubjects, Permissions, workerPermissions } from "../model/permissions";
import { formatBytes } from "../model/quantity";
import { StreamSpec } from "../model/streams";
import { userCredsRef } from "../workloads/creds-volume";
import {
  DagnatsEngineSizing,
  dagnatsJetStream,
  dagnatsStoreBudget,
  DagnatsRelease,
  DagnatsSpec,
  HISTORY_STREAM,
  TASK_STREAM,
  TaskPoolSettings,
  TaskPoolSpec,
  taskConsumerName,
} from "../workloads/dagnats-objects";
import { LagScalingSettings, LagScalingSpec } from "../workloads/keda";
import { workerPoolCredsSecretName } from "../workloads/worker-pool-objects";

/** One pool of DagNATS task workers as a stack describes it. */
export interface DagNatsTaskPoolSettings extends TaskPoolSettings {
  /** Scale on the pool's consumers' lag with KEDA instead of a fixed `replicas`; KEDA must be installed. */
  autoscaling?: LagScalingSettings;
}

/** The DagNATS engine's own Deployment as a stack describes it. */
export interface DagNatsEngineSettings extends DagnatsEngineSizing {
  /** The NATS user the engine connects as; it publishes tasks and events and uses every bucket of the account. */
  user: string;
}

/**
 * The backups of the engine's event history, task queues and key-value buckets, which the preset turns on
 * unless told not to. When the stack declares its own `backups`, that policy runs and the preset only adds
 * its streams and buckets to the lists the policy names; schedule, retention and destination are then the
 * stack's, and giving them here as well is refused.
 */
export interface DagNatsBackupSettings {
  /** Back the engine's stores up. Default true. */
  enabled?: boolean;
  /** When backups run, as a Kubernetes CronJob schedule. Default "0 3 * * *". */
  schedule?: string;
  /** Days a backup is kept. Default 7. */
  retentionDays?: number;
  /** Where backups go. Default: a PersistentVolumeClaim per cluster as large as the engine's store budget. */
  destination?: BackupDestinationSpec;
}

/** A DagNATS engine as a stack describes it: its release, engine and task pools; the streams and buckets follow from them. */
export interface DagNatsSettings extends DagnatsRelease {
  /** The engine's own Deployment, which schedules the workflows. */
  engine: DagNatsEngineSettings;
  /** Worker pools, each running its own task types. Default none. */
  taskPools?: DagNatsTaskPoolSettings[];
  /** Backups of the engine's event history, task queues and buckets. Default on, daily, kept 7 days, on a claim. */
  backups?: DagNatsBackupSettings;
}

/** The default schedule and retention of the preset's backups: nightly, a week back. */
export const DAGNATS_BACKUP_SCHEDULE = "0 3 * * *";
export const DAGNATS_BACKUP_RETENTION_DAYS = 7;

export function dagnatsEngineName(settings: Pick<DagNatsSettings, "name">): string {
  return settings.name ?? "dagnats";
}

/** The pool's Deployment name, as the builder names it. */
export function dagnatsPoolName(settings: Pick<DagNatsSettings, "name">, pool: Pick<TaskPoolSpec, "name">): string {
  return `${dagnatsEngineName(settings)}-${pool.name}`;
}

export function dagnatsEngineCredsSecretName(settings: Pick<DagNatsSettings, "name">): string {
  return `${dagnatsEngineName(settings)}-nats-creds`;
}

/** What the cluster gives the description: its client URL, and KEDA's account and endpoint for a scaling pool. */
export interface DagNatsAddresses {
  natsUrl: string;
  scaling: (settings: LagScalingSettings) => LagScalingSpec;
}

export type DagNatsSecrets = Pick<DagnatsSpec, "webhookSecret" | "bridgeToken">;

/** The builder's description. Without addresses and secrets only what decides the streams and buckets is right. */
export function dagnatsSpec(settings: DagNatsSettings, addresses?: DagNatsAddresses, secrets: DagNatsSecrets = { webhookSecret: "", bridgeToken: "" }): DagnatsSpec {
  const { engine, taskPools, backups: _backups, ...shared } = settings;
  const { user: engineUser, ...engineRest } = engine ?? ({} as DagNatsEngineSettings);
  return {
    ...shared,
    natsUrl: addresses?.natsUrl ?? "",
    engine: { ...engineRest, creds: userCredsRef(dagnatsEngineCredsSecretName(settings), engineUser) },
    taskPools: (taskPools ?? []).map(({ autoscaling, ...pool }) => ({
      ...pool,
      creds: userCredsRef(workerPoolCredsSecretName({ name: dagnatsPoolName(settings, pool) }), pool.user),
      ...(autoscaling !== undefined && addresses !== undefined ? { autoscaling: addresses.scaling(autoscaling) } : {}),
    })),
    ...secrets,
  };
}

/** The engine's streams (with a consumer per task type) and buckets, for the stack's streams and NatsCredentials. */
export function dagnatsJetStreamSpecs(settings: DagNatsSettings, cluster: Cluster): { streams: StreamSpec[]; keyValues: KeyValueSpec[] } {
  return dagnatsJetStream(dagnatsSpec(settings), cluster);
}

/**
 * What the engine does in its account: it creates and updates its streams and buckets at start (with the
 * settings declared here, so it and NACK agree), publishes into its streams, reads them through consumers it
 * creates (replaying the history; consuming events, timers and dead letters; watching buckets), and reads and
 * writes its buckets. Naming each stream in each of those grants would make the engine's JWT larger than the
 * 4 KiB a server reads of a CONNECT line, so the API grants name any stream of the account, which holds only
 * the engine's stores; none of them deletes or purges a stream, deletes a message or a consumer, or lists
 * the account's streams. Hence `admin`: only an admin may hold a grant that names any stream.
 */
function enginePermissions(user: string, jetStream: { streams: StreamSpec[]; keyValues: KeyValueSpec[] }): Permissions {
  return combinePermissions({
    publish: [
      ...jetStream.streams.flatMap((stream) => stream.subjects),
      ...jetStream.keyValues.map((bucket) => `$KV.${bucket.bucket}.>`),
      "$JS.API.INFO",
      "$JS.API.STREAM.CREATE.*",
      "$JS.API.STREAM.UPDATE.*",
      "$JS.API.STREAM.INFO.*",
      "$JS.API.STREAM.MSG.GET.*",
      "$JS.API.DIRECT.GET.*",
      "$JS.API.DIRECT.GET.*.>",
      "$JS.API.CONSUMER.CREATE.*",
      "$JS.API.CONSUMER.CREATE.*.>",
      "$JS.API.CONSUMER.DURABLE.CREATE.*.*",
      "$JS.API.CONSUMER.INFO.*.*",
      "$JS.API.CONSUMER.MSG.NEXT.*.*",
      ...jetStream.streams.map((stream) => `$JS.ACK.${stream.name}.>`),
    ],
    subscribe: [inboxSubjects(user)],
    allowResponses: false,
  });
}

/**
 * The users the engine and its pools connect as, in the engine's account. The engine may work with the
 * account's streams and buckets but never remove one; a pool may pull the consumers of its task types and nothing else.
 * Pools that share a user give it every one of their task types.
 */
export function dagnatsAccount(settings: DagNatsSettings, jetStream: { streams: StreamSpec[]; keyValues: KeyValueSpec[] }): AccountSpec {
  const engineUser = settings.engine.user;
  const engine = enginePermissions(engineUser, jetStream);
  const typesOf = new Map<string, string[]>();
  for (const pool of settings.taskPools ?? []) typesOf.set(pool.user, [...(typesOf.get(pool.user) ?? []), ...(pool.taskTypes ?? [])]);
  const users: UserSpec[] = [{ name: engineUser, admin: true, permissions: { publish: engine.publish, subscribe: engine.subscribe } }];
  for (const [user, [first, ...others]] of typesOf) {
    if (first === undefined) continue;
    const extra = combinePermissions(...others.map((type) => workerPermissions(user, TASK_STREAM, taskConsumerName(type))));
    users.push({
      name: user,
      worker: { stream: TASK_STREAM, consumer: taskConsumerName(first) },
      ...(others.length > 0 ? { permissions: { publish: extra.publish } } : {}),
    });
  }
  return { name: settings.account, users };
}

/** Whether the preset backs the engine's stores up. */
export function dagnatsBackupsEnabled(settings: DagNatsSettings): boolean {
  return settings.backups?.enabled !== false;
}

/** What seed guidance names as the state to keep: the event history, the task queues and every bucket. */
export function dagnatsBackupTargets(jetStream: { keyValues: KeyValueSpec[] }): { streams: string[]; buckets: string[] } {
  return { streams: [HISTORY_STREAM, TASK_STREAM], buckets: jetStream.keyValues.filter((bucket) => bucket.storage !== "memory").map((bucket) => bucket.bucket) };
}

/**
 * The stack's backup policy with the engine's stores in it: the stack's own policy with the engine's
 * streams and buckets added to the lists it names (a policy without lists takes every file-backed one
 * already), or, when the stack declares none, the preset's own, on a claim as large as the store budget.
 */
export function dagnatsBackups(stackBackups: BackupsSpec | undefined, settings: DagNatsSettings, jetStream: { keyValues: KeyValueSpec[] }, storeBudget: number): BackupsSpec | undefined {
  if (!dagnatsBackupsEnabled(settings)) return stackBackups;
  const targets = dagnatsBackupTargets(jetStream);
  const union = (given: string[] | undefined, added: string[]) => (given === undefined ? undefined : [...new Set([...given, ...added])]);
  if (stackBackups !== undefined) {
    const streams = union(stackBackups.streams, targets.streams);
    const buckets = union(stackBackups.buckets, targets.buckets);
    return { ...stackBackups, ...(streams !== undefined ? { streams } : {}), ...(buckets !== undefined ? { buckets } : {}) };
  }
  const given = settings.backups ?? {};
  return {
    schedule: given.schedule ?? DAGNATS_BACKUP_SCHEDULE,
    retentionDays: given.retentionDays ?? DAGNATS_BACKUP_RETENTION_DAYS,
    ...targets,
    destination: given.destination ?? { pvc: { size: formatBytes(storeBudget) } },
  };
}

export { dagnatsStoreBudget };
