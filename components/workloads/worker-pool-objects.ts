/**
 * A worker pool: an application that pulls jobs from one or more durable consumers with its own user's
 * creds, with either a fixed replica count or a KEDA ScaledObject on the consumers' lag.
 */
import { Problems } from "../model/errors";
import { JetStreamResourceSet } from "../model/jetstream-resource-set";
import { CredsSecret } from "./creds-volume";
import { ConsumerRef, lagScaledObject, LagScalingSpec, ScaledObject } from "./keda";
import { checkNatsApp, checkWholeNumber, NatsApp, natsAppObjects, NatsAppSpec } from "./nats-app";
import { appLabels } from "./object-names";

/** The jobs a pool pulls, and how many at once: the same in a stack's description and in the builder's spec. */
export interface WorkerPoolJobs {
  /** Durable consumers the pool pulls from. */
  consumers: ConsumerRef[];
  /** Jobs one pod runs at once. */
  concurrency: number;
  /** Variable the image reads the concurrency from. Default "NATS_WORKER_CONCURRENCY". */
  concurrencyEnv?: string;
}

export interface WorkerPoolSpec extends NatsAppSpec, WorkerPoolJobs {
  /** NATS client URL; required, since a pool pulls its jobs from NATS. */
  natsUrl: string;
  /** Secret with the creds of the pool's own user, a user of the consumers' account. */
  creds: CredsSecret;
  /** Scale on the consumers' lag instead of a fixed `replicas`. */
  autoscaling?: LagScalingSpec;
}

export interface WorkerPoolObjects extends NatsApp {
  /** Present when the pool scales on lag. */
  scaledObject: ScaledObject | undefined;
}

/** Name of the Secret holding the pool user's creds, in the pool's namespace. */
export function workerPoolCredsSecretName(pool: { name: string }): string {
  return `${pool.name}-nats-creds`;
}

/**
 * Checks a pool. With `resources`, also checks that every consumer it pulls from is declared and lets a pod
 * have `concurrency` jobs in flight: the consumer's max ack pending caps the whole pool.
 */
export function checkWorkerPool(spec: WorkerPoolSpec, path: string, problems: Problems, resources?: JetStreamResourceSet): void {
  checkNatsApp(spec, path, problems);
  if (spec.natsUrl === undefined && spec.creds === undefined) {
    problems.add(`${path}.natsUrl`, undefined, "give the pool a NATS URL and its user's creds: it pulls its jobs from NATS");
  }
  checkWholeNumber(problems, `${path}.concurrency`, spec.concurrency ?? 0, 1);
  if (!Array.isArray(spec.consumers) || spec.consumers.length === 0) {
    problems.add(`${path}.consumers`, spec.consumers, "name at least one durable consumer the pool pulls from");
  }

  const scaling = spec.autoscaling;
  if (scaling !== undefined) {
    if (spec.replicas !== undefined) {
      problems.add(`${path}.replicas`, spec.replicas, "leave replicas out when autoscaling is set: the autoscaler owns the pod count");
    }
    checkWholeNumber(problems, `${path}.autoscaling.minReplicas`, scaling.minReplicas, 0);
    checkWholeNumber(problems, `${path}.autoscaling.maxReplicas`, scaling.maxReplicas ?? 0, Math.max(1, scaling.minReplicas ?? 1));
    checkWholeNumber(problems, `${path}.autoscaling.lagThreshold`, scaling.lagThreshold, 1);
    checkWholeNumber(problems, `${path}.autoscaling.activationLagThreshold`, scaling.activationLagThreshold, 0);
    checkWholeNumber(problems, `${path}.autoscaling.pollingInterval`, scaling.pollingInterval, 1);
    checkWholeNumber(problems, `${path}.autoscaling.cooldownPeriod`, scaling.cooldownPeriod, 0);
  }

  if (resources === undefined) return;
  (spec.consumers ?? []).forEach((ref, index) => {
    const at = `${path}.consumers[${index}]`;
    const stream = resources.streams.find((candidate) => candidate.name === ref.stream);
    const consumer = stream?.consumers.find((candidate) => candidate.durable === ref.durable);
    if (!stream) return problems.add(`${at}.stream`, ref.stream, `name a declared stream (${resources.streams.map((s) => s.name).join(", ") || "none declared"})`);
    if (!consumer) return problems.add(`${at}.durable`, ref.durable, `name a consumer of ${stream.name} (${stream.consumers.map((c) => c.durable).join(", ") || "none declared"})`);
    if (consumer.maxAckPending !== -1 && consumer.maxAckPending < spec.concurrency) {
      problems.add(
        `${path}.concurrency`,
        spec.concurrency,
        `use at most ${consumer.maxAckPending}, the maxAckPending of consumer ${consumer.durable}: the pool as a whole never has more jobs in flight`,
      );
    }
  });
}

/** The pool's objects. Throws a ValidationError listing every problem of the pool first. */
export function workerPool(spec: WorkerPoolSpec, options: { path?: string; resources?: JetStreamResourceSet } = {}): WorkerPoolObjects {
  const problems = new Problems();
  checkWorkerPool(spec, options.path ?? "workerPool", problems, options.resources);
  problems.throwIfAny();
  return workerPoolObjects(spec);
}

/** The objects of a pool already checked with `checkWorkerPool`. */
export function workerPoolObjects(spec: WorkerPoolSpec): WorkerPoolObjects {
  const concurrency = { name: spec.concurrencyEnv ?? "NATS_WORKER_CONCURRENCY", value: String(spec.concurrency) };
  const app = natsAppObjects({ ...spec, env: [concurrency, ...(spec.env ?? [])] }, "worker", spec.autoscaling !== undefined);
  const labels = appLabels(spec.name, "worker", spec.partOf ?? spec.name);
  const scaledObject = spec.autoscaling
    ? lagScaledObject({ name: spec.name, namespace: spec.namespace, labels }, spec.consumers, spec.concurrency, spec.autoscaling)
    : undefined;
  return { ...app, scaledObject };
}
