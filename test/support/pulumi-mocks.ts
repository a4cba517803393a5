/**
 * Pulumi mocks that record every resource the program registers: its type, name, the inputs sent, and the
 * options the SDK sends with it (parent, dependencies, ignoreChanges, retainOnDelete, deleteBeforeReplace).
 *
 * Mocks are per process and @pulumi/pulumi is not reloaded between test files of a worker, so call
 * installMocks once per file, before importing the module under test.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";

export interface RecordedOptions {
  /** URN of the parent resource, empty for the stack's direct children. */
  parent: string;
  /** URNs of the resources this one depends on, through dependsOn or its inputs. */
  dependencies: string[];
  ignoreChanges: string[];
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  /** Reference to the explicit provider, empty when the default provider is used. */
  provider: string;
}

export interface RecordedResource {
  type: string;
  name: string;
  /** The inputs as the mock received them, Outputs resolved and secrets unwrapped; unknowns satisfy `pulumi.isUnknown`. */
  inputs: Record<string, any>;
  /** Paths of the inputs that were sent as secrets, such as `data`. */
  secretPaths: string[];
  custom: boolean;
  options: RecordedOptions;
}

export interface MockRecorder {
  readonly preview: boolean;
  readonly resources: RecordedResource[];
  /** Registered Kubernetes objects (custom resources of the kubernetes package other than providers). */
  kubernetesObjects(): RecordedResource[];
  ofType(type: string): RecordedResource[];
  /** The one resource of that name; fails if there is none. */
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

// Exported by the runtime's settings module but not declared in its types.
const { waitForRPCs } = runtimeSettings as unknown as { waitForRPCs(): Promise<void> };

/** A string that stands for a value not known until the update (what the engine sends in a preview). */
export { unknownValue } from "@pulumi/pulumi/runtime/rpc";

function isSecretEnvelope(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[specialSigKey] === specialSecretSig;
}

/** A copy of `value` with secret envelopes replaced by what they hold; their paths go to `secretPaths`. */
function unwrapSecrets(value: unknown, path: string, secretPaths: string[]): unknown {
  if (isSecretEnvelope(value)) {
    secretPaths.push(path);
    return unwrapSecrets(value.value, path, secretPaths);
  }
  if (Array.isArray(value)) return value.map((item, index) => unwrapSecrets(item, `${path}[${index}]`, secretPaths));
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrapSecrets(item, path ? `${path}.${key}` : key, secretPaths)]));
  }
  return value;
}

const RANDOM_BYTES = "random:index/randomBytes:RandomBytes";

/**
 * What the random provider would compute for a RandomBytes: bytes that depend on its name and keepers only
 * (so a changed rotation gives new bytes, as a replaced resource would), secret as the provider makes them.
 */
function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  if (type !== RANDOM_BYTES) return {};
  const bytes = createHash("sha256").update(`${name}/${JSON.stringify(inputs.keepers ?? {})}`).digest().subarray(0, Number(inputs.length ?? 32));
  return { base64: pulumi.secret(bytes.toString("base64")), hex: pulumi.secret(bytes.toString("hex")) };
}

export interface MockOptions {
  preview: boolean;
  project?: string;
  stack?: string;
  /** State a resource reports beyond its inputs, e.g. `unknownValue` for an output only known after the update. */
  extraState?: (type: string, name: string) => Record<string, unknown> | undefined;
}

export async function installMocks(mockOptions: MockOptions): Promise<MockRecorder> {
  const resources: RecordedResource[] = [];
  const pendingOptions = new Map<string, RecordedOptions>();
  const key = (type: string, name: string) => `${type}::${name}`;

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const options = pendingOptions.get(key(args.type, args.name));
        pendingOptions.delete(key(args.type, args.name));
        const secretPaths: string[] = [];
        resources.push({
          type: args.type,
          name: args.name,
          inputs: unwrapSecrets(args.inputs, "", secretPaths) as Record<string, any>,
          secretPaths,
          custom: args.custom ?? false,
          options: options ?? { parent: "", dependencies: [], ignoreChanges: [], retainOnDelete: false, deleteBeforeReplace: false, provider: "" },
        });
        return {
          id: args.custom ? `${args.name}-id` : undefined,
          state: { ...args.inputs, ...computedState(args.type, args.name, args.inputs), ...mockOptions.extraState?.(args.type, args.name) },
        };
      },
      call(args) {
        return args.inputs;
      },
    },
    mockOptions.project ?? "nats-jetstream",
    mockOptions.stack ?? "test",
    mockOptions.preview,
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
    preview: mockOptions.preview,
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

/** The value of an Output, or undefined if it stays unknown (an apply on an unknown never runs). */
// Program outputs are optional or unions by topology, so this takes any Output (or none, which has no value).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function valueOf(output: pulumi.Output<any> | undefined, timeoutMs = 1_000): Promise<any> {
  if (output === undefined) return Promise.resolve(undefined);
  return Promise.race([
    new Promise((resolve) => output.apply((value) => resolve(value))),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs)),
  ]);
}
