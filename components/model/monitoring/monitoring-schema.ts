/**
 * The schema of the `monitoring` stack key: whether Prometheus (the prometheus-operator) watches the stack,
 * how its PodMonitors are labelled, which namespaces may scrape the servers, and the thresholds the alert
 * rules page at. The defaults are the production checklist's "Key Metrics to Watch": consumer pending above
 * 1000, a growing dead-letter stream, storage above 80% of its limit, heartbeat gaps over 60s, a named
 * consumer lagging more than 500.
 */
import { z } from "zod";
import { dnsLabel, duration, flag, MAX_COUNT, natsName } from "../schema-fields";

/** Kubernetes label keys (optionally prefixed) and values, as a PodMonitor's labels must be for a Prometheus selector to match them. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_KEY_RULE = "use a Kubernetes label key such as release or app.kubernetes.io/part-of";
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const LABEL_VALUE_RULE = "use a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

/** A count threshold: a whole number of at least `least`. */
function countThreshold(least: number) {
  const allowed = `use a whole number from ${least} to ${MAX_COUNT}`;
  return z.int({ error: allowed }).min(least, { error: allowed }).max(MAX_COUNT, { error: allowed });
}

/** A share of a limit in percent: above 0, at most 100. */
function percent() {
  const allowed = "use a percentage above 0 and at most 100";
  return z.number({ error: allowed }).gt(0, { error: allowed }).max(100, { error: allowed });
}

export const DEFAULT_THRESHOLDS = {
  consumerPending: 1000,
  ackPendingPercent: 100,
  storagePercent: 80,
  deadLetterGrowth: 1,
  heartbeatGap: "60s",
  redelivered: 1,
  consumerLag: 500,
  slowConsumers: 1,
  apiErrors: 5,
  memoryPercent: 90,
} as const;

export const thresholdsSchema = z.strictObject({
  consumerPending: countThreshold(1).optional().meta({ description: `Messages a consumer has not yet been delivered above which it alerts. Default ${DEFAULT_THRESHOLDS.consumerPending}.` }),
  ackPendingPercent: percent()
    .optional()
    .meta({ description: `Unacknowledged messages as a percentage of the consumer's maxAckPending at which it alerts. Default ${DEFAULT_THRESHOLDS.ackPendingPercent}: at the max.` }),
  storagePercent: percent().optional().meta({ description: `Storage use as a percentage of a server's, an account's or a stream's limit above which it alerts. Default ${DEFAULT_THRESHOLDS.storagePercent}.` }),
  deadLetterGrowth: countThreshold(1).optional().meta({ description: `Messages added to a dead-letter stream within 30 minutes at which it alerts. Default ${DEFAULT_THRESHOLDS.deadLetterGrowth}.` }),
  heartbeatGap: duration().optional().meta({ description: `Time without a delivery to a consumer with pending work after which its workers count as gone. Default "${DEFAULT_THRESHOLDS.heartbeatGap}".` }),
  redelivered: countThreshold(1).optional().meta({ description: `Redelivered messages of a consumer with a bounded maxDeliver at which it alerts: they end as dead letters. Default ${DEFAULT_THRESHOLDS.redelivered}.` }),
  consumerLag: countThreshold(1).optional().meta({ description: `Default lag of the consumers named in consumerLag. Default ${DEFAULT_THRESHOLDS.consumerLag}.` }),
  slowConsumers: countThreshold(1).optional().meta({ description: `Slow-consumer disconnects of one server within 5 minutes at which it alerts. Default ${DEFAULT_THRESHOLDS.slowConsumers}.` }),
  apiErrors: countThreshold(1).optional().meta({ description: `JetStream API errors of one server within 5 minutes above which it alerts. Default ${DEFAULT_THRESHOLDS.apiErrors}.` }),
  memoryPercent: percent().optional().meta({ description: `A server's memory as a percentage of its GOMEMLIMIT above which it alerts. Default ${DEFAULT_THRESHOLDS.memoryPercent}.` }),
});

export const consumerLagSchema = z.strictObject({
  stream: natsName().meta({ description: "The stream the consumer reads." }),
  consumer: natsName().meta({ description: "The consumer's durable name, one the stream declares." }),
  pending: countThreshold(1).optional().meta({ description: "Lag above which it alerts. Default thresholds.consumerLag." }),
});

export const monitoringSchema = z.strictObject({
  prometheus: flag().optional().meta({ description: "The prometheus-operator runs in the Kubernetes cluster: declare PodMonitors, alert rules and dashboards. Default false." }),
  podMonitor: z
    .strictObject({
      enabled: flag().optional().meta({ description: "Declare a PodMonitor per cluster. Default: prometheus." }),
      labels: z
        .record(z.string().regex(LABEL_KEY, { error: LABEL_KEY_RULE }), z.string({ error: LABEL_VALUE_RULE }).regex(LABEL_VALUE, { error: LABEL_VALUE_RULE }), {
          error: "give a map of label names to values",
        })
        .optional()
        .meta({ description: "Labels of the PodMonitor, PrometheusRule and dashboards, as the Prometheus's selectors match them (e.g. release: kube-prometheus-stack)." }),
    })
    .optional(),
  namespaces: z
    .array(dnsLabel(), { error: "list the namespaces whose pods may scrape the servers" })
    .min(1, { error: "name at least one namespace, or leave it out" })
    .optional()
    .meta({ description: "Namespaces whose pods may read the monitor and metrics ports (Prometheus, KEDA, dashboards), with monitoringNamespace." }),
  dashboards: flag().optional().meta({ description: "Declare Grafana dashboards as ConfigMaps for the Grafana sidecar. Default: prometheus." }),
  thresholds: thresholdsSchema.optional().meta({ description: "Where the alert rules page; each defaults to the production checklist's figure." }),
  deadLetterStreams: z
    .array(natsName(), { error: "list the names of dead-letter streams" })
    .optional()
    .meta({ description: "Streams holding failed work, alerted on when they grow." }),
  consumerLag: z.array(consumerLagSchema, { error: "list consumers as { stream, consumer, pending }" }).optional().meta({ description: "Consumers whose lag alerts on its own threshold, such as an engine's history consumer." }),
});

/** Where the alert rules page, as a stack writes it; each left out is the production checklist's figure. */
export interface ThresholdsSpec {
  /** Messages a consumer has not yet been delivered above which it alerts. Default 1000. */
  consumerPending?: number;
  /** Unacknowledged messages as a percentage of the consumer's maxAckPending at which it alerts. Default 100. */
  ackPendingPercent?: number;
  /** Storage use as a percentage of a server's, an account's or a stream's limit above which it alerts. Default 80. */
  storagePercent?: number;
  /** Messages added to a dead-letter stream within 30 minutes at which it alerts. Default 1. */
  deadLetterGrowth?: number;
  /** Time without a delivery to a consumer with pending work after which its workers count as gone. Default "60s". */
  heartbeatGap?: string;
  /** Redelivered messages of a consumer with a bounded maxDeliver at which it alerts. Default 1. */
  redelivered?: number;
  /** Default lag of the consumers named in consumerLag. Default 500. */
  consumerLag?: number;
  /** Slow-consumer disconnects of one server within 5 minutes at which it alerts. Default 1. */
  slowConsumers?: number;
  /** JetStream API errors of one server within 5 minutes above which it alerts. Default 5. */
  apiErrors?: number;
  /** A server's memory as a percentage of its GOMEMLIMIT above which it alerts. Default 90. */
  memoryPercent?: number;
}

/** A consumer of the stack whose lag alerts on its own threshold. */
export interface ConsumerLagSpec {
  /** The stream the consumer reads. */
  stream: string;
  /** The consumer's durable name, one the stream declares. */
  consumer: string;
  /** Lag above which it alerts. Default thresholds.consumerLag. */
  pending?: number;
}

/** The PodMonitor of each cluster. */
export interface PodMonitorSpec {
  /** Declare a PodMonitor per cluster. Default: prometheus. */
  enabled?: boolean;
  /** Labels of the PodMonitor, PrometheusRule and dashboards, as the Prometheus's selectors match them (e.g. release: kube-prometheus-stack). */
  labels?: Record<string, string>;
}

/** The `monitoring` key as a stack writes it: monitoringSchema checks it. */
export interface MonitoringSpec {
  /** The prometheus-operator runs in the Kubernetes cluster: declare PodMonitors, alert rules and dashboards. Default false. */
  prometheus?: boolean;
  /** The PodMonitor of each cluster. */
  podMonitor?: PodMonitorSpec;
  /** Namespaces whose pods may read the monitor and metrics ports (Prometheus, KEDA, dashboards). */
  namespaces?: string[];
  /** Declare Grafana dashboards as ConfigMaps for the Grafana sidecar. Default: prometheus. */
  dashboards?: boolean;
  /** Where the alert rules page. */
  thresholds?: ThresholdsSpec;
  /** Streams holding failed work, alerted on when they grow. */
  deadLetterStreams?: string[];
  /** Consumers whose lag alerts on its own threshold, such as an engine's history consumer. */
  consumerLag?: ConsumerLagSpec[];
}

// What the schema accepts is a MonitoringSpec, and the other way round: the interfaces, which the package's
// schema is generated from, cannot drift from the checks.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesSpec: Same<z.input<typeof monitoringSchema>, MonitoringSpec> = true;
void schemaMatchesSpec;
