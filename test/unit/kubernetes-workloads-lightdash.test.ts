/**
 * The Lightdash component under Pulumi mocks (update mode), driven by stacks/Pulumi.lightdash.yaml: every
 * object of a Lightdash with NATS and both workers, each valid against its schema; the generated secrets kept
 * secret; everything NATS off until enabled; NATS without the warehouse worker refused before anything exists.
 */
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import type { LightdashArgs } from "../../components/kubernetes/apps/lightdash";
import type { LightdashSettings } from "../../components/presets/lightdash-settings";
import { AccountSpec } from "../../components/model/accounts";
import { ClusterSpec, validateCluster } from "../../components/model/cluster";
import * as provisioners from "../../components/model/provisioners";
import { readStackFile, resolveStack, stackFilePath } from "../../components/model/stack";
import * as settings from "../../components/presets/lightdash-settings";
import { RANDOM_PASSWORD_TYPE, RecordedResource, valueOf } from "../../components/testing";
import { expectEachValid, expectRefusal } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";
import { stackConnection, stackCredentials } from "../support/workload-stack";

type Components = typeof import("../../components/kubernetes");

const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";

const stackFile = readStackFile(stackFilePath(path.resolve(__dirname, "../.."), "lightdash")) as Record<string, unknown>;
const stackLightdash = stackFile.lightdash as LightdashSettings;
const stackAccounts = stackFile.accounts as AccountSpec[];
const clusterSpec = stackFile.cluster as ClusterSpec;
const cluster = validateCluster(clusterSpec);

const stack = await componentStack({ preview: false });
const { mocks, pulumi, components } = stack;
const stackStreams = settings.lightdashStreamSpecs(stackLightdash);
const accounts = provisioners.withJetStreamProvisioners(stackAccounts, { streams: stackStreams });
const credentials = await stack.deploy(() => stackCredentials(clusterSpec, accounts, stackStreams));

function argsWith(lightdash: LightdashSettings, overrides: Partial<LightdashArgs> = {}): LightdashArgs {
  return { ...stackConnection(clusterSpec, accounts, stackStreams, credentials), lightdash, ...overrides };
}

/** The one Lightdash these args make, alone in the record. */
const deploy = (args: LightdashArgs) => stack.deploy(() => new components.Lightdash("lightdash", args));

const containerOf = (deployment: RecordedResource) => deployment.inputs.spec.template.spec.containers[0];

describe("the lightdash stack file", () => {
  it("declares the users the preset derives from its description, and validates with the streams it adds", () => {
    const streams = settings.lightdashStreamSpecs(stackLightdash);
    expect(streams.map((stream) => stream.name)).toEqual(["WAREHOUSE_QUERY_JOBS", "PRE_AGGREGATE_QUERY_JOBS"]);
    expect(stackAccounts.find((account) => account.name === stackLightdash.account)?.users).toEqual(settings.lightdashAccount(stackLightdash)!.users);
    const accounts = provisioners.withJetStreamProvisioners(stackAccounts, { streams });
    expect(() => resolveStack("lightdash", { cluster: stackFile.cluster as ClusterSpec, accounts, streams } as never)).not.toThrow();
    expect(cluster).toMatchObject({ name: "nats", namespace: "nats", servers: 3 });
    expect(credentials.accounts.find((account) => account.name === "lightdash")!.users.map((user) => user.name)).toEqual([
      "lightdash-api",
      "lightdash-warehouse",
      "lightdash-pre-aggregate",
      "lightdash-nack",
    ]);
  });
});

describe("Lightdash as the stack describes it: NATS, the warehouse worker and the pre-aggregate worker", () => {
  let site: InstanceType<Components["Lightdash"]>;
  beforeAll(async () => {
    site = await deploy(argsWith(stackLightdash));
  });

  it("registers every object, each valid against its schema or CRD, and within its namespace", () => {
    const objects = mocks.kubernetesObjects();
    const counts = Object.fromEntries([...new Set(objects.map((object) => object.type))].map((type) => [type, objects.filter((object) => object.type === type).length]));
    expect(counts).toEqual({
      "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition": 5,
      "kubernetes:core/v1:Secret": 5,
      "kubernetes:core/v1:ConfigMap": 1,
      "kubernetes:core/v1:ServiceAccount": 1,
      "kubernetes:rbac.authorization.k8s.io/v1:Role": 1,
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 1,
      "kubernetes:apps/v1:Deployment": 4,
      "kubernetes:policy/v1:PodDisruptionBudget": 3,
      "kubernetes:core/v1:Service": 1,
      [SCALED_OBJECT]: 1,
      "kubernetes:jetstream.nats.io/v1beta2:Stream": 2,
      "kubernetes:jetstream.nats.io/v1beta2:Consumer": 2,
    });
    expectEachValid(objects);
    for (const object of objects) {
      if (!object.type.includes("CustomResourceDefinition")) expect(object.inputs.metadata.namespace).toBe("lightdash");
    }
  });

  it("generates LIGHTDASH_SECRET and the database password once, as Pulumi secrets, into the Secret", async () => {
    const passwords = mocks.ofType(RANDOM_PASSWORD_TYPE);
    expect(passwords.map((password) => [password.name, password.inputs.length, password.inputs.special])).toEqual([
      ["lightdash-lightdash-secret", 48, false],
      ["lightdash-database-password", 32, false],
    ]);
    expect(await pulumi.isSecret(site.lightdashSecret)).toBe(true);
    expect(await pulumi.isSecret(site.databasePassword)).toBe(true);
    expect(await valueOf(site.lightdashSecret)).toBe("generated-lightdash-lightdash-secret");
    const secret = mocks.named("lightdash-secrets");
    expect(secret.inputs.metadata.name).toBe("lightdash-secrets");
    expect(secret.inputs.stringData).toEqual({ LIGHTDASH_SECRET: "generated-lightdash-lightdash-secret", PGPASSWORD: "generated-lightdash-database-password" });
    expect(secret.secretPaths).toEqual(["stringData"]);
  });

  it("shares NATS_ENABLED, NATS_URL and the pre-aggregate switches with the API and the workers", () => {
    expect(mocks.ofType(CONFIG_MAP)[0].inputs.data).toEqual({
      ...stackLightdash.env,
      NATS_ENABLED: "true",
      NATS_URL: "nats://nats.nats.svc.cluster.local:4222",
      PRE_AGGREGATES_ENABLED: "true",
      PRE_AGGREGATES_PARQUET_ENABLED: "true",
    });
    for (const name of ["lightdash-api-deployment", "lightdash-warehouse-worker-deployment", "lightdash-pre-aggregate-worker-deployment"]) {
      expect(containerOf(mocks.named(name)).envFrom).toEqual([{ configMapRef: { name: "lightdash-config" } }]);
    }
  });

  it("gives the API and each worker its own user's creds, in Secrets marked secret", async () => {
    const creds = (await valueOf(credentials.userCreds))!;
    const expected = [
      ["lightdash-api-creds", "lightdash-api-nats-creds", "lightdash-api", "lightdash-api-deployment"],
      ["lightdash-warehouse-worker-creds", "lightdash-warehouse-worker-nats-creds", "lightdash-warehouse", "lightdash-warehouse-worker-deployment"],
      ["lightdash-pre-aggregate-worker-creds", "lightdash-pre-aggregate-worker-nats-creds", "lightdash-pre-aggregate", "lightdash-pre-aggregate-worker-deployment"],
    ];
    for (const [resource, secretName, user, deployment] of expected) {
      const secret = mocks.named(resource);
      expect(secret.inputs.metadata.name).toBe(secretName);
      expect(secret.inputs.stringData).toEqual({ [`${user}.creds`]: creds[user] });
      expect(secret.secretPaths).toEqual(["stringData"]);
      const pod = mocks.named(deployment).inputs.spec.template.spec;
      expect(pod.volumes).toEqual([{ name: "nats-creds", secret: { secretName, defaultMode: 0o440, items: [{ key: `${user}.creds`, path: `${user}.creds` }] } }]);
      expect(containerOf(mocks.named(deployment)).env).toContainEqual({ name: "NATS_CREDS", value: `/etc/nats-creds/${user}.creds` });
    }
  });

  it("runs the chart's workers: commands, concurrency, requests, probes, grace period and budgets", () => {
    const warehouse = mocks.named("lightdash-warehouse-worker-deployment").inputs.spec;
    expect(warehouse.replicas).toBeUndefined();
    expect(containerOf(mocks.named("lightdash-warehouse-worker-deployment")).command).toEqual(["node", "dist/natsWorker.js", "--stream", "warehouse"]);
    const preAggregate = mocks.named("lightdash-pre-aggregate-worker-deployment");
    expect(preAggregate.inputs.spec.replicas).toBe(2);
    const container = containerOf(preAggregate);
    expect(container.env).toEqual(expect.arrayContaining([{ name: "NATS_WORKER_CONCURRENCY", value: "100" }, { name: "PRE_AGGREGATE_DUCKDB_QUERY_MEMORY_LIMIT", value: "3GB" }]));
    expect(container.resources).toEqual({ requests: { cpu: "650m", memory: "4Gi", "ephemeral-storage": "9Gi" } });
    expect(container.startupProbe.httpGet).toEqual({ path: "/api/v1/livez", port: 8080 });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/api/v1/health", port: 8080 });
    expect(preAggregate.inputs.spec.template.spec.terminationGracePeriodSeconds).toBe(90);
    expect(mocks.named("lightdash-pre-aggregate-worker-disruption-budget").inputs.spec.maxUnavailable).toBe(1);
    expect(mocks.named("lightdash-api-deployment").inputs.spec.replicas).toBe(2);
  });

  it("scales the warehouse worker on its consumer's lag, read from every server's monitor port", async () => {
    const [scaledObject] = mocks.ofType(SCALED_OBJECT);
    expect(scaledObject.inputs.metadata).toMatchObject({ name: "lightdash-warehouse-worker", namespace: "lightdash" });
    expect(scaledObject.inputs.spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 10, scaleTargetRef: { name: "lightdash-warehouse-worker" } });
    expect(scaledObject.inputs.spec.triggers[0].metadata).toEqual({
      natsServerMonitoringEndpoint: "nats-headless.nats.svc.cluster.local:8222",
      account: (await valueOf(credentials.accountPublicKeys))!.lightdash,
      stream: "WAREHOUSE_QUERY_JOBS",
      consumer: "worker-warehouse",
      lagThreshold: "100",
      activationLagThreshold: "0",
      useHttps: "false",
    });
  });

  it("declares its two streams and durable consumers through its own NACK controller, before the workers start", async () => {
    expect(mocks.ofType("kubernetes:jetstream.nats.io/v1beta2:Stream").map((stream) => [stream.inputs.spec.name, stream.inputs.spec.retention, stream.inputs.spec.storage, stream.inputs.spec.creds])).toEqual([
      ["WAREHOUSE_QUERY_JOBS", "workqueue", "memory", "/etc/nack/creds/lightdash/lightdash-nack.creds"],
      ["PRE_AGGREGATE_QUERY_JOBS", "workqueue", "memory", "/etc/nack/creds/lightdash/lightdash-nack.creds"],
    ]);
    expect(mocks.ofType("kubernetes:jetstream.nats.io/v1beta2:Consumer").map((consumer) => [consumer.inputs.spec.durableName, consumer.inputs.spec.maxDeliver, consumer.inputs.spec.maxAckPending])).toEqual([
      ["worker-warehouse", 1, 100],
      ["worker-pre-aggregate", 1, 100],
    ]);
    expect(mocks.named("lightdash-jetstream-controller").inputs.metadata).toMatchObject({ name: "lightdash-nack", namespace: "lightdash" });
    expect(mocks.named("lightdash-jetstream").options.parent).toBe(await valueOf(site.urn));
    expect(mocks.named("lightdash-warehouse-worker-deployment").options.dependencies).toEqual(
      expect.arrayContaining([expect.stringMatching(/Stream::lightdash-jetstream-stream-lightdash-warehouse-query-jobs$/)]),
    );
  });

  it("states what the cluster's NetworkPolicy must let in, and where the API is", async () => {
    expect(site.clusterIngress).toEqual([
      { ports: [4222], from: [{ namespace: "lightdash" }] },
      { ports: [8222], from: [{ namespace: "keda" }] },
    ]);
    expect(components.lightdashClusterIngress(argsWith(stackLightdash))).toEqual(site.clusterIngress);
    expect(await valueOf(site.apiUrl)).toBe("http://lightdash.lightdash.svc.cluster.local:8080");
    expect(await valueOf(site.secretName)).toBe("lightdash-secrets");
  });
});

describe("Lightdash with NATS left off", () => {
  const off: LightdashSettings = { namespace: "analytics", image: "lightdash/lightdash:0.2675.0", account: "lightdash", env: { PGHOST: "postgres" } };
  let site: InstanceType<Components["Lightdash"]>;
  beforeAll(async () => {
    site = await deploy(argsWith(off, { lightdashSecret: "from-the-vault", databasePassword: "from-the-vault-too", createNamespace: true }));
  });

  it("runs the API alone: no workers, streams, controller, CRDs or NATS creds", () => {
    expect(mocks.kubernetesObjects().map((object) => object.name).sort()).toEqual([
      "lightdash-api-deployment",
      "lightdash-api-disruption-budget",
      "lightdash-api-service",
      "lightdash-config",
      "lightdash-namespace",
      "lightdash-secrets",
    ]);
    expectEachValid(mocks.kubernetesObjects());
    expect(mocks.ofType(CONFIG_MAP)[0].inputs.data).toEqual({ PGHOST: "postgres", NATS_ENABLED: "false", PRE_AGGREGATES_ENABLED: "false", PRE_AGGREGATES_PARQUET_ENABLED: "false" });
    expect(containerOf(mocks.named("lightdash-api-deployment")).env.map((env: { name: string }) => env.name)).toEqual(["LIGHTDASH_SECRET", "PGPASSWORD"]);
    expect(site.clusterIngress).toEqual([]);
  });

  it("uses the secrets it is given, still as Pulumi secrets, and generates none", async () => {
    expect(mocks.ofType(RANDOM_PASSWORD_TYPE)).toEqual([]);
    expect(await pulumi.isSecret(site.lightdashSecret)).toBe(true);
    expect(await valueOf(site.databasePassword)).toBe("from-the-vault-too");
    expect(mocks.named("lightdash-secrets").inputs.stringData.LIGHTDASH_SECRET).toBe("from-the-vault");
  });

  it("creates its namespace first", () => {
    for (const name of ["lightdash-secrets", "lightdash-config", "lightdash-api-deployment", "lightdash-api-service"]) {
      expect(mocks.named(name).options.dependencies).toEqual(expect.arrayContaining([expect.stringMatching(/Namespace::lightdash-namespace$/)]));
    }
  });
});

describe("Lightdash whose streams the stack's JetStreamResources declares", () => {
  beforeAll(async () => {
    await stack.deploy(() => {
      const { userCreds, accountStreams } = argsWith(stackLightdash);
      const jetStream = new components.JetStreamResources("nats-jetstream", { cluster: clusterSpec, namespace: "nats", streams: stackStreams, accounts, accountStreams, userCreds });
      return new components.Lightdash("lightdash", argsWith(stackLightdash, { jetStream: { streams: stackStreams }, jetStreamObjects: jetStream.objectNames }));
    });
  });

  it("declares no streams, controller or CRDs of its own, and still runs both workers with their creds", () => {
    const own = mocks.resources.filter((resource) => resource.name.startsWith("lightdash-"));
    expect(own.filter((resource) => resource.type.startsWith("nats-jetstream:index:JetStreamResources") || resource.type.includes("jetstream.nats.io"))).toEqual([]);
    expect(own.filter((resource) => resource.name.includes("nack") || resource.name.includes("crd"))).toEqual([]);
    expect(mocks.named("lightdash-warehouse-worker-deployment").inputs.spec.template.spec.volumes[0].secret.secretName).toBe("lightdash-warehouse-worker-nats-creds");
    expect(mocks.named("lightdash-pre-aggregate-worker-deployment").inputs.metadata.name).toBe("lightdash-pre-aggregate-worker");
  });

  it("starts the workers once those streams and consumers exist, and the API without waiting for them", () => {
    const nackObjects = mocks.resources.filter((resource) => resource.type.includes("jetstream.nats.io")).map((resource) => resource.name);
    expect(nackObjects).toHaveLength(4);
    const waitsFor = (name: string) => nackObjects.filter((object) => mocks.named(name).options.dependencies.some((urn) => urn.endsWith(`::${object}`)));
    expect(waitsFor("lightdash-warehouse-worker-deployment").sort()).toEqual([...nackObjects].sort());
    expect(waitsFor("lightdash-pre-aggregate-worker-deployment").sort()).toEqual([...nackObjects].sort());
    expect(waitsFor("lightdash-api-deployment")).toEqual([]);
  });

  it("checks its workers against those streams: a worker's consumer they lack is refused", async () => {
    const withoutConsumers = stackStreams.map(({ consumers: _consumers, ...stream }) => stream);
    const { paths } = await expectRefusal(mocks, () => new components.Lightdash("lightdash", argsWith(stackLightdash, { jetStream: { streams: withoutConsumers } })));
    expect(paths).toEqual(["lightdash.warehouseWorker.consumers[0].durable", "lightdash.preAggregateWorker.consumers[0].durable"]);
  });
});

describe("what Lightdash is refused, before anything is registered", () => {
  const refusal = (lightdash: LightdashSettings) => expectRefusal(mocks, () => new components.Lightdash("lightdash", argsWith(lightdash)));

  it("NATS without the warehouse worker", async () => {
    const { paths, message } = await refusal({ ...stackLightdash, warehouseWorker: { ...stackLightdash.warehouseWorker, enabled: false } });
    expect(paths).toEqual(["lightdash.warehouseWorker.enabled"]);
    expect(message).toMatch(/set it true whenever nats\.enabled is true: .* with no warehouse worker to pull them, queries stall/);
  });

  it("a worker whose user is another's, and an API user who may not publish pre-aggregate jobs", async () => {
    const { paths, message } = await refusal({ ...stackLightdash, api: { user: "lightdash-warehouse" }, preAggregateWorker: { ...stackLightdash.preAggregateWorker, user: "lightdash-warehouse" } });
    expect(paths).toEqual(["lightdash.api.user", "lightdash.api.user", "lightdash.preAggregateWorker.user"]);
    expect(message).toMatch(/let lightdash-warehouse publish to stream WAREHOUSE_QUERY_JOBS/);
    expect(message).toMatch(/give lightdash-warehouse the worker role for consumer worker-pre-aggregate of PRE_AGGREGATE_QUERY_JOBS/);
  });

  it("an account the stack does not declare", async () => {
    const { paths } = await refusal({ ...stackLightdash, account: "reporting" });
    expect(paths).toEqual(["lightdash.account"]);
  });
});
