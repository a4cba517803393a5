import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model/cluster";
import { ValidationError } from "../../components/model/errors";
import { validateJetStreamResourceSet } from "../../components/model/jetstream-resource-set";
import { clusterMonitoringEndpoint } from "../../components/kubernetes/apps/lag-scaling";
import { workerPool, WorkerPoolSpec } from "../../components/workloads/worker-pool-objects";

const cluster = validateCluster({ name: "nats", tier: "small" });

function spec(overrides: Partial<WorkerPoolSpec> = {}): WorkerPoolSpec {
  return {
    name: "resizer",
    namespace: "apps",
    image: "example/resizer:1",
    natsUrl: "nats://nats.nats.svc:4222",
    creds: { name: "resizer-creds" },
    consumers: [{ stream: "IMAGES", durable: "resizer" }],
    concurrency: 8,
    port: 8080,
    probes: { startup: { path: "/livez" }, liveness: { path: "/healthz" }, readiness: { path: "/ready", port: 9090 } },
    ...overrides,
  };
}

function problemsOf(pool: WorkerPoolSpec, options: Parameters<typeof workerPool>[1] = {}): string[] {
  try {
    workerPool(pool, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map((p) => `${p.path}: ${JSON.stringify(p.value)} -> ${p.allowed}`);
  }
  return [];
}

const podOf = (pool: ReturnType<typeof workerPool>) => (pool.deployment.spec as any).template.spec;

describe("a worker pool's objects", () => {
  const pool = workerPool(spec());
  const pod = podOf(pool);
  const container = pod.containers[0];

  it("tells the image the NATS URL, its creds file and its concurrency", () => {
    expect(container.env.slice(0, 3)).toEqual([
      { name: "NATS_URL", value: "nats://nats.nats.svc:4222" },
      { name: "NATS_CREDS", value: "/etc/nats-creds/user.creds" },
      { name: "NATS_WORKER_CONCURRENCY", value: "8" },
    ]);
  });

  it("mounts only the creds file of its own user, read-only", () => {
    expect(pod.volumes).toEqual([{ name: "nats-creds", secret: { secretName: "resizer-creds", defaultMode: 0o440, items: [{ key: "user.creds", path: "user.creds" }] } }]);
    expect(container.volumeMounts).toEqual([{ name: "nats-creds", mountPath: "/etc/nats-creds", readOnly: true }]);
    expect(pod.securityContext).toEqual({ fsGroup: 1000 });
  });

  it("probes over HTTP, on the pool's port unless a probe names its own", () => {
    expect(container.startupProbe).toEqual({ httpGet: { path: "/livez", port: 8080 }, periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 3 });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: 8080 });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/ready", port: 9090 });
    expect(container.lifecycle).toBeUndefined();
  });

  it("runs two pods by default, spread over nodes, never both down for a rollout or a drain", () => {
    const deployment = pool.deployment.spec as any;
    expect(deployment.replicas).toBe(2);
    expect(deployment.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe("kubernetes.io/hostname");
    expect(pool.podDisruptionBudget.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "resizer", "app.kubernetes.io/instance": "resizer" } } });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(pool.scaledObject).toBeUndefined();
  });

  it("takes the image's own variable names and the pod's grace period", () => {
    const custom = podOf(workerPool(spec({ envNames: { natsUrl: "APP_NATS", credsPath: "APP_CREDS" }, concurrencyEnv: "APP_JOBS", terminationGracePeriodSeconds: 90, antiAffinity: "none" })));
    expect(custom.containers[0].env.map((env: { name: string }) => env.name)).toEqual(["APP_NATS", "APP_CREDS", "APP_JOBS"]);
    expect(custom.terminationGracePeriodSeconds).toBe(90);
    expect(custom.affinity).toBeUndefined();
  });

  it("leaves the pod count to KEDA when it scales on lag, with one trigger per consumer", () => {
    const scaled = workerPool(
      spec({
        consumers: [{ stream: "IMAGES", durable: "resizer" }, { stream: "IMAGES", durable: "thumbnails" }],
        autoscaling: { minReplicas: 0, maxReplicas: 6, account: "AAPUBLICKEY", monitoringEndpoint: clusterMonitoringEndpoint(cluster) },
      }),
    );
    expect((scaled.deployment.spec as any).replicas).toBeUndefined();
    expect(scaled.scaledObject!.spec).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 6, pollingInterval: 15, cooldownPeriod: 300 });
    expect(scaled.scaledObject!.spec.triggers.map((trigger) => [trigger.type, trigger.metadata.consumer, trigger.metadata.lagThreshold])).toEqual([
      ["nats-jetstream", "resizer", "8"],
      ["nats-jetstream", "thumbnails", "8"],
    ]);
    expect(scaled.scaledObject!.spec.triggers[0].metadata.natsServerMonitoringEndpoint).toBe("nats-headless.nats.svc.cluster.local:8222");
  });
});

describe("worker pool validation", () => {
  it("accepts a well-formed pool", () => {
    expect(problemsOf(spec())).toEqual([]);
  });

  it("refuses bad names, image and NATS URL", () => {
    expect(problemsOf(spec({ name: "Resizer", namespace: "apps_1", image: " ", natsUrl: "http://nats:4222" }))).toEqual([
      `workerPool.name: "Resizer" -> use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
      `workerPool.namespace: "apps_1" -> use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
      `workerPool.image: " " -> name a container image`,
      `workerPool.natsUrl: "http://nats:4222" -> use a NATS URL such as "nats://nats.nats.svc:4222"`,
    ]);
  });

  it("refuses a pool without NATS or without consumers", () => {
    expect(problemsOf(spec({ natsUrl: undefined as never, creds: undefined as never }))).toEqual([
      `workerPool.natsUrl: undefined -> give the pool a NATS URL and its user's creds: it pulls its jobs from NATS`,
    ]);
    expect(problemsOf(spec({ creds: undefined as never }))).toEqual([
      "workerPool.creds: undefined -> give both natsUrl and creds, or neither: every NATS client connects as its own user",
    ]);
    expect(problemsOf(spec({ consumers: [] }))).toEqual(["workerPool.consumers: [] -> name at least one durable consumer the pool pulls from"]);
  });

  it("refuses counts that are not whole numbers in range", () => {
    expect(problemsOf(spec({ concurrency: 0, replicas: 0, terminationGracePeriodSeconds: -1, maxUnavailable: 0 }))).toEqual([
      "workerPool.replicas: 0 -> use a whole number of at least 1",
      "workerPool.terminationGracePeriodSeconds: -1 -> use a whole number of at least 0",
      "workerPool.maxUnavailable: 0 -> use a whole number of at least 1",
      "workerPool.concurrency: 0 -> use a whole number of at least 1",
    ]);
  });

  it("refuses bad probes and anti-affinity", () => {
    expect(problemsOf(spec({ port: undefined, probes: { liveness: { path: "healthz" } }, antiAffinity: "sometimes" as never }))).toEqual([
      `workerPool.antiAffinity: "sometimes" -> use one of preferred, required, none`,
      `workerPool.probes.liveness.path: "healthz" -> use an HTTP path starting with '/'`,
      "workerPool.probes.liveness.port: undefined -> give the probe a port, or the application a port",
    ]);
  });

  it("refuses fixed replicas next to autoscaling, and a maximum below the minimum", () => {
    const autoscaling = { minReplicas: 3, maxReplicas: 2, lagThreshold: 0, account: "$G", monitoringEndpoint: "nats-headless:8222" };
    expect(problemsOf(spec({ replicas: 2, autoscaling }))).toEqual([
      "workerPool.replicas: 2 -> leave replicas out when autoscaling is set: the autoscaler owns the pod count",
      "workerPool.autoscaling.maxReplicas: 2 -> use a whole number of at least 3",
      "workerPool.autoscaling.lagThreshold: 0 -> use a whole number of at least 1",
    ]);
  });

  it("checks the consumers against the declared streams and their max ack pending", () => {
    const resources = validateJetStreamResourceSet(
      { streams: [{ name: "IMAGES", account: "APP", subjects: ["images.>"], retention: "workqueue", consumers: [{ durable: "resizer", maxAckPending: 4 }] }] },
      { cluster, accounts: [{ name: "APP", users: [] }] },
    );
    expect(problemsOf(spec(), { resources })).toEqual([
      "workerPool.concurrency: 8 -> use at most 4, the maxAckPending of consumer resizer: the pool as a whole never has more jobs in flight",
    ]);
    expect(problemsOf(spec({ consumers: [{ stream: "IMAGES", durable: "ghost" }] }), { resources })).toEqual([
      `workerPool.consumers[0].durable: "ghost" -> name a consumer of IMAGES (resizer)`,
    ]);
    expect(problemsOf(spec({ consumers: [{ stream: "VIDEOS", durable: "x" }] }), { resources })).toEqual([
      `workerPool.consumers[0].stream: "VIDEOS" -> name a declared stream (IMAGES)`,
    ]);
  });
});
