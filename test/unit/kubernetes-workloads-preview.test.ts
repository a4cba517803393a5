/**
 * The workload components in a first preview, under Pulumi mocks: the same objects as an update, each valid,
 * with only what depends on values not generated yet (creds, passwords, account keys) left unknown, and
 * those still secret.
 */
import * as path from "path";
import { beforeAll, describe, expect, it } from "vitest";
import type { DagNatsSettings } from "../../components/kubernetes/apps/dagnats";
import type { LightdashSettings } from "../../components/presets/lightdash-settings";
import { AccountSpec } from "../../components/model/accounts";
import { ClusterSpec, validateCluster } from "../../components/model/cluster";
import { readStackFile, stackFilePath } from "../../components/model/stack";
import type { RecordedResource } from "../../components/testing";
import { expectEachValid } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";
import { stackConnection, stackCredentials } from "../support/workload-stack";

type Components = typeof import("../../components/kubernetes");

const stackFile = readStackFile(stackFilePath(path.resolve(__dirname, "../.."), "lightdash")) as Record<string, unknown>;
const lightdashSettings = stackFile.lightdash as LightdashSettings;
const clusterSpec = stackFile.cluster as ClusterSpec;
const cluster = validateCluster(clusterSpec);
const engine: DagNatsSettings = {
  namespace: "workflows",
  image: "dagnats/dagnats:1.0.0",
  account: "workflows",
  storeBudget: "2Gi",
  engine: { user: "dagnats-engine" },
  taskPools: [{ name: "io", taskTypes: ["fetch"], user: "dagnats-io", autoscaling: { maxReplicas: 4 } }],
};
const workflowsAccount: AccountSpec = {
  name: "workflows",
  users: [
    { name: "dagnats-engine", admin: true, permissions: { publish: ["task.>", "history.>", "$JS.API.>", "$KV.>"], subscribe: ["task.>", "history.>", "_INBOX.>"] } },
    { name: "dagnats-io", worker: { stream: "TASK_QUEUES", consumer: "workers-fetch" } },
  ],
};

const { mocks, pulumi, components, deploy } = await componentStack({ preview: true, newRandomResources: true });
const dagnats = components.dagnatsJetStreamSpecs(engine, cluster);
const streams = [...components.lightdashStreamSpecs(lightdashSettings), ...dagnats.streams];
const accounts = components.withJetStreamProvisioners([...(stackFile.accounts as AccountSpec[]), workflowsAccount], { streams, keyValues: dagnats.keyValues });
const credentials = await deploy(() => stackCredentials(clusterSpec, accounts, streams));
const connection = stackConnection(clusterSpec, accounts, streams, credentials);

/** Paths of the values in `inputs` that are not known yet. */
function unknownPaths(value: unknown, at = ""): string[] {
  if (pulumi.isUnknown(value)) return [at];
  if (Array.isArray(value)) return value.flatMap((item, index) => unknownPaths(item, `${at}[${index}]`));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => unknownPaths(item, at ? `${at}.${key}` : key));
  return [];
}


/**
 * The inputs with each value not known yet standing in as a string, as most of them will be; the data of a
 * Secret, sent whole as one unknown while any value in it is unknown, stands in as empty.
 */
function knownShape(value: unknown, key = ""): unknown {
  if (pulumi.isUnknown(value)) return key === "stringData" ? {} : "(known after the update)";
  if (Array.isArray(value)) return value.map((item) => knownShape(item));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([field, item]) => [field, knownShape(item, field)]));
  return value;
}

function expectValid(objects: RecordedResource[]): void {
  expectEachValid(objects, { inputsOf: (object) => knownShape(object.inputs) as Record<string, unknown> });
}

/** Each object that has unknown inputs, with their paths. */
function unknownsByObject(): Record<string, string[]> {
  return Object.fromEntries(
    mocks
      .kubernetesObjects()
      .map((object) => [object.name, unknownPaths(object.inputs)] as const)
      .filter(([, paths]) => paths.length > 0),
  );
}

describe("a preview of Lightdash as the stack describes it", () => {
  let site: InstanceType<Components["Lightdash"]>;
  beforeAll(async () => {
    site = await deploy(() => new components.Lightdash("lightdash", { ...connection, lightdash: lightdashSettings }));
  });

  it("shows every object an update would create, each valid", () => {
    expect(mocks.kubernetesObjects()).toHaveLength(27);
    expectValid(mocks.kubernetesObjects());
  });

  it("leaves unknown only the creds, the generated secrets and KEDA's account key, and keeps them secret", async () => {
    expect(unknownsByObject()).toEqual({
      "lightdash-secrets": ["stringData"],
      "lightdash-api-creds": ["stringData"],
      "lightdash-warehouse-worker-creds": ["stringData"],
      "lightdash-pre-aggregate-worker-creds": ["stringData"],
      "lightdash-jetstream-lightdash-creds": ["stringData"],
      "lightdash-warehouse-worker-scaled-object": ["spec.triggers[0].metadata.account"],
    });
    for (const name of ["lightdash-secrets", "lightdash-api-creds", "lightdash-jetstream-lightdash-creds"]) expect(mocks.named(name).secretPaths).toEqual(["stringData"]);
    expect(await pulumi.isSecret(site.lightdashSecret)).toBe(true);
    expect(await pulumi.isSecret(site.databasePassword)).toBe(true);
  });
});

describe("a preview of a DagNATS engine", () => {
  let site: InstanceType<Components["DagNats"]>;
  beforeAll(async () => {
    site = await deploy(() => new components.DagNats("dagnats", { ...connection, dagnats: engine, installNackCrds: false }));
  });

  it("shows every object, each valid, unknown only where generated values go", async () => {
    const objects = mocks.kubernetesObjects();
    expect(objects.filter((object) => object.type.includes("jetstream.nats.io")).length).toBe(7 + 1 + 16);
    expect(objects.filter((object) => object.type.includes("CustomResourceDefinition"))).toEqual([]);
    expectValid(objects);
    expect(unknownsByObject()).toEqual({
      "dagnats-secrets": ["stringData"],
      "dagnats-engine-creds": ["stringData"],
      "dagnats-pool-io-creds": ["stringData"],
      "dagnats-jetstream-workflows-creds": ["stringData"],
      "dagnats-pool-io-scaled-object": ["spec.triggers[0].metadata.account"],
    });
    expect(await pulumi.isSecret(site.webhookSecret)).toBe(true);
    expect(await pulumi.isSecret(site.bridgeToken)).toBe(true);
  });
});

describe("a preview of a generic worker pool", () => {
  it("shows its objects, unknown only in its creds and KEDA's account key", async () => {
    await deploy(() => new components.WorkerPool("fetcher", {
      pool: { name: "fetcher", namespace: "workflows", image: "example/fetcher:2", user: "dagnats-io", consumers: [{ stream: "TASK_QUEUES", durable: "workers-fetch" }], concurrency: 10, autoscaling: { maxReplicas: 3 } },
      ...connection,
    }));
    expect(mocks.kubernetesObjects().map((object) => object.name).sort()).toEqual(["fetcher-creds", "fetcher-deployment", "fetcher-disruption-budget", "fetcher-scaled-object"]);
    expectValid(mocks.kubernetesObjects());
    expect(unknownsByObject()).toEqual({
      "fetcher-creds": ["stringData"],
      "fetcher-scaled-object": ["spec.triggers[0].metadata.account"],
    });
  });
});
