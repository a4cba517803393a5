/** Kubernetes objects from the recorded resources, in an order `kubectl apply -f <dir>` accepts. */
import { ResourceRecord } from "./synthesize";
import { redactInputs, redactedSecretData } from "./redact";

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [field: string]: unknown;
}

/**
 * Kinds that others refer to come first: namespaces hold everything, CRDs must exist before their
 * objects, claims and config before the workloads that mount them.
 */
const APPLY_ORDER = [
  "Namespace",
  "CustomResourceDefinition",
  "StorageClass",
  "ServiceAccount",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "Secret",
  "ConfigMap",
  "PersistentVolumeClaim",
  "Service",
  "StatefulSet",
  "DaemonSet",
  "Deployment",
  "PodDisruptionBudget",
  "NetworkPolicy",
  // JetStream objects: a consumer names its stream, so streams and buckets come first.
  "Stream",
  "KeyValue",
  "Consumer",
  "ScaledObject",
];

function applyRank(kind: string): number {
  const rank = APPLY_ORDER.indexOf(kind);
  return rank === -1 ? APPLY_ORDER.length : rank;
}

/** `kubernetes:apps/v1:StatefulSet` -> apps/v1 + StatefulSet; core is the empty group; Patch kinds are their object. */
export function kubernetesKind(type: string): { apiVersion: string; kind: string } | undefined {
  const match = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!match || match[1].startsWith("yaml") || match[1].startsWith("helm")) return undefined;
  const apiVersion = match[1].startsWith("core/") ? match[1].slice("core/".length) : match[1];
  return { apiVersion, kind: match[2].replace(/Patch$/, "") };
}

export function isKubernetesObject(record: ResourceRecord): boolean {
  return record.custom && kubernetesKind(record.type) !== undefined;
}

function toManifest(record: ResourceRecord): Manifest {
  const { apiVersion, kind } = kubernetesKind(record.type)!;
  const inputs = redactInputs(record.inputs) as Record<string, any>;
  if (kind === "Secret") Object.assign(inputs, redactedSecretData(record.inputs));
  const metadata = { ...(inputs.metadata ?? {}) };
  // An auto-named object gets a random suffix at deploy time; its Pulumi name is the stable part.
  if (metadata.name === undefined) metadata.name = record.name;
  const { apiVersion: _a, kind: _k, metadata: _m, ...body } = inputs;
  return { apiVersion, kind, metadata, ...body };
}

function sortKey(manifest: Manifest): string {
  return `${String(applyRank(manifest.kind)).padStart(3, "0")}|${manifest.kind}|${manifest.metadata.namespace ?? ""}|${manifest.metadata.name}`;
}

/** Redacted manifests, sorted for apply. */
export function manifestsOf(records: readonly ResourceRecord[]): Manifest[] {
  return records
    .filter(isKubernetesObject)
    .map(toManifest)
    .sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
}

/**
 * Manifests per Kubernetes cluster: one group per provider, since each provider is its own cluster (a
 * supercluster's regions, a leaf site elsewhere) and each group is applied there on its own. Objects on
 * the default provider form the group named "default".
 */
export function manifestsByProvider(records: readonly ResourceRecord[]): Map<string, Manifest[]> {
  const groups = new Map<string, ResourceRecord[]>();
  for (const record of records.filter(isKubernetesObject)) {
    const key = record.provider ?? "default";
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, group]) => [key, manifestsOf(group)]));
}

export function manifestFileName(manifest: Manifest, index: number): string {
  const scope = manifest.metadata.namespace ? `${manifest.metadata.namespace}-` : "";
  return `${String(index + 1).padStart(3, "0")}-${manifest.kind.toLowerCase()}-${scope}${manifest.metadata.name}.yaml`;
}

/**
 * The nats.conf every server of every StatefulSet reads: the ConfigMap its pods mount, one file per
 * pod. ConfigMaps are not secret, so the text is written as the pods get it (never from Secrets).
 */
export function serverConfigs(manifests: readonly Manifest[]): Map<string, string> {
  const configs = new Map<string, string>();
  const configMaps = new Map(
    manifests.filter((m) => m.kind === "ConfigMap").map((m) => [`${m.metadata.namespace ?? ""}/${m.metadata.name}`, m]),
  );
  for (const statefulSet of manifests.filter((m) => m.kind === "StatefulSet")) {
    const spec = statefulSet.spec as any;
    const namespace = statefulSet.metadata.namespace ?? "";
    for (const volume of spec?.template?.spec?.volumes ?? []) {
      const configMap = volume.configMap?.name ? configMaps.get(`${namespace}/${volume.configMap.name}`) : undefined;
      const text = (configMap?.data as Record<string, string> | undefined)?.["nats.conf"];
      if (typeof text !== "string") continue;
      for (let ordinal = 0; ordinal < Number(spec.replicas ?? 1); ordinal++) {
        configs.set(`${statefulSet.metadata.name}-${ordinal}`, text);
      }
    }
  }
  return configs;
}

/** Every resource that is not a Kubernetes object (cloud, random, providers), with redacted inputs. */
export function planOf(records: readonly ResourceRecord[]): { type: string; name: string; inputs: unknown }[] {
  return records
    .filter((record) => record.custom && !isKubernetesObject(record))
    .map((record) => ({ type: record.type, name: record.name, inputs: redactInputs(record.inputs) }))
    .sort((a, b) => `${a.type}|${a.name}`.localeCompare(`${b.type}|${b.name}`));
}
