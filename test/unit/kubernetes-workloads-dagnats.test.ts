/**
 * The DagNats component under Pulumi mocks (update mode): the engine, its task pools, its streams and
 * buckets as NACK objects, each valid against its schema; the generated webhook secret and bridge token kept
 * secret; and the refusals that come before anything is registered.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { DagNatsArgs } from "../../components/kubernetes/apps/dagnats";
import type { DagNatsSettings } from "../../components/kubernetes/apps/dagnats";
import { AccountSpec } from "../../components/model/accounts";
import { ClusterSpec, validateCluster } from "../../components/model/cluster";
import { workerPermissions } from "../../components/model/permissions";
import { withJetStreamProvisioners } from "../../components/model/provisioners";
import { RANDOM_PASSWORD_TYPE, RecordedResource, valueOf } from "../../components/testing";
import { expectEachValid, expectRefusal } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";
import { stackConnection, stackCredentials } from "../support/workload-stack";

type Components = typeof import("../../components/kubernetes");

const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const NACK = (kind: string) => `kubernetes:jetstream.nats.io/v1beta2:${kind}`;

const clusterSpec: ClusterSpec = { name: "nats", tier: "small" };
const cluster = validateCluster(clusterSpec);
const engine: DagNatsSettings = {
  namespace: "workflows",
  image: "dagnats/dagnats:1.0.0",
  account: "workflows",
  storeBudget: "4Gi",
  engine: { user: "dagnats-engine", replicas: 2 },
  taskPools: [
    { name: "llm", taskTypes: ["summarize", "classify"], user: "dagnats-llm", concurrency: 4, maxAckPending: 16, port: 9090, autoscaling: { minReplicas: 0, maxReplicas: 6 } },
    { name: "io", taskTypes: ["fetch"], user: "dagnats-io", replicas: 2 },
  ],
};
const ENGINE_SUBJECTS = ["history.>", "task.>", "event.>", "dead.>", "sleep.>", "scheduled.>", "telemetry.>", "trigger.fire.>"];
const accounts: AccountSpec[] = [
  {
    name: "workflows",
    users: [
      { name: "dagnats-engine", admin: true, permissions: { publish: [...ENGINE_SUBJECTS, "$JS.API.>", "$KV.>"], subscribe: [...ENGINE_SUBJECTS, "_INBOX.>"] } },
      {
        name: "dagnats-llm",
        worker: { stream: "TASK_QUEUES", consumer: "workers-summarize" },
        permissions: { publish: workerPermissions("dagnats-llm", "TASK_QUEUES", "workers-classify").publish },
      },
      { name: "dagnats-io", worker: { stream: "TASK_QUEUES", consumer: "workers-fetch" } },
    ],
  },
];

const { mocks, pulumi, components, deploy } = await componentStack({ preview: false });
const { streams, keyValues } = components.dagnatsJetStreamSpecs(engine, cluster);
const stackAccounts = withJetStreamProvisioners(accounts, { streams, keyValues });
const credentials = await deploy(() => stackCredentials(clusterSpec, stackAccounts, streams));

function argsWith(dagnats: DagNatsSettings, overrides: Partial<DagNatsArgs> = {}): DagNatsArgs {
  return { ...stackConnection(clusterSpec, stackAccounts, streams, credentials), dagnats, ...overrides };
}

const containerOf = (deployment: RecordedResource) => deployment.inputs.spec.template.spec.containers[0];

describe("a workflow engine with two task pools", () => {
  let site: InstanceType<Components["DagNats"]>;
  beforeAll(async () => {
    site = await deploy(() => new components.DagNats("dagnats", argsWith(engine)));
  });

  it("registers every object, each valid against its schema or CRD", () => {
    const objects = mocks.kubernetesObjects();
    const count = (type: string) => objects.filter((object) => object.type === type).length;
    expect([NACK("Stream"), NACK("Consumer"), NACK("KeyValue"), SCALED_OBJECT].map(count)).toEqual([7, 3, 16, 1]);
    expect(["kubernetes:apps/v1:Deployment", "kubernetes:policy/v1:PodDisruptionBudget", "kubernetes:core/v1:Secret", "kubernetes:core/v1:Service"].map(count)).toEqual([4, 3, 5, 1]);
    expectEachValid(objects);
  });

  it("generates the webhook secret and the bridge token once, as Pulumi secrets, into the engine's Secret", async () => {
    expect(mocks.ofType(RANDOM_PASSWORD_TYPE).map((password) => [password.name, password.inputs.length])).toEqual([
      ["dagnats-webhook-secret", 48],
      ["dagnats-bridge-token", 48],
    ]);
    expect(await pulumi.isSecret(site.webhookSecret)).toBe(true);
    expect(await pulumi.isSecret(site.bridgeToken)).toBe(true);
    const secret = mocks.named("dagnats-secrets");
    expect(secret.inputs.metadata).toMatchObject({ name: "dagnats-secrets", namespace: "workflows" });
    expect(secret.inputs.stringData).toEqual({ DAGNATS_WEBHOOK_SECRET: "generated-dagnats-webhook-secret", DAGNATS_BRIDGE_TOKEN: "generated-dagnats-bridge-token" });
    expect(secret.secretPaths).toEqual(["stringData"]);
    expect(await valueOf(site.secretName)).toBe("dagnats-secrets");
  });

  it("runs the engine with its URL, creds, inbox prefix, secrets, /health and /ready probes, behind a Service", async () => {
    const deployment = mocks.named("dagnats-engine-deployment");
    expect(deployment.inputs.spec.replicas).toBe(2);
    const container = containerOf(deployment);
    expect(container.env).toEqual([
      { name: "DAGNATS_NATS_URL", value: "nats://nats.nats.svc.cluster.local:4222" },
      { name: "NATS_CREDS", value: "/etc/nats-creds/dagnats-engine.creds" },
      { name: "NATS_INBOX_PREFIX", value: "_INBOX_dagnats-engine" },
      { name: "DAGNATS_WEBHOOK_SECRET", valueFrom: { secretKeyRef: { name: "dagnats-secrets", key: "DAGNATS_WEBHOOK_SECRET" } } },
      { name: "DAGNATS_BRIDGE_TOKEN", valueFrom: { secretKeyRef: { name: "dagnats-secrets", key: "DAGNATS_BRIDGE_TOKEN" } } },
    ]);
    expect(container.livenessProbe.httpGet).toEqual({ path: "/health", port: 8080 });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/ready", port: 8080 });
    expect(mocks.named("dagnats-engine-creds").inputs.metadata.name).toBe("dagnats-nats-creds");
    expect(await valueOf(site.url)).toBe("http://dagnats.workflows.svc.cluster.local:8080");
  });

  it("gives each pool its own user's creds, its task types' consumers and, when it serves them, probes", async () => {
    const creds = (await valueOf(credentials.userCreds))!;
    expect(mocks.named("dagnats-pool-llm-creds").inputs.stringData).toEqual({ "dagnats-llm.creds": creds["dagnats-llm"] });
    const llm = containerOf(mocks.named("dagnats-pool-llm-deployment"));
    expect(llm.env).toContainEqual({ name: "NATS_WORKER_CONCURRENCY", value: "4" });
    expect(llm.livenessProbe.httpGet).toEqual({ path: "/health", port: 9090 });
    expect(llm.readinessProbe.httpGet).toEqual({ path: "/ready", port: 9090 });
    const io = mocks.named("dagnats-pool-io-deployment");
    expect(io.inputs.spec.replicas).toBe(2);
    expect(containerOf(io).livenessProbe).toBeUndefined();
    const [scaledObject] = mocks.ofType(SCALED_OBJECT);
    expect(scaledObject.inputs.spec.triggers.map((trigger: { metadata: { consumer: string; lagThreshold: string } }) => [trigger.metadata.consumer, trigger.metadata.lagThreshold])).toEqual([
      ["workers-summarize", "4"],
      ["workers-classify", "4"],
    ]);
  });

  it("declares the engine's streams and buckets with its limits and windows, created as the account's provisioner", () => {
    const history = mocks.named("dagnats-jetstream-stream-workflows-workflow-history").inputs.spec;
    expect(history).toMatchObject({ name: "WORKFLOW_HISTORY", maxAge: "720h", duplicateWindow: "5s", replicas: 3, creds: "/etc/nack/creds/workflows/workflows-nack.creds" });
    const consumers = mocks.ofType(NACK("Consumer")).map((consumer) => [consumer.inputs.spec.durableName, consumer.inputs.spec.filterSubject, consumer.inputs.spec.maxAckPending]);
    expect(consumers).toEqual([
      ["workers-summarize", "task.summarize.>", 16],
      ["workers-classify", "task.classify.>", 16],
      ["workers-fetch", "task.fetch.>", 1000],
    ]);
    expect(mocks.named("dagnats-jetstream-keyvalue-workflows-kv-workers").inputs.spec).toMatchObject({ bucket: "workers", ttl: "1m" });
  });

  it("states what the cluster's NetworkPolicy must let in", () => {
    expect(site.clusterIngress).toEqual([
      { ports: [4222], from: [{ namespace: "workflows" }] },
      { ports: [8222], from: [{ namespace: "keda" }] },
    ]);
    expect(components.dagnatsClusterIngress(argsWith(engine))).toEqual(site.clusterIngress);
  });
});

describe("what the engine is refused, before anything is registered", () => {
  const refusal = (dagnats: DagNatsSettings) => expectRefusal(mocks, () => new components.DagNats("dagnats", argsWith(dagnats)));

  it("a pool user who may not pull one of its task types, and a task type run by two pools", async () => {
    const [llm, io] = engine.taskPools!;
    const { paths, message } = await refusal({ ...engine, taskPools: [llm, { ...io, taskTypes: ["fetch", "summarize"] }] });
    expect(paths).toEqual(["dagnats.taskPools[1].user", "dagnats.taskPools[1].taskTypes[1]"]);
    expect(message).toMatch(/give dagnats-io the worker role for consumer workers-summarize of TASK_QUEUES/);
    expect(message).toMatch(/give each task type to one pool: llm already runs it/);
  });

  it("an engine user of no account", async () => {
    const { paths } = await refusal({ ...engine, engine: { user: "ghost" } });
    expect(paths).toEqual(["dagnats.engine.user"]);
  });
});
