/**
 * The HubAndLeaf component under Pulumi mocks in preview mode, before the hub's load balancer exists: the
 * leafnodes Service's status is unknown, so the hub's and the sites' nats.conf stay unknown, while the
 * Services, Secrets and the sites' creds mounts are shown in full, and nothing fails.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { valueOf } from "../../components/testing";
import { expectEachValid } from "../support/component-expectations";
import { componentStack, providerReference } from "../support/component-stack";

type Components = typeof import("../../components/kubernetes");
type HubAndLeaf = InstanceType<Components["HubAndLeaf"]>;

const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";

const { mocks, pulumi, components, deploy } = await componentStack({ preview: true });

describe("a first preview of a hub and a site in another Kubernetes cluster", () => {
  let hubAndLeaf: HubAndLeaf;

  beforeAll(async () => {
    hubAndLeaf = await deploy(() => new components.HubAndLeaf("edge", {
      cloud: "aws",
      accounts: [
        {
          name: "edge",
          subjects: ["hub.>", "factory.>"],
          // The site enforces edge's JWT too, so edge's storage fits a dev-tier site server.
          limits: { jetstream: { memStorage: "128Mi", diskStorage: "896Mi" } },
          users: [{ name: "factory-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["factory.>"], subscribe: ["hub.factory.>"] } }],
        },
      ],
      hub: { name: "hub", tier: "small", jetstream: { domain: "hub" }, leafnodesService: { loadBalancerSourceRanges: ["203.0.113.0/24"] } },
      leafnodesTls: { issuer: { name: "nats-links" } },
      sites: [{ name: "factory", tier: "dev", jetstream: { domain: "factory" }, account: "edge", user: "factory-leaf", kubernetes: { context: "site" } }],
    }));
  });

  it("leaves the hub's and the site's config unknown until the load balancer reports its address", () => {
    expect(mocks.ofType(CONFIG_MAP).map((configMap) => configMap.name).sort()).toEqual(["edge-factory-config", "edge-hub-config"]);
    for (const configMap of mocks.ofType(CONFIG_MAP)) expect(pulumi.isUnknown(configMap.inputs.data["nats.conf"])).toBe(true);
  });

  it("shows the leafnodes Service, the policies and the creds Secrets in full, each valid", () => {
    // The hub's certificate names the load balancer's address, so only the site's is known in a preview.
    expect(pulumi.isUnknown(mocks.named("edge-hub-leafnodes-certificate").inputs.spec)).toBe(true);
    const known = mocks.kubernetesObjects().filter((object) => ![CONFIG_MAP, STATEFUL_SET].includes(object.type) && object.name !== "edge-hub-leafnodes-certificate");
    expectEachValid(known);
    expect(mocks.named("edge-factory-leafnodes-certificate").inputs).toMatchObject({
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: "factory-leafnodes-tls" },
      spec: { secretName: "factory-leafnodes-tls", issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: "nats-links" }, usages: expect.arrayContaining(["client auth"]) },
    });
    expect(mocks.named("edge-factory-leafnodes-certificate").options.provider).toBe(providerReference("edge-kubernetes-site"));
    expect(mocks.named("edge-hub-leafnodes").inputs.spec).toMatchObject({ type: "LoadBalancer", ports: [{ name: "leafnodes", port: 7422 }] });
    expect(mocks.named("edge-factory-factory-leaf-creds").options.provider).toBe(providerReference("edge-kubernetes-site"));
  });

  it("shows the site's servers with the leaf creds Secret mounted", () => {
    const pod = mocks.named("edge-factory-statefulset").inputs.spec.template.spec;
    expect(pod.volumes).toContainEqual({
      name: "leaf-credentials",
      secret: { secretName: "factory-factory-leaf-creds", defaultMode: 0o440, items: [{ key: "factory-leaf.creds", path: "factory-leaf.creds" }] },
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: "leaf-credentials", mountPath: "/etc/nats-leaf", readOnly: true });
  });

  it("mounts the leafnodes certificate into the hub's and the site's reloader already, read-only, but not the creds", () => {
    for (const cluster of ["hub", "factory"]) {
      const pod = mocks.named(`edge-${cluster}-statefulset`).inputs.spec.template.spec;
      const reloader = pod.containers.find((container: { name: string }) => container.name === "reloader");
      expect(pulumi.isUnknown(reloader.args)).toBe(true);
      expect(reloader.volumeMounts.map((mount: { name: string }) => mount.name)).toEqual(["config", "pid", "leafnodes-tls"]);
      expect(reloader.volumeMounts).toContainEqual({ name: "leafnodes-tls", mountPath: "/etc/nats-certs/leafnodes", readOnly: true });
    }
  });

  it("knows the leaf Service's name and the client URLs already, not the URL sites dial", async () => {
    expect(await valueOf(hubAndLeaf.leafServiceName)).toBe("hub-leafnodes");
    expect(await valueOf(hubAndLeaf.clientUrls)).toEqual({ hub: "nats://hub.nats.svc.cluster.local:4222", factory: "nats://factory.nats.svc.cluster.local:4222" });
    expect(await valueOf(hubAndLeaf.leafUrl)).toBeUndefined();
  });
});
