/**
 * The stack's monitoring as every back end reads it: the `monitoring` key with each default filled in, and
 * the streams and consumers it names checked against those the stack declares, so no rule watches a stream
 * that is never created.
 */
import { parseDurationSeconds } from "../duration";
import { Problems, ValidationError } from "../errors";
import { Stream } from "../streams";
import type { ScaledWorkerPool } from "../../workloads/keda";
import { DEFAULT_THRESHOLDS, MonitoringSpec } from "./monitoring-schema";

/** Where the alert rules page, every default filled in. */
export interface Thresholds {
  consumerPending: number;
  ackPendingPercent: number;
  storagePercent: number;
  deadLetterGrowth: number;
  heartbeatGapSeconds: number;
  redelivered: number;
  consumerLag: number;
  slowConsumers: number;
  apiErrors: number;
  memoryPercent: number;
}

/** A consumer whose lag has its own threshold. */
export interface ConsumerLagRule {
  stream: string;
  consumer: string;
  pending: number;
}

/** A consumer an application creates itself, not one the stack declares, whose lag alerts. */
export interface AppConsumerLag {
  /** The stream the consumer reads; the stack must declare it for the rule to land on a cluster. */
  stream: string;
  /** The consumer's durable name. */
  consumer: string;
  /** Lag above which it alerts. Default the stack's thresholds.consumerLag. */
  pending?: number;
}

/**
 * What an application brings to the monitoring of the cluster it runs on, beside the stack's own streams:
 * its pools that KEDA scales (a lag alert each, below KEDA's maximum) and the consumers it creates itself.
 */
export interface AppMonitoring {
  /** Pools that KEDA scales on the lag of their consumers. */
  workerPools: ScaledWorkerPool[];
  /** Consumers the application creates, such as an engine's history consumer. */
  consumerLag: AppConsumerLag[];
}

/** The `monitoring` key resolved. */
export interface Monitoring {
  /** The prometheus-operator is there: its objects are declared. */
  prometheus: boolean;
  /** A PodMonitor per cluster, with these labels (also on the rules and dashboards). */
  podMonitor: { enabled: boolean; labels: Record<string, string> };
  /** Grafana dashboards as ConfigMaps. */
  dashboards: boolean;
  /** Namespaces, besides the servers', that may read the monitor and metrics ports. */
  namespaces: string[];
  thresholds: Thresholds;
  deadLetterStreams: string[];
  consumerLag: ConsumerLagRule[];
}

function thresholds(given: MonitoringSpec["thresholds"]): Thresholds {
  const { heartbeatGap, ...rest } = { ...DEFAULT_THRESHOLDS, ...given };
  return { ...rest, heartbeatGapSeconds: parseDurationSeconds(heartbeatGap) ?? parseDurationSeconds(DEFAULT_THRESHOLDS.heartbeatGap)! };
}

function checkDeadLetterStreams(names: readonly string[], streams: readonly Stream[], problems: Problems, path: string): void {
  names.forEach((name, index) => {
    if (streams.some((stream) => stream.name === name)) return;
    problems.add(`${path}[${index}]`, name, `name a stream the stack declares: ${streams.map((stream) => stream.name).join(", ") || "(it declares none)"}`);
  });
}

function checkConsumerLag(rules: readonly ConsumerLagRule[], streams: readonly Stream[], problems: Problems, path: string): void {
  rules.forEach((rule, index) => {
    const candidates = streams.filter((stream) => stream.name === rule.stream);
    if (candidates.length === 0) {
      problems.add(`${path}[${index}].stream`, rule.stream, `name a stream the stack declares: ${streams.map((stream) => stream.name).join(", ") || "(it declares none)"}`);
      return;
    }
    const durables = candidates.flatMap((stream) => stream.consumers.map((consumer) => consumer.durable));
    if (durables.includes(rule.consumer)) return;
    problems.add(`${path}[${index}].consumer`, rule.consumer, `name a consumer declared under the stream ${rule.stream}: ${durables.join(", ") || "(it declares none)"}`);
  });
}

/**
 * The monitoring of a stack whose streams are `streams`; problems are added under `path`. Types and bounds
 * are the schema's to check; this checks what only the stack knows.
 */
export function resolveMonitoringInto(spec: MonitoringSpec | undefined, streams: readonly Stream[], problems: Problems, path = "monitoring"): Monitoring {
  const given = spec ?? {};
  const prometheus = given.prometheus ?? false;
  const deadLetterStreams = given.deadLetterStreams ?? [];
  const resolvedThresholds = thresholds(given.thresholds);
  const consumerLag = (given.consumerLag ?? []).map((rule) => ({ stream: rule.stream, consumer: rule.consumer, pending: rule.pending ?? resolvedThresholds.consumerLag }));
  checkDeadLetterStreams(deadLetterStreams, streams, problems, `${path}.deadLetterStreams`);
  checkConsumerLag(consumerLag, streams, problems, `${path}.consumerLag`);
  return {
    prometheus,
    podMonitor: { enabled: given.podMonitor?.enabled ?? prometheus, labels: given.podMonitor?.labels ?? {} },
    dashboards: given.dashboards ?? prometheus,
    namespaces: given.namespaces ?? [],
    thresholds: resolvedThresholds,
    deadLetterStreams,
    consumerLag,
  };
}

/**
 * The monitoring with the lag of consumers an application creates itself watched too, by the same rule,
 * dashboard legend and local status as the stack's `consumerLag`. A consumer the stack names already keeps
 * the stack's threshold.
 */
export function withAppConsumerLag(monitoring: Monitoring, lag: readonly AppConsumerLag[]): Monitoring {
  const named = (rule: AppConsumerLag) => monitoring.consumerLag.some((given) => given.stream === rule.stream && given.consumer === rule.consumer);
  const added = lag.filter((rule) => !named(rule)).map((rule) => ({ stream: rule.stream, consumer: rule.consumer, pending: rule.pending ?? monitoring.thresholds.consumerLag }));
  return added.length === 0 ? monitoring : { ...monitoring, consumerLag: [...monitoring.consumerLag, ...added] };
}

/** resolveMonitoringInto on its own: throws a ValidationError naming every problem. */
export function resolveMonitoring(spec: MonitoringSpec | undefined, streams: readonly Stream[], path = "monitoring"): Monitoring {
  const problems = new Problems();
  const monitoring = resolveMonitoringInto(spec, streams, problems, path);
  if (problems.count > 0) throw new ValidationError(problems.all);
  return monitoring;
}
