/**
 * The setup every component test under Pulumi mocks shares: the mocks installed first, then the SDK and the
 * Kubernetes back end loaded (so they register with those mocks), and one way to run a scenario from an
 * empty record to every registration answered.
 *
 * Mocks are per process and @pulumi/pulumi is not reloaded between test files of a worker, so a test file
 * calls `componentStack` once, at its top level.
 */
import { installMocks, MockOptions, MockRecorder } from "../../components/testing";

/** What a component test works with. */
export interface ComponentStack {
  /** The installed mocks and what they recorded. */
  mocks: MockRecorder;
  /** The Pulumi SDK the components register through. */
  pulumi: typeof import("@pulumi/pulumi");
  /** The Kubernetes back end: every component and its builders. */
  components: typeof import("../../components/kubernetes");
  /** Forgets what was recorded, runs `construct`, and resolves with its result once every registration is answered. */
  deploy<T>(construct: () => T): Promise<T>;
}

/** Installs mocks with these options and loads what the components need under them. */
export async function componentStack(options: MockOptions): Promise<ComponentStack> {
  const mocks = await installMocks(options);
  const pulumi = await import("@pulumi/pulumi");
  const components = await import("../../components/kubernetes");
  return {
    mocks,
    pulumi,
    components,
    async deploy(construct) {
      mocks.reset();
      const result = construct();
      await mocks.settle();
      return result;
    },
  };
}

/** How the mocks record a resource's explicit Kubernetes provider of that name, in the stack `test` of the project `nats-jetstream`. */
export const providerReference = (name: string) => `urn:pulumi:test::nats-jetstream::pulumi:providers:kubernetes::${name}::${name}-id`;
