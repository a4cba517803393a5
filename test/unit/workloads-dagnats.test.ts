import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model/cluster";
import { ValidationError } from "../../components/model/errors";
import { validateJetStreamResourceSet } from "../../components/model/jetstream-resource-set";
import { GIBIBYTE, parseBytes } from "../../components/model/quantity";
import { dagnats, dagnatsJetStream, DagnatsSpec } from "../../components/workloads/dagnats-objects";

const small = validateCluster({ name: "nats", tier: "small" });
const dev = validateCluster({ name: "nats", tier: "dev" });

const spec: DagnatsSpec = {
  namespace: "dagnats",
  image: "dagnats/dagnats:1.0.0",
  account: "DAGNATS",
  natsUrl: "nats://nats.nats.svc:4222",
  storeBudget: "10Gi",
  engine: { creds: { name: "engine-creds" } },
  taskPools: [
    { name: "llm", taskTypes: ["summarize", "classify"], user: "llm", creds: { name: "llm-creds" }, concurrency: 4, maxAckPending: 16 },
    { name: "io", taskTypes: ["fetch"], user: "io", creds: { name: "io-creds" }, port: 9090 },
  ],
  webhookSecret: "webhook-from-pulumi",
  bridgeToken: "bridge-from-pulumi",
};
const accounts = [{ name: "DAGNATS", users: [{ name: "llm" }, { name: "io" }] }];

function problemsOf(overrides: Partial<DagnatsSpec>): string[] {
  try {
    dagnats({ ...spec, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map((p) => `${p.path}: ${JSON.stringify(p.value)} -> ${p.allowed}`);
  }
  return [];
}

describe("the engine's streams and buckets", () => {
  const declared = dagnatsJetStream(spec, small);
  const resources = validateJetStreamResourceSet(declared, { cluster: small, accounts });
  const byName = new Map(resources.streams.map((stream) => [stream.name, stream]));

  it("keep history, events, dead letters, telemetry and trigger fires for their windows, bounded by age", () => {
    const windows = ["WORKFLOW_HISTORY", "EVENTS", "DEAD_LETTERS", "TELEMETRY", "TRIGGER_HISTORY"].map((name) => {
      const stream = byName.get(name)!;
      return [name, stream.maxAge, stream.dominantLimit, stream.duplicateWindow];
    });
    expect(windows).toEqual([
      ["WORKFLOW_HISTORY", "720h", "maxAge", "5s"],
      ["EVENTS", "336h", "maxAge", "2m"],
      ["DEAD_LETTERS", "720h", "maxAge", "24h"],
      ["TELEMETRY", "168h", "maxAge", "5s"],
      ["TRIGGER_HISTORY", "720h", "maxAge", "2m"],
    ]);
  });

  it("give every file stream a byte ceiling that is its share of the store budget, 80% in all", () => {
    const shares = Object.fromEntries(resources.streams.filter((stream) => stream.storage === "file").map((stream) => [stream.name, stream.maxBytes! / (10 * GIBIBYTE)]));
    expect(shares).toEqual({
      WORKFLOW_HISTORY: expect.closeTo(0.3, 3),
      TASK_QUEUES: expect.closeTo(0.12, 3),
      EVENTS: expect.closeTo(0.15, 3),
      DEAD_LETTERS: expect.closeTo(0.05, 3),
      SLEEP_TIMERS: expect.closeTo(0.04, 3),
      TELEMETRY: expect.closeTo(0.1, 3),
      TRIGGER_HISTORY: expect.closeTo(0.04, 3),
    });
    expect(Object.values(shares).reduce((sum, share) => sum + share, 0)).toBeLessThanOrEqual(0.8);
  });

  it("keep pending tasks and timers without an age limit", () => {
    expect(byName.get("TASK_QUEUES")).toMatchObject({ retention: "workqueue", maxAge: undefined, dominantLimit: "maxBytes", subjects: ["task.>"] });
    expect(byName.get("SLEEP_TIMERS")).toMatchObject({ retention: "limits", maxAge: undefined, dominantLimit: "maxBytes", subjects: ["sleep.>", "scheduled.>"] });
    expect(byName.has("STICKY_TASKS")).toBe(false);
  });

  it("give each task type one durable pull consumer on its own subjects", () => {
    expect(byName.get("TASK_QUEUES")!.consumers.map((consumer) => [consumer.durable, consumer.filterSubject, consumer.ackPolicy, consumer.maxAckPending, consumer.workerUser])).toEqual([
      ["workers-summarize", "task.summarize.>", "explicit", 16, "llm"],
      ["workers-classify", "task.classify.>", "explicit", 16, "llm"],
      ["workers-fetch", "task.fetch.>", "explicit", 1000, "io"],
    ]);
  });

  it("add the memory-backed sticky task stream when asked", () => {
    const sticky = dagnatsJetStream({ ...spec, stickyTasks: true }, small).streams.find((stream) => stream.name === "STICKY_TASKS");
    expect(sticky).toEqual({ name: "STICKY_TASKS", account: "DAGNATS", subjects: ["sticky.>"], storage: "memory", maxAge: "30m" });
  });

  it("hold the engine's buckets, with heartbeats expiring after 60s and sticky bindings after 25h", () => {
    const buckets = new Map(resources.keyValues.map((kv) => [kv.bucket, kv]));
    expect(buckets.size).toBe(16);
    expect(buckets.get("workers")!.ttl).toBe("60s");
    expect(buckets.get("sticky_bindings")!.ttl).toBe("25h");
    expect(buckets.get("workflow_defs")).toMatchObject({ ttl: undefined, history: 1, replicas: 3 });
    expect(buckets.get("approval_tokens")).toMatchObject({ ttl: "168h", history: 1 });
  });

  it("size the ceilings from the cluster's own file store unless a budget is given", () => {
    const { streams } = dagnatsJetStream({ ...spec, storeBudget: undefined }, dev);
    const history = streams.find((stream) => stream.name === "WORKFLOW_HISTORY")!;
    expect(parseBytes(history.maxBytes!)).toBeLessThanOrEqual(dev.jetstream.maxFileStore * 0.3);
    expect(() => validateJetStreamResourceSet(dagnatsJetStream({ ...spec, storeBudget: undefined }, dev), { cluster: dev, accounts })).not.toThrow();
  });

  it("are refused when the budget does not fit the cluster", () => {
    expect(() => validateJetStreamResourceSet(dagnatsJetStream(spec, dev), { cluster: dev, accounts })).toThrow(/use at most \d+Mi, the file store of one server/);
  });
});

describe("the engine's Kubernetes objects", () => {
  const engine = dagnats(spec);

  it("keeps the webhook secret and bridge token in a Secret, as given", () => {
    expect(engine.secret.metadata).toMatchObject({ name: "dagnats-secrets", namespace: "dagnats" });
    expect(engine.secret.stringData).toEqual({ DAGNATS_WEBHOOK_SECRET: "webhook-from-pulumi", DAGNATS_BRIDGE_TOKEN: "bridge-from-pulumi" });
    const container = (engine.engine.deployment.spec as any).template.spec.containers[0];
    expect(container.env).toContainEqual({ name: "DAGNATS_WEBHOOK_SECRET", valueFrom: { secretKeyRef: { name: "dagnats-secrets", key: "DAGNATS_WEBHOOK_SECRET" } } });
    expect(container.env).toContainEqual({ name: "DAGNATS_BRIDGE_TOKEN", valueFrom: { secretKeyRef: { name: "dagnats-secrets", key: "DAGNATS_BRIDGE_TOKEN" } } });
  });

  it("checks the engine with /health for liveness and /ready for readiness", () => {
    const container = (engine.engine.deployment.spec as any).template.spec.containers[0];
    expect(container.livenessProbe.httpGet).toEqual({ path: "/health", port: 8080 });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/ready", port: 8080 });
    expect(container.env[0]).toEqual({ name: "DAGNATS_NATS_URL", value: "nats://nats.nats.svc:4222" });
    expect((engine.engine.deployment.spec as any).replicas).toBe(1);
  });

  it("runs one worker pool per task pool, pulling each of its task types", () => {
    expect(engine.taskPools.map((pool) => pool.deployment.metadata)).toMatchObject([{ name: "dagnats-llm" }, { name: "dagnats-io" }]);
    const io = (engine.taskPools[1].deployment.spec as any).template.spec.containers[0];
    expect(io.readinessProbe.httpGet).toEqual({ path: "/ready", port: 9090 });
    const llm = (engine.taskPools[0].deployment.spec as any).template.spec.containers[0];
    expect(llm.readinessProbe).toBeUndefined();
    expect(llm.env).toContainEqual({ name: "NATS_WORKER_CONCURRENCY", value: "4" });
  });
});

describe("engine validation", () => {
  it("refuses a task type run by two pools, or not a subject token", () => {
    const pools = [
      { name: "a", taskTypes: ["fetch"], user: "llm", creds: { name: "a-creds" } },
      { name: "b", taskTypes: ["fetch", "web.get"], user: "io", creds: { name: "b-creds" } },
    ];
    expect(problemsOf({ taskPools: pools })).toEqual([
      `dagnats.taskPools[1].taskTypes[0]: "fetch" -> give each task type to one pool: a already runs it`,
      `dagnats.taskPools[1].taskTypes[1]: "web.get" -> use one subject token: no whitespace, '.', '*', '>', '/' or '\\'`,
    ]);
  });

  it("refuses a pool without task types, a bad budget and an engine without creds", () => {
    expect(problemsOf({ taskPools: [{ name: "idle", taskTypes: [], user: "io", creds: { name: "c" } }], storeBudget: "ten gigs", engine: {} as never })).toEqual([
      `dagnats.storeBudget: "ten gigs" -> use a Kubernetes quantity such as "10Gi"`,
      "dagnats.engine.creds: undefined -> give both natsUrl and creds, or neither: every NATS client connects as its own user",
      "dagnats.taskPools[0].taskTypes: [] -> list at least one task type the pool runs",
      "dagnats.taskPools[0].consumers: [] -> name at least one durable consumer the pool pulls from",
    ]);
  });
});
