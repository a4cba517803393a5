/**
 * The SuperCluster component under Pulumi mocks in preview mode, before any load balancer exists: every
 * Service's status is unknown, as in a first preview. What depends on the gateway addresses (each cluster's
 * nats.conf, and the exporter flags read from it) stays unknown; everything else is shown as an update
 * would send it, and nothing fails.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { valueOf } from "../../components/testing";
import { expectEachValid } from "../support/component-expectations";
import { componentStack, providerReference } from "../support/component-stack";

type Components = typeof import("../../components/kubernetes");
type SuperCluster = InstanceType<Components["SuperCluster"]>;

const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";

const { mocks, pulumi, components, deploy } = await componentStack({ preview: true });

const CLUSTERS = ["us-east", "eu-west"] as const;

function members(gatewayService?: (cluster: string) => { advertiseHost: string }) {
  return CLUSTERS.map((cluster, index) => ({
    name: cluster,
    tier: "small" as const,
    namespace: "nats",
    region: ["us-east-1", "eu-west-1"][index],
    zones: [`${["us-east-1", "eu-west-1"][index]}a`, `${["us-east-1", "eu-west-1"][index]}b`, `${["us-east-1", "eu-west-1"][index]}c`],
    gatewayService: { loadBalancerSourceRanges: ["198.51.100.0/24", "203.0.113.0/24"], ...gatewayService?.(cluster) },
  }));
}

describe("a first preview of two regions behind load balancers", () => {
  let superCluster: SuperCluster;

  beforeAll(async () => {
    superCluster = await deploy(
      () =>
        new components.SuperCluster("global", {
          cloud: "aws",
          kubernetesVersion: "1.35",
          gatewayTls: { issuer: { name: "nats-links" } },
          clusters: members().map((member) => ({ ...member, kubernetes: { context: member.name } })),
        }),
    );
  });

  it("shows every object, each on its cluster's provider", () => {
    for (const cluster of CLUSTERS) {
      const own = mocks.kubernetesObjects().filter((object) => object.name.startsWith(`global-${cluster}-`));
      // The cluster's own ten, its gateway Service, policy and Certificate, and the creds Secret of its one user, sys.
      expect(own).toHaveLength(14);
      for (const object of own) expect({ name: object.name, provider: object.options.provider }).toEqual({ name: object.name, provider: providerReference(`global-kubernetes-${cluster}`) });
    }
  });

  it("leaves each cluster's config unknown until the load balancers report their addresses", () => {
    for (const configMap of mocks.ofType(CONFIG_MAP)) expect(pulumi.isUnknown(configMap.inputs.data["nats.conf"])).toBe(true);
    // The gateway certificates name the load balancers' addresses, so they wait for them too.
    expect(mocks.ofType(CERTIFICATE)).toHaveLength(CLUSTERS.length);
    for (const certificate of mocks.ofType(CERTIFICATE)) expect(pulumi.isUnknown(certificate.inputs.spec)).toBe(true);
    for (const statefulSet of mocks.ofType(STATEFUL_SET)) {
      const exporter = statefulSet.inputs.spec.template.spec.containers.find((container: { name: string }) => container.name === "exporter");
      expect(pulumi.isUnknown(exporter.args)).toBe(true);
    }
  });

  it("mounts the gateway certificate into each reloader already, read-only, while the files it watches wait for the config", () => {
    for (const statefulSet of mocks.ofType(STATEFUL_SET)) {
      const reloader = statefulSet.inputs.spec.template.spec.containers.find((container: { name: string }) => container.name === "reloader");
      expect(pulumi.isUnknown(reloader.args)).toBe(true);
      expect(reloader.volumeMounts).toContainEqual({ name: "gateway-tls", mountPath: "/etc/nats-certs/gateway", readOnly: true });
    }
  });

  it("shows the gateway Services, policies, Secrets and servers in full, each valid", () => {
    const known = mocks.kubernetesObjects().filter((object) => ![CONFIG_MAP, STATEFUL_SET, CERTIFICATE].includes(object.type));
    expectEachValid(known);
    expect(mocks.named("global-eu-west-gateway").inputs.spec).toMatchObject({ type: "LoadBalancer", ports: [{ name: "gateway", port: 7222 }] });
    const statefulSet = mocks.named("global-us-east-statefulset").inputs;
    expect(statefulSet.spec.replicas).toBe(3);
    expect(statefulSet.spec.template.spec.containers[0].env.map((variable: { name: string }) => variable.name)).toEqual(["SERVER_NAME", "GOMEMLIMIT", "NATS_ZONE", "NATS_ZONE_TAG"]);
  });

  it("knows the Service names and client URLs already, not the gateway URLs", async () => {
    expect(await valueOf(superCluster.gatewayServiceNames)).toEqual({ "us-east": "us-east-gateway", "eu-west": "eu-west-gateway" });
    expect(await valueOf(superCluster.clientUrls)).toEqual({ "us-east": "nats://us-east.nats.svc.cluster.local:4222", "eu-west": "nats://eu-west.nats.svc.cluster.local:4222" });
    expect(await valueOf(superCluster.gatewayUrls)).toBeUndefined();
  });
});

describe("a preview where every gateway advertises a host of its own", () => {
  beforeAll(async () => {
    await deploy(() => new components.SuperCluster("named", { kubernetesVersion: "1.35", gatewayTls: { issuer: { name: "nats-links" } }, clusters: members((cluster) => ({ advertiseHost: `gateway.${cluster}.example.com` })) }));
  });

  it("shows each cluster's whole config, since no address waits on a load balancer", () => {
    for (const cluster of CLUSTERS) {
      const conf: string = mocks.named(`named-${cluster}-config`).inputs.data["nats.conf"];
      expect(conf).toContain(`advertise: "gateway.${cluster}.example.com:7222"`);
      for (const peer of CLUSTERS) expect(conf).toContain(`"nats://gateway.${peer}.example.com:7222"`);
    }
  });
});
