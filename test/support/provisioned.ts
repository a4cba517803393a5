/**
 * The model's JetStream objects of a shipped stack, and the objects a `npm run local` run reports it created,
 * in one shape, so tests can compare what each back end provisions with the model.
 */
import { ProvisionedObject, provisionedObjects, stackProvisioning } from "../../components/model/provisioning";
import { loadCheckedStack } from "../../components/stack-check";

/** What the model provisions for a stack (stackProvisioning), flat. */
export function modelObjects(projectDir: string, stack: string): ProvisionedObject[] {
  return provisionedObjects(stackProvisioning(loadCheckedStack(projectDir, stack)));
}

const KINDS: Record<string, ProvisionedObject["kind"]> = { stream: "stream", consumer: "consumer", "key-value bucket": "bucket" };

/** Every `[<cluster>] <account>: <kind> <name> created` line of a local run's output. */
export function createdObjects(stdout: string): ProvisionedObject[] {
  return [...stdout.matchAll(/^\s+\[([^\]]+)\] (\S+): (stream|consumer|key-value bucket) (\S+) created\b/gm)].map(([, cluster, account, kind, name]) => ({
    cluster,
    account,
    kind: KINDS[kind],
    name,
  }));
}

/** The objects in one order, to compare sets. */
export function sortObjects(objects: readonly ProvisionedObject[]): ProvisionedObject[] {
  const key = (object: ProvisionedObject) => `${object.cluster}|${object.account}|${object.kind}|${object.name}`;
  return [...objects].sort((a, b) => key(a).localeCompare(key(b)));
}
