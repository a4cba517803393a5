/**
 * The model's JetStream objects of a shipped stack, and the objects a `npm run local` run reports it created,
 * in one shape, so tests can compare what each back end provisions with the model.
 */
import { CreatedObject } from "../../components/local/provision";
import { ProvisionedObject, provisionedObjects, stackProvisioning } from "../../components/model/provisioning";
import { loadCheckedStack } from "../../components/stack-check";

/** What the model provisions for a stack (stackProvisioning), flat. */
export function modelObjects(projectDir: string, stack: string): ProvisionedObject[] {
  return provisionedObjects(stackProvisioning(loadCheckedStack(projectDir, stack)));
}

/** The objects a local run reports it created, without what the server reported of each. */
export function createdObjects(created: readonly CreatedObject[]): ProvisionedObject[] {
  return created.map(({ cluster, account, kind, name }) => ({ cluster, account, kind, name }));
}

/** The objects in one order, to compare sets. */
export function sortObjects(objects: readonly ProvisionedObject[]): ProvisionedObject[] {
  const key = (object: ProvisionedObject) => `${object.cluster}|${object.account}|${object.kind}|${object.name}`;
  return [...objects].sort((a, b) => key(a).localeCompare(key(b)));
}
