/**
 * The package's testing export as a consumer's test uses it: mocks installed, a JetStreamCluster from the
 * public API constructed and settled, its objects found by type; a LoadBalancer Service with no address in a
 * preview and the mocks' hostname in an update; RandomBytes secret, the same bytes for one name and keepers
 * on every run, and unknown in a stack's first preview.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, loadBalancerHostname, MockOptions, MockRecorder, RANDOM_BYTES_TYPE, valueOf } from "../../components/testing";

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";

// Each mode installs its own mocks, in its beforeAll, before it constructs anything.
const pulumi = await import("@pulumi/pulumi");
const k8s = await import("@pulumi/kubernetes");
const random = await import("@pulumi/random");
const { JetStreamCluster } = await import("../../components");

/** A consumer's stack: the cluster, and a LoadBalancer Service of its own in front of the cluster's clients. */
function consumerStack() {
  const cluster = new JetStreamCluster("events", { cluster: { name: "events", tier: "small" } });
  const service = new k8s.core.v1.Service("events-public", {
    metadata: { name: "events-public", namespace: "nats" },
    spec: { type: "LoadBalancer", selector: { "app.kubernetes.io/instance": "events" }, ports: [{ name: "client", port: 4222 }] },
  });
  return { cluster, hostname: service.status.loadBalancer.ingress[0].hostname };
}

/** Installs mocks with these options before the tests of the calling describe, and runs the consumer's stack under them. */
function stackUnder(options: MockOptions): { mocks: MockRecorder; stack: ReturnType<typeof consumerStack> } {
  const run = {} as ReturnType<typeof stackUnder>;
  beforeAll(async () => {
    run.mocks = await installMocks(options);
    run.stack = consumerStack();
    await run.mocks.settle();
  });
  return run;
}

describe("an update under the testing mocks", () => {
  const run = stackUnder({ preview: false });

  it("records the cluster's StatefulSet with the inputs Kubernetes would get", () => {
    const [statefulSet] = run.mocks.ofType(STATEFUL_SET);
    expect(statefulSet.name).toBe("events-statefulset");
    expect(statefulSet.inputs.spec.replicas).toBe(3);
    expect(run.mocks.kubernetesObjects().map((object) => object.type)).toContain(STATEFUL_SET);
    expect(run.mocks.named("events-public").inputs.spec.type).toBe("LoadBalancer");
  });

  it("gives a LoadBalancer Service the mocks' hostname", async () => {
    expect(await valueOf(run.stack.hostname)).toBe(loadBalancerHostname("events-public"));
  });

  it("reports RandomBytes as secret bytes of the length asked, the same for one name and keepers", async () => {
    const bytesOf = async (name: string, keepers?: Record<string, string>) => {
      const resource = new random.RandomBytes(name, { length: 48, keepers });
      expect(await pulumi.isSecret(resource.base64)).toBe(true);
      expect(await pulumi.isSecret(resource.hex)).toBe(true);
      const base64: string = await valueOf(resource.base64);
      expect(Buffer.from(base64, "base64").toString("hex")).toBe(await valueOf(resource.hex));
      return base64;
    };
    const first = await bytesOf("operator-key", { rotation: "2026-01" });
    expect(Buffer.from(first, "base64")).toHaveLength(48);
    run.mocks.reset();
    expect(await bytesOf("operator-key", { rotation: "2026-01" })).toBe(first);
    run.mocks.reset();
    expect(await bytesOf("operator-key", { rotation: "2027-01" })).not.toBe(first);
    run.mocks.reset();
    expect(await bytesOf("account-key", { rotation: "2026-01" })).not.toBe(first);
    await run.mocks.settle();
    expect(run.mocks.ofType(RANDOM_BYTES_TYPE).map((resource) => resource.inputs.keepers)).toEqual([{ rotation: "2026-01" }]);
  });
});

describe("a preview under the testing mocks", () => {
  const run = stackUnder({ preview: true });

  it("shows the same StatefulSet as the update", () => {
    expect(run.mocks.ofType(STATEFUL_SET).map((statefulSet) => statefulSet.inputs.spec.replicas)).toEqual([3]);
  });

  it("leaves a LoadBalancer Service's address unknown", async () => {
    expect(await valueOf(run.stack.hostname)).toBeUndefined();
  });
});

describe("a stack's first preview under the testing mocks", () => {
  const run = stackUnder({ preview: true, newRandomResources: true });

  it("leaves RandomBytes unknown, and secret", async () => {
    run.mocks.reset();
    const resource = new random.RandomBytes("operator-key", { length: 32 });
    await run.mocks.settle();
    expect(await pulumi.isSecret(resource.base64)).toBe(true);
    expect(await valueOf(resource.base64)).toBeUndefined();
    expect(run.mocks.ofType(RANDOM_BYTES_TYPE).map((recorded) => recorded.name)).toEqual(["operator-key"]);
  });
});
