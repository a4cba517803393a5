/** The Pulumi program (index.ts) under mocks: it deploys the cluster its stack config describes. */
import { beforeAll, describe, expect, it } from "vitest";
import { Program, programRunner } from "../support/program-run";
import { installMocks, MockRecorder, valueOf } from "../../components/testing";
import { BASES } from "../support/stack-cases";
import * as path from "path";
import { readStackConfig } from "../../components/model/stack";

let mocks: MockRecorder;
let runProgram: (config: Record<string, unknown>) => Promise<Program>;

beforeAll(async () => {
  // Gateway and leaf listeners advertise the address the mocks give their load balancer.
  mocks = await installMocks({ preview: false, stack: "small" });
  runProgram = programRunner(mocks, await import("@pulumi/pulumi"));
});

describe("a valid stack", () => {
  it("deploys its cluster into a namespace it creates, and exports the cluster's endpoints", async () => {
    const program = await runProgram({ cluster: { name: "events", tier: "small", namespace: "messaging" } });
    const statefulSet = mocks.ofType("kubernetes:apps/v1:StatefulSet");
    expect(statefulSet).toHaveLength(1);
    expect(statefulSet[0].inputs.spec.replicas).toBe(3);
    expect(mocks.ofType("kubernetes:core/v1:Namespace")[0].inputs.metadata.name).toBe("messaging");
    expect(mocks.ofType("pulumi:providers:kubernetes")).toEqual([]);
    expect(await valueOf(program.clientUrl)).toBe("nats://events.messaging.svc.cluster.local:4222");
    expect(await valueOf(program.monitorEndpoints)).toHaveLength(3);
    expect(await valueOf(program.clusterName)).toBe("events");
    expect(await valueOf(program.namespace)).toBe("messaging");
    expect(await valueOf(program.headlessServiceName)).toBe("events-headless");
    expect(await valueOf(program.clientServiceName)).toBe("events");
  });

  it("passes the network options on to the cluster", async () => {
    await runProgram({
      cluster: { name: "nats", tier: "dev" },
      createNamespace: "false",
      clientNamespaces: ["shop"],
      monitoringNamespace: "monitoring",
    });
    expect(mocks.ofType("kubernetes:core/v1:Namespace")).toEqual([]);
    const [clients, , monitoring] = mocks.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")[0].inputs.spec.ingress;
    expect(clients.from).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "shop" } } }]);
    expect(monitoring.from[1]).toEqual({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } });
  });

  it("uses the Kubernetes context the stack names, for every object", async () => {
    await runProgram({ cluster: { name: "nats", tier: "dev" }, context: "kind-nats" });
    const [provider] = mocks.ofType("pulumi:providers:kubernetes");
    expect(provider.name).toBe("small-kubernetes");
    expect(provider.inputs.context).toBe("kind-nats");
    for (const object of mocks.kubernetesObjects()) {
      expect({ name: object.name, provider: object.options.provider }).toEqual({ name: object.name, provider: expect.stringContaining("::small-kubernetes::") });
    }
  });

  it("uses a kubeconfig from the stack, kept secret", async () => {
    await runProgram({ cluster: { name: "nats", tier: "dev" }, kubeconfig: "apiVersion: v1\nkind: Config\n" });
    const [provider] = mocks.ofType("pulumi:providers:kubernetes");
    expect(provider.inputs.kubeconfig).toBe("apiVersion: v1\nkind: Config\n");
    expect(provider.secretPaths).toContain("kubeconfig");
  });
});

describe("an invalid stack", () => {
  it("fails with the validation message and creates nothing", async () => {
    await expect(runProgram({ cluster: { name: "nats", tier: "small", servers: 2, volumeSize: "20 GB" } })).rejects.toThrow(
      /stack small: 3 problems:[\s\S]*cluster\.servers: 2 is not allowed[\s\S]*cluster\.volumeSize: "20 GB" is not allowed/,
    );
    expect(mocks.resources).toEqual([]);
  });

  it("fails when it describes no cluster", async () => {
    await expect(runProgram({})).rejects.toThrow(/cluster: nothing is not allowed; describe a cluster with at least a name and a tier/);
    expect(mocks.resources).toEqual([]);
  });

  it("fails on bad accounts with the model's message, naming each field as the stack file has it, and creates nothing", async () => {
    const accounts = [
      {
        name: "app",
        users: [
          { name: "api", publisher: { stream: "JOBS" } },
          { name: "api", worker: { stream: "ORDERS", consumer: "workers" } },
        ],
      },
    ];
    const streams = [{ name: "JOBS", account: "shop", subjects: ["jobs.>"], retention: "workqueue" }];
    const failure = await runProgram({ cluster: { name: "nats", tier: "dev" }, accounts, streams }).catch((error: Error) => error);
    expect((failure as Error).message).toBe(
      [
        "stack small: 4 problems:",
        `  - streams[0].account: "shop" is not allowed; name one of the stack's accounts: app`,
        `  - accounts[0].users[0].publisher.stream: "JOBS" is not allowed; name one of the account's streams: (it has none)`,
        `  - accounts[0].users[1].name: "api" is not allowed; use a name no other user has (accounts[0].users[0] has it); user names name creds files and Secrets`,
        `  - accounts[0].users[1].worker.stream: "ORDERS" is not allowed; name one of the account's streams: (it has none)`,
      ].join("\n"),
    );
    expect(mocks.resources).toEqual([]);
  });
});

describe("multi-cluster stacks", () => {
  it("deploys a supercluster with one provider per Kubernetes context, every object through its cluster's provider", async () => {
    const { supercluster } = BASES.supercluster();
    const program = await runProgram({ supercluster });
    const providers = mocks.ofType("pulumi:providers:kubernetes");
    expect(providers.map((provider) => [provider.name, provider.inputs.context])).toEqual([
      ["small-kubernetes-east-ctx", "east-ctx"],
      ["small-kubernetes-west-ctx", "west-ctx"],
    ]);
    const statefulSets = mocks.ofType("kubernetes:apps/v1:StatefulSet");
    expect(statefulSets.map((set) => [set.inputs.metadata.name, set.options.provider])).toEqual([
      ["east", expect.stringContaining("::small-kubernetes-east-ctx::")],
      ["west", expect.stringContaining("::small-kubernetes-west-ctx::")],
    ]);
    expect(mocks.ofType("nats-jetstream:index:SuperCluster")).toHaveLength(1);
    expect(Object.keys(await valueOf(program.clientUrls))).toEqual(["east", "west"]);
    expect(program.clientUrl).toBeUndefined();
  });

  it("tags a supercluster's servers with their pod's zone when the stack targets Kubernetes 1.35", async () => {
    const supercluster = {
      clusters: ["east", "west"].map((name) => ({
        name,
        tier: "small",
        region: `us-${name}-1`,
        zones: ["a", "b", "c"].map((zone) => `us-${name}-1${zone}`),
        gatewayService: { type: "ClusterIP" },
      })),
    };
    await runProgram({ supercluster, kubernetesVersion: "1.35" });
    const zoneVariables = mocks
      .ofType("kubernetes:apps/v1:StatefulSet")
      .map((set) => set.inputs.spec.template.spec.containers[0].env.find((variable: { name: string }) => variable.name === "NATS_ZONE"));
    expect(zoneVariables).toEqual([0, 1].map(() => ({ name: "NATS_ZONE", valueFrom: { fieldRef: { fieldPath: "metadata.labels['topology.kubernetes.io/zone']" } } })));
  });

  it("deploys a hub with its leaf sites, a site without its own context on the hub's provider", async () => {
    const hubLeaf = {
      // The shop runs in the hub's Kubernetes cluster, so its link stays inside it.
      hub: { name: "hub", tier: "small", jetstream: { domain: "hub" }, leafnodesService: { type: "ClusterIP" } },
      sites: [{ name: "shop", tier: "dev", jetstream: { domain: "shop" }, account: "edge", user: "shop-leaf" }],
    };
    const accounts = [
      {
        name: "edge",
        subjects: ["shop.>"],
        // The shop runs edge in operator mode too, so its storage fits the dev-tier site.
        limits: { leaf: 2, jetstream: { memStorage: "64Mi", diskStorage: "256Mi" } },
        users: [{ name: "shop-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["shop.>"], subscribe: ["shop.>", "_INBOX.>"] } }],
      },
    ];
    const program = await runProgram({ hubLeaf, accounts });
    expect(mocks.ofType("pulumi:providers:kubernetes")).toEqual([]);
    expect(mocks.ofType("nats-jetstream:index:HubAndLeaf")).toHaveLength(1);
    expect(mocks.ofType("kubernetes:apps/v1:StatefulSet").map((set) => set.inputs.metadata.name)).toEqual(["hub", "shop"]);
    expect(Object.keys(await valueOf(program.clientUrls)).sort()).toEqual(["hub", "shop"]);
  });
});

describe("the lightdash stack", () => {
  const lightdashConfig = () =>
    Object.fromEntries(
      Object.entries(readStackConfig(path.resolve(__dirname, "../../stacks/Pulumi.lightdash.yaml"))).map(([key, value]) => [key.replace(/^nats-jetstream:/, ""), value]),
    );

  it("deploys the cluster, Lightdash and its job streams, with a provisioner user for the NACK controller", async () => {
    const program = await runProgram(lightdashConfig());
    expect(mocks.ofType("nats-jetstream:index:Lightdash")).toHaveLength(1);
    expect(mocks.ofType("kubernetes:jetstream.nats.io/v1beta2:Stream").map((stream) => stream.inputs.spec.name).sort()).toEqual([
      "PRE_AGGREGATE_QUERY_JOBS",
      "WAREHOUSE_QUERY_JOBS",
    ]);
    const creds = mocks.ofType("kubernetes:core/v1:Secret").map((secret) => secret.inputs.metadata.name);
    expect(creds).toContain("nats-lightdash-nack-creds");
    expect(await valueOf(program.lightdashUrl)).toMatch(/^http:\/\/lightdash\.lightdash\.svc\.cluster\.local:8080$/);
  });

  it("refuses NATS without the warehouse worker, before anything is created", async () => {
    const config = lightdashConfig();
    const lightdash = config.lightdash as { warehouseWorker: { enabled: boolean } };
    lightdash.warehouseWorker.enabled = false;
    await expect(runProgram(config)).rejects.toThrow(
      "stack small: lightdash.warehouseWorker.enabled: false is not allowed; set it true whenever nats.enabled is true: the API then sends every query to NATS, and with no warehouse worker to pull them, queries stall",
    );
    expect(mocks.resources).toEqual([]);
  });
});

describe("the dagnats stack", () => {
  const dagnatsConfig = () =>
    Object.fromEntries(
      Object.entries(readStackConfig(path.resolve(__dirname, "../../stacks/Pulumi.dagnats.yaml"))).map(([key, value]) => [key.replace(/^nats-jetstream:/, ""), value]),
    );

  it("deploys the cluster, the engine and its pools, their streams and buckets once, and the backups of the engine's stores", async () => {
    const program = await runProgram(dagnatsConfig());
    expect(mocks.ofType("nats-jetstream:index:DagNats")).toHaveLength(1);
    // The stack's controller declares the engine's streams and buckets; the engine brings no controller of its own.
    expect(mocks.ofType("nats-jetstream:index:JetStreamResources")).toHaveLength(1);
    expect(mocks.ofType("kubernetes:jetstream.nats.io/v1beta2:Stream")).toHaveLength(7);
    expect(mocks.ofType("kubernetes:jetstream.nats.io/v1beta2:KeyValue")).toHaveLength(16);
    expect(mocks.ofType("kubernetes:apps/v1:Deployment").map((deployment) => deployment.inputs.metadata.name).sort()).toEqual(["dagnats", "dagnats-io", "dagnats-llm", "nack"]);
    const [cronJob] = mocks.ofType("kubernetes:batch/v1:CronJob");
    expect(cronJob.inputs.spec.schedule).toBe("0 3 * * *");
    const script = JSON.stringify(cronJob.inputs.spec.jobTemplate);
    for (const stream of ["WORKFLOW_HISTORY", "TASK_QUEUES", "KV_workflow_defs", "KV_workflow_runs"]) expect(script).toContain(`stream backup '${stream}'`);
    expect(script).not.toContain("stream backup 'TELEMETRY'");
    expect(await valueOf(program.dagnatsUrl)).toBe("http://dagnats.workflows.svc.cluster.local:8080");
  });

  it("refuses the preset on a supercluster, before anything is created", async () => {
    const config = dagnatsConfig();
    delete config.cluster;
    config.supercluster = BASES.supercluster().supercluster;
    await expect(runProgram(config)).rejects.toThrow(/dagnats: "dagnats" is not allowed; use the preset with a single cluster \(the cluster key\): this stack declares supercluster/);
    expect(mocks.resources).toEqual([]);
  });
});
