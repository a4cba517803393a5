/**
 * The JetStreamCluster component under Pulumi mocks in preview mode: the same objects as an update, and
 * config sections not yet known (as in a first preview of a gateway) leave only what depends on them unknown.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { unknownValue, valueOf } from "../../components/testing";
import { expectEachValid } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";

type Components = typeof import("../../components/kubernetes");

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const BUDGET = "kubernetes:policy/v1:PodDisruptionBudget";
/** A stand-in for a resource whose address is known only after the update, such as a gateway's load balancer. */
const LOAD_BALANCER = "test:index:LoadBalancer";

const { mocks, pulumi, components, deploy } = await componentStack({
  preview: true,
  extraState: (type) => (type === LOAD_BALANCER ? { hostname: unknownValue } : undefined),
});

const inputsOf = (type: string) => mocks.ofType(type)[0].inputs;

describe("a preview of a large cluster", () => {
  let cluster: InstanceType<Components["JetStreamCluster"]>;
  beforeAll(async () => {
    cluster = await deploy(() => new components.JetStreamCluster("nats", { cluster: { name: "nats", tier: "large" } }));
  });

  it("shows every object an update would create, each valid", () => {
    expect(mocks.kubernetesObjects()).toHaveLength(12);
    expectEachValid(mocks.kubernetesObjects());
  });

  it("shows the servers, their sizing, probes, routes and budget", () => {
    const statefulSet = inputsOf(STATEFUL_SET);
    expect(statefulSet.spec.replicas).toBe(5);
    const nats = statefulSet.spec.template.spec.containers[0];
    expect(nats.resources).toEqual({ requests: { cpu: "8", memory: "16Gi" }, limits: { memory: "16Gi" } });
    expect(nats.env[1]).toEqual({ name: "GOMEMLIMIT", value: "13926MiB" });
    expect(nats.readinessProbe.httpGet.path).toBe("/healthz?js-server-only=true");
    const conf: string = inputsOf(CONFIG_MAP).data["nats.conf"];
    expect(conf).toContain("nats://nats-4.nats-headless.nats.svc.cluster.local:6222");
    expect(conf).toContain('sync_interval: "always"');
    expect(inputsOf(BUDGET).spec.maxUnavailable).toBe(2);
  });

  it("knows its outputs already: they derive from names, not from the cluster's state", async () => {
    expect(await valueOf(cluster.clientUrl)).toBe("nats://nats.nats.svc.cluster.local:4222");
    expect(await valueOf(cluster.monitorEndpoints)).toHaveLength(5);
  });
});

describe("a preview with a config section not known until the update", () => {
  beforeAll(async () => {
    await deploy(() => {
      // A CustomResource exposes each property it was given as an Output of the same name.
      const CustomResource = pulumi.CustomResource as unknown as new (type: string, name: string, props: object) => object;
      const loadBalancer = new CustomResource(LOAD_BALANCER, "west", { hostname: undefined });
      const { hostname } = loadBalancer as unknown as { hostname: import("@pulumi/pulumi").Output<string> };
      const gateway = hostname.apply((host) => ({ gateway: { name: "nats", port: 7222, gateways: [{ name: "west", urls: [`nats://${host}:7222`] }] } }));
      return new components.JetStreamCluster("nats", { cluster: { name: "nats", tier: "small" }, extraConfSections: [gateway] });
    });
  });

  it("leaves the config and the exporter's flags unknown", () => {
    expect(pulumi.isUnknown(inputsOf(CONFIG_MAP).data["nats.conf"])).toBe(true);
    expect(pulumi.isUnknown(inputsOf(STATEFUL_SET).spec.template.spec.containers[2].args)).toBe(true);
  });

  it("still shows the servers and their claims", () => {
    expect(inputsOf(STATEFUL_SET).spec.replicas).toBe(3);
    expect(mocks.ofType("kubernetes:core/v1:PersistentVolumeClaimPatch")).toHaveLength(3);
  });
});

describe("a preview of an invalid cluster", () => {
  it("fails before anything is registered", async () => {
    mocks.reset();
    expect(() => new components.JetStreamCluster("nats", { cluster: { name: "nats", tier: "large", servers: 1 } })).toThrow(
      /cluster\.servers: 1 is not allowed; a large cluster runs 3 or 5 servers/,
    );
    await mocks.settle();
    expect(mocks.resources).toEqual([]);
  });
});
