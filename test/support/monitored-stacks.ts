/**
 * The project's stacks with Prometheus monitoring turned on, resolved as the program resolves them, and the
 * alert rules of each of their clusters: what the rule and dashboard tests check.
 */
import * as path from "path";
import { Cluster } from "../../components/model/cluster";
import { AlertRuleGroup, clusterAlertRules, ScaledWorkerPool } from "../../components/model/monitoring/alert-rules";
import { AppMonitoring, Monitoring, resolveMonitoring, withAppConsumerLag } from "../../components/model/monitoring/monitoring";
import { MonitoringSpec } from "../../components/model/monitoring/monitoring-schema";
import { listStacks, readStackFile, Stack, stackFilePath } from "../../components/model/stack";
import { lightdashScaledPools, LightdashSettings } from "../../components/presets";
import { checkStack } from "../../components/stack-check";
import { dagnatsMonitoring } from "../../components/workloads/dagnats-monitoring";
import { DAGNATS_ENGINE, dagnatsStackKeys } from "./dagnats-stack";

const PROJECT_DIR = path.resolve(__dirname, "../..");

export interface MonitoredStack {
  name: string;
  stack: Stack;
  monitoring: Monitoring;
  /** The worker pools whose lag is watched. */
  pools: ScaledWorkerPool[];
  rules: { cluster: Cluster; groups: AlertRuleGroup[] }[];
}

/**
 * A stack file's keys with `monitoring` set, checked and resolved, with its clusters' rules; a Lightdash
 * preset's pools and what `app` brings (an application the program runs beside the stack) are watched too.
 */
export function monitoredStack(name: string, keys: Record<string, unknown>, monitoring: MonitoringSpec = { prometheus: true, namespaces: ["monitoring"] }, app?: AppMonitoring): MonitoredStack {
  const withMonitoring = { ...keys, monitoring };
  const stack = checkStack(name, withMonitoring);
  const resolved = withAppConsumerLag(resolveMonitoring(monitoring, stack.jetstream.streams), app?.consumerLag ?? []);
  const pools = [...(keys.lightdash === undefined ? [] : lightdashScaledPools(keys.lightdash as LightdashSettings)), ...(app?.workerPools ?? [])];
  return { name, stack, monitoring: resolved, pools, rules: stack.clusters.map((cluster) => ({ cluster, groups: clusterAlertRules(stack, cluster, resolved, pools) })) };
}

/** A stack with a DagNATS engine beside it, its task pools and history consumer watched as the engine brings them. */
export function dagnatsMonitoredStack(): MonitoredStack {
  return monitoredStack(DAGNATS_STACK, dagnatsStackKeys(), undefined, dagnatsMonitoring(DAGNATS_ENGINE));
}

/** The name the DagNATS engine's stack goes by here, apart from any stack file's. */
export const DAGNATS_STACK = "dagnats-engine";

/**
 * Every stack of stacks/ with its own `monitoring`, or Prometheus on with the seed defaults where it has none,
 * and the stack with a DagNATS engine.
 */
export function everyMonitoredStack(): MonitoredStack[] {
  const files = listStacks(PROJECT_DIR).map((name) => {
    const keys = stackKeys(name);
    return monitoredStack(name, keys, (keys.monitoring as MonitoringSpec | undefined) ?? { prometheus: true, namespaces: ["monitoring"] });
  });
  return [...files, dagnatsMonitoredStack()];
}

/** A stack file's keys as written. */
export function stackKeys(name: string): Record<string, unknown> {
  return readStackFile(stackFilePath(PROJECT_DIR, name)) as Record<string, unknown>;
}
