/**
 * The ClusterMonitoring component as a program using the package declares it: from the stack's keys, with
 * what a DagNATS engine brings (its KEDA-scaled task pools and its history consumer), every object valid
 * against its schema; and the refusals, each at the stack key's path, before anything is registered.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ClusterMonitoringArgs } from "../../components/kubernetes/monitoring/cluster-monitoring";
import type { AlertRule } from "../../components/model/monitoring/alert-rules";
import { dagnatsMonitoring } from "../../components/workloads/dagnats-monitoring";
import { expectEachValid, expectRefusal } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";
import { DAGNATS_ENGINE, dagnatsStackKeys } from "../support/dagnats-stack";
import { stackKeys } from "../support/monitored-stacks";

const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

const { mocks, deploy } = await componentStack({ preview: false });
// Loaded after the mocks, so the component registers with them.
const { ClusterMonitoring } = await import("../../components/kubernetes/monitoring/cluster-monitoring");

const prometheus = { prometheus: true, namespaces: ["monitoring"] };
const dagnatsArgs = (): ClusterMonitoringArgs => ({ ...(dagnatsStackKeys() as ClusterMonitoringArgs), monitoring: prometheus, ...dagnatsMonitoring(DAGNATS_ENGINE) });

describe("a cluster running a DagNATS engine", () => {
  let rules: AlertRule[];
  beforeAll(async () => {
    await deploy(() => new ClusterMonitoring("nats-monitoring", dagnatsArgs()));
    rules = mocks.ofType(PROMETHEUS_RULE)[0].inputs.spec.groups.flatMap((group: { rules: AlertRule[] }) => group.rules);
  });

  it("declares a PodMonitor, the rules and the five dashboards, each valid against its schema", () => {
    const objects = mocks.kubernetesObjects();
    expect(objects.map((object) => object.type.split(":")[2]).sort()).toEqual([...Array(5).fill("ConfigMap"), "PodMonitor", "PrometheusRule"]);
    expectEachValid(objects);
  });

  it("alerts on each task type of the scaled pool before KEDA runs its most pods, and not on the pool of a fixed size", () => {
    const pools = rules.filter((rule) => rule.alert === "NatsWorkerPoolLag");
    // maxReplicas 6 at 4 tasks per pod (the pool's concurrency): KEDA's most at a lag of 24, the alert at 80% of it.
    expect(pools.map((rule) => [rule.labels.consumer_name, rule.expr.split(" > ")[1]])).toEqual([
      ["workers-summarize", "19"],
      ["workers-classify", "19"],
    ]);
  });

  it("alerts on the lag of the history consumer the engine creates, at the checklist's 500", () => {
    const lag = rules.filter((rule) => rule.alert === "NatsConsumerLag");
    expect(lag.map((rule) => rule.labels)).toEqual([{ severity: "warning", stream_name: "WORKFLOW_HISTORY", consumer_name: "orchestrator" }]);
    expect(lag[0].expr).toMatch(/ > 500$/);
  });

  it("alerts on the history consumer at the lag the program gives it instead of the default", async () => {
    await deploy(() => new ClusterMonitoring("nats-monitoring", { ...dagnatsArgs(), consumerLag: [{ stream: "WORKFLOW_HISTORY", consumer: "orchestrator", pending: 200 }] }));
    const lag = mocks.ofType(PROMETHEUS_RULE)[0].inputs.spec.groups.flatMap((group: { rules: AlertRule[] }) => group.rules).filter((rule: AlertRule) => rule.alert === "NatsConsumerLag");
    expect(lag.map((rule: AlertRule) => rule.expr.split(" > ")[1])).toEqual(["200"]);
  });
});

describe("bad ClusterMonitoring args", () => {
  const supercluster = stackKeys("supercluster") as ClusterMonitoringArgs;
  const cases: [string, ClusterMonitoringArgs, string, RegExp][] = [
    ["a percentage above 100", { ...dagnatsArgs(), monitoring: { ...prometheus, thresholds: { storagePercent: 120 } } }, "monitoring.thresholds.storagePercent", /120 is not allowed; use a percentage above 0 and at most 100/],
    ["a negative threshold", { ...dagnatsArgs(), monitoring: { thresholds: { consumerPending: -1 } } }, "monitoring.thresholds.consumerPending", /-1 is not allowed; use a whole number from 1/],
    ["a lag rule on a consumer the stream does not declare", { ...dagnatsArgs(), monitoring: { consumerLag: [{ stream: "TASK_QUEUES", consumer: "workers-render" }] } }, "monitoring.consumerLag[0].consumer", /name a consumer declared under the stream TASK_QUEUES/],
    ["a cluster the stack does not have", { ...dagnatsArgs(), clusterName: "nats-eu" }, "clusterName", /"nats-eu" is not allowed; name a cluster of the stack: nats/],
    ["no cluster named in a supercluster", { ...supercluster, monitoring: prometheus }, "clusterName", /nothing is not allowed; name a cluster of the stack: us-east, eu-west, ap-south/],
  ];
  it.each(cases)("refuses %s by its path", async (_, args, path, message) => {
    const { paths, message: text } = await expectRefusal(mocks, () => new ClusterMonitoring("nats-monitoring", args));
    expect(paths).toEqual([path]);
    expect(text).toMatch(message);
  });
});
