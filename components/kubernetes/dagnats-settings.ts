/**
 * A DagNATS engine as a stack describes it: the builder's description without what the cluster and the
 * credentials decide (the NATS URL, creds Secrets, KEDA's account and endpoint) and without the two shared
 * secrets, which the component generates; with the NATS user of the engine and of each task pool.
 */
import { Cluster } from "../model/cluster";
import { KeyValueSpec } from "../model/kv";
import { StreamSpec } from "../model/streams";
import { dagnatsJetStream, DagnatsSpec, TaskPoolSpec } from "../workloads/dagnats";
import { LagScalingSpec } from "../workloads/keda";
import { LagScalingSettings } from "./lag-scaling";
import { userCredsRef } from "./user-creds-secret";
import { workerPoolCredsSecretName } from "./worker-pool";

export interface DagNatsTaskPoolSettings extends Omit<TaskPoolSpec, "creds" | "autoscaling"> {
  /** Scale on the pool's consumers' lag with KEDA instead of a fixed `replicas`; KEDA must be installed. */
  autoscaling?: LagScalingSettings;
}

export interface DagNatsEngineSettings extends Omit<DagnatsSpec["engine"], "creds"> {
  /** The NATS user the engine connects as; it publishes tasks and events and uses every bucket of the account. */
  user: string;
}

export interface DagNatsSettings extends Omit<DagnatsSpec, "natsUrl" | "engine" | "taskPools" | "webhookSecret" | "bridgeToken"> {
  /** The engine's own Deployment, which schedules the workflows. */
  engine: DagNatsEngineSettings;
  /** Worker pools, each running its own task types. Default none. */
  taskPools?: DagNatsTaskPoolSettings[];
}

export function dagnatsEngineName(settings: Pick<DagNatsSettings, "name">): string {
  return settings.name ?? "dagnats";
}

/** The pool's Deployment name, as the builder names it. */
export function dagnatsPoolName(settings: DagNatsSettings, pool: Pick<TaskPoolSpec, "name">): string {
  return `${dagnatsEngineName(settings)}-${pool.name}`;
}

export function dagnatsEngineCredsSecretName(settings: DagNatsSettings): string {
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
  const { engine, taskPools, ...shared } = settings;
  const { user: engineUser, ...engineRest } = engine;
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
