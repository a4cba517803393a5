/**
 * The ClusterMonitoring component: what Prometheus and Grafana need to watch one cluster of a stack, from
 * the same model functions the tests replay through promtool. A PodMonitor scrapes the exporter sidecars, a
 * PrometheusRule holds the cluster's alert rules, and a ConfigMap per dashboard feeds Grafana's sidecar.
 * Each object is declared only when the stack's `monitoring` says its operator is there.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterAlertRules, ScaledWorkerPool } from "../../model/monitoring/alert-rules";
import { clusterDashboards } from "../../model/monitoring/dashboards";
import { AppConsumerLag, Monitoring, withAppConsumerLag } from "../../model/monitoring/monitoring";
import { Stack } from "../../model/stack";
import { dashboardConfigMaps, MonitoredCluster, podMonitor, prometheusRule } from "../../workloads/monitoring-objects";
import { commonLabels, selectorLabels } from "../cluster/labels";

export const CLUSTER_MONITORING_TYPE = "nats-jetstream:index:ClusterMonitoring";

/** What ClusterMonitoring takes: the resolved stack, which of its clusters, and the stack's monitoring. */
export interface ClusterMonitoringArgs {
  /** The stack as checkStack resolved it: its topology and streams decide the rules and dashboards. */
  stack: Stack;
  /** The cluster of the stack to watch; its namespace must exist. */
  clusterName: string;
  /** The stack's `monitoring`, resolved (resolveMonitoring). */
  monitoring: Monitoring;
  /**
   * Worker pools that KEDA scales on consumers of the cluster's streams: each gets a lag alert below KEDA's
   * maximum. An application's share: `lightdashScaledPools`, or `workerPools` of `dagnatsMonitoring`.
   */
  workerPools?: ScaledWorkerPool[];
  /**
   * Consumers an application creates itself rather than the stack (the DagNATS engine's history consumer,
   * from `dagnatsMonitoring`): each alerts above its `pending`, default `thresholds.consumerLag`.
   */
  consumerLag?: AppConsumerLag[];
}

/** The PodMonitor, PrometheusRule and Grafana dashboards of one cluster of a stack. */
export class ClusterMonitoring extends pulumi.ComponentResource {
  /** Every object declared, as `<Kind>/<name>`. */
  readonly objectNames: pulumi.Output<string[]>;

  constructor(name: string, args: ClusterMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    const cluster = args.stack.clusters.find((candidate) => candidate.name === args.clusterName);
    if (cluster === undefined) throw new Error(`ClusterMonitoring: the stack has no cluster ${args.clusterName}`);
    super(CLUSTER_MONITORING_TYPE, name, {}, opts);
    const monitoring = withAppConsumerLag(args.monitoring, args.consumerLag ?? []);
    const target: MonitoredCluster = { name: cluster.name, namespace: cluster.namespace, selectorLabels: selectorLabels(cluster), labels: commonLabels(cluster) };
    const labels = monitoring.podMonitor.labels;
    const inThis = { parent: this };
    const declared: string[] = [];
    if (monitoring.podMonitor.enabled) {
      const object = podMonitor(target, labels);
      new k8s.apiextensions.CustomResource(`${name}-pod-monitor`, object, inThis);
      declared.push(`${object.kind}/${object.metadata.name}`);
    }
    if (monitoring.prometheus) {
      const object = prometheusRule(target, clusterAlertRules(args.stack, cluster, monitoring, args.workerPools ?? []), labels);
      new k8s.apiextensions.CustomResource(`${name}-rules`, object, inThis);
      declared.push(`${object.kind}/${object.metadata.name}`);
    }
    if (monitoring.dashboards) {
      const dashboards = clusterDashboards(args.stack, cluster, monitoring, args.workerPools ?? []);
      for (const configMap of dashboardConfigMaps(target, dashboards, labels)) {
        const configMapName = (configMap.metadata as { name: string }).name;
        new k8s.core.v1.ConfigMap(`${name}-${configMapName}`, configMap, inThis);
        declared.push(`ConfigMap/${configMapName}`);
      }
    }
    this.objectNames = pulumi.output(declared);
    this.registerOutputs({ objectNames: this.objectNames });
  }
}
