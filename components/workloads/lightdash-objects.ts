/**
 * Lightdash on NATS, as its Helm chart runs it: the API publishes query jobs to two work-queue streams and
 * two worker pools (warehouse queries, pre-aggregates) pull them. Everything NATS is off until enabled, as in
 * the chart, and enabling NATS without the warehouse worker is refused: the API would then route every
 * query into a stream nobody reads.
 *
 * The stream and consumer settings follow the chart's. The workers create the streams and consumers at start
 * only when they are missing, so the ones declared here, created ahead of them, are the ones they use.
 *
 * Every pod gets its user's creds file (NATS_CREDS) and inbox prefix (NATS_INBOX_PREFIX, `_INBOX_<user>`,
 * the only inbox its user may read). Lightdash itself (its NatsClient, in its source today) connects with NATS_URL alone
 * and has no setting for either, so against these servers it needs a build that hands both to nats.js
 * (`authenticator: credsAuthenticator(...)`, `inboxPrefix`); until then its publishes and pulls are refused.
 */
import { DEFAULT_PORTS } from "../model/cluster";
import { Problems } from "../model/errors";
import { JetStreamResourceSet } from "../model/jetstream-resource-set";
import { StreamSpec } from "../model/streams";
import { CredsSecret } from "./creds-volume";
import { LagScalingSpec } from "./keda";
import { ConfigMap, NetworkPolicyIngressRule, ResourceRequirements, Service } from "./k8s-types";
import { PodEnvVar } from "./pod-extras";
import { checkNatsApp, httpService, NatsApp, natsAppObjects, NatsAppSpec } from "./nats-app";
import { clientIngressRule } from "./network-rules";
import { appLabels } from "./object-names";
import { checkWorkerPool, WorkerPoolObjects, workerPoolObjects, WorkerPoolSpec } from "./worker-pool-objects";

export const LIGHTDASH_PORT = 8080;
export const LIGHTDASH_CONCURRENCY = 100;
/** Long enough for in-flight queries to finish; there is no preStop delay, which would only hold jobs back from retry. */
export const LIGHTDASH_WORKER_GRACE_SECONDS = 90;

export const WAREHOUSE_STREAM = "WAREHOUSE_QUERY_JOBS";
export const WAREHOUSE_SUBJECTS = ["warehouse.query.jobs"];
export const WAREHOUSE_CONSUMER = "worker-warehouse";
export const PRE_AGGREGATE_STREAM = "PRE_AGGREGATE_QUERY_JOBS";
export const PRE_AGGREGATE_SUBJECTS = ["pre_aggregate.query.jobs", "pre_aggregate.materialization.jobs"];
export const PRE_AGGREGATE_CONSUMER = "worker-pre-aggregate";

/** A worker pool of Lightdash's as a stack describes it and the builder takes it alike. */
export interface LightdashWorkerSizing {
  /** Run the worker. Default false. */
  enabled?: boolean;
  /** Jobs one pod runs at once; also the consumer's max ack pending. Default 100. */
  concurrency?: number;
  /** Fixed pod count; leave out with `autoscaling`. Default 2. */
  replicas?: number;
  /** Default: the chart's requests for this worker. */
  resources?: ResourceRequirements;
  /** Further environment, e.g. PRE_AGGREGATE_DUCKDB_QUERY_MEMORY_LIMIT. */
  env?: PodEnvVar[];
}

export interface LightdashWorkerSpec extends LightdashWorkerSizing {
  /** The NATS user the pool pulls with, a user of the Lightdash account. */
  user: string;
  creds: CredsSecret;
  autoscaling?: LagScalingSpec;
}

/** Lightdash's pre-aggregates, served from DuckDB. */
export interface LightdashPreAggregates {
  /** Serve pre-aggregates (PRE_AGGREGATES_ENABLED); with NATS enabled, the pre-aggregate worker runs their jobs. Default false. */
  enabled?: boolean;
  /** Store them as Parquet (PRE_AGGREGATES_PARQUET_ENABLED); needs `enabled`. Default false. */
  parquetEnabled?: boolean;
}

/** Lightdash as a stack describes it and the builder takes it alike: its release, image, account and environment. */
export interface LightdashRelease {
  /** Release name: prefix of every object. Default "lightdash". */
  name?: string;
  /** The namespace Lightdash runs in. */
  namespace: string;
  /** The Lightdash image; the workers run the same image with another command. */
  image: string;
  /** NATS account of Lightdash's streams and users. */
  account: string;
  /** Lightdash's pre-aggregates. Default off. */
  preAggregates?: LightdashPreAggregates;
  /** Further environment shared by the API and the workers (PGHOST, PGUSER, S3 settings, ...). */
  env?: Record<string, string>;
}

export interface LightdashSpec extends LightdashRelease {
  nats: {
    /** Route queries through NATS. Default false. */
    enabled?: boolean;
    url: string;
  };
  api: {
    /** Creds of the user the API publishes jobs with; used only while NATS is enabled. */
    creds: CredsSecret;
    /** Default 2. */
    replicas?: number;
    resources?: ResourceRequirements;
  };
  warehouseWorker?: LightdashWorkerSpec;
  preAggregateWorker?: LightdashWorkerSpec;
  /** Secret with the keys LIGHTDASH_SECRET and PGPASSWORD. */
  secretName: string;
}

export interface LightdashObjects {
  configMap: ConfigMap;
  api: NatsApp & { service: Service };
  warehouseWorker: WorkerPoolObjects | undefined;
  preAggregateWorker: WorkerPoolObjects | undefined;
  /** For the NATS servers' NetworkPolicy: lets Lightdash's pods reach the client port. */
  natsIngressRule: NetworkPolicyIngressRule;
}

const WORKER_RESOURCES: Record<"warehouse" | "preAggregate", ResourceRequirements> = {
  warehouse: { requests: { cpu: "250m", memory: "1.5Gi", "ephemeral-storage": "9Gi" } },
  preAggregate: { requests: { cpu: "650m", memory: "4Gi", "ephemeral-storage": "9Gi" } },
};

function releaseName(spec: LightdashSpec): string {
  return spec.name ?? "lightdash";
}

function natsEnabled(spec: Pick<LightdashSpec, "nats">): boolean {
  return spec.nats?.enabled === true;
}

function workerOn(worker: LightdashWorkerSpec | undefined): worker is LightdashWorkerSpec {
  return worker?.enabled === true;
}

/** The Lightdash streams, to be declared with the stack's other streams; none until NATS is enabled. */
export function lightdashStreams(spec: LightdashSpec): StreamSpec[] {
  if (!natsEnabled(spec)) return [];
  const jobStream = (name: string, subjects: string[], durable: string, worker: LightdashWorkerSpec): StreamSpec => ({
    name,
    account: spec.account,
    subjects,
    retention: "workqueue",
    // The messages are job ids whose state lives in Postgres; a lost job is retried by its user.
    storage: "memory",
    consumers: [
      {
        durable,
        ackPolicy: "explicit",
        ackWait: "30s",
        maxDeliver: 1,
        maxAckPending: worker.concurrency ?? LIGHTDASH_CONCURRENCY,
        workerUser: worker.user,
      },
    ],
  });
  const streams: StreamSpec[] = [];
  if (workerOn(spec.warehouseWorker)) streams.push(jobStream(WAREHOUSE_STREAM, WAREHOUSE_SUBJECTS, WAREHOUSE_CONSUMER, spec.warehouseWorker));
  if (workerOn(spec.preAggregateWorker)) streams.push(jobStream(PRE_AGGREGATE_STREAM, PRE_AGGREGATE_SUBJECTS, PRE_AGGREGATE_CONSUMER, spec.preAggregateWorker));
  return streams;
}

function sharedEnvFrom(spec: LightdashSpec): NatsAppSpec["envFrom"] {
  return [{ configMapRef: { name: `${releaseName(spec)}-config` } }];
}

function secretEnv(spec: LightdashSpec): PodEnvVar[] {
  return ["LIGHTDASH_SECRET", "PGPASSWORD"].map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: spec.secretName, key } } }));
}

function apiSpec(spec: LightdashSpec): NatsAppSpec {
  return {
    name: releaseName(spec),
    namespace: spec.namespace,
    partOf: releaseName(spec),
    image: spec.image,
    ...(natsEnabled(spec) ? { natsUrl: spec.nats?.url, creds: spec.api?.creds } : {}),
    env: secretEnv(spec),
    envFrom: sharedEnvFrom(spec),
    port: LIGHTDASH_PORT,
    probes: { startup: { path: "/api/v1/livez" }, liveness: { path: "/api/v1/health" }, readiness: { path: "/api/v1/health" } },
    replicas: spec.api?.replicas,
    ...(spec.api?.resources !== undefined ? { resources: spec.api.resources } : {}),
  };
}

function workerSpec(spec: LightdashSpec, kind: "warehouse" | "preAggregate", worker: LightdashWorkerSpec): WorkerPoolSpec {
  const stream = kind === "warehouse" ? WAREHOUSE_STREAM : PRE_AGGREGATE_STREAM;
  const durable = kind === "warehouse" ? WAREHOUSE_CONSUMER : PRE_AGGREGATE_CONSUMER;
  const flag = kind === "warehouse" ? "warehouse" : "pre-aggregate";
  return {
    name: `${releaseName(spec)}-${flag}-worker`,
    namespace: spec.namespace,
    partOf: releaseName(spec),
    image: spec.image,
    command: ["node", "dist/natsWorker.js", "--stream", flag],
    natsUrl: spec.nats?.url,
    creds: worker.creds,
    consumers: [{ stream, durable }],
    concurrency: worker.concurrency ?? LIGHTDASH_CONCURRENCY,
    env: [...secretEnv(spec), ...(worker.env ?? [])],
    envFrom: sharedEnvFrom(spec),
    port: LIGHTDASH_PORT,
    probes: { startup: { path: "/api/v1/livez" }, liveness: { path: "/api/v1/health" }, readiness: { path: "/api/v1/health" } },
    resources: worker.resources ?? WORKER_RESOURCES[kind],
    terminationGracePeriodSeconds: LIGHTDASH_WORKER_GRACE_SECONDS,
    ...(worker.replicas !== undefined ? { replicas: worker.replicas } : {}),
    ...(worker.autoscaling !== undefined ? { autoscaling: worker.autoscaling } : {}),
  };
}

/** The chart's rules for turning NATS and its workers on, plus the checks of every object. */
export function checkLightdash(spec: LightdashSpec, path: string, problems: Problems, resources?: JetStreamResourceSet): void {
  checkLightdashSwitches(spec, path, problems);
  if (typeof spec.secretName !== "string" || spec.secretName === "") problems.add(`${path}.secretName`, spec.secretName, "name the Secret holding LIGHTDASH_SECRET and PGPASSWORD");
  checkNatsApp(apiSpec(spec), `${path}.api`, problems);
  if (workerOn(spec.warehouseWorker)) checkWorkerPool(workerSpec(spec, "warehouse", spec.warehouseWorker), `${path}.warehouseWorker`, problems, resources);
  if (workerOn(spec.preAggregateWorker)) checkWorkerPool(workerSpec(spec, "preAggregate", spec.preAggregateWorker), `${path}.preAggregateWorker`, problems, resources);
}

/**
 * The rules on which parts are on, which decide the streams Lightdash needs: checkable before the cluster
 * exists, so a stack that breaks them is told so before its streams are worked out.
 */
export function checkLightdashSwitches(spec: Pick<LightdashSpec, "nats" | "preAggregates" | "warehouseWorker" | "preAggregateWorker">, path: string, problems: Problems): void {
  const enabled = natsEnabled(spec);
  const preAggregates = spec.preAggregates?.enabled === true;
  const warehouseEnabled = spec.warehouseWorker?.enabled ?? false;
  const preAggregateEnabled = spec.preAggregateWorker?.enabled ?? false;
  if (enabled && !workerOn(spec.warehouseWorker)) {
    problems.add(
      `${path}.warehouseWorker.enabled`,
      warehouseEnabled,
      "set it true whenever nats.enabled is true: the API then sends every query to NATS, and with no warehouse worker to pull them, queries stall",
    );
  }
  for (const kind of ["warehouseWorker", "preAggregateWorker"] as const) {
    if (workerOn(spec[kind]) && !enabled) {
      problems.add(`${path}.nats.enabled`, spec.nats?.enabled ?? false, `set it true, or turn ${kind} off: workers only pull jobs from NATS`);
    }
  }
  if (enabled && preAggregates && !workerOn(spec.preAggregateWorker)) {
    problems.add(
      `${path}.preAggregateWorker.enabled`,
      preAggregateEnabled,
      "set it true whenever pre-aggregates and NATS are both enabled: pre-aggregate jobs go to NATS, and without this worker nobody runs them",
    );
  }
  if (spec.preAggregates?.parquetEnabled === true && !preAggregates) {
    problems.add(`${path}.preAggregates.parquetEnabled`, true, "set preAggregates.enabled too: Parquet is a pre-aggregate storage format");
  }
}

/** Every Kubernetes object of Lightdash. Throws a ValidationError listing every problem first. */
export function lightdash(spec: LightdashSpec, options: { path?: string; resources?: JetStreamResourceSet; clientPort?: number } = {}): LightdashObjects {
  const problems = new Problems();
  checkLightdash(spec, options.path ?? "lightdash", problems, options.resources);
  problems.throwIfAny();

  const name = releaseName(spec);
  const enabled = natsEnabled(spec);
  const configMap: ConfigMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `${name}-config`, namespace: spec.namespace, labels: appLabels(`${name}-config`, "config", name) },
    data: {
      ...(spec.env ?? {}),
      NATS_ENABLED: String(enabled),
      ...(enabled ? { NATS_URL: spec.nats.url } : {}),
      PRE_AGGREGATES_ENABLED: String(spec.preAggregates?.enabled === true),
      PRE_AGGREGATES_PARQUET_ENABLED: String(spec.preAggregates?.parquetEnabled === true),
    },
  };
  return {
    configMap,
    api: { ...natsAppObjects(apiSpec(spec), "api"), service: httpService(name, spec.namespace, "api", LIGHTDASH_PORT) },
    warehouseWorker: workerOn(spec.warehouseWorker) ? workerPoolObjects(workerSpec(spec, "warehouse", spec.warehouseWorker)) : undefined,
    preAggregateWorker: workerOn(spec.preAggregateWorker) ? workerPoolObjects(workerSpec(spec, "preAggregate", spec.preAggregateWorker)) : undefined,
    natsIngressRule: clientIngressRule(options.clientPort ?? DEFAULT_PORTS.client, spec.namespace, { "app.kubernetes.io/part-of": name }),
  };
}
