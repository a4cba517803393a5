/**
 * The JetStreamResources component under Pulumi mocks (update mode): NACK's CRDs, the controller with one
 * provisioner's creds per account, and a NACK object per stream, consumer and bucket, each valid against its
 * schema; and the refusals that come before anything is registered.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { JetStreamResourcesArgs } from "../../components/kubernetes/jetstream/jetstream-resources";
import type { OpenApiSchema } from "../../components/kubernetes/jetstream/nack-crd-schemas";
import { AccountSpec } from "../../components/model/accounts";
import { ClusterSpec } from "../../components/model/cluster";
import { KeyValueSpec } from "../../components/model/kv";
import * as provisioners from "../../components/model/provisioners";
import { subjectWithinAny } from "../../components/model/subjects";
import { StreamSpec } from "../../components/model/streams";
import { valueOf } from "../../components/testing";
import { expectEachValid, expectRefusal } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";
import { accountStreamsOf, stackCredentials } from "../support/workload-stack";

type Components = typeof import("../../components/kubernetes");

const CRD = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";
const SECRET = "kubernetes:core/v1:Secret";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const NACK_TYPES = ["Stream", "Consumer", "KeyValue"].map((kind) => `kubernetes:jetstream.nats.io/v1beta2:${kind}`);

const cluster: ClusterSpec = { name: "nats", tier: "small" };
const streams: StreamSpec[] = [
  {
    name: "ORDERS",
    account: "shop",
    subjects: ["orders.>"],
    retention: "workqueue",
    maxBytes: "1Gi",
    consumers: [{ durable: "fulfilment", ackWait: "1m", maxDeliver: 3, workerUser: "fulfilment" }],
  },
  { name: "AUDIT", account: "shop", subjects: ["audit.>"], maxAge: "720h", duplicateWindow: "5m" },
  { name: "EVENTS", account: "telemetry", subjects: ["events.>"], storage: "memory", replicas: 1, maxAge: "1h" },
];
const keyValues: KeyValueSpec[] = [{ bucket: "carts", account: "shop", ttl: "24h", history: 3 }];
const stackAccounts: AccountSpec[] = [
  { name: "shop", users: [{ name: "fulfilment", worker: { stream: "ORDERS", consumer: "fulfilment" } }] },
  { name: "telemetry", users: [{ name: "collector", publisher: { stream: "EVENTS" } }] },
  { name: "idle", users: [{ name: "nobody", permissions: { publish: ["$JS.API.INFO"] } }] },
];

const accounts = provisioners.withJetStreamProvisioners(stackAccounts, { streams, keyValues });

function argsWith(overrides: Partial<JetStreamResourcesArgs> = {}): JetStreamResourcesArgs {
  return { cluster, namespace: "nats", streams, keyValues, accounts, accountStreams: accountStreamsOf(streams), userCreds: credentials.userCreds, ...overrides };
}

const { mocks, components, deploy } = await componentStack({ preview: false });
const credentials = await deploy(() => stackCredentials(cluster, accounts, streams));

describe("provisioner users", () => {
  it("are added to each account holding a stream or bucket, and only there", () => {
    const accounts = provisioners.withJetStreamProvisioners(stackAccounts, { streams, keyValues });
    expect(accounts.map((account) => account.users!.map((user) => user.name))).toEqual([["fulfilment", "shop-nack"], ["collector", "telemetry-nack"], ["nobody"]]);
    expect(accounts[0].users![1]).toEqual({ name: "shop-nack", provisioner: true, connectionTypes: ["STANDARD"] });
  });

  it("are left as the stack declares them when already there", () => {
    const declared: AccountSpec[] = [{ name: "shop", users: [{ name: "shop-nack", admin: true, permissions: { publish: ["$JS.API.>"] } }] }];
    expect(provisioners.withJetStreamProvisioners(declared, { streams })).toEqual(declared);
  });

  it("can manage streams but neither publish into them, get their messages, purge nor delete them", () => {
    const shop = credentials.accounts.find((account) => account.name === "shop")!;
    const provisioner = shop.users.find((user) => user.name === "shop-nack")!;
    expect(provisioners.missingProvisionerPermissions(provisioner)).toEqual([]);
    const reaches = (subject: string) => subjectWithinAny(subject, provisioner.permissions.publish);
    expect(["orders.new", "$JS.API.STREAM.PURGE.ORDERS", "$JS.API.STREAM.DELETE.ORDERS", "$JS.API.STREAM.MSG.GET.ORDERS", "$JS.API.DIRECT.GET.ORDERS"].filter(reaches)).toEqual([]);
  });
});

describe("a stack's streams, consumers and buckets", () => {
  let resources: InstanceType<Components["JetStreamResources"]>;
  beforeAll(async () => {
    resources = await deploy(() => new components.JetStreamResources("jetstream", argsWith()));
  });

  it("registers the CRDs, the creds, the controller and one object per stream, consumer and bucket, under itself", async () => {
    const urn = await valueOf(resources.urn);
    const children = mocks.resources.filter((resource) => resource.custom);
    for (const child of children) expect(child.options.parent).toBe(urn);
    const count = (type: string) => mocks.ofType(type).length;
    expect(count(CRD)).toBe(5);
    expect(count(SECRET)).toBe(2);
    expect(count("kubernetes:core/v1:ServiceAccount") + count("kubernetes:rbac.authorization.k8s.io/v1:Role") + count("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")).toBe(3);
    expect(count(DEPLOYMENT)).toBe(1);
    expect(NACK_TYPES.map(count)).toEqual([3, 1, 1]);
    expect(children).toHaveLength(5 + 2 + 3 + 1 + 5);
  });

  it("every Kubernetes object fits the Kubernetes schema, every NACK object its CRD", () => {
    expectEachValid(mocks.kubernetesObjects());
  });

  it("installs all five NACK kinds with structural schemas, kept when the stack is destroyed", () => {
    const crds = mocks.ofType(CRD);
    expect(crds.map((crd) => crd.inputs.metadata.name).sort()).toEqual([
      "accounts.jetstream.nats.io",
      "consumers.jetstream.nats.io",
      "keyvalues.jetstream.nats.io",
      "objectstores.jetstream.nats.io",
      "streams.jetstream.nats.io",
    ]);
    const untyped: string[] = [];
    const walk = (schema: OpenApiSchema, path: string) => {
      if (schema.type === undefined) untyped.push(path);
      if ((schema as { additionalProperties?: unknown }).additionalProperties === false) untyped.push(`${path}: additionalProperties false`);
      for (const [field, inner] of Object.entries(schema.properties ?? {})) walk(inner, `${path}.${field}`);
      if (schema.items) walk(schema.items, `${path}[]`);
      if (schema.additionalProperties) walk(schema.additionalProperties, `${path}{}`);
    };
    for (const crd of crds) {
      expect(crd.options.retainOnDelete).toBe(true);
      const [version] = crd.inputs.spec.versions;
      expect(version).toMatchObject({ name: "v1beta2", served: true, storage: true, subresources: { status: {} } });
      walk(version.schema.openAPIV3Schema, crd.inputs.metadata.name);
    }
    expect(untyped).toEqual([]);
  });

  it("writes each account's provisioner creds into a Secret of the controller's namespace, as a Pulumi secret", async () => {
    const creds = (await valueOf(credentials.userCreds))!;
    const secrets = mocks.ofType(SECRET).sort((a, b) => a.name.localeCompare(b.name));
    expect(secrets.map((secret) => [secret.name, secret.inputs.metadata.name, secret.inputs.metadata.namespace, Object.keys(secret.inputs.stringData)])).toEqual([
      ["jetstream-shop-creds", "nack-shop-creds", "nats", ["shop-nack.creds"]],
      ["jetstream-telemetry-creds", "nack-telemetry-creds", "nats", ["telemetry-nack.creds"]],
    ]);
    expect(secrets[0].inputs.stringData["shop-nack.creds"]).toBe(creds["shop-nack"]);
    for (const secret of secrets) expect(secret.secretPaths).toEqual(["stringData"]);
  });

  it("runs the controller against the cluster's client Service, watching its own namespace, with every account's creds mounted", () => {
    const deployment = mocks.ofType(DEPLOYMENT)[0];
    const container = deployment.inputs.spec.template.spec.containers[0];
    expect(container.command).toEqual([
      "/jetstream-controller",
      "--control-loop=true",
      "--namespace=nats",
      "-s=nats://nats.nats.svc.cluster.local:4222",
      "--creds=/etc/nack/creds/shop/shop-nack.creds",
    ]);
    expect(deployment.inputs.spec.template.spec.volumes.slice(1)).toEqual([
      { name: "creds-shop", secret: { secretName: "nack-shop-creds", defaultMode: 0o440, items: [{ key: "shop-nack.creds", path: "shop-nack.creds" }] } },
      { name: "creds-telemetry", secret: { secretName: "nack-telemetry-creds", defaultMode: 0o440, items: [{ key: "telemetry-nack.creds", path: "telemetry-nack.creds" }] } },
    ]);
    expect(deployment.options.dependencies).toEqual(expect.arrayContaining([expect.stringMatching(/CustomResourceDefinition::jetstream-crd-stream$/), expect.stringMatching(/Secret::jetstream-shop-creds$/)]));
  });

  it("creates each object as its account's provisioner, after the CRDs and the controller", () => {
    const [streamType, consumerType, keyValueType] = NACK_TYPES;
    const orders = mocks.named("jetstream-stream-shop-orders");
    expect(orders.type).toBe(streamType);
    expect(orders.inputs.metadata).toMatchObject({ name: "shop-orders", namespace: "nats" });
    expect(orders.inputs.spec).toMatchObject({ name: "ORDERS", retention: "workqueue", replicas: 3, maxBytes: 1024 ** 3, discard: "new", creds: "/etc/nack/creds/shop/shop-nack.creds", preventDelete: true });
    expect(mocks.named("jetstream-stream-telemetry-events").inputs.spec).toMatchObject({ storage: "memory", replicas: 1, maxAge: "1h", creds: "/etc/nack/creds/telemetry/telemetry-nack.creds" });
    const consumer = mocks.ofType(consumerType)[0];
    expect(consumer.inputs.spec).toMatchObject({ streamName: "ORDERS", durableName: "fulfilment", ackPolicy: "explicit", ackWait: "1m", maxDeliver: 3, preventDelete: false });
    expect(mocks.ofType(keyValueType)[0].inputs.spec).toMatchObject({ bucket: "carts", history: 3, ttl: "24h" });
    for (const type of NACK_TYPES) {
      for (const object of mocks.ofType(type)) {
        expect(object.options.dependencies).toEqual(expect.arrayContaining([expect.stringMatching(/CustomResourceDefinition::jetstream-crd-consumer$/), expect.stringMatching(/Deployment::jetstream-controller$/)]));
      }
    }
  });

  it("exposes the resolved declarations, the objects' names and what the NetworkPolicy must let in", async () => {
    expect(resources.resources.streams.map((stream) => [stream.name, stream.replicas])).toEqual([["ORDERS", 3], ["AUDIT", 3], ["EVENTS", 1]]);
    expect(await valueOf(resources.controllerName!)).toBe("nack");
    expect((await valueOf(resources.objectNames))!.sort()).toEqual(["Consumer/shop-orders-fulfilment", "KeyValue/shop-kv-carts", "Stream/shop-audit", "Stream/shop-orders", "Stream/telemetry-events"]);
    expect(resources.clusterIngress).toEqual([{ ports: [4222], from: [{ namespace: "nats" }] }]);
  });
});

describe("options", () => {
  it("leaves the CRDs to another owner when asked, and names the controller as asked", async () => {
    await deploy(() => new components.JetStreamResources("jetstream", argsWith({ installCrds: false, controllerName: "shop-nack", preventDelete: false })));
    expect(mocks.ofType(CRD)).toEqual([]);
    expect(mocks.ofType(DEPLOYMENT)[0].inputs.metadata.name).toBe("shop-nack");
    expect(mocks.named("jetstream-stream-shop-orders").inputs.spec.preventDelete).toBe(false);
    expect(mocks.named("jetstream-stream-shop-orders").options.dependencies).toEqual([expect.stringMatching(/Deployment::jetstream-controller$/)]);
  });

  it("creates nothing but itself when there is nothing to manage", async () => {
    const empty = await deploy(() => new components.JetStreamResources("jetstream", argsWith({ streams: [], keyValues: [] })));
    expect(mocks.resources.map((resource) => resource.type)).toEqual(["nats-jetstream:index:JetStreamResources"]);
    expect(empty.controllerName).toBeUndefined();
    expect(empty.clusterIngress).toEqual([]);
  });
});

describe("what is refused", () => {
  const refusal = (args: JetStreamResourcesArgs) => expectRefusal(mocks, () => new components.JetStreamResources("jetstream", args));

  it("an account without its provisioner", async () => {
    const { paths, message } = await refusal(argsWith({ streams: [...streams, { name: "IDLE", account: "idle", subjects: ["idle.>"], maxAge: "24h" }] }));
    expect(paths).toEqual(["streams[3].account"]);
    expect(message).toMatch(/add the user idle-nack to account idle \(withJetStreamProvisioners does, before NatsCredentials\)/);
  });

  it("a provisioner that may not manage streams", async () => {
    const weak: AccountSpec[] = [{ name: "shop", users: [{ name: "fulfilment", worker: { stream: "ORDERS", consumer: "fulfilment" } }, { name: "shop-nack", permissions: { publish: ["$JS.API.INFO"] } }] }];
    const shopStreams = streams.filter((stream) => stream.account === "shop");
    const { paths, message } = await refusal(argsWith({ streams: shopStreams, keyValues: [], accounts: weak, accountStreams: accountStreamsOf(shopStreams) }));
    expect(paths).toEqual(["streams[0].account"]);
    expect(message).toMatch(/let shop-nack manage the account's streams and consumers; it may not publish \$JS\.API\.STREAM\.CREATE\.\*, .*subscribe _INBOX\.>/);
  });

  it("accounts without the creds the controller connects with", async () => {
    const { paths, message } = await refusal(argsWith({ userCreds: undefined }));
    expect(paths).toEqual(["userCreds"]);
    expect(message).toMatch(/give userCreds with accounts/);
  });

  it("streams the cluster cannot hold and a bad namespace, all at once", async () => {
    const { paths, message } = await refusal(argsWith({ namespace: "NATS", streams: [{ ...streams[0], replicas: 5 }, { ...streams[1], account: "nowhere" }] }));
    expect(paths).toEqual(["namespace", "streams[0].replicas", "streams[1].account"]);
    expect(message).toMatch(/^3 problems:/);
  });
});
