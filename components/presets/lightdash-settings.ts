/**
 * Lightdash as a stack describes it (`nats-jetstream:lightdash`): the builder's description without what the
 * cluster and the credentials decide (the NATS URL, creds Secrets, KEDA's account and endpoint), and with
 * the NATS user of the API and of each worker. Also the account those users need, for the stack's accounts.
 */
import { AccountSpec, UserSpec } from "../model/accounts";
import { StreamSpec } from "../model/streams";
import { ResourceRequirements } from "../workloads/k8s-types";
import { userCredsRef } from "../workloads/creds-volume";
import { LagScalingSettings, LagScalingSpec, ScaledWorkerPool, scaledWorkerPool } from "../workloads/keda";
import {
  LightdashRelease,
  LightdashSpec,
  lightdashStreams,
  LightdashWorkerSizing,
  LightdashWorkerSpec,
  LIGHTDASH_CONCURRENCY,
  PRE_AGGREGATE_CONSUMER,
  PRE_AGGREGATE_STREAM,
  PRE_AGGREGATE_SUBJECTS,
  WAREHOUSE_CONSUMER,
  WAREHOUSE_STREAM,
} from "../workloads/lightdash-objects";
import { workerPoolCredsSecretName } from "../workloads/worker-pool-objects";

/** One of Lightdash's worker pools, which pull its jobs from NATS. */
export interface LightdashWorkerSettings extends LightdashWorkerSizing {
  /** The NATS user the pool pulls with. Default `<name>-warehouse-worker` or `<name>-pre-aggregate-worker`. */
  user?: string;
  /** Scale on the consumer's lag with KEDA instead of a fixed `replicas`; KEDA must be installed. */
  autoscaling?: LagScalingSettings;
}

/** Whether Lightdash uses NATS. */
export interface LightdashNatsSettings {
  /** Route queries through NATS; needs the warehouse worker. Default false. */
  enabled?: boolean;
}

/** Lightdash's API server, which publishes the jobs. */
export interface LightdashApiSettings {
  /** The NATS user the API publishes jobs as, while NATS is enabled. Default `<name>-api`. */
  user?: string;
  /** Pods of the API. Default 2. */
  replicas?: number;
  /** Requests and limits of the API's container. Default: the chart's. */
  resources?: ResourceRequirements;
}

/** Lightdash as a stack describes it (the preset key `lightdash`): its image, namespace, API and workers. */
export interface LightdashSettings extends LightdashRelease {
  /** Whether Lightdash uses NATS; the URL is the cluster's client Service. */
  nats?: LightdashNatsSettings;
  /** The API server, which publishes the jobs. */
  api?: LightdashApiSettings;
  /** Runs warehouse queries (`--stream warehouse`): required while NATS is enabled. */
  warehouseWorker?: LightdashWorkerSettings;
  /** Materializes pre-aggregates and serves them from DuckDB (`--stream pre-aggregate`). */
  preAggregateWorker?: LightdashWorkerSettings;
}

type WorkerKind = "warehouse" | "preAggregate";
const WORKER_FLAG: Record<WorkerKind, string> = { warehouse: "warehouse", preAggregate: "pre-aggregate" };

export function lightdashReleaseName(settings: Pick<LightdashSettings, "name">): string {
  return settings.name ?? "lightdash";
}

export function lightdashNatsEnabled(settings: LightdashSettings): boolean {
  return settings.nats?.enabled === true;
}

function workerSettings(settings: LightdashSettings, kind: WorkerKind): LightdashWorkerSettings | undefined {
  return kind === "warehouse" ? settings.warehouseWorker : settings.preAggregateWorker;
}

export function lightdashWorkerEnabled(settings: LightdashSettings, kind: WorkerKind): boolean {
  return workerSettings(settings, kind)?.enabled === true;
}

/** The worker's Deployment name, as the builder names it. */
export function lightdashWorkerName(settings: LightdashSettings, kind: WorkerKind): string {
  return `${lightdashReleaseName(settings)}-${WORKER_FLAG[kind]}-worker`;
}

export function lightdashApiUser(settings: LightdashSettings): string {
  return settings.api?.user ?? `${lightdashReleaseName(settings)}-api`;
}

export function lightdashWorkerUser(settings: LightdashSettings, kind: WorkerKind): string {
  return workerSettings(settings, kind)?.user ?? lightdashWorkerName(settings, kind);
}

export function lightdashSecretName(settings: LightdashSettings): string {
  return `${lightdashReleaseName(settings)}-secrets`;
}

export function lightdashApiCredsSecretName(settings: LightdashSettings): string {
  return `${lightdashReleaseName(settings)}-api-nats-creds`;
}

/** What the cluster gives the description: its client URL, and KEDA's account and endpoint for a scaling worker. */
export interface LightdashAddresses {
  natsUrl: string;
  scaling: (settings: LagScalingSettings) => LagScalingSpec;
}

/** The builder's description. Without addresses only what decides the streams is right. */
export function lightdashSpec(settings: LightdashSettings, addresses?: LightdashAddresses): LightdashSpec {
  const worker = (kind: WorkerKind, given: LightdashWorkerSettings): LightdashWorkerSpec => {
    const { autoscaling, ...rest } = given;
    const user = lightdashWorkerUser(settings, kind);
    return {
      ...rest,
      user,
      creds: userCredsRef(workerPoolCredsSecretName({ name: lightdashWorkerName(settings, kind) }), user),
      ...(autoscaling !== undefined && addresses !== undefined ? { autoscaling: addresses.scaling(autoscaling) } : {}),
    };
  };
  const { nats, api, warehouseWorker, preAggregateWorker, ...shared } = settings;
  const warehouse = warehouseWorker !== undefined ? worker("warehouse", warehouseWorker) : undefined;
  const preAggregate = preAggregateWorker !== undefined ? worker("preAggregate", preAggregateWorker) : undefined;
  return {
    ...shared,
    nats: { enabled: nats?.enabled, url: addresses?.natsUrl ?? "" },
    api: {
      creds: userCredsRef(lightdashApiCredsSecretName(settings), lightdashApiUser(settings)),
      ...(api?.replicas !== undefined ? { replicas: api.replicas } : {}),
      ...(api?.resources !== undefined ? { resources: api.resources } : {}),
    },
    ...(warehouse !== undefined ? { warehouseWorker: warehouse } : {}),
    ...(preAggregate !== undefined ? { preAggregateWorker: preAggregate } : {}),
    secretName: lightdashSecretName(settings),
  };
}

/** Lightdash's streams with their consumers, for the stack's streams and NatsCredentials; none while NATS is off. */
export function lightdashStreamSpecs(settings: LightdashSettings): StreamSpec[] {
  return lightdashStreams(lightdashSpec(settings));
}

/**
 * The users Lightdash connects as, in its account: the API publishes into both streams, each worker pulls
 * from its consumer. A worker may also look its stream up, which it does at start to see whether the
 * stream exists. Undefined while NATS is off, when Lightdash connects to nothing.
 */
export function lightdashAccount(settings: LightdashSettings): AccountSpec | undefined {
  if (!lightdashNatsEnabled(settings)) return undefined;
  const preAggregate = lightdashWorkerEnabled(settings, "preAggregate");
  const workerUser = (kind: WorkerKind, stream: string, consumer: string): UserSpec => ({
    name: lightdashWorkerUser(settings, kind),
    worker: { stream, consumer },
    permissions: { publish: [`$JS.API.STREAM.INFO.${stream}`] },
  });
  const users: UserSpec[] = [
    {
      name: lightdashApiUser(settings),
      publisher: { stream: WAREHOUSE_STREAM },
      ...(preAggregate ? { permissions: { publish: [...PRE_AGGREGATE_SUBJECTS] } } : {}),
    },
  ];
  if (lightdashWorkerEnabled(settings, "warehouse")) users.push(workerUser("warehouse", WAREHOUSE_STREAM, WAREHOUSE_CONSUMER));
  if (preAggregate) users.push(workerUser("preAggregate", PRE_AGGREGATE_STREAM, PRE_AGGREGATE_CONSUMER));
  return { name: settings.account, users };
}

/**
 * Lightdash's worker pools that KEDA scales, each with the consumer it pulls from and the lag per pod KEDA
 * aims for: what their lag alerts are measured against.
 */
export function lightdashScaledPools(settings: LightdashSettings): ScaledWorkerPool[] {
  if (!lightdashNatsEnabled(settings)) return [];
  const kinds: { kind: WorkerKind; stream: string; durable: string }[] = [
    { kind: "warehouse", stream: WAREHOUSE_STREAM, durable: WAREHOUSE_CONSUMER },
    { kind: "preAggregate", stream: PRE_AGGREGATE_STREAM, durable: PRE_AGGREGATE_CONSUMER },
  ];
  return kinds.flatMap(({ kind, stream, durable }) => {
    const worker = workerSettings(settings, kind);
    if (worker?.enabled !== true) return [];
    const pool = scaledWorkerPool({ name: lightdashWorkerName(settings, kind), consumers: [{ stream, durable }], concurrency: worker.concurrency ?? LIGHTDASH_CONCURRENCY, autoscaling: worker.autoscaling });
    return pool === undefined ? [] : [pool];
  });
}
