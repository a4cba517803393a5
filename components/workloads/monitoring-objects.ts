/**
 * The prometheus-operator and Grafana objects of one cluster: a PodMonitor that scrapes every server's
 * exporter and labels its series with the cluster's name, a PrometheusRule with the cluster's alert rules,
 * and one ConfigMap per dashboard, labelled for Grafana's dashboard sidecar.
 */
import { AlertRuleGroup, CLUSTER_LABEL } from "../model/monitoring/alert-rules";
import { GrafanaDashboard } from "../model/monitoring/dashboards";
import { ConfigMap, ObjectMeta } from "./k8s-types";

export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";
/** The label Grafana's sidecar (the Grafana and kube-prometheus-stack charts) picks dashboards up by. */
export const GRAFANA_DASHBOARD_LABEL = "grafana_dashboard";
/** The container port the exporter sidecar names its metrics port. */
export const METRICS_PORT_NAME = "metrics";

/** What the objects are built for: the cluster's name, namespace and pod labels. */
export interface MonitoredCluster {
  name: string;
  namespace: string;
  /** The labels that select the cluster's server pods. */
  selectorLabels: Record<string, string>;
  /** Labels every object of the cluster carries. */
  labels: Record<string, string>;
}

export interface PodMonitor {
  apiVersion: typeof MONITORING_API_VERSION;
  kind: "PodMonitor";
  metadata: ObjectMeta;
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { matchNames: string[] };
    podMetricsEndpoints: {
      port: string;
      path: string;
      interval: string;
      relabelings: { action: "replace"; targetLabel: string; replacement: string }[];
    }[];
  };
}

export interface PrometheusRule {
  apiVersion: typeof MONITORING_API_VERSION;
  kind: "PrometheusRule";
  metadata: ObjectMeta;
  spec: { groups: AlertRuleGroup[] };
}

/** How often Prometheus scrapes the exporters: the exporter reads /jsz with every consumer on each scrape. */
export const SCRAPE_INTERVAL = "30s";

/** A PodMonitor for the cluster's servers; `labels` are those the Prometheus's podMonitorSelector matches. */
export function podMonitor(cluster: MonitoredCluster, labels: Record<string, string>): PodMonitor {
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: "PodMonitor",
    metadata: { name: cluster.name, namespace: cluster.namespace, labels: { ...cluster.labels, ...labels } },
    spec: {
      selector: { matchLabels: cluster.selectorLabels },
      namespaceSelector: { matchNames: [cluster.namespace] },
      podMetricsEndpoints: [
        {
          port: METRICS_PORT_NAME,
          path: "/metrics",
          interval: SCRAPE_INTERVAL,
          // The rules and dashboards tell clusters apart by this label, whichever Kubernetes cluster scrapes them.
          relabelings: [{ action: "replace", targetLabel: CLUSTER_LABEL, replacement: cluster.name }],
        },
      ],
    },
  };
}

/** The cluster's alert rules; `labels` are those the Prometheus's ruleSelector matches. */
export function prometheusRule(cluster: MonitoredCluster, groups: AlertRuleGroup[], labels: Record<string, string>): PrometheusRule {
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: "PrometheusRule",
    metadata: { name: `${cluster.name}-alerts`, namespace: cluster.namespace, labels: { ...cluster.labels, ...labels } },
    spec: { groups },
  };
}

/** One ConfigMap per dashboard: a ConfigMap holds at most 1 MiB, and a dashboard then changes alone. */
export function dashboardConfigMaps(cluster: MonitoredCluster, dashboards: readonly GrafanaDashboard[], labels: Record<string, string>): ConfigMap[] {
  return dashboards.map((entry) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `${cluster.name}-dashboard-${entry.kind}`,
      namespace: cluster.namespace,
      labels: { ...cluster.labels, ...labels, [GRAFANA_DASHBOARD_LABEL]: "1" },
    },
    data: { [entry.fileName]: JSON.stringify(entry.json, null, 2) },
  }));
}
