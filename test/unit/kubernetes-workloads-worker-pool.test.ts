/**
 * The WorkerPool component under Pulumi mocks (update mode): the pool's objects, each valid against its
 * schema, the pool user's creds kept secret, scaling on lag with KEDA, and the refusals that come before
 * anything is registered.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { WorkerPoolArgs, WorkerPoolSettings } from "../../components/kubernetes/apps/worker-pool";
import { ClusterSpec } from "../../components/model/cluster";
import { StreamSpec } from "../../components/model/streams";
import { RecordedResource, valueOf } from "../../components/testing";
import { expectEachValid, expectRefusal } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";
import { stackConnection, stackCredentials } from "../support/workload-stack";

type Components = typeof import("../../components/kubernetes");

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const BUDGET = "kubernetes:policy/v1:PodDisruptionBudget";
const SECRET = "kubernetes:core/v1:Secret";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";

const cluster: ClusterSpec = { name: "nats", tier: "small" };
const streams: StreamSpec[] = [
  { name: "IMAGES", account: "media", subjects: ["images.>"], retention: "workqueue", consumers: [{ durable: "resizer", maxAckPending: 64, workerUser: "resizer" }] },
  { name: "INVOICES", account: "billing", subjects: ["invoices.>"], retention: "workqueue", consumers: [{ durable: "mailer", workerUser: "mailer" }] },
];
const accounts = [
  {
    name: "media",
    users: [
      { name: "uploader", publisher: { stream: "IMAGES" } },
      { name: "resizer", worker: { stream: "IMAGES", consumer: "resizer" } },
      { name: "viewer", permissions: { subscribe: ["images.>"] } },
    ],
  },
  { name: "billing", users: [{ name: "mailer", worker: { stream: "INVOICES", consumer: "mailer" } }] },
];

const resizer: WorkerPoolSettings = {
  name: "resizer",
  namespace: "media",
  image: "example/resizer:1.4.0",
  user: "resizer",
  consumers: [{ stream: "IMAGES", durable: "resizer" }],
  concurrency: 8,
  port: 8080,
  probes: { startup: { path: "/livez" }, liveness: { path: "/livez" }, readiness: { path: "/ready" } },
  resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
  terminationGracePeriodSeconds: 120,
  antiAffinity: "required",
  autoscaling: { minReplicas: 0, maxReplicas: 12, lagThreshold: 16 },
};

function argsFor(pool: WorkerPoolSettings): WorkerPoolArgs {
  return { ...stackConnection(cluster, accounts, streams, credentials), pool, jetStream: { streams } };
}

const { mocks, pulumi, components, deploy } = await componentStack({ preview: false });
const credentials = await deploy(() => stackCredentials(cluster, accounts, streams));

const only = (type: string): RecordedResource => {
  const found = mocks.ofType(type);
  expect(found).toHaveLength(1);
  return found[0];
};

describe("a pool that scales on its consumer's lag", () => {
  let pool: InstanceType<Components["WorkerPool"]>;
  beforeAll(async () => {
    pool = await deploy(() => new components.WorkerPool("resizer", argsFor(resizer)));
  });

  it("registers its Secret, Deployment, budget and ScaledObject under itself, each valid", async () => {
    const urn = await valueOf(pool.urn);
    const children = mocks.resources.filter((resource) => resource.custom);
    expect(children.map((resource) => [resource.type, resource.name]).sort()).toEqual([
      [DEPLOYMENT, "resizer-deployment"],
      [SECRET, "resizer-creds"],
      [SCALED_OBJECT, "resizer-scaled-object"],
      [BUDGET, "resizer-disruption-budget"],
    ]);
    for (const child of children) expect(child.options.parent).toBe(urn);
    expectEachValid(mocks.kubernetesObjects());
  });

  it("writes the pool user's creds, and only those, into a Secret of its namespace, as a Pulumi secret", async () => {
    const secret = only(SECRET);
    expect(secret.inputs.metadata).toMatchObject({ name: "resizer-nats-creds", namespace: "media" });
    expect(Object.keys(secret.inputs.stringData)).toEqual(["resizer.creds"]);
    expect(secret.inputs.stringData["resizer.creds"]).toBe((await valueOf(credentials.userCreds))!.resizer);
    expect(secret.inputs.stringData["resizer.creds"]).toMatch(/-----BEGIN USER NKEY SEED-----/);
    expect(secret.secretPaths).toEqual(["stringData"]);
    expect(secret.options.deleteBeforeReplace).toBe(true);
    expect(await pulumi.isSecret(credentials.userCreds)).toBe(true);
  });

  it("gives each pod the NATS URL, the creds path, its user's inbox prefix and the concurrency, and mounts the creds read-only", () => {
    const deployment = only(DEPLOYMENT).inputs;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(container.env.slice(0, 4)).toEqual([
      { name: "NATS_URL", value: "nats://nats.nats.svc.cluster.local:4222" },
      { name: "NATS_CREDS", value: "/etc/nats-creds/resizer.creds" },
      { name: "NATS_INBOX_PREFIX", value: "_INBOX_resizer" },
      { name: "NATS_WORKER_CONCURRENCY", value: "8" },
    ]);
    expect(container.volumeMounts).toEqual([{ name: "nats-creds", mountPath: "/etc/nats-creds", readOnly: true }]);
    expect(pod.volumes).toEqual([{ name: "nats-creds", secret: { secretName: "resizer-nats-creds", defaultMode: 0o440, items: [{ key: "resizer.creds", path: "resizer.creds" }] } }]);
    expect(pod.securityContext).toEqual({ fsGroup: 1000 });
    expect(only(DEPLOYMENT).options.dependencies).toEqual([expect.stringMatching(/Secret::resizer-creds$/)]);
  });

  it("probes, sizes, spreads and drains the pods as asked, and leaves the replica count to KEDA", () => {
    const spec = only(DEPLOYMENT).inputs.spec;
    const container = spec.template.spec.containers[0];
    expect(spec.replicas).toBeUndefined();
    expect(container.startupProbe.httpGet).toEqual({ path: "/livez", port: 8080 });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/livez", port: 8080 });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/ready", port: 8080 });
    expect(container.resources).toEqual({ requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } });
    expect(spec.template.spec.terminationGracePeriodSeconds).toBe(120);
    expect(spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchLabels: { "app.kubernetes.io/name": "resizer", "app.kubernetes.io/instance": "resizer" } }, topologyKey: "kubernetes.io/hostname" },
    ]);
    expect(only(BUDGET).inputs.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "resizer", "app.kubernetes.io/instance": "resizer" } } });
  });

  it("points KEDA at every server's monitor port through the headless Service, in the account's public key", async () => {
    const scaledObject = only(SCALED_OBJECT);
    const accountKey = (await valueOf(credentials.accountPublicKeys))!.media;
    expect(accountKey).toMatch(/^A[A-Z2-7]{55}$/);
    expect(scaledObject.inputs.metadata).toMatchObject({ name: "resizer", namespace: "media" });
    expect(scaledObject.inputs.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "resizer" },
      pollingInterval: 15,
      cooldownPeriod: 300,
      minReplicaCount: 0,
      maxReplicaCount: 12,
      triggers: [
        {
          type: "nats-jetstream",
          metadata: {
            natsServerMonitoringEndpoint: "nats-headless.nats.svc.cluster.local:8222",
            account: accountKey,
            stream: "IMAGES",
            consumer: "resizer",
            lagThreshold: "16",
            activationLagThreshold: "0",
            useHttps: "false",
          },
        },
      ],
    });
    expect(scaledObject.options.dependencies).toEqual(expect.arrayContaining([expect.stringContaining("resizer-deployment")]));
  });

  it("says what the cluster's NetworkPolicy must let in: the pool's namespace as a client, KEDA to the monitor port", () => {
    expect(pool.clusterIngress).toEqual([
      { ports: [4222], from: [{ namespace: "media" }] },
      { ports: [8222], from: [{ namespace: "keda" }] },
    ]);
    expect(components.workerPoolClusterIngress(argsFor(resizer))).toEqual(pool.clusterIngress);
  });

  it("exports the names of what it made", async () => {
    expect(await valueOf(pool.deploymentName)).toBe("resizer");
    expect(await valueOf(pool.credsSecretName)).toBe("resizer-nats-creds");
    expect(await valueOf(pool.scaledObjectName!)).toBe("resizer");
  });
});

describe("a pool with a fixed replica count", () => {
  let pool: InstanceType<Components["WorkerPool"]>;
  beforeAll(async () => {
    const { autoscaling: _scaling, ...fixed } = resizer;
    pool = await deploy(() => new components.WorkerPool("resizer", { ...argsFor({ ...fixed, replicas: 3, antiAffinity: undefined }), kedaNamespace: "autoscaling" }));
  });

  it("runs that many pods, spread where it can, with no ScaledObject and no KEDA allowance", () => {
    const spec = only(DEPLOYMENT).inputs.spec;
    expect(spec.replicas).toBe(3);
    expect(spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(100);
    expect(mocks.ofType(SCALED_OBJECT)).toEqual([]);
    expect(pool.scaledObjectName).toBeUndefined();
    expect(pool.clusterIngress).toEqual([{ ports: [4222], from: [{ namespace: "media" }] }]);
  });
});

describe("what a pool is refused", () => {
  const refusal = (pool: WorkerPoolSettings) => expectRefusal(mocks, () => new components.WorkerPool("pool", argsFor(pool)));

  it("a user no account has", async () => {
    const { paths, message } = await refusal({ ...resizer, user: "ghost" });
    expect(paths).toEqual(["pool.user"]);
    expect(message).toMatch(/"ghost" is not allowed; name a user of the stack's accounts \(uploader, resizer, viewer, mailer\)/);
  });

  it("a user without the worker role for the consumer", async () => {
    const { paths, message } = await refusal({ ...resizer, user: "uploader" });
    expect(paths).toEqual(["pool.user"]);
    expect(message).toMatch(/give uploader the worker role for consumer resizer of IMAGES .* it may not publish \$JS\.API\.CONSUMER\.MSG\.NEXT\.IMAGES\.resizer/);
  });

  it("a consumer in another account than its user's", async () => {
    const { paths, message } = await refusal({ ...resizer, user: "mailer", consumers: [{ stream: "IMAGES", durable: "resizer" }] });
    expect(paths).toEqual(["pool.consumers[0].stream"]);
    expect(message).toMatch(/name a stream of account billing, the account of user mailer: IMAGES is in media/);
  });

  it("a concurrency the consumer's max ack pending cannot hold, and replicas beside autoscaling, at once", async () => {
    const { paths, message } = await refusal({ ...resizer, concurrency: 100, replicas: 2 });
    expect(paths).toEqual(["pool.replicas", "pool.concurrency"]);
    expect(message).toMatch(/^2 problems:/);
    expect(message).toMatch(/use at most 64, the maxAckPending of consumer resizer/);
  });
});
