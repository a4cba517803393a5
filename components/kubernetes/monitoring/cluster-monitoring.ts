/**
 * The ClusterMonitoring component: what Prometheus and Grafana need to watch one cluster of a stack, from
 * the same model functions the tests replay through promtool. A PodMonitor scrapes the exporter sidecars, a
 * PrometheusRule holds the cluster's alert rules, and a ConfigMap per dashboard feeds Grafana's sidecar.
 * Each object is declared only when the stack's `monitoring` says its operator is there.
 *
 * The args are the stack's own keys (its topology, accounts, streams and `monitoring`), so a problem is
 * reported at the path the stack file has it, and the component reads what any language can give it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AccountSpec } from "../../model/accounts";
import { ClusterSpec } from "../../model/cluster";
import { Problem, Problems, ValidationError } from "../../model/errors";
import { KeyValueSpec } from "../../model/kv";
import { HubAndLeafSpec } from "../../model/leaf";
import { clusterAlertRules, ScaledWorkerPool } from "../../model/monitoring/alert-rules";
import { clusterDashboards } from "../../model/monitoring/dashboards";
import { AppConsumerLag, Monitoring, resolveMonitoringInto, withAppConsumerLag } from "../../model/monitoring/monitoring";
import { MonitoringSpec } from "../../model/monitoring/monitoring-schema";
import { mergeProblems } from "../../model/schema-problems";
import { resolveStack, Stack, StackSpec } from "../../model/stack";
import { checkStackKeys } from "../../model/stack-schema";
import { StreamSpec } from "../../model/streams";
import { SuperClusterSpec } from "../../model/supercluster";
import { checkInputs } from "../../pulumi-errors";
import { dashboardConfigMaps, MonitoredCluster, podMonitor, prometheusRule } from "../../workloads/monitoring-objects";
import { commonLabels, selectorLabels } from "../cluster/labels";

export const CLUSTER_MONITORING_TYPE = "nats-jetstream:index:ClusterMonitoring";

/**
 * What ClusterMonitoring takes: the stack's keys that decide the rules and dashboards, and which cluster to
 * watch. The keys are written out rather than picked from StackSpec: the package's schema reads each field's
 * own comment, and StackSpec's other keys (cloud, aws, cost, backups) are not the monitoring's to take.
 */
export interface ClusterMonitoringArgs {
  /** The stack's single cluster; give exactly one of cluster, supercluster and hubLeaf. */
  cluster?: ClusterSpec;
  /** The stack's supercluster: a gateway alert per other member. */
  supercluster?: SuperClusterSpec;
  /** The stack's hub and leaf sites: a leaf-link alert on each site. */
  hubLeaf?: HubAndLeafSpec;
  /** The stack's accounts, which its streams belong to. */
  accounts?: AccountSpec[];
  /** The stack's streams: those on the watched cluster get storage, consumer and dead-letter rules and a dashboard row each. */
  streams?: StreamSpec[];
  /** The stack's key-value buckets, which its users may name. */
  keyValues?: KeyValueSpec[];
  /** The stack's Kubernetes version, "MAJOR.MINOR", as its topology was checked against. */
  kubernetesVersion?: string;
  /** As the stack says it: file streams with fewer than 3 replicas on instance storage are accepted. */
  acceptNodeLocalDataLoss?: boolean;
  /** The stack's `monitoring`: whether the operators are there, the objects' labels and the thresholds. Default: nothing declared. */
  monitoring?: MonitoringSpec;
  /** The cluster of the stack to watch; its namespace must exist. Default the topology's only cluster. */
  clusterName?: string;
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

/** The stack and its monitoring as the model resolves them, and the cluster watched; every problem at its stack key's path. */
function checkArgs(name: string, args: ClusterMonitoringArgs): { stack: Stack; monitoring: Monitoring; clusterName: string } {
  return checkInputs(() => {
    const spec: StackSpec = {
      cluster: args.cluster,
      supercluster: args.supercluster,
      hubLeaf: args.hubLeaf,
      accounts: args.accounts,
      streams: args.streams,
      keyValues: args.keyValues,
      kubernetesVersion: args.kubernetesVersion,
      acceptNodeLocalDataLoss: args.acceptNodeLocalDataLoss,
    };
    const given = Object.fromEntries(Object.entries({ ...spec, monitoring: args.monitoring }).filter(([, value]) => value !== undefined));
    const { problems: refused } = checkStackKeys(given);
    const problems = new Problems();
    let resolved: readonly Problem[] = [];
    let checked: { stack: Stack; monitoring: Monitoring; clusterName: string } | undefined;
    try {
      const stack = resolveStack(name, spec);
      const monitoring = resolveMonitoringInto(args.monitoring, stack.jetstream.streams, problems);
      const names = stack.clusters.map((cluster) => cluster.name);
      const clusterName = args.clusterName ?? (names.length === 1 ? names[0] : "");
      if (!names.includes(clusterName)) problems.add("clusterName", args.clusterName, `name a cluster of the stack: ${names.join(", ")}`);
      checked = { stack, monitoring: withAppConsumerLag(monitoring, args.consumerLag ?? []), clusterName };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      resolved = error.problems;
    }
    const all = mergeProblems(refused, [...resolved, ...problems.all]);
    if (all.length > 0 || checked === undefined) throw new ValidationError(all);
    return checked;
  });
}

/** The PodMonitor, PrometheusRule and Grafana dashboards of one cluster of a stack. */
export class ClusterMonitoring extends pulumi.ComponentResource {
  /** Every object declared, as `<Kind>/<name>`. */
  readonly objectNames: pulumi.Output<string[]>;

  constructor(name: string, args: ClusterMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const { stack, monitoring, clusterName } = checkArgs(name, args);
    super(CLUSTER_MONITORING_TYPE, name, {}, opts);
    const cluster = stack.clusters.find((candidate) => candidate.name === clusterName)!;
    const target: MonitoredCluster = { name: cluster.name, namespace: cluster.namespace, selectorLabels: selectorLabels(cluster), labels: commonLabels(cluster) };
    const labels = monitoring.podMonitor.labels;
    const pools = args.workerPools ?? [];
    const inThis = { parent: this };
    const declared: string[] = [];
    if (monitoring.podMonitor.enabled) {
      const object = podMonitor(target, labels);
      new k8s.apiextensions.CustomResource(`${name}-pod-monitor`, object, inThis);
      declared.push(`${object.kind}/${object.metadata.name}`);
    }
    if (monitoring.prometheus) {
      const object = prometheusRule(target, clusterAlertRules(stack, cluster, monitoring, pools), labels);
      new k8s.apiextensions.CustomResource(`${name}-rules`, object, inThis);
      declared.push(`${object.kind}/${object.metadata.name}`);
    }
    if (monitoring.dashboards) {
      for (const configMap of dashboardConfigMaps(target, clusterDashboards(stack, cluster, monitoring, pools), labels)) {
        const configMapName = (configMap.metadata as { name: string }).name;
        new k8s.core.v1.ConfigMap(`${name}-${configMapName}`, configMap, inThis);
        declared.push(`ConfigMap/${configMapName}`);
      }
    }
    this.objectNames = pulumi.output(declared);
    this.registerOutputs({ objectNames: this.objectNames });
  }
}
