/**
 * Grafana dashboards of one cluster, built from the same model as its alert rules: cluster health, JetStream
 * storage, streams and consumers (every stream and consumer of the stack that lands on the cluster, by
 * name), worker pools (lag against the alert and KEDA's maximum) and links (routes, gateways, leaf nodes).
 * Every query reads only metrics the pinned exporter emits, scoped by the cluster's `nats_cluster` label.
 *
 * Built with Grafana's foundation SDK, whose builders are generated from Grafana's own dashboard schema, so
 * the JSON has the fields and shapes Grafana reads. (tsconfig.json maps the SDK's subpaths to its dist/ for
 * resolvers that do not read package exports, such as the Pulumi host's ts-node; Node loads them through
 * the exports.) The Prometheus data source is a dashboard variable:
 * Grafana's sidecar provisions dashboards into installations whose data source names differ.
 */
import { createHash } from "crypto";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { Cluster } from "../cluster";
import { Stack } from "../stack";
import { CLUSTER_LABEL, poolLagAlertThreshold, ROUTE_POOL_SIZE, ScaledWorkerPool } from "./alert-rules";
import { Monitoring } from "./monitoring";

/** One dashboard: its uid, title and the JSON model Grafana imports. */
export interface GrafanaDashboard {
  /** What it shows: health, storage, streams, pools or links. */
  kind: string;
  uid: string;
  title: string;
  /** File name in the ConfigMap the sidecar reads. */
  fileName: string;
  /** The dashboard JSON model, as plain data: what the ConfigMap holds. */
  json: Record<string, unknown>;
}

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
/** Grafana keeps uids to 40 characters. */
const MAX_UID = 40;

function uid(cluster: string, kind: string): string {
  const readable = `nats-${cluster}-${kind}`;
  if (readable.length <= MAX_UID) return readable;
  return `nats-${createHash("sha256").update(`${cluster}/${kind}`).digest("hex").slice(0, MAX_UID - 5)}`;
}

function query(expr: string, legend: string, refId: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId).datasource(DATASOURCE);
}

interface PanelQuery {
  expr: string;
  legend: string;
}

function panel(title: string, unit: string, queries: PanelQuery[], width = 12): timeseries.PanelBuilder {
  const built = new timeseries.PanelBuilder()
    .title(title)
    .unit(unit)
    .datasource(DATASOURCE)
    .height(8)
    .span(width)
    // The legends say what each line is and where its alert fires.
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom));
  queries.forEach((entry, index) => built.withTarget(query(entry.expr, entry.legend, String.fromCharCode(65 + index))));
  return built;
}

function selector(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(", ")}}`;
}

function build(cluster: Cluster, kind: string, title: string, rows: { title: string; panels: timeseries.PanelBuilder[] }[]): GrafanaDashboard {
  const builder = new dashboard.DashboardBuilder(`NATS ${cluster.name}: ${title}`)
    .uid(uid(cluster.name, kind))
    .tags(["nats", `nats-cluster:${cluster.name}`])
    .refresh("30s")
    .time({ from: "now-6h", to: "now" })
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(new dashboard.DatasourceVariableBuilder("datasource").label("Prometheus").type("prometheus"));
  // Grafana tells panels apart by id: numbered in order, rows included.
  let id = 0;
  for (const row of rows) {
    builder.withRow(new dashboard.RowBuilder(row.title).id(++id));
    row.panels.forEach((entry) => builder.withPanel(entry.id(++id)));
  }
  return { kind, uid: uid(cluster.name, kind), title: `NATS ${cluster.name}: ${title}`, fileName: `nats-${cluster.name}-${kind}.json`, json: { ...builder.build() } };
}

function healthDashboard(cluster: Cluster, monitoring: Monitoring): GrafanaDashboard {
  const scope = { [CLUSTER_LABEL]: cluster.name };
  const { thresholds } = monitoring;
  return build(cluster, "health", "cluster health", [
    {
      title: "Servers",
      panels: [
        panel("Servers up", "none", [
          { expr: `sum(${selector("up", scope)})`, legend: "up" },
          { expr: `count(${selector("up", scope)}) * 0 + ${cluster.servers}`, legend: "declared" },
        ]),
        panel("Servers that see no meta leader", "none", [{ expr: `count(${selector("nats_server_total_streams", { ...scope, meta_leader: "", is_meta_leader: "false" })}) or vector(0)`, legend: "without leader" }]),
        panel("Memory against GOMEMLIMIT", "percent", [{ expr: `(${selector("nats_varz_mem", scope)} * 100) / ${selector("nats_varz_gomemlimit", scope)}`, legend: `{{pod}} (alert above ${thresholds.memoryPercent}%)` }]),
        panel("CPU", "percent", [{ expr: selector("nats_varz_cpu", scope), legend: "{{pod}}" }]),
        panel("Connections", "none", [{ expr: selector("nats_varz_connections", scope), legend: "{{pod}}" }]),
        panel("Slow consumers in 5m", "none", [{ expr: `${selector("nats_varz_slow_consumers", scope)} - ${selector("nats_varz_slow_consumers", scope)} offset 5m`, legend: "{{pod}}" }]),
        panel("JetStream API errors in 5m", "none", [{ expr: `${selector("nats_varz_jetstream_stats_api_errors", scope)} - ${selector("nats_varz_jetstream_stats_api_errors", scope)} offset 5m`, legend: `{{pod}} (alert above ${thresholds.apiErrors})` }]),
        panel("Messages in and out", "short", [
          { expr: `rate(${selector("nats_varz_in_msgs", scope)}[5m])`, legend: "{{pod}} in" },
          { expr: `rate(${selector("nats_varz_out_msgs", scope)}[5m])`, legend: "{{pod}} out" },
        ]),
      ],
    },
  ]);
}

function storageDashboard(cluster: Cluster, monitoring: Monitoring): GrafanaDashboard {
  const scope = { [CLUSTER_LABEL]: cluster.name };
  const percent = monitoring.thresholds.storagePercent;
  const leaders = { ...scope, is_stream_leader: "true" };
  return build(cluster, "storage", "JetStream storage", [
    {
      title: "Servers",
      panels: [
        panel("File storage against max_file_store", "percent", [{ expr: `(${selector("nats_varz_jetstream_stats_storage", scope)} * 100) / ${selector("nats_varz_jetstream_config_max_storage", scope)}`, legend: `{{pod}} (alert above ${percent}%)` }]),
        panel("Memory storage against max_memory_store", "percent", [{ expr: `(${selector("nats_varz_jetstream_stats_memory", scope)} * 100) / ${selector("nats_varz_jetstream_config_max_memory", scope)}`, legend: `{{pod}} (alert above ${percent}%)` }]),
      ],
    },
    {
      title: "Accounts and streams",
      panels: [
        panel("Account storage against its limit", "percent", [{ expr: `max by (account_name) ((${selector("nats_account_storage_used", scope)} * 100) / (${selector("nats_account_max_storage", scope)} > 0))`, legend: "{{account_name}}" }]),
        panel("Stream bytes", "bytes", [{ expr: `max by (account_name, stream_name) (${selector("nats_stream_total_bytes", leaders)})`, legend: "{{account_name}}/{{stream_name}}" }]),
      ],
    },
  ]);
}

function streamsDashboard(stack: Stack, cluster: Cluster, monitoring: Monitoring): GrafanaDashboard | undefined {
  const streams = stack.jetstream.streams.filter((stream) => stream.cluster === cluster.name);
  if (streams.length === 0) return undefined;
  const rows = streams.map((stream) => {
    // By name only: in operator mode /jsz names accounts by public key, which the model does not know.
    const streamScope = { [CLUSTER_LABEL]: cluster.name, is_stream_leader: "true", stream_name: stream.name };
    const panels = [panel(`${stream.name}: messages`, "short", [{ expr: selector("nats_stream_total_messages", streamScope), legend: stream.name }], 24)];
    for (const consumer of stream.consumers) {
      const one = { [CLUSTER_LABEL]: cluster.name, is_consumer_leader: "true", stream_name: stream.name, consumer_name: consumer.durable };
      const lag = monitoring.consumerLag.find((rule) => rule.stream === stream.name && rule.consumer === consumer.durable);
      panels.push(
        panel(`${stream.name} / ${consumer.durable}`, "short", [
          { expr: selector("nats_consumer_num_pending", one), legend: `pending (alert above ${lag?.pending ?? monitoring.thresholds.consumerPending})` },
          { expr: selector("nats_consumer_num_ack_pending", one), legend: `ack pending (max ${consumer.maxAckPending})` },
          { expr: selector("nats_consumer_num_redelivered", one), legend: `redelivered (max deliver ${consumer.maxDeliver})` },
        ]),
        panel(`${stream.name} / ${consumer.durable}: seconds since last delivery`, "s", [{ expr: selector("nats_consumer_last_delivery_seconds", one), legend: `since delivery (gap ${monitoring.thresholds.heartbeatGapSeconds}s)` }]),
      );
    }
    // Consumers an application creates itself have no declaration to read, only their lag rule.
    const declared = new Set(stream.consumers.map((consumer) => consumer.durable));
    for (const lag of monitoring.consumerLag.filter((rule) => rule.stream === stream.name && !declared.has(rule.consumer))) {
      const one = { [CLUSTER_LABEL]: cluster.name, is_consumer_leader: "true", stream_name: stream.name, consumer_name: lag.consumer };
      panels.push(panel(`${stream.name} / ${lag.consumer}`, "short", [{ expr: selector("nats_consumer_num_pending", one), legend: `lag (alert above ${lag.pending})` }], 24));
    }
    return { title: `Stream ${stream.name} (account ${stream.account})`, panels };
  });
  return build(cluster, "streams", "streams and consumers", rows);
}

function poolsDashboard(stack: Stack, cluster: Cluster, pools: readonly ScaledWorkerPool[]): GrafanaDashboard | undefined {
  const streams = new Set(stack.jetstream.streams.filter((stream) => stream.cluster === cluster.name).map((stream) => stream.name));
  const here = pools.filter((pool) => pool.consumers.some((consumer) => streams.has(consumer.stream)));
  if (here.length === 0) return undefined;
  const panels = here.flatMap((pool) =>
    pool.consumers.map((consumer) => {
      const one = { [CLUSTER_LABEL]: cluster.name, is_consumer_leader: "true", stream_name: consumer.stream, consumer_name: consumer.durable };
      const lag = `${selector("nats_consumer_num_pending", one)} + ${selector("nats_consumer_num_ack_pending", one)}`;
      return panel(`${pool.name}: lag against its scaler`, "short", [
        { expr: lag, legend: `lag of ${consumer.durable}` },
        { expr: `(${lag}) * 0 + ${poolLagAlertThreshold(pool)}`, legend: "alert" },
        { expr: `(${lag}) * 0 + ${pool.maxReplicas * pool.lagThreshold}`, legend: `KEDA at ${pool.maxReplicas} pods` },
        { expr: `ceil((${lag}) / ${pool.lagThreshold})`, legend: "pods KEDA asks for (before its bounds)" },
      ]);
    }),
  );
  return build(cluster, "pools", "worker pools", [{ title: "Pools", panels }]);
}

function linksDashboard(stack: Stack, cluster: Cluster): GrafanaDashboard | undefined {
  const scope = { [CLUSTER_LABEL]: cluster.name };
  const panels: timeseries.PanelBuilder[] = [];
  if (cluster.servers > 1) {
    panels.push(panel("Route connections", "none", [{ expr: selector("nats_routez_num_routes", scope), legend: `{{pod}} (of ${ROUTE_POOL_SIZE * (cluster.servers - 1)})` }]));
  }
  if (stack.topology.kind === "supercluster") {
    panels.push(
      panel("Outbound gateways", "none", [{ expr: `count by (pod, remote_gateway_name) (${selector("nats_gatewayz_outbound_gateway_configured", scope)})`, legend: "{{pod}} -> {{remote_gateway_name}}" }]),
      panel("Gateway round trip", "none", [{ expr: selector("nats_gatewayz_outbound_gateway_conn_rtt", scope), legend: "{{pod}} -> {{remote_gateway_name}}" }]),
    );
  }
  if (stack.topology.kind === "hub-leaf") {
    panels.push(panel("Leaf node connections", "none", [{ expr: selector("nats_leafz_conn_nodes_total", scope), legend: "{{pod}}" }]));
  }
  if (panels.length === 0) return undefined;
  return build(cluster, "links", "links", [{ title: "Links", panels }]);
}

/** The dashboards of one cluster of `stack`. */
export function clusterDashboards(stack: Stack, cluster: Cluster, monitoring: Monitoring, pools: readonly ScaledWorkerPool[] = []): GrafanaDashboard[] {
  const optional = [streamsDashboard(stack, cluster, monitoring), poolsDashboard(stack, cluster, pools), linksDashboard(stack, cluster)];
  return [healthDashboard(cluster, monitoring), storageDashboard(cluster, monitoring), ...optional.filter((entry): entry is GrafanaDashboard => entry !== undefined)];
}
