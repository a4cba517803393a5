/**
 * The schema checks the monitoring objects are held to refuse what the API server would: a misspelt field
 * (the CRD schemas, closed) and a malformed duration (prometheus-operator's validators).
 */
import { describe, expect, it } from "vitest";
import { clusterAlertRules } from "../../components/model/monitoring/alert-rules";
import { podMonitor, prometheusRule } from "../../components/workloads/monitoring-objects";
import { schemaProblems } from "../support/k8s-schema";
import { monitoredStack, stackKeys } from "../support/monitored-stacks";

const monitored = monitoredStack("small", stackKeys("small"));
const cluster = monitored.stack.clusters[0];
const target = { name: cluster.name, namespace: cluster.namespace, selectorLabels: { app: "nats" }, labels: { app: "nats" } };

describe("monitoring objects against their CRDs", () => {
  it("accepts the PodMonitor and PrometheusRule the builders make", () => {
    expect(schemaProblems(podMonitor(target, { release: "prometheus" }) as unknown as Record<string, unknown>)).toEqual([]);
    expect(schemaProblems(prometheusRule(target, clusterAlertRules(monitored.stack, cluster, monitored.monitoring), {}) as unknown as Record<string, unknown>)).toEqual([]);
  });

  it("refuses a misspelt endpoint field and a rule whose for is no duration", () => {
    const monitor = podMonitor(target, {}) as unknown as { spec: { podMetricsEndpoints: Record<string, unknown>[] } };
    monitor.spec.podMetricsEndpoints[0].intervall = "30s";
    expect(schemaProblems(monitor as unknown as Record<string, unknown>)).toEqual([".spec.podMetricsEndpoints[0].intervall: unknown field"]);
    const rule = prometheusRule(target, [{ name: "g", rules: [{ alert: "A", expr: "up == 0", for: "5 minutes", labels: { severity: "warning" }, annotations: { summary: "", description: "", runbook_url: "" } }] }], {});
    expect(schemaProblems(rule as unknown as Record<string, unknown>).some((problem) => problem.startsWith(".spec.groups[0].rules[0].for:"))).toBe(true);
  });
});
