/**
 * Pulumi mocks for running the components offline: every resource a program registers is recorded with the
 * inputs and options the SDK sends, and the providers' computed outputs the components read are answered
 * as the providers would (random bytes and passwords, load balancer addresses).
 */
import * as pulumi from "@pulumi/pulumi";
import { loadBalancerState } from "./load-balancers";
import { nameDerivedValues, randomProviderState, RandomValues, unknownRandomState } from "./random-provider";
import { RecordedOptions, RecordedResource, unwrapSecrets } from "./recorded-resource";

/** How the mocks answer. */
export interface MockOptions {
  /** True for a preview (`pulumi preview`), false for an update (`pulumi up`). */
  preview: boolean;
  /** The Pulumi project name, which `new pulumi.Config()` reads its namespace from. Default `nats-jetstream`. */
  project?: string;
  /** The stack name. Default `test`. */
  stack?: string;
  /**
   * In a preview, whether the random resources are new too, as in a stack's first preview: their outputs,
   * and the keys, JWTs and creds made of them, stay unknown. Default false: their values are in state
   * already, as in any preview after the first update. Ignored in an update.
   */
  newRandomResources?: boolean;
  /** Where the random resources' values come from. Default `nameDerivedValues`: the same on every run. */
  randomValues?: RandomValues;
  /**
   * State a resource reports beyond its inputs and what the mocks compute, e.g. `pulumi.runtime.unknownValue`
   * for an output only known after the update; it wins over the computed state. Default none.
   */
  extraState?: (type: string, name: string) => Record<string, unknown> | undefined;
}

/** What a program registered under the mocks, and how to wait for it. */
export interface MockRecorder {
  /** Whether the mocks run a preview. */
  readonly preview: boolean;
  /** Every resource registered since the mocks were installed or last reset, in the order registered. */
  readonly resources: RecordedResource[];
  /** The Kubernetes objects registered: custom resources of the kubernetes package other than providers. */
  kubernetesObjects(): RecordedResource[];
  /** The resources of one type token, e.g. `kubernetes:apps/v1:StatefulSet`. */
  ofType(type: string): RecordedResource[];
  /** The one resource of that name; throws, naming every resource, if there is none or more than one. */
  named(name: string): RecordedResource;
  /** Forgets what was recorded, so the next scenario starts empty. */
  reset(): void;
  /** Resolves once every registration the program has started has been answered. */
  settle(): Promise<void>;
}

interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getProvider(): string;
}

interface MonitorWithRegister {
  registerResource(request: RegisterResourceRequest, callback: unknown): Promise<void>;
}

/** A value not known until the update, as the engine sends it in a preview; for `extraState`. */
export const unknownValue = pulumi.runtime.unknownValue;

// Exported by the runtime's settings module but not declared in its types.
const { waitForRPCs } = pulumi.runtime as unknown as { waitForRPCs(): Promise<void> };

const NO_OPTIONS: RecordedOptions = { parent: "", dependencies: [], ignoreChanges: [], retainOnDelete: false, deleteBeforeReplace: false, provider: "" };

/**
 * Installs Pulumi mocks that record every registered resource and answer as the providers would: a
 * RandomBytes or RandomPassword reports secret values from `randomValues` (unknown in a first preview), a
 * Service of type LoadBalancer reports its load balancer (unknown in a preview, `loadBalancerHostname` in an
 * update). Mocks are per process: install them once per test file, before importing the components, which
 * must load the same @pulumi/pulumi.
 */
export async function installMocks(options: MockOptions): Promise<MockRecorder> {
  const resources: RecordedResource[] = [];
  const pendingOptions = new Map<string, RecordedOptions>();
  const key = (type: string, name: string) => `${type}::${name}`;
  const randomValues = options.randomValues ?? nameDerivedValues;
  const randomUnknown = options.preview && options.newRandomResources === true;

  const computedState = (type: string, name: string, inputs: Record<string, any>) => ({
    ...(randomUnknown ? unknownRandomState(type) : randomProviderState(type, name, inputs, randomValues)),
    ...loadBalancerState(type, name, inputs, options.preview),
    ...options.extraState?.(type, name),
  });

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const sent = pendingOptions.get(key(args.type, args.name)) ?? NO_OPTIONS;
        pendingOptions.delete(key(args.type, args.name));
        const secretPaths: string[] = [];
        const inputs = unwrapSecrets(args.inputs, "", secretPaths) as Record<string, any>;
        resources.push({ type: args.type, name: args.name, inputs, secretPaths, custom: args.custom ?? false, options: sent });
        return { id: args.custom ? `${args.name}-id` : undefined, state: { ...args.inputs, ...computedState(args.type, args.name, args.inputs) } };
      },
      call(args) {
        return args.inputs;
      },
    },
    options.project ?? "nats-jetstream",
    options.stack ?? "test",
    options.preview,
  );

  // MockResourceArgs carries no resource options, so read them from the request the SDK sends the monitor.
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    pendingOptions.set(key(request.getType(), request.getName()), {
      parent: request.getParent(),
      dependencies: request.getDependenciesList(),
      ignoreChanges: request.getIgnorechangesList(),
      retainOnDelete: request.getRetainondelete() ?? false,
      deleteBeforeReplace: request.getDeletebeforereplace(),
      provider: request.getProvider(),
    });
    return register(request, callback);
  };

  return {
    preview: options.preview,
    resources,
    kubernetesObjects: () => resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:")),
    ofType: (type) => resources.filter((r) => r.type === type),
    named(name) {
      const found = resources.filter((r) => r.name === name);
      if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}: ${resources.map((r) => r.name).join(", ")}`);
      return found[0];
    },
    reset() {
      resources.length = 0;
      pendingOptions.clear();
    },
    settle: () => waitForRPCs(),
  };
}
