/**
 * Testing the components offline, with no Pulumi CLI, cloud or Kubernetes cluster: Pulumi mocks that record
 * what a program registers and answer as the providers would. In a vitest file:
 *
 * ```ts
 * import { installMocks } from "nats-jetstream/testing";
 *
 * const mocks = await installMocks({ preview: false });
 * const { JetStreamCluster } = await import("nats-jetstream");
 * new JetStreamCluster("events", { cluster: { name: "events", tier: "small" } });
 * await mocks.settle();
 * expect(mocks.ofType("kubernetes:apps/v1:StatefulSet")[0].inputs.spec.replicas).toBe(3);
 * ```
 *
 * The components are imported after the mocks are installed, and must load the same @pulumi/pulumi as this
 * module (the package's peer dependency).
 */
export { loadBalancerHostname } from "./load-balancers";
export { installMocks, type MockOptions, type MockRecorder, unknownValue } from "./mocks";
export { valueOf } from "./output-value";
export { nameDerivedValues, RANDOM_BYTES_TYPE, RANDOM_PASSWORD_TYPE, type RandomValues } from "./random-provider";
export type { RecordedOptions, RecordedResource } from "./recorded-resource";
