/** What the mocks record of each resource a program registers. */
import * as pulumi from "@pulumi/pulumi";

/** The resource options the SDK sent with a registration. */
export interface RecordedOptions {
  /** URN of the parent resource; empty for the stack's direct children. */
  parent: string;
  /** URNs of the resources this one depends on, through dependsOn or its inputs. */
  dependencies: string[];
  /** Input paths the engine leaves as they are on an update (`ignoreChanges`). */
  ignoreChanges: string[];
  /** Whether the engine leaves the object in place when the resource is deleted (`retainOnDelete`). */
  retainOnDelete: boolean;
  /** Whether a replacement deletes the old object before creating the new one (`deleteBeforeReplace`). */
  deleteBeforeReplace: boolean;
  /** Reference to the explicit provider (`<provider URN>::<id>`); empty when the default provider is used. */
  provider: string;
}

/** One registered resource. */
export interface RecordedResource {
  /** Pulumi type token, e.g. `kubernetes:apps/v1:StatefulSet`. */
  type: string;
  /** Pulumi resource name. */
  name: string;
  /** The inputs as the engine would receive them, Outputs resolved and secrets unwrapped; unknowns satisfy `pulumi.isUnknown`. */
  inputs: Record<string, any>;
  /** Paths of the inputs that were sent as secrets, such as `data` or `stringData.password`. */
  secretPaths: string[];
  /** True for a custom resource (one a provider manages); false for a component. */
  custom: boolean;
  /** The options it was registered with. */
  options: RecordedOptions;
}

/** Whether `value` is a secret as the SDK serializes it for the engine. */
function isSecretEnvelope(value: unknown): value is { value: unknown } {
  const signature = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] : undefined;
  return signature === pulumi.runtime.specialSecretSig;
}

/** A copy of `value` with every secret envelope replaced by what it holds; the paths of the envelopes go to `secretPaths`. */
export function unwrapSecrets(value: unknown, path: string, secretPaths: string[]): unknown {
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
