/**
 * The SuperCluster component under Pulumi mocks in update mode. The mock gives every Service a load
 * balancer hostname derived from its name, as a cloud's controller would once the Service exists, and every
 * RandomBytes bytes derived from its name, so gateway lists and operator JWTs resolve.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadBalancerHostname, RecordedResource, valueOf } from "../../components/testing";
import { expectEachValid } from "../support/component-expectations";
import { componentStack, providerReference } from "../support/component-stack";
import { expectReloaderWatchesCertificates } from "../support/reloader-expectations";

type Components = typeof import("../../components/kubernetes");
type SuperCluster = InstanceType<Components["SuperCluster"]>;

const SERVICE = "kubernetes:core/v1:Service";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const COMPONENT_URN = (name: string) => `urn:pulumi:test::nats-jetstream::nats-jetstream:index:SuperCluster::${name}`;

const AWS_NLB = {
  "service.beta.kubernetes.io/aws-load-balancer-type": "external",
  "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
};

const { mocks, components, deploy } = await componentStack({ preview: false });

const natsConf = (resource: string): string => mocks.named(`${resource}-config`).inputs.data["nats.conf"];
const podSpec = (resource: string) => mocks.named(`${resource}-statefulset`).inputs.spec.template.spec;
const natsContainer = (resource: string) => podSpec(resource).containers.find((container: { name: string }) => container.name === "nats");

/** The other regions' egress ranges, which each internet-facing gateway load balancer admits. */
const SOURCES = { loadBalancerSourceRanges: ["198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/24"] };

/** The gateway list every member's config carries: every cluster, each with its load balancer's URL. */
function gatewayList(component: string, clusters: readonly string[]): string {
  const entries = clusters.map(
    (cluster) => `    {\n      name: "${cluster}"\n      urls: [\n        "nats://${loadBalancerHostname(`${component}-${cluster}-gateway`)}:7222"\n      ]\n    }`,
  );
  return `  gateways: [\n${entries.join(",\n")}\n  ]`;
}

describe("three regions on AWS, each in its own Kubernetes cluster", () => {
  const CLUSTERS = ["us-east", "eu-west", "ap-south"] as const;
  let superCluster: SuperCluster;

  beforeAll(async () => {
    superCluster = await deploy(() => new components.SuperCluster("global", {
      cloud: "aws",
      kubernetesVersion: "1.35",
      createNamespace: true,
      monitoringNamespace: "monitoring",
      gatewayTls: { secretName: "gateway-tls", caSecretName: "gateway-ca" },
      accounts: [{ name: "shop", subjects: ["shop.>"], users: [{ name: "api", permissions: { publish: ["shop.>"] } }] }],
      clusters: [
        { name: "us-east", tier: "small", namespace: "nats", region: "us-east-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c"], kubernetes: { context: "us-east" }, gatewayService: SOURCES },
        {
          name: "eu-west",
          tier: "small",
          namespace: "nats",
          region: "eu-west-1",
          zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
          serverNamePrefix: "acme-",
          kubernetes: { context: "eu-west" },
          gatewayService: SOURCES,
        },
        { name: "ap-south", tier: "medium", namespace: "messaging", region: "ap-south-1", kubernetes: { context: "ap-south" }, gatewayService: SOURCES },
      ],
    }));
  });

  it("sends each cluster's objects, and only those, to its own provider", () => {
    const expected = (cluster: string) => [
      `${NAMESPACE} global-${cluster}-namespace`,
      `${SERVICE} global-${cluster}-gateway`,
      `kubernetes:networking.k8s.io/v1:NetworkPolicy global-${cluster}-gateway-network-policy`,
      `${SECRET} global-${cluster}-sys-creds`,
      `${SECRET} global-${cluster}-api-creds`,
      `kubernetes:core/v1:ConfigMap global-${cluster}-config`,
      `kubernetes:core/v1:ServiceAccount global-${cluster}-service-account`,
      `${SERVICE} global-${cluster}-headless`,
      `${SERVICE} global-${cluster}-client`,
      ...[0, 1, 2].map((ordinal) => `kubernetes:core/v1:PersistentVolumeClaimPatch global-${cluster}-jetstream-${ordinal}`),
      `${STATEFUL_SET} global-${cluster}-statefulset`,
      `kubernetes:policy/v1:PodDisruptionBudget global-${cluster}-disruption-budget`,
      `kubernetes:networking.k8s.io/v1:NetworkPolicy global-${cluster}-network-policy`,
    ];
    const objects = mocks.kubernetesObjects();
    for (const cluster of CLUSTERS) {
      const own = objects.filter((object) => object.name.startsWith(`global-${cluster}-`));
      expect(own.map((object) => `${object.type} ${object.name}`).sort()).toEqual(expected(cluster).sort());
      for (const object of own) expect({ name: object.name, provider: object.options.provider }).toEqual({ name: object.name, provider: providerReference(`global-kubernetes-${cluster}`) });
    }
    expect(objects).toHaveLength(CLUSTERS.flatMap(expected).length);
  });

  it("builds one provider per cluster from its context, at the top of the stack, named after the component and the context", () => {
    const providers = mocks.ofType("pulumi:providers:kubernetes");
    expect(providers.map((provider) => [provider.name, provider.inputs.context, provider.options.parent])).toEqual(
      CLUSTERS.map((cluster) => [`global-kubernetes-${cluster}`, cluster, ""]),
    );
    for (const cluster of CLUSTERS) expect(superCluster.providerOf(cluster)).toBeDefined();
  });

  it("makes every cluster and its gateway objects children of the component, named after it", () => {
    const direct = mocks.resources.filter((resource) => resource.options.parent === COMPONENT_URN("global")).map((resource) => resource.name);
    expect(direct.sort()).toEqual(
      [
        "global-credentials",
        ...CLUSTERS.flatMap((cluster) => [
          `global-${cluster}`,
          `global-${cluster}-namespace`,
          `global-${cluster}-gateway`,
          `global-${cluster}-gateway-network-policy`,
          `global-${cluster}-sys-creds`,
          `global-${cluster}-api-creds`,
        ]),
      ].sort(),
    );
    expect(mocks.ofType("nats-jetstream:index:JetStreamCluster").map((cluster) => cluster.name).sort()).toEqual(CLUSTERS.map((cluster) => `global-${cluster}`).sort());
  });

  it("sends only objects that match the Kubernetes schemas, with no unknown field", () => {
    expectEachValid(mocks.kubernetesObjects());
  });

  it("exposes each gateway through an internet-facing network load balancer that lists servers before they are ready, admitting only the given sources", () => {
    const service = mocks.named("global-us-east-gateway").inputs;
    expect(service.metadata).toMatchObject({ name: "us-east-gateway", namespace: "nats", annotations: AWS_NLB });
    expect(service.spec).toEqual({
      type: "LoadBalancer",
      selector: { "app.kubernetes.io/name": "nats", "app.kubernetes.io/instance": "us-east" },
      publishNotReadyAddresses: true,
      ports: [{ name: "gateway", port: 7222, targetPort: 7222, protocol: "TCP" }],
      loadBalancerSourceRanges: SOURCES.loadBalancerSourceRanges,
    });
    expect(mocks.named("global-ap-south-gateway").inputs.metadata).toMatchObject({ name: "ap-south-gateway", namespace: "messaging" });
  });

  it("opens the gateway port to any source with a policy beside the cluster's own", () => {
    expect(mocks.named("global-eu-west-gateway-network-policy").inputs.spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "nats", "app.kubernetes.io/instance": "eu-west" } },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ protocol: "TCP", port: 7222 }] }],
    });
    const own = mocks.named("global-eu-west-network-policy").inputs.spec.ingress.flatMap((rule: { ports: { port: number }[] }) => rule.ports.map((port) => port.port));
    expect(own).not.toContain(7222);
  });

  it("advertises each cluster's load balancer and lists every cluster's gateway, in each cluster's config", () => {
    for (const cluster of CLUSTERS) {
      const conf = natsConf(`global-${cluster}`);
      expect(conf).toContain(`gateway: {\n  advertise: "${loadBalancerHostname(`global-${cluster}-gateway`)}:7222"\n${gatewayList("global", CLUSTERS)}`);
      expect(conf).toContain(`  name: "${cluster}"\n  port: 7222\n  reject_unknown_cluster: true\n`);
      expect(conf).toContain(`cluster: {\n  host: "0.0.0.0"\n  name: "${cluster}"`);
    }
  });

  it("joins every cluster under one operator and one system account", () => {
    const line = (conf: string, key: string) => conf.split("\n").find((text) => text.startsWith(`${key}: `));
    const confs = CLUSTERS.map((cluster) => natsConf(`global-${cluster}`));
    for (const key of ["operator", "system_account", "resolver"]) {
      expect(line(confs[0], key)).toBeDefined();
      for (const conf of confs) expect(line(conf, key)).toBe(line(confs[0], key));
    }
  });

  it("tags each server with its cluster, its region and the zone of its node, and spreads replicas over zones", () => {
    expect(natsConf("global-us-east")).toContain('server_tags: [\n  "cluster:us-east",\n  "region:us-east-1",\n  $NATS_ZONE_TAG\n]');
    expect(natsConf("global-us-east")).toContain('unique_tag: "az:"');
    expect(natsContainer("global-us-east").env.slice(-2)).toEqual([
      { name: "NATS_ZONE", valueFrom: { fieldRef: { fieldPath: "metadata.labels['topology.kubernetes.io/zone']" } } },
      { name: "NATS_ZONE_TAG", value: "az:$(NATS_ZONE)" },
    ]);
  });

  it("gives a cluster without zones no zone tag and no replica spreading", () => {
    expect(natsConf("global-ap-south")).toContain('server_tags: [\n  "cluster:ap-south",\n  "region:ap-south-1"\n]');
    expect(natsConf("global-ap-south")).not.toContain("unique_tag");
    expect(natsContainer("global-ap-south").env.map((variable: { name: string }) => variable.name)).toEqual(["SERVER_NAME", "GOMEMLIMIT"]);
  });

  it("names servers after their pods, with the cluster's prefix where one is given", () => {
    expect(natsContainer("global-us-east").env[0]).toEqual({ name: "SERVER_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } });
    expect(natsContainer("global-eu-west").env.slice(0, 2)).toEqual([
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "SERVER_NAME", value: "acme-$(POD_NAME)" },
    ]);
    expect(natsConf("global-eu-west")).toContain("server_name: $SERVER_NAME");
  });

  it("mounts the gateway certificate and CA Secrets and requires mutual TLS on every gateway", () => {
    for (const cluster of CLUSTERS) {
      expect(podSpec(`global-${cluster}`).volumes.slice(-2)).toEqual([
        { name: "gateway-tls", secret: { secretName: "gateway-tls", defaultMode: 0o440 } },
        { name: "gateway-ca", secret: { secretName: "gateway-ca", defaultMode: 0o440, items: [{ key: "ca.crt", path: "ca.crt" }] } },
      ]);
      expect(natsContainer(`global-${cluster}`).volumeMounts.slice(-2)).toEqual([
        { name: "gateway-tls", mountPath: "/etc/nats-certs/gateway", readOnly: true },
        { name: "gateway-ca", mountPath: "/etc/nats-certs/gateway-ca", readOnly: true },
      ]);
      expect(natsConf(`global-${cluster}`)).toContain(
        '  tls: {\n    ca_file: "/etc/nats-certs/gateway-ca/ca.crt"\n    cert_file: "/etc/nats-certs/gateway/tls.crt"\n    key_file: "/etc/nats-certs/gateway/tls.key"\n    timeout: 5\n    verify: true\n  }',
      );
    }
  });

  it("has each reloader watch every certificate file the gateway tls block names, so a renewed certificate loads without a restart", () => {
    for (const cluster of CLUSTERS) expectReloaderWatchesCertificates(podSpec(`global-${cluster}`), natsConf(`global-${cluster}`));
  });

  it("has the exporter read the gateway endpoint", () => {
    const exporter = podSpec("global-us-east").containers.find((container: { name: string }) => container.name === "exporter");
    expect(exporter.args).toContain("-gatewayz");
  });

  it("creates every user's creds Secret in every cluster's namespace", () => {
    const secrets = mocks.ofType(SECRET).map((secret) => `${secret.inputs.metadata.namespace}/${secret.inputs.metadata.name}`);
    expect(secrets.sort()).toEqual(
      ["nats/us-east-sys-creds", "nats/us-east-api-creds", "nats/eu-west-sys-creds", "nats/eu-west-api-creds", "messaging/ap-south-sys-creds", "messaging/ap-south-api-creds"].sort(),
    );
    const api = mocks.named("global-eu-west-api-creds");
    expect(api.inputs.metadata.labels).toMatchObject({ "app.kubernetes.io/instance": "eu-west", "app.kubernetes.io/part-of": "nats-jetstream" });
    expect(api.secretPaths).toContain("stringData");
    expect(api.inputs.stringData["api.creds"]).toMatch(/-----BEGIN NATS USER JWT-----/);
  });

  it("creates each namespace once, kept on destroy, and makes every object of its cluster wait for it", () => {
    const namespaces = mocks.ofType(NAMESPACE);
    expect(namespaces.map((namespace) => namespace.inputs.metadata.name).sort()).toEqual(["messaging", "nats", "nats"]);
    for (const namespace of namespaces) expect(namespace.options.retainOnDelete).toBe(true);
    for (const cluster of CLUSTERS) {
      const namespaceUrn = `urn:pulumi:test::nats-jetstream::nats-jetstream:index:SuperCluster$kubernetes:core/v1:Namespace::global-${cluster}-namespace`;
      const own = mocks.kubernetesObjects().filter((object) => object.name.startsWith(`global-${cluster}-`) && object.type !== NAMESPACE);
      for (const object of own) expect({ name: object.name, waits: object.options.dependencies.includes(namespaceUrn) }).toEqual({ name: object.name, waits: true });
    }
  });

  it("builds each cluster's config from every gateway Service, so the servers start once the addresses are known", () => {
    const gatewayUrns = CLUSTERS.map((cluster) => expect.stringContaining(`::global-${cluster}-gateway`));
    for (const cluster of CLUSTERS) {
      const configMap: RecordedResource = mocks.named(`global-${cluster}-config`);
      expect(configMap.options.dependencies).toEqual(expect.arrayContaining(gatewayUrns));
    }
  });

  it("exports every gateway Service, gateway URL, client URL and creds Secret", async () => {
    expect(await valueOf(superCluster.gatewayServiceNames)).toEqual({ "us-east": "us-east-gateway", "eu-west": "eu-west-gateway", "ap-south": "ap-south-gateway" });
    expect(await valueOf(superCluster.gatewayUrls)).toEqual(
      Object.fromEntries(CLUSTERS.map((cluster) => [cluster, `nats://${loadBalancerHostname(`global-${cluster}-gateway`)}:7222`])),
    );
    expect(await valueOf(superCluster.clientUrls)).toEqual({
      "us-east": "nats://us-east.nats.svc.cluster.local:4222",
      "eu-west": "nats://eu-west.nats.svc.cluster.local:4222",
      "ap-south": "nats://ap-south.messaging.svc.cluster.local:4222",
    });
    expect(await valueOf(superCluster.credsSecretNames)).toEqual({
      "us-east": { sys: "us-east-sys-creds", api: "us-east-api-creds" },
      "eu-west": { sys: "eu-west-sys-creds", api: "eu-west-api-creds" },
      "ap-south": { sys: "ap-south-sys-creds", api: "ap-south-api-creds" },
    });
    expect(Object.keys(superCluster.clusters)).toEqual([...CLUSTERS]);
    expect(superCluster.superCluster.members.map((member) => member.serverNames[0])).toEqual(["us-east-0", "acme-eu-west-0", "ap-south-0"]);
  });
});

describe("two clusters sharing the stack's Kubernetes cluster, behind ClusterIP and NodePort Services", () => {
  let superCluster: SuperCluster;

  beforeAll(async () => {
    superCluster = await deploy(() => new components.SuperCluster("pair", {
      // The NodePort leaves the Kubernetes cluster; plain text only because the args say so.
      allowPlaintextGateways: true,
      clusters: [
        { name: "north", tier: "small", namespace: "nats-north", region: "eu-north-1", gatewayService: { type: "ClusterIP" } },
        {
          name: "south",
          tier: "small",
          namespace: "nats-south",
          region: "eu-south-1",
          gatewayService: { type: "NodePort", nodePort: 30722, advertiseHost: "gateway.south.example.com", allowedCidrs: ["203.0.113.0/24", "2001:db8::/32"] },
        },
      ],
    }));
  });

  it("uses the stack's provider and creates no namespace", () => {
    for (const object of mocks.kubernetesObjects()) expect({ name: object.name, provider: object.options.provider }).toEqual({ name: object.name, provider: "" });
    expect(mocks.ofType(NAMESPACE)).toEqual([]);
  });

  it("sends only objects that match the Kubernetes schemas", () => {
    expectEachValid(mocks.kubernetesObjects());
  });

  it("reaches a ClusterIP gateway by its Service's DNS name, whatever the Service reports", async () => {
    expect(mocks.named("pair-north-gateway").inputs.spec).toMatchObject({ type: "ClusterIP", ports: [{ name: "gateway", port: 7222, targetPort: 7222, protocol: "TCP" }] });
    expect(mocks.named("pair-north-gateway").inputs.metadata.annotations).toBeUndefined();
    expect((await valueOf(superCluster.gatewayUrls))?.north).toBe("nats://north-gateway.nats-north.svc.cluster.local:7222");
  });

  it("reaches a NodePort gateway at the host and node port given, open only to the CIDRs given", async () => {
    expect(mocks.named("pair-south-gateway").inputs.spec).toMatchObject({
      type: "NodePort",
      ports: [{ name: "gateway", port: 7222, targetPort: 7222, protocol: "TCP", nodePort: 30722 }],
    });
    expect((await valueOf(superCluster.gatewayUrls))?.south).toBe("nats://gateway.south.example.com:30722");
    expect(natsConf("pair-south")).toContain('advertise: "gateway.south.example.com:30722"');
    expect(natsConf("pair-north")).toContain('urls: [\n        "nats://gateway.south.example.com:30722"\n      ]');
    expect(mocks.named("pair-south-gateway-network-policy").inputs.spec.ingress).toEqual([
      { ports: [{ protocol: "TCP", port: 7222 }], from: [{ ipBlock: { cidr: "203.0.113.0/24" } }, { ipBlock: { cidr: "2001:db8::/32" } }] },
    ]);
  });

  it("still runs every cluster in operator mode, with plain TCP gateways when the args allow them", () => {
    for (const cluster of ["north", "south"]) {
      expect(natsConf(`pair-${cluster}`)).toMatch(/^operator: "/m);
      expect(natsConf(`pair-${cluster}`)).not.toContain("tls:");
      expect(podSpec(`pair-${cluster}`).volumes.map((volume: { name: string }) => volume.name)).toEqual(["config", "pid"]);
    }
  });
});
