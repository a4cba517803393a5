/**
 * Where a rendered stack's streams, consumers and buckets land: the model's provisioning (what `npm run local`
 * creates too), each object with its cluster, how it gets there (placement in a supercluster member, or the
 * JetStream domain that cluster answers) and the manifests folder its NACK object is written to.
 */
import { ProvisionedObject, provisionedObjects, stackProvisioning } from "../../components/model/provisioning";
import { Stack } from "../../components/model/stack";
import { isKubernetesObject, manifestsByProvider } from "./manifests";
import { ResourceRecord } from "./synthesize";

export interface LandedObject extends ProvisionedObject {
  /** How it reaches its cluster: `placement.cluster <name>`, `domain <domain>`, or empty for a lone cluster. */
  route: string;
  /** The manifests folder and namespace of its NACK object, e.g. `manifests/small-kubernetes-eu-west, namespace nats`. */
  manifests: string;
}

/**
 * The folder each NATS cluster's manifests go to: the provider group of its StatefulSet, named as write.ts
 * names the folders (one flat folder when there is one group).
 */
function manifestFolders(records: readonly ResourceRecord[]): Map<string, string> {
  const groups = manifestsByProvider(records);
  const folders = new Map<string, string>();
  for (const record of records.filter(isKubernetesObject)) {
    if (!record.type.endsWith(":StatefulSet")) continue;
    const name = (record.inputs.metadata as { name?: string } | undefined)?.name;
    if (name !== undefined) folders.set(name, groups.size > 1 ? `manifests/${record.provider ?? "default"}` : "manifests");
  }
  return folders;
}

/** Every object the stack provisions, with where it lands. */
export function landedObjects(stack: Stack, records: readonly ResourceRecord[]): LandedObject[] {
  const provisioning = stackProvisioning(stack);
  const folders = manifestFolders(records);
  return provisionedObjects(provisioning).map((object) => {
    const target = provisioning.targets.find((candidate) => candidate.cluster.name === object.cluster)!;
    const route = target.placed ? `placement.cluster ${target.cluster.name}` : target.domain !== undefined ? `domain ${target.domain}` : "";
    return { ...object, route, manifests: `${folders.get(object.cluster) ?? "manifests"}, namespace ${target.cluster.namespace}` };
  });
}

/** One line per object, for the command's output: `JetStream on <cluster> (<route>): <account> <kind> <name>`. */
export function landedLines(objects: readonly LandedObject[]): string[] {
  return objects.map((object) => `JetStream on ${object.cluster}${object.route ? ` (${object.route})` : ""}: ${object.account} ${object.kind} ${object.name}`);
}

/** The summary's section: a table of every object and where it lands. */
export function landedSection(objects: readonly LandedObject[]): string[] {
  if (objects.length === 0) return ["## JetStream", "", "The stack declares no stream or key-value bucket.", ""];
  return [
    "## JetStream",
    "",
    "Each stream, consumer and key-value bucket, the cluster it lands in, and the NACK object that creates it there.",
    "",
    "| cluster | route | account | kind | name | NACK object in |",
    "|---|---|---|---|---|---|",
    ...objects.map((object) => `| ${object.cluster} | ${object.route || "-"} | ${object.account} | ${object.kind} | ${object.name} | ${object.manifests} |`),
    "",
  ];
}
