/**
 * What the program declares for a stack's `monitoring`, the same in a preview and in an update: a PodMonitor
 * per cluster selecting its servers' metrics port, a PrometheusRule holding exactly the model's rules,
 * dashboards labelled for Grafana's sidecar, every object valid against its schema, and the NetworkPolicy
 * letting every monitoring namespace in.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { clusterAlertRules } from "../../components/model/monitoring/alert-rules";
import { resolveMonitoring } from "../../components/model/monitoring/monitoring";
import { checkStack } from "../../components/stack-check";
import { installMocks, MockRecorder, RecordedResource } from "../../components/testing";
import { expectEachValid } from "./component-expectations";
import { stackKeys } from "./monitored-stacks";
import { programRunner, StackConfig } from "./program-run";

const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

export function describeMonitoredProgram(preview: boolean): void {
  let mocks: MockRecorder;
  let runProgram: (config: StackConfig) => Promise<unknown>;
  let pulumi: typeof import("@pulumi/pulumi");

  beforeAll(async () => {
    mocks = await installMocks({ preview, stack: "small", newRandomResources: preview });
    pulumi = await import("@pulumi/pulumi");
    runProgram = programRunner(mocks, pulumi);
  });

  /** Inputs not known yet (creds in a first preview) stand in as text: the monitoring objects hold none. */
  function known(value: unknown): unknown {
    if (pulumi.isUnknown(value)) return "(known after the update)";
    if (Array.isArray(value)) return value.map(known);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, known(item)]));
    return value;
  }

  function dashboards(): RecordedResource[] {
    return mocks.ofType("kubernetes:core/v1:ConfigMap").filter((object) => object.inputs.metadata.labels?.grafana_dashboard === "1");
  }

  const small = stackKeys("small");
  const monitoring = { prometheus: true, namespaces: ["monitoring", "keda"], podMonitor: { labels: { release: "kube-prometheus-stack" } }, consumerLag: [{ stream: "JOBS", consumer: "workers" }] };

  describe(`${preview ? "a preview" : "an update"} of a monitored cluster`, () => {
    beforeAll(async () => {
      await runProgram({ ...small, monitoring, monitoringNamespace: "observability" });
    });

    it("declares a PodMonitor selecting the servers' metrics port, labelled for the Prometheus, tagging series with the cluster", () => {
      const [podMonitor] = mocks.ofType(POD_MONITOR);
      const statefulSet = mocks.ofType("kubernetes:apps/v1:StatefulSet")[0].inputs;
      expect(mocks.ofType(POD_MONITOR)).toHaveLength(1);
      expect(podMonitor.inputs.metadata).toMatchObject({ name: "nats", namespace: "nats", labels: { release: "kube-prometheus-stack" } });
      expect(podMonitor.inputs.spec.selector.matchLabels).toEqual(statefulSet.spec.selector.matchLabels);
      const exporter = statefulSet.spec.template.spec.containers.find((container: { name: string }) => container.name === "exporter");
      expect(exporter.ports.map((port: { name: string }) => port.name)).toContain(podMonitor.inputs.spec.podMetricsEndpoints[0].port);
      expect(podMonitor.inputs.spec.podMetricsEndpoints[0].relabelings).toEqual([{ action: "replace", targetLabel: "nats_cluster", replacement: "nats" }]);
    });

    it("declares the model's rules, exactly, in one PrometheusRule", () => {
      const keys = { ...small, monitoring };
      const stack = checkStack("small", keys);
      const expected = clusterAlertRules(stack, stack.clusters[0], resolveMonitoring(monitoring, stack.jetstream.streams));
      const [rule] = mocks.ofType(PROMETHEUS_RULE);
      expect(rule.inputs.metadata).toMatchObject({ name: "nats-alerts", namespace: "nats", labels: { release: "kube-prometheus-stack" } });
      expect(rule.inputs.spec.groups).toEqual(expected);
      expect(rule.inputs.spec.groups.flatMap((group: { rules: { alert: string }[] }) => group.rules.map((entry) => entry.alert))).toContain("NatsConsumerLag");
    });

    it("declares one dashboard ConfigMap per dashboard for Grafana's sidecar, each holding dashboard JSON", () => {
      const names = dashboards().map((object) => object.inputs.metadata.name).sort();
      expect(names).toEqual(["nats-dashboard-health", "nats-dashboard-links", "nats-dashboard-storage", "nats-dashboard-streams"]);
      for (const object of dashboards()) {
        const [[file, text]] = Object.entries(object.inputs.data as Record<string, string>);
        expect(JSON.parse(text)).toMatchObject({ uid: file.replace(/\.json$/, ""), panels: expect.any(Array) });
      }
    });

    it("lets every monitoring namespace read the monitor and metrics ports", () => {
      const [, , monitoringRule] = mocks.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")[0].inputs.spec.ingress;
      const namespaces = monitoringRule.from.flatMap((peer: { namespaceSelector?: { matchLabels: Record<string, string> } }) => (peer.namespaceSelector ? [peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]] : []));
      expect(namespaces).toEqual(["observability", "monitoring", "keda"]);
      expect(monitoringRule.ports.map((port: { port: number }) => port.port)).toEqual([8222, 7777]);
    });

    it("makes every monitoring object valid against its schema, with no unknown field", () => {
      const objects = [...mocks.ofType(POD_MONITOR), ...mocks.ofType(PROMETHEUS_RULE), ...dashboards(), ...mocks.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")];
      expect(objects).toHaveLength(7);
      expectEachValid(objects, { inputsOf: (object) => known(object.inputs) as Record<string, unknown> });
    });
  });

  describe(`${preview ? "a preview" : "an update"} of a monitored supercluster`, () => {
    it("watches each cluster through its own Kubernetes provider, with gateway alerts for the others", async () => {
      await runProgram({ ...stackKeys("supercluster"), monitoring: { prometheus: true, namespaces: ["monitoring"] } });
      const podMonitors = mocks.ofType(POD_MONITOR);
      expect(podMonitors.map((object) => object.inputs.spec.podMetricsEndpoints[0].relabelings[0].replacement).sort()).toEqual(["ap-south", "eu-west", "us-east"]);
      const providers = new Set(podMonitors.map((object) => object.options.provider));
      expect(providers.size).toBe(3);
      for (const rule of mocks.ofType(PROMETHEUS_RULE)) {
        const gateways = rule.inputs.spec.groups.flatMap((group: { rules: { alert: string; labels: Record<string, string> }[] }) => group.rules.filter((entry) => entry.alert === "NatsGatewayDown"));
        expect(gateways).toHaveLength(2);
      }
      expectEachValid([...podMonitors, ...mocks.ofType(PROMETHEUS_RULE)], { inputsOf: (object) => known(object.inputs) as Record<string, unknown> });
    });
  });

  describe(`${preview ? "a preview" : "an update"} without Prometheus`, () => {
    it("declares no monitoring object when the stack has no monitoring key", async () => {
      await runProgram(small);
      expect([...mocks.ofType(POD_MONITOR), ...mocks.ofType(PROMETHEUS_RULE), ...dashboards()]).toEqual([]);
    });

    it("keeps the rules and dashboards but no PodMonitor when the stack turns it off", async () => {
      await runProgram({ ...small, monitoring: { prometheus: true, namespaces: ["monitoring"], podMonitor: { enabled: false } } });
      expect(mocks.ofType(POD_MONITOR)).toEqual([]);
      expect(mocks.ofType(PROMETHEUS_RULE)).toHaveLength(1);
      expect(dashboards().length).toBeGreaterThan(0);
    });
  });
}
