/**
 * The project's stacks with Prometheus monitoring turned on, resolved as the program resolves them, and the
 * alert rules of each of their clusters: what the rule and dashboard tests check.
 */
import * as path from "path";
import { Cluster } from "../../components/model/cluster";
import { AlertRuleGroup, clusterAlertRules } from "../../components/model/monitoring/alert-rules";
import { Monitoring, resolveMonitoring } from "../../components/model/monitoring/monitoring";
import { MonitoringSpec } from "../../components/model/monitoring/monitoring-schema";
import { listStacks, readStackFile, Stack, stackFilePath } from "../../components/model/stack";
import { lightdashScaledPools, LightdashSettings } from "../../components/presets";
import { checkStack } from "../../components/stack-check";

const PROJECT_DIR = path.resolve(__dirname, "../..");

export interface MonitoredStack {
  name: string;
  stack: Stack;
  monitoring: Monitoring;
  rules: { cluster: Cluster; groups: AlertRuleGroup[] }[];
}

/** A stack file's keys with `monitoring` set, checked and resolved, with its clusters' rules. */
export function monitoredStack(name: string, keys: Record<string, unknown>, monitoring: MonitoringSpec = { prometheus: true, namespaces: ["monitoring"] }): MonitoredStack {
  const withMonitoring = { ...keys, monitoring };
  const stack = checkStack(name, withMonitoring);
  const resolved = resolveMonitoring(monitoring, stack.jetstream.streams);
  const pools = keys.lightdash === undefined ? [] : lightdashScaledPools(keys.lightdash as LightdashSettings);
  return { name, stack, monitoring: resolved, rules: stack.clusters.map((cluster) => ({ cluster, groups: clusterAlertRules(stack, cluster, resolved, pools) })) };
}

/** Every stack of stacks/ with its own `monitoring`, or Prometheus on with the seed defaults where it has none. */
export function everyMonitoredStack(): MonitoredStack[] {
  return listStacks(PROJECT_DIR).map((name) => {
    const keys = stackKeys(name);
    return monitoredStack(name, keys, (keys.monitoring as MonitoringSpec | undefined) ?? { prometheus: true, namespaces: ["monitoring"] });
  });
}

/** A stack file's keys as written. */
export function stackKeys(name: string): Record<string, unknown> {
  return readStackFile(stackFilePath(PROJECT_DIR, name)) as Record<string, unknown>;
}
