import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model/cluster";
import { ValidationError } from "../../components/model/errors";
import { consumerSettings, streamSettings } from "../../components/model/jetstream-config";
import { validateJetStreamResourceSet } from "../../components/model/jetstream-resource-set";
import { lightdash, LightdashSpec, lightdashStreams } from "../../components/workloads/lightdash-objects";

const natsUrl = "nats://nats.nats.svc:4222";

/** Lightdash as the chart installs it: NATS and every worker off. */
const base: LightdashSpec = {
  namespace: "lightdash",
  image: "lightdash/lightdash:0.2675.0",
  account: "LIGHTDASH",
  nats: { url: natsUrl },
  api: { creds: { name: "lightdash-api-creds" } },
  secretName: "lightdash-secrets",
};

const warehouse = { enabled: true, user: "warehouse", creds: { name: "warehouse-creds" } };
const preAggregate = { enabled: true, user: "pre-aggregate", creds: { name: "pre-aggregate-creds" } };
const enabled: LightdashSpec = { ...base, nats: { enabled: true, url: natsUrl }, warehouseWorker: warehouse, preAggregateWorker: preAggregate, preAggregates: { enabled: true, parquetEnabled: true } };

function problemsOf(spec: LightdashSpec): string[] {
  try {
    lightdash(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map((p) => `${p.path}: ${JSON.stringify(p.value)} -> ${p.allowed}`);
  }
  return [];
}

describe("Lightdash is off until enabled", () => {
  const site = lightdash(base);

  it("declares no stream and no worker", () => {
    expect(lightdashStreams(base)).toEqual([]);
    expect(site.warehouseWorker).toBeUndefined();
    expect(site.preAggregateWorker).toBeUndefined();
  });

  it("tells the API that NATS is off and gives it no NATS settings or creds", () => {
    expect(site.configMap.data).toEqual({ NATS_ENABLED: "false", PRE_AGGREGATES_ENABLED: "false", PRE_AGGREGATES_PARQUET_ENABLED: "false" });
    const pod = (site.api.deployment.spec as any).template.spec;
    expect(pod.volumes).toBeUndefined();
    expect(pod.containers[0].env.map((env: { name: string }) => env.name)).toEqual(["LIGHTDASH_SECRET", "PGPASSWORD"]);
  });
});

describe("Lightdash with NATS", () => {
  const site = lightdash({ ...enabled, env: { PGHOST: "postgres" } });

  it("shares NATS_ENABLED, NATS_URL and the pre-aggregate switches with every pod through one ConfigMap", () => {
    expect(site.configMap.metadata).toMatchObject({ name: "lightdash-config", namespace: "lightdash" });
    expect(site.configMap.data).toEqual({
      PGHOST: "postgres",
      NATS_ENABLED: "true",
      NATS_URL: natsUrl,
      PRE_AGGREGATES_ENABLED: "true",
      PRE_AGGREGATES_PARQUET_ENABLED: "true",
    });
    for (const deployment of [site.api.deployment, site.warehouseWorker!.deployment, site.preAggregateWorker!.deployment]) {
      const container = (deployment.spec as any).template.spec.containers[0];
      expect(container.envFrom).toEqual([{ configMapRef: { name: "lightdash-config" } }]);
      expect(container.env).toContainEqual({ name: "LIGHTDASH_SECRET", valueFrom: { secretKeyRef: { name: "lightdash-secrets", key: "LIGHTDASH_SECRET" } } });
      expect(container.env).toContainEqual({ name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "lightdash-secrets", key: "PGPASSWORD" } } });
    }
  });

  it("serves the API on 8080 behind a Service", () => {
    expect(site.api.service.spec).toMatchObject({ type: "ClusterIP", ports: [{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }] });
    const container = (site.api.deployment.spec as any).template.spec.containers[0];
    expect(container.readinessProbe.httpGet).toEqual({ path: "/api/v1/health", port: 8080 });
    expect(container.env).toContainEqual({ name: "NATS_CREDS", value: "/etc/nats-creds/user.creds" });
  });

  it("runs the chart's worker commands with its concurrency, resources, probes and grace period, and no preStop", () => {
    const workers = [
      [site.warehouseWorker!, "warehouse", { cpu: "250m", memory: "1.5Gi", "ephemeral-storage": "9Gi" }],
      [site.preAggregateWorker!, "pre-aggregate", { cpu: "650m", memory: "4Gi", "ephemeral-storage": "9Gi" }],
    ] as const;
    for (const [worker, stream, requests] of workers) {
      expect(worker.deployment.metadata).toMatchObject({ name: `lightdash-${stream}-worker` });
      const pod = (worker.deployment.spec as any).template.spec;
      const container = pod.containers[0];
      expect(container.command).toEqual(["node", "dist/natsWorker.js", "--stream", stream]);
      expect(container.env).toContainEqual({ name: "NATS_WORKER_CONCURRENCY", value: "100" });
      expect(container.resources).toEqual({ requests });
      expect(container.startupProbe.httpGet).toEqual({ path: "/api/v1/livez", port: 8080 });
      expect(container.livenessProbe.httpGet).toEqual({ path: "/api/v1/health", port: 8080 });
      expect(container.readinessProbe.httpGet).toEqual({ path: "/api/v1/health", port: 8080 });
      expect(container.lifecycle).toBeUndefined();
      expect(pod.terminationGracePeriodSeconds).toBe(90);
    }
  });

  it("lets Lightdash's pods, and only them, reach the NATS client port", () => {
    expect(site.natsIngressRule).toEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "lightdash" } }, podSelector: { matchLabels: { "app.kubernetes.io/part-of": "lightdash" } } }],
      ports: [{ protocol: "TCP", port: 4222 }],
    });
  });

  it("declares the two work-queue streams in memory with the workers' durable consumers", () => {
    const cluster = validateCluster({ name: "nats", tier: "dev" });
    const resources = validateJetStreamResourceSet(
      { streams: lightdashStreams({ ...enabled, preAggregateWorker: { ...preAggregate, concurrency: 40 } }) },
      { cluster, accounts: [{ name: "LIGHTDASH", users: [{ name: "warehouse" }, { name: "pre-aggregate" }] }] },
    );
    expect(resources.streams.map((stream) => [stream.name, stream.subjects, streamSettings(stream).retention, streamSettings(stream).storage])).toEqual([
      ["WAREHOUSE_QUERY_JOBS", ["warehouse.query.jobs"], "workqueue", "memory"],
      ["PRE_AGGREGATE_QUERY_JOBS", ["pre_aggregate.query.jobs", "pre_aggregate.materialization.jobs"], "workqueue", "memory"],
    ]);
    expect(resources.streams.map((stream) => consumerSettings(stream.consumers[0]))).toEqual([
      { durable_name: "worker-warehouse", ack_policy: "explicit", ack_wait: 30e9, max_deliver: 1, max_ack_pending: 100, deliver_policy: "all", replay_policy: "instant" },
      { durable_name: "worker-pre-aggregate", ack_policy: "explicit", ack_wait: 30e9, max_deliver: 1, max_ack_pending: 40, deliver_policy: "all", replay_policy: "instant" },
    ]);
    expect(resources.streams[0].consumers[0].workerUser).toBe("warehouse");
  });
});

describe("Lightdash's rules for turning NATS on", () => {
  it("refuses NATS without the warehouse worker, saying why", () => {
    expect(problemsOf({ ...base, nats: { enabled: true, url: natsUrl } })).toEqual([
      "lightdash.warehouseWorker.enabled: false -> set it true whenever nats.enabled is true: the API then sends every query to NATS, and with no warehouse worker to pull them, queries stall",
    ]);
    expect(() => lightdash({ ...base, nats: { enabled: true, url: natsUrl } })).toThrow(/queries stall/);
  });

  it("refuses workers while NATS is off", () => {
    expect(problemsOf({ ...base, warehouseWorker: warehouse })).toEqual([
      "lightdash.nats.enabled: false -> set it true, or turn warehouseWorker off: workers only pull jobs from NATS",
    ]);
  });

  it("refuses pre-aggregates on NATS without their worker, and Parquet without pre-aggregates", () => {
    expect(problemsOf({ ...enabled, preAggregateWorker: undefined })).toEqual([
      "lightdash.preAggregateWorker.enabled: false -> set it true whenever pre-aggregates and NATS are both enabled: pre-aggregate jobs go to NATS, and without this worker nobody runs them",
    ]);
    expect(problemsOf({ ...base, preAggregates: { parquetEnabled: true } })).toEqual([
      "lightdash.preAggregates.parquetEnabled: true -> set preAggregates.enabled too: Parquet is a pre-aggregate storage format",
    ]);
  });

  it("refuses a worker concurrency above its consumer's max ack pending", () => {
    const cluster = validateCluster({ name: "nats", tier: "dev" });
    const streams = lightdashStreams({ ...enabled, warehouseWorker: { ...warehouse, concurrency: 10 } });
    const resources = validateJetStreamResourceSet({ streams }, { cluster, accounts: [{ name: "LIGHTDASH", users: [{ name: "warehouse" }, { name: "pre-aggregate" }] }] });
    expect(() => lightdash({ ...enabled, warehouseWorker: { ...warehouse, concurrency: 20 } }, { resources })).toThrow(
      "lightdash.warehouseWorker.concurrency: 20 is not allowed; use at most 10, the maxAckPending of consumer worker-warehouse: the pool as a whole never has more jobs in flight",
    );
  });

  it("refuses a missing secret name", () => {
    expect(problemsOf({ ...base, secretName: "" })).toEqual([`lightdash.secretName: "" -> name the Secret holding LIGHTDASH_SECRET and PGPASSWORD`]);
  });
});
