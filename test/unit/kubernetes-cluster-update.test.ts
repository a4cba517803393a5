/** The JetStreamCluster component under Pulumi mocks in update mode: what it would send to Kubernetes. */
import { beforeAll, describe, expect, it } from "vitest";
import { ConfVariable } from "../../components/model";
import { RecordedResource, valueOf } from "../../components/testing";
import { expectEachValid } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";

const COMPONENT = "nats-jetstream:index:JetStreamCluster";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SERVICE = "kubernetes:core/v1:Service";
const CLAIM_PATCH = "kubernetes:core/v1:PersistentVolumeClaimPatch";
const BUDGET = "kubernetes:policy/v1:PodDisruptionBudget";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const NAMESPACE = "kubernetes:core/v1:Namespace";

const stack = await componentStack({ preview: false });
const { mocks, pulumi, components } = stack;

/** The one JetStreamCluster these args make, alone in the record. */
const deploy = (name: string, args: import("../../components/kubernetes").JetStreamClusterArgs) => stack.deploy(() => new components.JetStreamCluster(name, args));

const only = (type: string): RecordedResource => {
  const found = mocks.ofType(type);
  expect(found).toHaveLength(1);
  return found[0];
};
const podSpec = () => only(STATEFUL_SET).inputs.spec.template.spec;
const container = (name: string) => podSpec().containers.find((c: { name: string }) => c.name === name);
const natsConf = (): string => only(CONFIG_MAP).inputs.data["nats.conf"];

/** Figures each tier must produce, written out rather than computed so a change in the model shows here. */
const TIERS = {
  dev: { servers: 1, cpu: "1", memory: "512Mi", goMemLimit: "435MiB", volume: "1Gi", storageClass: undefined, maxUnavailable: 0, syncAlways: false },
  small: { servers: 3, cpu: "2", memory: "2Gi", goMemLimit: "1740MiB", volume: "20Gi", storageClass: "nats-ssd", maxUnavailable: 1, syncAlways: true },
  medium: { servers: 3, cpu: "4", memory: "8Gi", goMemLimit: "6963MiB", volume: "100Gi", storageClass: "nats-ssd", maxUnavailable: 1, syncAlways: true },
  large: { servers: 5, cpu: "8", memory: "16Gi", goMemLimit: "13926MiB", volume: "500Gi", storageClass: "nats-nvme", maxUnavailable: 2, syncAlways: true },
} as const;

describe.each(Object.entries(TIERS))("a %s cluster", (tier, expected) => {
  beforeAll(async () => {
    await deploy("events", { cluster: { name: "events", tier: tier as keyof typeof TIERS, namespace: "messaging" } });
  });

  it("registers the component's objects, each a child of the component and named after it", () => {
    const claims = Array.from({ length: expected.servers }, (_, ordinal) => `${CLAIM_PATCH} events-jetstream-${ordinal}`);
    expect(mocks.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        `${COMPONENT} events`,
        `${CONFIG_MAP} events-config`,
        `${SERVICE_ACCOUNT} events-service-account`,
        `${SERVICE} events-headless`,
        `${SERVICE} events-client`,
        `${STATEFUL_SET} events-statefulset`,
        `${BUDGET} events-disruption-budget`,
        `${NETWORK_POLICY} events-network-policy`,
        ...claims,
      ].sort(),
    );
    const componentUrn = "urn:pulumi:test::nats-jetstream::nats-jetstream:index:JetStreamCluster::events";
    for (const child of mocks.kubernetesObjects()) expect({ name: child.name, parent: child.options.parent }).toEqual({ name: child.name, parent: componentUrn });
  });

  it("sends only objects that match the Kubernetes schemas, with no unknown field", () => {
    expectEachValid(mocks.kubernetesObjects());
  });

  it("runs the tier's server count with the tier's resources, no CPU limit", () => {
    const statefulSet = only(STATEFUL_SET).inputs;
    expect(statefulSet.metadata).toMatchObject({ name: "events", namespace: "messaging" });
    expect(statefulSet.spec.replicas).toBe(expected.servers);
    expect(container("nats").resources).toEqual({
      requests: { cpu: expected.cpu, memory: expected.memory },
      limits: { memory: expected.memory },
    });
  });

  it("names each server after its pod and bounds the Go heap below the memory limit", () => {
    expect(container("nats").env).toEqual([
      { name: "SERVER_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "GOMEMLIMIT", value: expected.goMemLimit },
    ]);
    expect(natsConf()).toContain("server_name: $SERVER_NAME");
  });

  it("routes every server to every pod's headless DNS name", () => {
    const routes = Array.from({ length: expected.servers }, (_, i) => `"nats://events-${i}.events-headless.messaging.svc.cluster.local:6222"`);
    if (expected.servers === 1) expect(natsConf()).not.toContain("cluster:");
    else expect(natsConf()).toContain(`routes: [\n    ${routes.join(",\n    ")}\n  ]`);
  });

  it(expected.syncAlways ? "syncs every write before acknowledging it" : "keeps the default write sync", () => {
    expect(natsConf().includes('sync_interval: "always"')).toBe(expected.syncAlways);
  });

  it("keeps a quorum through voluntary disruptions", () => {
    expect(only(BUDGET).inputs.spec).toEqual({
      maxUnavailable: expected.maxUnavailable,
      selector: { matchLabels: { "app.kubernetes.io/name": "nats", "app.kubernetes.io/instance": "events" } },
    });
  });

  it("sizes one claim per server, named as the StatefulSet controller names them, kept on delete", () => {
    const claims = mocks.ofType(CLAIM_PATCH);
    expect(claims.map((claim) => claim.inputs.metadata.name)).toEqual(Array.from({ length: expected.servers }, (_, i) => `jetstream-events-${i}`));
    for (const claim of claims) {
      expect(claim.inputs.spec).toEqual({
        accessModes: ["ReadWriteOnce"],
        ...(expected.storageClass ? { storageClassName: expected.storageClass } : {}),
        resources: { requests: { storage: expected.volume } },
      });
      expect(claim.inputs.metadata.annotations).toEqual({ "pulumi.com/patchForce": "true", "pulumi.com/skipAwait": "true" });
      expect(claim.options.retainOnDelete).toBe(true);
    }
    const template = only(STATEFUL_SET).inputs.spec.volumeClaimTemplates[0];
    expect(template.metadata.name).toBe("jetstream");
    expect(template.spec).toEqual(claims[0].inputs.spec);
  });

  it("never replaces the StatefulSet for a new size, and creates it after its claims", () => {
    const statefulSet = only(STATEFUL_SET);
    expect(statefulSet.options.ignoreChanges).toEqual(["spec.volumeClaimTemplates"]);
    const claimUrns = mocks.ofType(CLAIM_PATCH).map((claim) => expect.stringContaining(`::${claim.name}`));
    expect(statefulSet.options.dependencies).toEqual(expect.arrayContaining([...claimUrns, expect.stringContaining("::events-config")]));
  });

  it("spreads servers over zones and nodes, strictly outside dev", () => {
    const strict = tier !== "dev";
    const spec = podSpec();
    expect(spec.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: strict ? "DoNotSchedule" : "ScheduleAnyway",
    });
    const antiAffinity = spec.affinity.podAntiAffinity;
    if (strict) expect(antiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe("kubernetes.io/hostname");
    else expect(antiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe("kubernetes.io/hostname");
  });
});

describe("the server pod", () => {
  beforeAll(async () => {
    await deploy("nats", { cluster: { name: "nats", tier: "small" } });
  });

  it("probes only what the server itself answers: JetStream up to start and stay live, current with the meta leader to be ready", () => {
    const nats = container("nats");
    expect(nats.startupProbe).toMatchObject({ httpGet: { path: "/healthz?js-enabled-only=true", port: "monitor" }, periodSeconds: 10, failureThreshold: 90 });
    expect(nats.readinessProbe).toMatchObject({ httpGet: { path: "/healthz?js-server-only=true", port: "monitor" } });
    expect(nats.livenessProbe).toMatchObject({ httpGet: { path: "/healthz?js-enabled-only=true", port: "monitor" }, periodSeconds: 30 });
  });

  it("enters lame duck mode before it stops, and holds the kubelet's SIGTERM back until the server is done or the grace period is over", () => {
    expect(container("nats").lifecycle.preStop.exec.command).toEqual(["/bin/sh", "-c", "nats-server -sl=ldm=/var/run/nats/nats.pid && sleep 60"]);
    expect(podSpec().terminationGracePeriodSeconds).toBe(60);
    expect(natsConf()).toContain('lame_duck_duration: "30s"');
  });

  it("keeps pod management, update strategy and claim retention as a quorum needs", () => {
    const spec = only(STATEFUL_SET).inputs.spec;
    expect(spec).toMatchObject({
      serviceName: "nats-headless",
      podManagementPolicy: "Parallel",
      updateStrategy: { type: "RollingUpdate" },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    });
  });

  it("runs as a non-root user with no capabilities, and owns its data volume through fsGroup", () => {
    expect(podSpec().securityContext).toEqual({
      runAsUser: 1000,
      runAsGroup: 1000,
      runAsNonRoot: true,
      fsGroup: 1000,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const name of ["nats", "reloader", "exporter"]) {
      expect(container(name).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
      });
    }
    expect(container("nats").volumeMounts).toContainEqual({ name: "jetstream", mountPath: "/data" });
  });

  it("is not evicted by the cluster autoscaler, and has no config hash that would restart it", () => {
    expect(only(STATEFUL_SET).inputs.spec.template.metadata.annotations).toEqual({ "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" });
  });

  it("reloads config changes through the reloader sidecar, which shares the process namespace", () => {
    expect(podSpec().shareProcessNamespace).toBe(true);
    expect(container("reloader")).toMatchObject({
      image: "natsio/nats-server-config-reloader:0.23.0",
      args: ["-pid", "/var/run/nats/nats.pid", "-config", "/etc/nats-config/nats.conf"],
    });
    expect(container("nats").args).toEqual(["--config", "/etc/nats-config/nats.conf"]);
    expect(podSpec().volumes[0]).toEqual({ name: "config", configMap: { name: "nats-config" } });
  });

  it("exports metrics on 7777 with the flags of the enabled features", () => {
    expect(container("exporter")).toMatchObject({
      image: "natsio/prometheus-nats-exporter:0.20.1",
      ports: [{ name: "metrics", containerPort: 7777, protocol: "TCP" }],
      args: ["-port=7777", "-connz", "-routez", "-subz", "-varz", "-healthz", "-prefix=nats", "-use_internal_server_id", "-jsz=all", "http://localhost:8222/"],
    });
  });

  it("is reachable through a headless Service publishing not-ready pods on every port, and a client Service", () => {
    const [headless] = mocks.ofType(SERVICE).filter((s) => s.name === "nats-headless");
    expect(headless.inputs.spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true });
    expect(headless.inputs.spec.ports.map((p: { port: number }) => p.port)).toEqual([4222, 6222, 8222, 7777]);
    const [client] = mocks.ofType(SERVICE).filter((s) => s.name === "nats-client");
    expect(client.inputs.metadata.name).toBe("nats");
    expect(client.inputs.spec.ports).toEqual([{ name: "client", port: 4222, targetPort: "client", protocol: "TCP" }]);
  });

  it("replaces its fixed-name ConfigMap by deleting it first", () => {
    expect(only(CONFIG_MAP).options.deleteBeforeReplace).toBe(true);
    expect(only(CONFIG_MAP).inputs.metadata.name).toBe("nats-config");
  });

  it("runs under its own ServiceAccount without an API token", () => {
    expect(only(SERVICE_ACCOUNT).inputs).toMatchObject({ metadata: { name: "nats" }, automountServiceAccountToken: false });
    expect(podSpec()).toMatchObject({ serviceAccountName: "nats", automountServiceAccountToken: false });
  });
});

describe("server counts a tier allows besides its default", () => {
  it("a 5-server medium cluster tolerates two servers down", async () => {
    await deploy("wide", { cluster: { name: "wide", tier: "medium", servers: 5 } });
    expect(only(BUDGET).inputs.spec.maxUnavailable).toBe(2);
    expect(only(STATEFUL_SET).inputs.spec.replicas).toBe(5);
    expect(natsConf()).toContain("nats://wide-4.wide-headless.nats.svc.cluster.local:6222");
  });

  it("a 3-server dev cluster keeps a quorum but only prefers separate nodes", async () => {
    await deploy("trial", { cluster: { name: "trial", tier: "dev", servers: 3 } });
    expect(only(BUDGET).inputs.spec.maxUnavailable).toBe(1);
    expect(podSpec().affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(natsConf()).toContain("trial-2.trial-headless");
  });
});

describe("the NetworkPolicy", () => {
  const own = { podSelector: { matchLabels: { "app.kubernetes.io/name": "nats", "app.kubernetes.io/instance": "nats" } } };
  const namespace = (name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });

  it("by default lets clients in from the cluster's namespace, routes from its servers, monitoring from its servers", async () => {
    await deploy("nats", { cluster: { name: "nats", tier: "small", namespace: "messaging" } });
    expect(only(NETWORK_POLICY).inputs.spec).toEqual({
      podSelector: own.podSelector,
      policyTypes: ["Ingress"],
      ingress: [
        { ports: [{ protocol: "TCP", port: 4222 }], from: [namespace("messaging")] },
        { ports: [{ protocol: "TCP", port: 6222 }], from: [own] },
        { ports: [{ protocol: "TCP", port: 8222 }, { protocol: "TCP", port: 7777 }], from: [own] },
      ],
    });
  });

  it("opens the client port to the namespaces named and monitoring to the monitoring namespace", async () => {
    await deploy("nats", {
      cluster: { name: "nats", tier: "small", ports: { client: 14222 } },
      clientNamespaces: ["orders", "billing"],
      monitoringNamespace: "monitoring",
    });
    const [clients, routes, monitoring] = only(NETWORK_POLICY).inputs.spec.ingress;
    expect(clients).toEqual({ ports: [{ protocol: "TCP", port: 14222 }], from: [namespace("orders"), namespace("billing")] });
    expect(routes.from).toEqual([own]);
    expect(monitoring.from).toEqual([own, namespace("monitoring")]);
  });
});

describe("the component's outputs", () => {
  it("give the client URL, the Services, per-pod monitor endpoints, the cluster name and namespace", async () => {
    const cluster = await deploy("orders", { cluster: { name: "orders", tier: "small", namespace: "shop" } });
    expect(await valueOf(cluster.clientUrl)).toBe("nats://orders.shop.svc.cluster.local:4222");
    expect(await valueOf(cluster.clientServiceName)).toBe("orders");
    expect(await valueOf(cluster.headlessServiceName)).toBe("orders-headless");
    expect(await valueOf(cluster.monitorEndpoints)).toEqual([
      "orders-0.orders-headless.shop.svc.cluster.local:8222",
      "orders-1.orders-headless.shop.svc.cluster.local:8222",
      "orders-2.orders-headless.shop.svc.cluster.local:8222",
    ]);
    expect(await valueOf(cluster.clusterName)).toBe("orders");
    expect(await valueOf(cluster.namespace)).toBe("shop");
    expect(cluster.cluster.servers).toBe(3);
  });

  it("follow a cluster domain other than cluster.local", async () => {
    const cluster = await deploy("edge", { cluster: { name: "edge", tier: "dev" }, clusterDomain: "k8s.example" });
    expect(await valueOf(cluster.clientUrl)).toBe("nats://edge.nats.svc.k8s.example:4222");
    expect(await valueOf(cluster.monitorEndpoints)).toEqual(["edge-0.edge-headless.nats.svc.k8s.example:8222"]);
  });
});

describe("options for later features", () => {
  it("creates the namespace when asked, keeps it on delete, and puts everything after it", async () => {
    await deploy("nats", { cluster: { name: "nats", tier: "dev", namespace: "queue" }, createNamespace: true });
    const namespace = only(NAMESPACE);
    expect(namespace.inputs.metadata.name).toBe("queue");
    expect(namespace.options.retainOnDelete).toBe(true);
    for (const object of mocks.kubernetesObjects().filter((r) => r.type !== NAMESPACE)) {
      expect({ name: object.name, dependsOnNamespace: object.options.dependencies.some((urn) => urn.endsWith("::nats-namespace")) }).toEqual({
        name: object.name,
        dependsOnNamespace: true,
      });
    }
  });

  it("merges extra config sections, Outputs included, keeping variable references bare, and adds exporter flags", async () => {
    const gateway = pulumi.output("nats://west.example:7222").apply((url) => ({
      gateway: { name: "nats", port: 7222, gateways: [{ name: "west", urls: [url] }] },
    }));
    const accounts = pulumi
      .secret("system account key")
      .apply(() => ({ accounts: { SYS: { users: [{ user: "admin", password: new ConfVariable("SYS_PASSWORD") }] } } }));
    await deploy("nats", {
      cluster: { name: "nats", tier: "small" },
      extraConfSections: [gateway, { leafnodes: { port: 7422 } }, accounts],
    });
    const text = natsConf();
    expect(text).toContain('"nats://west.example:7222"');
    expect(text).toContain("password: $SYS_PASSWORD");
    expect(text).toContain("leafnodes: {\n  port: 7422\n}");
    expect(only(CONFIG_MAP).secretPaths).toEqual(["data"]);
    const exporter = only(STATEFUL_SET);
    expect(exporter.secretPaths).toEqual([]);
    expect(container("exporter").args).toEqual(expect.arrayContaining(["-gatewayz", "-leafz"]));
  });

  it("mounts extra volumes, such as creds Secrets, into the server container", async () => {
    await deploy("nats", {
      cluster: { name: "nats", tier: "small" },
      extraVolumes: [{ name: "leaf-creds", secret: { secretName: "leaf-creds" } }],
      extraVolumeMounts: [{ name: "leaf-creds", mountPath: "/etc/nats-creds/leaf", readOnly: true }],
      reloaderImage: "registry.example/reloader:1",
      exporterImage: "registry.example/exporter:1",
    });
    expect(podSpec().volumes).toContainEqual({ name: "leaf-creds", secret: { secretName: "leaf-creds" } });
    expect(container("nats").volumeMounts).toContainEqual({ name: "leaf-creds", mountPath: "/etc/nats-creds/leaf", readOnly: true });
    expect(container("reloader").image).toBe("registry.example/reloader:1");
    expect(container("exporter").image).toBe("registry.example/exporter:1");
    expectEachValid(mocks.kubernetesObjects());
  });
});
