/**
 * The HubAndLeaf component under Pulumi mocks in update mode: a hub and three sites, one beside the hub and
 * two in another Kubernetes cluster. The mock gives every Service a load balancer hostname derived from its
 * name, and every RandomBytes bytes derived from its name, so the leaf URLs and JWTs resolve.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadBalancerHostname, valueOf } from "../../components/testing";
import { expectEachValid } from "../support/component-expectations";
import { componentStack, providerReference } from "../support/component-stack";
import { expectReloaderWatchesCertificates } from "../support/reloader-expectations";

type Components = typeof import("../../components/kubernetes");
type HubAndLeaf = InstanceType<Components["HubAndLeaf"]>;
type AccountSpec = import("../../components/model").AccountSpec;

const SERVICE = "kubernetes:core/v1:Service";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";
const HUB_LEAF_URL = `nats://${loadBalancerHostname("edge-hub-leafnodes")}:7422`;

const { mocks, components, deploy } = await componentStack({ preview: false });

const ACCOUNTS: AccountSpec[] = [
  {
    name: "edge",
    subjects: ["hub.>", "factory.>", "branch.>", "store.>"],
    // The sites in operator mode enforce edge's JWT too, so its storage fits a dev-tier site server.
    limits: { jetstream: { memStorage: "64Mi", diskStorage: "256Mi" } },
    users: [
      // Seen from the hub: publish is what a site may send up, subscribe what it may receive.
      { name: "factory-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["factory.>"], subscribe: ["hub.factory.>"] } },
      { name: "branch-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["branch.>"], subscribe: ["hub.branch.>"] } },
      { name: "store-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["store.>"], subscribe: ["hub.store.>"] } },
      { name: "hub-app", connectionTypes: ["STANDARD"], permissions: { publish: ["hub.>"], subscribe: ["factory.>", "branch.>", "store.>"] } },
    ],
  },
];
const USERS = ["sys", "factory-leaf", "branch-leaf", "store-leaf", "hub-app"];
const SITES = ["factory", "branch", "store"] as const;
/** Where each cluster's objects go: the hub and the factory share the hub's Kubernetes cluster. */
/** The provider each cluster's objects go to: the component builds one per context its clusters name. */
const PROVIDER_OF: Record<string, string> = { hub: "edge-kubernetes-central", factory: "edge-kubernetes-central", branch: "edge-kubernetes-branch", store: "edge-kubernetes-branch" };

const natsConf = (cluster: string): string => mocks.named(`edge-${cluster}-config`).inputs.data["nats.conf"];
const podSpec = (cluster: string) => mocks.named(`edge-${cluster}-statefulset`).inputs.spec.template.spec;
const container = (cluster: string, name: string) => podSpec(cluster).containers.find((candidate: { name: string }) => candidate.name === name);
/** A top-level block of nats.conf, from its key to its closing brace. */
function block(conf: string, key: string): string {
  const start = conf.indexOf(`\n${key}: {\n`) + 1;
  return conf.slice(start, conf.indexOf("\n}", start) + "\n}".length);
}

describe("a hub with a site beside it and two sites in another Kubernetes cluster", () => {
  let hubAndLeaf: HubAndLeaf;

  beforeAll(async () => {
    hubAndLeaf = await deploy(() => new components.HubAndLeaf("edge", {
      cloud: "aws",
      createNamespace: true,
      accounts: ACCOUNTS,
      hub: { name: "hub", tier: "small", namespace: "nats", jetstream: { domain: "hub" }, kubernetes: { context: "central" }, leafnodesService: { loadBalancerSourceRanges: ["203.0.113.0/24"] } },
      leafnodesTls: { secretName: "leaf-tls", caSecretName: "leaf-ca" },
      sites: [
        { name: "factory", tier: "dev", namespace: "nats", jetstream: { domain: "factory" }, account: "edge", user: "factory-leaf", anonymousClients: true },
        { name: "branch", tier: "dev", servers: 3, namespace: "edge", jetstream: { domain: "branch" }, account: "edge", user: "branch-leaf", kubernetes: { context: "branch" } },
        { name: "store", tier: "dev", namespace: "edge", jetstream: { domain: "store" }, account: "edge", user: "store-leaf", localAccount: "edge", kubernetes: { context: "branch" } },
      ],
    }));
  });

  it("sends each cluster's objects to the provider of its Kubernetes cluster, a site without one to the hub's", () => {
    const objects = mocks.kubernetesObjects();
    for (const object of objects) {
      const cluster = Object.keys(PROVIDER_OF).find((name) => object.name.startsWith(`edge-${name}-`));
      expect({ name: object.name, provider: object.options.provider }).toEqual({ name: object.name, provider: providerReference(PROVIDER_OF[cluster!]) });
    }
    for (const cluster of Object.keys(PROVIDER_OF)) expect(objects.some((object) => object.name === `edge-${cluster}-statefulset`)).toBe(true);
  });

  it("builds one provider per context its clusters name, at the top of the stack", () => {
    const providers = mocks.ofType("pulumi:providers:kubernetes");
    expect(providers.map((provider) => [provider.name, provider.inputs.context, provider.options.parent])).toEqual([
      ["edge-kubernetes-central", "central", ""],
      ["edge-kubernetes-branch", "branch", ""],
    ]);
    expect(hubAndLeaf.providerOf("factory")).toBe(hubAndLeaf.providerOf("hub"));
  });

  it("sends only objects that match the Kubernetes schemas, with no unknown field", () => {
    expectEachValid(mocks.kubernetesObjects());
  });

  it("exposes the hub's leafnodes listener through a network load balancer in front of ready servers", () => {
    const service = mocks.named("edge-hub-leafnodes").inputs;
    expect(service.metadata).toMatchObject({
      name: "hub-leafnodes",
      namespace: "nats",
      annotations: {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
      },
    });
    expect(service.spec).toEqual({
      type: "LoadBalancer",
      selector: { "app.kubernetes.io/name": "nats", "app.kubernetes.io/instance": "hub" },
      publishNotReadyAddresses: false,
      loadBalancerSourceRanges: ["203.0.113.0/24"],
      ports: [{ name: "leafnodes", port: 7422, targetPort: 7422, protocol: "TCP" }],
    });
    expect(mocks.named("edge-hub-leafnodes-network-policy").inputs.spec.ingress).toEqual([{ ports: [{ protocol: "TCP", port: 7422 }] }]);
    expect(mocks.ofType(SERVICE).filter((object) => object.name.endsWith("-leafnodes"))).toHaveLength(1);
  });

  it("runs the hub in operator mode in its domain, advertising its load balancer to the sites", () => {
    const conf = natsConf("hub");
    expect(block(conf, "leafnodes")).toBe(
      [
        "leafnodes: {",
        `  advertise: "${loadBalancerHostname("edge-hub-leafnodes")}:7422"`,
        '  host: "0.0.0.0"',
        "  port: 7422",
        "  tls: {",
        '    ca_file: "/etc/nats-certs/leafnodes-ca/ca.crt"',
        '    cert_file: "/etc/nats-certs/leafnodes/tls.crt"',
        '    key_file: "/etc/nats-certs/leafnodes/tls.key"',
        "    timeout: 5",
        "    verify: true",
        "  }",
        "}",
      ].join("\n"),
    );
    expect(conf).toMatch(/^operator: "/m);
    expect(conf).toContain('domain: "hub"');
    expect(container("hub", "exporter").args).toContain("-leafz");
  });

  it("has every server of every site dial the hub's load balancer with its leaf user's mounted creds", () => {
    for (const site of SITES) {
      const conf = natsConf(site);
      expect(conf).toContain(`remotes: [\n    {\n`);
      expect(conf).toContain(`      credentials: "/etc/nats-leaf/${site}-leaf.creds"\n`);
      expect(conf).toContain(`      urls: [\n        "${HUB_LEAF_URL}"\n      ]\n`);
      expect(conf).toContain(`domain: "${site}"`);
      expect(conf).not.toContain("\ngateway:");
      expect(container(site, "exporter").args).toContain("-leafz");
    }
    expect(mocks.named("edge-branch-statefulset").inputs.spec.replicas).toBe(3);
  });

  it("mounts each site's leaf creds Secret as a directory, so a rotated Secret reaches the running server", () => {
    for (const site of SITES) {
      expect(podSpec(site).volumes).toContainEqual({
        name: "leaf-credentials",
        secret: { secretName: `${site}-${site}-leaf-creds`, defaultMode: 0o440, items: [{ key: `${site}-leaf.creds`, path: `${site}-leaf.creds` }] },
      });
      const mount = container(site, "nats").volumeMounts.find((candidate: { name: string }) => candidate.name === "leaf-credentials");
      expect(mount).toEqual({ name: "leaf-credentials", mountPath: "/etc/nats-leaf", readOnly: true });
      expect(mocks.named(`edge-${site}-statefulset`).options.dependencies).toContain(
        `urn:pulumi:test::nats-jetstream::nats-jetstream:index:HubAndLeaf$kubernetes:core/v1:Secret::edge-${site}-${site}-leaf-creds`,
      );
    }
    expect(podSpec("hub").volumes.map((volume: { name: string }) => volume.name)).toEqual(["config", "pid", "leafnodes-tls", "leafnodes-ca"]);
  });

  it("links every site over mutual TLS with the given Secrets, mounted beside the creds, and issues no Certificate", () => {
    for (const cluster of ["hub", ...SITES]) {
      expect(podSpec(cluster).volumes).toEqual(
        expect.arrayContaining([
          { name: "leafnodes-tls", secret: { secretName: "leaf-tls", defaultMode: 0o440 } },
          { name: "leafnodes-ca", secret: { secretName: "leaf-ca", defaultMode: 0o440, items: [{ key: "ca.crt", path: "ca.crt" }] } },
        ]),
      );
      expect(container(cluster, "nats").volumeMounts).toEqual(
        expect.arrayContaining([
          { name: "leafnodes-tls", mountPath: "/etc/nats-certs/leafnodes", readOnly: true },
          { name: "leafnodes-ca", mountPath: "/etc/nats-certs/leafnodes-ca", readOnly: true },
        ]),
      );
    }
    for (const site of SITES) {
      expect(natsConf(site)).toContain(
        '      tls: {\n        ca_file: "/etc/nats-certs/leafnodes-ca/ca.crt"\n        cert_file: "/etc/nats-certs/leafnodes/tls.crt"\n        key_file: "/etc/nats-certs/leafnodes/tls.key"\n        timeout: 5\n      }\n',
      );
    }
    expect(mocks.ofType("kubernetes:cert-manager.io/v1:Certificate")).toEqual([]);
  });

  it("has the reloader of the hub and of every site watch every certificate file its leafnodes tls blocks name", () => {
    for (const cluster of ["hub", ...SITES]) expectReloaderWatchesCertificates(podSpec(cluster), natsConf(cluster));
  });

  it("creates every user's creds Secret in the hub's namespace, and in a site's only its leaf user's, the system user's and its clients'", () => {
    const secrets = mocks.ofType(SECRET).map((secret) => `${secret.inputs.metadata.namespace}/${secret.inputs.metadata.name}`);
    // The branch and the store run in operator mode with edge as their local account, whose one client user is hub-app.
    const siteUsers = (site: string) => [`${site}-leaf`, "sys", "hub-app"].map((user) => `edge/${site}-${user}-creds`);
    expect(secrets.sort()).toEqual([...USERS.map((user) => `nats/hub-${user}-creds`), "nats/factory-factory-leaf-creds", ...siteUsers("branch"), ...siteUsers("store")].sort());
    const factoryCreds = mocks.named("edge-factory-factory-leaf-creds");
    expect(factoryCreds.secretPaths).toContain("stringData");
    expect(Object.keys(factoryCreds.inputs.stringData)).toEqual(["factory-leaf.creds"]);
    expect(factoryCreds.inputs.stringData["factory-leaf.creds"]).toMatch(/-----BEGIN NATS USER JWT-----[\s\S]*-----BEGIN USER NKEY SEED-----/);
  });

  it("runs an open site without auth, and every other in operator mode, its link carrying its local account (default: its link's)", async () => {
    expect(natsConf("factory")).not.toMatch(/^operator: /m);
    expect(block(natsConf("factory"), "leafnodes")).not.toContain("account:");
    const operator = (conf: string) => conf.split("\n").find((line) => line.startsWith("operator: "));
    const edgeKey = (await valueOf(hubAndLeaf.credentials.accountPublicKeys))!.edge;
    for (const site of ["branch", "store"]) {
      expect(operator(natsConf(site))).toBe(operator(natsConf("hub")));
      expect(block(natsConf(site), "leafnodes")).toContain(`      account: "${edgeKey}"\n`);
    }
  });

  it("creates each namespace once per Kubernetes cluster and makes every object in it wait for it", () => {
    const namespaces = mocks.ofType(NAMESPACE);
    expect(namespaces.map((namespace) => `${namespace.name} ${namespace.inputs.metadata.name}`).sort()).toEqual(["edge-branch-namespace edge", "edge-hub-namespace nats"]);
    const namespaceUrn = (resource: string) => `urn:pulumi:test::nats-jetstream::nats-jetstream:index:HubAndLeaf$kubernetes:core/v1:Namespace::${resource}`;
    const owner: Record<string, string> = { hub: "edge-hub-namespace", factory: "edge-hub-namespace", branch: "edge-branch-namespace", store: "edge-branch-namespace" };
    for (const object of mocks.kubernetesObjects().filter((candidate) => candidate.type !== NAMESPACE)) {
      const cluster = Object.keys(owner).find((name) => object.name.startsWith(`edge-${name}-`))!;
      expect({ name: object.name, waits: object.options.dependencies.includes(namespaceUrn(owner[cluster])) }).toEqual({ name: object.name, waits: true });
    }
  });

  it("exports the leaf Service, the URL sites dial, every client URL and every creds Secret", async () => {
    expect(await valueOf(hubAndLeaf.leafServiceName)).toBe("hub-leafnodes");
    expect(await valueOf(hubAndLeaf.leafUrl)).toBe(HUB_LEAF_URL);
    expect(await valueOf(hubAndLeaf.clientUrls)).toEqual({
      hub: "nats://hub.nats.svc.cluster.local:4222",
      factory: "nats://factory.nats.svc.cluster.local:4222",
      branch: "nats://branch.edge.svc.cluster.local:4222",
      store: "nats://store.edge.svc.cluster.local:4222",
    });
    const secretNames = (await valueOf(hubAndLeaf.credsSecretNames))!;
    expect(secretNames.factory).toEqual({ "factory-leaf": "factory-factory-leaf-creds" });
    expect(Object.keys(secretNames.hub).sort()).toEqual([...USERS].sort());
    expect(Object.keys(hubAndLeaf.sites)).toEqual([...SITES]);
  });
});

describe("a hub whose leafnodes listener is reached inside its own Kubernetes cluster", () => {
  beforeAll(async () => {
    await deploy(() => new components.HubAndLeaf("local", {
      accounts: ACCOUNTS,
      hub: { name: "hub", tier: "small", jetstream: { domain: "hub" }, leafnodesService: { type: "ClusterIP", allowedCidrs: ["10.0.0.0/8"] } },
      sites: [{ name: "factory", tier: "dev", jetstream: { domain: "factory" }, account: "edge", user: "factory-leaf" }],
    }));
  });

  it("dials the hub by its Service's DNS name, from the CIDRs allowed, with the stack's provider", () => {
    expect(mocks.named("local-hub-leafnodes").inputs.spec.type).toBe("ClusterIP");
    const factoryConf: string = mocks.named("local-factory-config").inputs.data["nats.conf"];
    expect(factoryConf).toContain('"nats://hub-leafnodes.nats.svc.cluster.local:7422"');
    expect(mocks.named("local-hub-leafnodes-network-policy").inputs.spec.ingress).toEqual([
      { ports: [{ protocol: "TCP", port: 7422 }], from: [{ ipBlock: { cidr: "10.0.0.0/8" } }] },
    ]);
    for (const object of mocks.kubernetesObjects()) expect({ name: object.name, provider: object.options.provider }).toEqual({ name: object.name, provider: "" });
    expect(mocks.ofType(NAMESPACE)).toEqual([]);
  });
});
