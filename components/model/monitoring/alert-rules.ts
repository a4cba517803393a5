/**
 * The alert rules of one cluster, as a PrometheusRule's groups: what the production checklist says to watch
 * (consumer pending, dead letters, storage against its limits, heartbeat gaps, a named consumer's lag) and
 * what an operator checks first (servers, the meta leader, routes, gateways, leaf links, slow consumers, API
 * errors, memory against GOMEMLIMIT). Every expression reads only metrics the pinned exporter emits, scoped
 * by the `nats_cluster` label the cluster's PodMonitor puts on its targets; each rule names the stream,
 * consumer or server in its description and links its runbook in the README's "Alerts" section.
 *
 * Consumer and stream series are read from the replica that leads them (`is_consumer_leader`,
 * `is_stream_leader`): every replica reports them, and an alert per replica would page three times.
 * Counters of /varz are compared with their value a window ago (`offset`) rather than `increase`, which
 * extrapolates: a threshold of 5 errors then means 5 errors, no more and no fewer.
 */
import { Cluster } from "../cluster";
import { Stack } from "../stack";
import { Stream } from "../streams";
import type { ScaledWorkerPool } from "../../workloads/keda";
import { Monitoring } from "./monitoring";

export type { ScaledWorkerPool };

/** The label the PodMonitor sets on every target of a cluster: the cluster's name. */
export const CLUSTER_LABEL = "nats_cluster";

export type Severity = "critical" | "warning";

/** One alerting rule as Prometheus and the PrometheusRule CRD read it. */
export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: Severity } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string };
}

export interface AlertRuleGroup {
  name: string;
  rules: AlertRule[];
}


/** Share of the lag at which KEDA asks for maxReplicas that a pool's lag alert fires at: the scaler still has room. */
export const POOL_LAG_SHARE = 0.8;

/** The README section every rule's runbook is in: one heading per alert name. */
export function runbookUrl(alert: string): string {
  return `README.md#${alert.toLowerCase()}`;
}

/** A PromQL string literal: Go's escapes, which JSON's are for the characters NATS names may hold. */
function quoted(value: string): string {
  return JSON.stringify(value);
}

function selector(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.entries(labels)
    .map(([name, value]) => `${name}=${quoted(value)}`)
    .join(", ")}}`;
}

function rule(alert: string, severity: Severity, expr: string, forDuration: string, summary: string, description: string, labels: Record<string, string> = {}): AlertRule {
  return { alert, expr, for: forDuration, labels: { severity, ...labels }, annotations: { summary, description, runbook_url: runbookUrl(alert) } };
}

/** Whole seconds as a reader writes the duration: 60 as 1m, 90 as 90s. */
function seconds(value: number): string {
  return value % 60 === 0 ? `${value / 60}m` : `${value}s`;
}

function percentOf(numerator: string, denominator: string, percent: number): string {
  // Multiplied before dividing: whole byte counts then give exact percentages, so 90% is not 90.00000000000001%.
  return `(${numerator} * 100) / ${denominator} > ${percent} and ${denominator} > 0`;
}

/** A server's JetStream stores, each against the maximum its config sets. */
const STORES = [
  { alert: "NatsServerStorageHigh", used: "nats_varz_jetstream_stats_storage", max: "nats_varz_jetstream_config_max_storage", limit: "max_file_store", what: "file storage" },
  { alert: "NatsServerMemoryStoreHigh", used: "nats_varz_jetstream_stats_memory", max: "nats_varz_jetstream_config_max_memory", limit: "max_memory_store", what: "memory storage" },
] as const;

function storeRules(cluster: Cluster, percent: number): AlertRule[] {
  const scope = { [CLUSTER_LABEL]: cluster.name };
  return STORES.map(({ alert, used, max, limit, what }) =>
    rule(
      alert,
      "warning",
      percentOf(selector(used, scope), selector(max, scope), percent),
      "10m",
      `A NATS server's JetStream ${what} is nearly full`,
      `{{ $labels.pod }} of cluster ${cluster.name} uses more than ${percent}% of its JetStream ${limit}.`,
    ),
  );
}

function serverRules(cluster: Cluster, monitoring: Monitoring): AlertRule[] {
  const scope = { [CLUSTER_LABEL]: cluster.name };
  const { thresholds } = monitoring;
  const up = selector("up", scope);
  return [
    rule("NatsServerDown", "critical", `${up} == 0`, "1m", "A NATS server's metrics cannot be scraped", `Prometheus cannot scrape {{ $labels.pod }} of cluster ${cluster.name}: the server or its exporter is down.`),
    rule(
      "NatsClusterBelowSize",
      "critical",
      `(count(${up} == 1) or vector(0)) < ${cluster.servers}`,
      "5m",
      `Cluster ${cluster.name} runs fewer servers than declared`,
      `Fewer than the ${cluster.servers} declared servers of cluster ${cluster.name} are up: JetStream loses its quorum when a majority is gone.`,
    ),
    rule(
      "NatsNoMetaLeader",
      "critical",
      `${selector("nats_server_total_streams", { ...scope, meta_leader: "", is_meta_leader: "false" })}`,
      "1m",
      "A NATS server sees no JetStream meta leader",
      `{{ $labels.server_name }} of cluster ${cluster.name} sees no JetStream meta leader: streams and consumers cannot be created, changed or deleted.`,
    ),
    rule(
      "NatsServerUnhealthy",
      "warning",
      `${selector("nats_healthz_status", scope)} == 1`,
      "10m",
      "A NATS server's full health check has failed for 10 minutes",
      `{{ $labels.pod }} of cluster ${cluster.name} fails its full /healthz: a stream or consumer replica on it is not current and is not catching up (its peers gone, its store damaged or full). Its probes keep it running and in service; the replica needs an operator.`,
    ),
    ...storeRules(cluster, thresholds.storagePercent),
    rule(
      "NatsMemoryNearLimit",
      "warning",
      percentOf(selector("nats_varz_mem", scope), selector("nats_varz_gomemlimit", scope), thresholds.memoryPercent),
      "5m",
      "A NATS server's memory is close to its GOMEMLIMIT",
      `{{ $labels.pod }} of cluster ${cluster.name} uses more than ${thresholds.memoryPercent}% of its GOMEMLIMIT: the Go runtime collects garbage ever harder, and the pod's limit comes next.`,
    ),
    rule(
      "NatsSlowConsumers",
      "warning",
      `${selector("nats_varz_slow_consumers", scope)} - ${selector("nats_varz_slow_consumers", scope)} offset 5m >= ${thresholds.slowConsumers}`,
      "0s",
      "A NATS server disconnected slow consumers",
      `{{ $labels.pod }} of cluster ${cluster.name} disconnected at least ${thresholds.slowConsumers} slow consumer(s) within 5 minutes: a client does not read as fast as it is sent.`,
    ),
    rule(
      "NatsJetStreamApiErrors",
      "warning",
      `${selector("nats_varz_jetstream_stats_api_errors", scope)} - ${selector("nats_varz_jetstream_stats_api_errors", scope)} offset 5m > ${thresholds.apiErrors}`,
      "0s",
      "JetStream API errors are rising",
      `{{ $labels.pod }} of cluster ${cluster.name} answered more than ${thresholds.apiErrors} JetStream API requests with an error within 5 minutes.`,
    ),
  ];
}

/** Routes between the cluster's servers: each server keeps a pool of 3 (nats-server's default pool_size) to every other. */
export const ROUTE_POOL_SIZE = 3;

function linkRules(stack: Stack, cluster: Cluster): AlertRule[] {
  const scope = { [CLUSTER_LABEL]: cluster.name };
  const rules: AlertRule[] = [];
  if (cluster.servers > 1) {
    const expected = ROUTE_POOL_SIZE * (cluster.servers - 1);
    rules.push(
      rule(
        "NatsRouteDown",
        "critical",
        `${selector("nats_routez_num_routes", scope)} < ${expected}`,
        "2m",
        "A NATS server lost routes to its cluster",
        `{{ $labels.pod }} of cluster ${cluster.name} has fewer than the ${expected} route connections it keeps to the other ${cluster.servers - 1} server(s).`,
      ),
    );
  }
  const { topology } = stack;
  if (topology.kind === "supercluster") {
    const remotes = topology.superCluster.members.map((member) => member.cluster.name).filter((name) => name !== cluster.name);
    for (const remote of remotes) {
      rules.push(
        rule(
          "NatsGatewayDown",
          "critical",
          `${selector("up", scope)} == 1 unless on(pod) ${selector("nats_gatewayz_outbound_gateway_configured", { ...scope, remote_gateway_name: remote })}`,
          "2m",
          `A NATS server has no gateway to cluster ${remote}`,
          `{{ $labels.pod }} of cluster ${cluster.name} has no outbound gateway connection to cluster ${remote}: messages and JetStream requests for it do not cross.`,
          // One alert per missing remote: without it, two remotes down would give two alerts of the same labels.
          { remote_cluster: remote },
        ),
      );
    }
  }
  if (topology.kind === "hub-leaf" && topology.hubAndLeaf.sites.some((site) => site.cluster.name === cluster.name)) {
    rules.push(
      rule(
        "NatsLeafDown",
        "critical",
        `${selector("nats_leafz_conn_nodes_total", scope)} < 1`,
        "2m",
        "A leaf site server has no link to its hub",
        `{{ $labels.pod }} of site ${cluster.name} has no leaf node connection to hub ${topology.hubAndLeaf.hub.cluster.name}.`,
      ),
    );
  }
  return rules;
}

function storageRules(cluster: Cluster, monitoring: Monitoring, streams: readonly Stream[]): AlertRule[] {
  const scope = { [CLUSTER_LABEL]: cluster.name };
  const percent = monitoring.thresholds.storagePercent;
  const rules = [
    rule(
      "NatsAccountStorageHigh",
      "warning",
      percentOf(selector("nats_account_storage_used", scope), selector("nats_account_max_storage", scope), percent),
      "10m",
      "A NATS account's JetStream storage is nearly at its limit",
      `Account {{ $labels.account_name }} uses more than ${percent}% of its JetStream disk storage limit on cluster ${cluster.name} ({{ $labels.server_name }}).`,
    ),
  ];
  const limited = streams.filter((stream) => stream.maxBytes !== undefined && stream.maxBytes > 0);
  if (limited.length > 0) {
    const leaders = { ...scope, is_stream_leader: "true" };
    rules.push(
      rule(
        "NatsStreamStorageHigh",
        "warning",
        percentOf(selector("nats_stream_total_bytes", leaders), selector("nats_stream_limit_bytes", leaders), percent),
        "10m",
        "A stream is nearly at its byte limit",
        `Stream {{ $labels.stream_name }} of account {{ $labels.account_name }} holds more than ${percent}% of its max_bytes on cluster ${cluster.name}: it discards messages or refuses new ones at the limit.`,
      ),
    );
  }
  return rules;
}

function consumerRules(cluster: Cluster, monitoring: Monitoring, streams: readonly Stream[]): AlertRule[] {
  const { thresholds } = monitoring;
  const leaders = { [CLUSTER_LABEL]: cluster.name, is_consumer_leader: "true" };
  // A rule per consumer: its stream and consumer are rule labels too (the values the series carry), since
  // rules of one alert name must differ in their labels or Prometheus would record clashing ALERTS series.
  const oneConsumer = (stream: string, consumer: string, alert: string, expr: (one: Record<string, string>) => string, summary: string, description: string) => {
    const names = { stream_name: stream, consumer_name: consumer };
    return rule(alert, "warning", expr({ ...leaders, ...names }), "5m", summary, description, names);
  };
  const declared = streams.flatMap((stream) =>
    stream.consumers.flatMap(({ durable, maxAckPending, maxDeliver }) => {
      const rules: AlertRule[] = [];
      if (maxAckPending > 0) {
        const atMax = Math.max(1, Math.ceil((maxAckPending * thresholds.ackPendingPercent) / 100));
        rules.push(
          oneConsumer(
            stream.name,
            durable,
            "NatsConsumerAckPendingAtMax",
            (one) => `${selector("nats_consumer_num_ack_pending", one)} >= ${atMax}`,
            "A consumer's unacknowledged messages are at its maxAckPending",
            `Consumer ${durable} of stream ${stream.name} has at least ${atMax} unacknowledged messages (maxAckPending ${maxAckPending}): no more are delivered until workers ack.`,
          ),
        );
      }
      if (maxDeliver > 0) {
        rules.push(
          oneConsumer(
            stream.name,
            durable,
            "NatsConsumerRedeliveries",
            (one) => `${selector("nats_consumer_num_redelivered", one)} >= ${thresholds.redelivered}`,
            "A consumer keeps redelivering messages",
            `Consumer ${durable} of stream ${stream.name} has at least ${thresholds.redelivered} redelivered message(s) pending: after ${maxDeliver} deliveries each is given up as a dead letter.`,
          ),
        );
      }
      return rules;
    }),
  );
  // Named consumers include those an application creates itself, which the stack does not declare.
  const lagging = monitoring.consumerLag
    .filter((lag) => streams.some((stream) => stream.name === lag.stream))
    .map((lag) =>
      oneConsumer(
        lag.stream,
        lag.consumer,
        "NatsConsumerLag",
        (one) => `${selector("nats_consumer_num_pending", one)} > ${lag.pending}`,
        `Consumer ${lag.consumer} is falling behind stream ${lag.stream}`,
        `Consumer ${lag.consumer} of stream ${lag.stream} lags more than ${lag.pending} messages behind the stream on cluster ${cluster.name}.`,
      ),
    );
  if (!streams.some((stream) => stream.consumers.length > 0) && lagging.length === 0) return [];
  return [
    rule(
      "NatsConsumerPending",
      "warning",
      `${selector("nats_consumer_num_pending", leaders)} > ${thresholds.consumerPending}`,
      "5m",
      "A consumer has a backlog",
      `Consumer {{ $labels.consumer_name }} of stream {{ $labels.stream_name }} has more than ${thresholds.consumerPending} messages not yet delivered: add workers or look for stuck tasks.`,
    ),
    rule(
      "NatsConsumerInactive",
      "critical",
      `${selector("nats_consumer_last_delivery_seconds", leaders)} > ${thresholds.heartbeatGapSeconds} and ${selector("nats_consumer_num_pending", leaders)} > 0`,
      "0s",
      "A consumer with pending work gets no deliveries",
      `Consumer {{ $labels.consumer_name }} of stream {{ $labels.stream_name }} has pending messages but nothing was delivered for more than ${seconds(thresholds.heartbeatGapSeconds)}: its workers are likely gone.`,
    ),
    ...declared,
    ...lagging,
  ];
}

function deadLetterRules(cluster: Cluster, monitoring: Monitoring, streams: readonly Stream[]): AlertRule[] {
  const growth = monitoring.thresholds.deadLetterGrowth;
  return monitoring.deadLetterStreams
    .filter((name) => streams.some((stream) => stream.name === name))
    .map((name) => {
      const messages = selector("nats_stream_total_messages", { [CLUSTER_LABEL]: cluster.name, is_stream_leader: "true", stream_name: name });
      return rule(
        "NatsDeadLettersGrowing",
        "warning",
        `${messages} - ${messages} offset 30m >= ${growth}`,
        "0s",
        `Dead-letter stream ${name} is growing`,
        `Stream ${name} gained at least ${growth} message(s) within 30 minutes: tasks are failing for good.`,
        { stream_name: name },
      );
    });
}

/** The lag at which a pool's alert fires: a share of the lag at which KEDA runs maxReplicas pods. */
export function poolLagAlertThreshold(pool: ScaledWorkerPool): number {
  return Math.max(1, Math.floor(pool.maxReplicas * pool.lagThreshold * POOL_LAG_SHARE));
}

function workerPoolRules(cluster: Cluster, pools: readonly ScaledWorkerPool[], streams: readonly Stream[]): AlertRule[] {
  return pools.flatMap((pool) => {
    const threshold = poolLagAlertThreshold(pool);
    return pool.consumers
      .filter((consumer) => streams.some((stream) => stream.name === consumer.stream))
      .map((consumer) => {
        const names = { stream_name: consumer.stream, consumer_name: consumer.durable };
        const one = { [CLUSTER_LABEL]: cluster.name, is_consumer_leader: "true", ...names };
        return rule(
          "NatsWorkerPoolLag",
          "warning",
          `${selector("nats_consumer_num_pending", one)} + ${selector("nats_consumer_num_ack_pending", one)} > ${threshold}`,
          "5m",
          `Worker pool ${pool.name} is nearly at its most pods`,
          `Consumer ${consumer.durable} of stream ${consumer.stream} lags more than ${threshold} messages: the autoscaler of ${pool.name} is close to its ${pool.maxReplicas} pods at ${pool.lagThreshold} per pod.`,
          names,
        );
      });
  });
}

/** The alert rule groups of one cluster of `stack`: its servers, links, storage, and the streams that land on it. */
export function clusterAlertRules(stack: Stack, cluster: Cluster, monitoring: Monitoring, pools: readonly ScaledWorkerPool[] = []): AlertRuleGroup[] {
  const streams = stack.jetstream.streams.filter((stream) => stream.cluster === cluster.name);
  const groups: AlertRuleGroup[] = [
    { name: `nats-${cluster.name}-servers`, rules: [...serverRules(cluster, monitoring), ...linkRules(stack, cluster)] },
    { name: `nats-${cluster.name}-jetstream`, rules: [...storageRules(cluster, monitoring, streams), ...consumerRules(cluster, monitoring, streams), ...deadLetterRules(cluster, monitoring, streams)] },
  ];
  const poolRules = workerPoolRules(cluster, pools, streams);
  if (poolRules.length > 0) groups.push({ name: `nats-${cluster.name}-worker-pools`, rules: poolRules });
  return groups;
}
