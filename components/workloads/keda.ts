/**
 * Scaling worker pools on consumer lag with KEDA's nats-jetstream scaler. Only workers scale this way: the
 * NATS servers themselves hold Raft state and never get an autoscaler.
 *
 * The scaler reads `/jsz` from the monitor port. In a cluster it looks for the consumer's leader by taking
 * each server's name (the pod name) and asking `<pod>.<endpoint host>`, so the endpoint must be the
 * headless Service, whose per-pod DNS names resolve, and every server's monitor port must let KEDA in.
 */
import type { Input } from "@pulumi/pulumi";
import { ObjectMeta } from "./k8s-types";

export const KEDA_API_VERSION = "keda.sh/v1alpha1";

export interface NatsJetStreamTrigger {
  type: "nats-jetstream";
  metadata: {
    natsServerMonitoringEndpoint: string;
    /** The account as `/jsz` names it: its public key in operator mode, `$G` without accounts. */
    account: Input<string>;
    stream: string;
    consumer: string;
    lagThreshold: string;
    activationLagThreshold: string;
    useHttps: string;
  };
}

export interface ScaledObject {
  apiVersion: typeof KEDA_API_VERSION;
  kind: "ScaledObject";
  metadata: ObjectMeta;
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    pollingInterval: number;
    cooldownPeriod: number;
    minReplicaCount: number;
    maxReplicaCount: number;
    triggers: NatsJetStreamTrigger[];
  };
}

/** A consumer a pool pulls from. */
export interface ConsumerRef {
  /** Name of the stream. */
  stream: string;
  /** Durable name of one of its consumers. */
  durable: string;
}

/** Pod counts, thresholds and timings of scaling on consumer lag, as a pool states them. */
export interface LagScalingSettings {
  /** Fewest pods; 0 lets the pool scale to zero when no work is pending. Default 1. */
  minReplicas?: number;
  /** Most pods. */
  maxReplicas: number;
  /** Pending plus unacknowledged messages per pod that KEDA aims for. Default: the pool's concurrency. */
  lagThreshold?: number;
  /** Lag above which a pool scaled to zero is woken. Default 0: any pending message. */
  activationLagThreshold?: number;
  /** Seconds between lag checks. Default 15. */
  pollingInterval?: number;
  /** Seconds without lag before scaling to zero. Default 300. */
  cooldownPeriod?: number;
}

/** A worker pool that KEDA scales on its consumers' lag, as its lag alert measures it (see alert-rules.ts). */
export interface ScaledWorkerPool {
  /** The pool's Deployment. */
  name: string;
  /** The consumers KEDA reads the lag of, one trigger each. */
  consumers: ConsumerRef[];
  /** Most pods KEDA runs. */
  maxReplicas: number;
  /** Pending plus unacknowledged messages per pod KEDA aims for. */
  lagThreshold: number;
}

/** The lag per pod KEDA aims for: the pool's `lagThreshold`, else its concurrency (a pod's jobs in flight). */
export function lagPerPod(scaling: Pick<LagScalingSettings, "lagThreshold">, concurrency: number): number {
  return scaling.lagThreshold ?? concurrency;
}

/**
 * A pool as its lag alert measures it, from what its ScaledObject is built from: undefined for a pool of a
 * fixed size. Every preset's pools go through here, so the alert and KEDA read one threshold.
 */
export function scaledWorkerPool(pool: { name: string; consumers: ConsumerRef[]; concurrency: number; autoscaling?: LagScalingSettings }): ScaledWorkerPool | undefined {
  if (pool.autoscaling === undefined) return undefined;
  return { name: pool.name, consumers: pool.consumers, maxReplicas: pool.autoscaling.maxReplicas, lagThreshold: lagPerPod(pool.autoscaling, pool.concurrency) };
}

/** The settings with what the cluster and the credentials know filled in. */
export interface LagScalingSpec extends LagScalingSettings {
  /** The account as `/jsz` names it: its public key in operator mode, `$G` without accounts. */
  account: Input<string>;
  /** `host:port` of every server's monitor port; see `clusterMonitoringEndpoint`. */
  monitoringEndpoint: string;
}

/**
 * A ScaledObject for a worker Deployment with one trigger per consumer it pulls from; KEDA scales to the
 * largest of them.
 */
export function lagScaledObject(deployment: { name: string; namespace: string; labels: Record<string, string> }, consumers: readonly ConsumerRef[], concurrency: number, scaling: LagScalingSpec): ScaledObject {
  return {
    apiVersion: KEDA_API_VERSION,
    kind: "ScaledObject",
    metadata: { name: deployment.name, namespace: deployment.namespace, labels: deployment.labels },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.name },
      pollingInterval: scaling.pollingInterval ?? 15,
      cooldownPeriod: scaling.cooldownPeriod ?? 300,
      minReplicaCount: scaling.minReplicas ?? 1,
      maxReplicaCount: scaling.maxReplicas,
      triggers: consumers.map((consumer) => ({
        type: "nats-jetstream",
        metadata: {
          natsServerMonitoringEndpoint: scaling.monitoringEndpoint,
          account: scaling.account,
          stream: consumer.stream,
          consumer: consumer.durable,
          lagThreshold: String(lagPerPod(scaling, concurrency)),
          activationLagThreshold: String(scaling.activationLagThreshold ?? 0),
          useHttps: "false",
        },
      })),
    },
  };
}
