/**
 * The risks of applying a stack's diff, most harmful first: lost or replaced storage, then a changed server
 * count and its quorum, then restarts, config changes the servers refuse to reload, and live config reloads,
 * then credentials, streams and network openings. Each risk names its subject (an object, a user or a
 * stream), never a secret value.
 */
import { isDeepStrictEqual } from "util";
import { KubernetesObject, PlacedObject, RenderedStack } from "./rendered-stack";
import { ObjectRef, refKey, refLabel, refOf } from "./object-ref";
import type { ObjectChange } from "./stack-diff";
import { readConfText } from "./conf-text";
import { refusedReloads } from "./reloadable-settings";

/** The kinds of risk, in order of harm: a report lists risks in this order. */
export const RISK_KINDS = [
  "pvc-removed",
  "statefulset-deleted",
  "statefulset-replaced",
  "storage-class-changed",
  "volume-resized",
  "server-count-changed",
  "pods-restart",
  "config-needs-restart",
  "config-reloaded",
  "credentials-changed",
  "stream-changed",
  "network-opened",
] as const;

/** One kind of risk. */
export type RiskKind = (typeof RISK_KINDS)[number];

/** One risk of applying the diff. */
export interface Risk {
  /** What kind of risk; its place in RISK_KINDS is its rank. */
  kind: RiskKind;
  /** What it concerns: an object (`StatefulSet nats/nats`), a user (`app/api`) or a stream (`JOBS`). */
  subject: string;
  /** What happens, in a sentence. */
  detail: string;
}

/**
 * The StatefulSet spec fields Kubernetes lets an update change; a change to any other field is refused, so
 * Pulumi deletes the StatefulSet and creates it again.
 */
const MUTABLE_STATEFULSET_FIELDS = new Set(["replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"]);

/** The annotation the project's claim patches carry: a claim written by server-side apply, kept when it leaves the stack. */
const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";

const WORKLOAD_KINDS = new Set(["StatefulSet", "Deployment", "DaemonSet"]);
const JETSTREAM_KINDS = new Set(["Stream", "KeyValue", "ObjectStore"]);

type Spec = Record<string, any>;

function specOf(object: KubernetesObject | undefined): Spec {
  return (object?.spec ?? {}) as Spec;
}

function index(objects: readonly PlacedObject[]): Map<string, KubernetesObject> {
  return new Map(objects.map((placed) => [refKey(refOf(placed)), placed.object]));
}

/** floor(n/2)+1: how many of n Raft peers must agree. */
function quorum(peers: number): number {
  return Math.floor(peers / 2) + 1;
}

function storageOf(spec: Spec): string | undefined {
  return spec?.resources?.requests?.storage;
}

/** A Kubernetes quantity in bytes, for comparing sizes; NaN when it cannot be read. */
function bytesOf(quantity: string | undefined): number {
  const match = /^([0-9.]+)([KMGTPE]i?)?$/.exec(quantity ?? "");
  if (!match) return Number.NaN;
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
  return Number(match[1]) * (match[2] ? units[match[2]] : 1);
}

/** Whether every claim the StatefulSet's templates would make is managed as an object of the stack. */
function claimsPatched(statefulSet: KubernetesObject, objects: Map<string, KubernetesObject>, cluster: string): boolean {
  const spec = specOf(statefulSet);
  const templates = (spec.volumeClaimTemplates ?? []) as { metadata?: { name?: string } }[];
  if (templates.length === 0) return false;
  return templates.every((template) =>
    Array.from({ length: Number(spec.replicas ?? 1) }, (_, ordinal) => `${template.metadata?.name}-${statefulSet.metadata.name}-${ordinal}`).every((claim) =>
      objects.has(refKey({ cluster, kind: "PersistentVolumeClaim", namespace: statefulSet.metadata.namespace, name: claim })),
    ),
  );
}

function statefulSetRisks(ref: ObjectRef, before: KubernetesObject, after: KubernetesObject, head: Map<string, KubernetesObject>): Risk[] {
  const [old, next] = [specOf(before), specOf(after)];
  const subject = refLabel(ref);
  const risks: Risk[] = [];
  const immutable = [...new Set([...Object.keys(old), ...Object.keys(next)])]
    .filter((field) => !MUTABLE_STATEFULSET_FIELDS.has(field) && !isDeepStrictEqual(old[field], next[field]))
    .sort();
  // The project's component ignores claim-template changes and patches each claim instead (see volume-claims.ts).
  const ignoredTemplates = immutable.includes("volumeClaimTemplates") && claimsPatched(after, head, ref.cluster);
  const replacing = immutable.filter((field) => !(field === "volumeClaimTemplates" && ignoredTemplates));
  if (replacing.length > 0) {
    risks.push({
      kind: "statefulset-replaced",
      subject,
      detail: `spec.${replacing.join(", spec.")} cannot be changed in place: the StatefulSet is deleted and created again, every server down at once`,
    });
  }
  const classes = (spec: Spec) => ((spec.volumeClaimTemplates ?? []) as { spec?: Spec }[]).map((template) => template.spec?.storageClassName ?? "(default)");
  if (!ignoredTemplates && !isDeepStrictEqual(classes(old), classes(next))) {
    risks.push({ kind: "storage-class-changed", subject, detail: `claim templates' storage class ${classes(old).join(", ")} → ${classes(next).join(", ")}: new claims land on the new class` });
  }
  const [servers, nextServers] = [Number(old.replicas ?? 1), Number(next.replicas ?? 1)];
  if (servers !== nextServers) risks.push({ kind: "server-count-changed", subject, detail: serverCountDetail(after.metadata.name, servers, nextServers, head) });
  if (!isDeepStrictEqual(old.template, next.template) && replacing.length === 0) {
    risks.push({ kind: "pods-restart", subject, detail: restartDetail(after.metadata.name, Math.min(servers, nextServers), head) });
  }
  return risks;
}

function streamReplicas(objects: Map<string, KubernetesObject>): number[] {
  return [...objects.values()].filter((object) => JETSTREAM_KINDS.has(object.kind)).map((object) => Number(specOf(object).replicas ?? 1));
}

function restartDetail(name: string, servers: number, head: Map<string, KubernetesObject>): string {
  const single = streamReplicas(head).some((replicas) => replicas === 1);
  const meta = servers >= 3 ? `the JetStream meta group keeps quorum (${quorum(servers)} of ${servers}) with one server down` : "with one server, the cluster is down while it restarts";
  return `pod template changed: ${servers} ${name} pod(s) restart one at a time; ${meta}${single && servers > 1 ? "; R1 streams are unavailable while their server restarts" : ""}`;
}

function serverCountDetail(name: string, from: number, to: number, head: Map<string, KubernetesObject>): string {
  const replicated = [...new Set(streamReplicas(head).filter((replicas) => replicas > 1))].sort((a, b) => a - b);
  const streams = replicated.map((replicas) => `R${replicas} streams keep quorum (${quorum(replicas)} of ${replicas})`).join(", ");
  const counts = `${from} → ${to} servers: meta-group quorum ${quorum(from)} → ${quorum(to)}`;
  if (to > from) {
    return `${counts}; new servers join while the others keep running${streams ? `, and while pods roll one at a time ${streams}` : ""}`;
  }
  const leaving = Array.from({ length: from - to }, (_, index) => `${name}-${to + index}`).join(", ");
  const tooFew = streamReplicas(head).some((replicas) => replicas > to) ? `; streams with more replicas than ${to} servers cannot be placed` : "";
  return `${counts}; ${leaving} leave: before this, one at a time, restart each with lame duck and remove it from the meta group as the sys user ($JS.API.SERVER.REMOVE), waiting until every stream is current again (README: Resizing a cluster)${tooFew}`;
}

function claimRisks(ref: ObjectRef, before: KubernetesObject, after: KubernetesObject): Risk[] {
  const [old, next] = [specOf(before), specOf(after)];
  const subject = refLabel(ref);
  const risks: Risk[] = [];
  if ((old.storageClassName ?? "") !== (next.storageClassName ?? "")) {
    risks.push({
      kind: "storage-class-changed",
      subject,
      detail: `storage class ${old.storageClassName ?? "(default)"} → ${next.storageClassName ?? "(default)"}: Kubernetes refuses this for a bound claim, so the update stops there; it needs a new cluster and a move of the streams`,
    });
  }
  const [size, nextSize] = [storageOf(old), storageOf(next)];
  if (size !== nextSize) {
    const shrinks = bytesOf(nextSize) < bytesOf(size);
    risks.push({
      kind: "volume-resized",
      subject,
      detail: shrinks
        ? `${size} → ${nextSize}: Kubernetes refuses to shrink a bound claim, so the update stops there`
        : `${size} → ${nextSize}: grown in place (the StorageClass must allow volume expansion)`,
    });
  }
  return risks;
}

function removalRisks(ref: ObjectRef, before: KubernetesObject): Risk[] {
  const subject = refLabel(ref);
  if (ref.kind === "PersistentVolumeClaim") {
    const patched = (before.metadata.annotations as Record<string, string> | undefined)?.[PATCH_FORCE_ANNOTATION] !== undefined;
    return [{ kind: "pvc-removed", subject, detail: patched ? "leaves the stack; the claim is kept in the cluster with its data until deleted by hand" : "deleted, and its volume's data with it" }];
  }
  if (ref.kind === "StatefulSet") {
    const kept = specOf(before).persistentVolumeClaimRetentionPolicy?.whenDeleted === "Retain";
    return [{ kind: "statefulset-deleted", subject, detail: `deleted: every server stops${kept ? "; its claims are retained" : ""}` }];
  }
  if (JETSTREAM_KINDS.has(ref.kind)) {
    const kept = specOf(before).preventDelete === true;
    return [{ kind: "stream-changed", subject: String(specOf(before).name ?? ref.name), detail: kept ? `${ref.kind} leaves the stack; preventDelete keeps it on the servers` : `${ref.kind} deleted with its messages` }];
  }
  if (ref.kind === "NetworkPolicy") {
    return [{ kind: "network-opened", subject, detail: "removed: the pods it selected accept ingress from anywhere unless another policy selects them" }];
  }
  return [];
}

function jetStreamRisks(ref: ObjectRef, before: KubernetesObject, after: KubernetesObject): Risk[] {
  const [old, next] = [specOf(before), specOf(after)];
  const changes = ["replicas", "retention"].filter((field) => !isDeepStrictEqual(old[field], next[field])).map((field) => `${field} ${old[field] ?? "(default)"} → ${next[field] ?? "(default)"}`);
  if (changes.length === 0) return [];
  return [{ kind: "stream-changed", subject: String(next.name ?? ref.name), detail: `${ref.kind} ${changes.join(", ")}` }];
}

/** Each ingress rule as `peer → port` pairs, a peer or port list left out meaning all. */
function ingressPairs(policy: KubernetesObject): Set<string> {
  const pairs = new Set<string>();
  for (const rule of (specOf(policy).ingress ?? []) as { from?: unknown[]; ports?: unknown[] }[]) {
    const peers = rule.from?.length ? rule.from.map((peer) => JSON.stringify(peer)) : ["anywhere"];
    const ports = rule.ports?.length ? rule.ports.map((port: any) => `${port.protocol ?? "TCP"} ${port.port ?? "all"}${port.endPort ? `-${port.endPort}` : ""}`) : ["all ports"];
    for (const peer of peers) for (const port of ports) pairs.add(`from ${peer} to ${port}`);
  }
  return pairs;
}

function networkRisks(ref: ObjectRef, before: KubernetesObject, after: KubernetesObject): Risk[] {
  const old = ingressPairs(before);
  return [...ingressPairs(after)].filter((pair) => !old.has(pair)).sort().map((pair) => ({ kind: "network-opened" as const, subject: refLabel(ref), detail: `new ingress ${pair}` }));
}

/** The users whose creds a Secret holds: its `<user>.creds` keys. */
function credsUsers(secret: KubernetesObject): string[] {
  const keys = [...Object.keys((secret.stringData ?? {}) as object), ...Object.keys((secret.data ?? {}) as object)];
  return keys.filter((key) => key.endsWith(".creds")).map((key) => key.slice(0, -".creds".length));
}

function credentialRisks(base: RenderedStack, head: RenderedStack, objects: readonly ObjectChange[], old: Map<string, KubernetesObject>, next: Map<string, KubernetesObject>): Risk[] {
  const reasons = new Map<string, string[]>();
  const add = (user: string, reason: string) => reasons.set(user, [...(reasons.get(user) ?? []), reason]);
  for (const change of objects.filter((object) => object.ref.kind === "Secret")) {
    const key = refKey(change.ref);
    if (change.change === "added") credsUsers(next.get(key)!).forEach((user) => add(user, "new creds"));
    if (change.change === "removed") credsUsers(old.get(key)!).forEach((user) => add(user, "creds deleted: its clients are refused"));
  }
  const users = [...new Set([...Object.keys(base.users), ...Object.keys(head.users)])];
  for (const user of users) {
    const [before, after] = [base.users[user], head.users[user]];
    if (before !== undefined && after !== undefined && !isDeepStrictEqual(before, after)) add(user.slice(user.indexOf("/") + 1), "permissions change: its creds get a new JWT");
  }
  const keys = new Map(base.plan.map((resource) => [`${resource.type}|${resource.name}`, resource.inputs]));
  for (const resource of head.plan) {
    const user = /user-key-(.+)$/.exec(resource.name)?.[1];
    const previous = keys.get(`${resource.type}|${resource.name}`);
    if (user !== undefined && previous !== undefined && !isDeepStrictEqual(previous, resource.inputs)) add(user, "key rotated: new creds, the old ones stop working");
  }
  return [...reasons.entries()].map(([user, why]) => ({ kind: "credentials-changed" as const, subject: user, detail: why.join("; ") }));
}

/** ConfigMaps a workload of `objects` mounts, keyed as objects are, with the workload that mounts each. */
function mountedConfigMaps(objects: Map<string, KubernetesObject>, clusterOf: Map<string, string>): Map<string, string> {
  const mounted = new Map<string, string>();
  for (const [key, object] of objects) {
    if (!WORKLOAD_KINDS.has(object.kind)) continue;
    for (const volume of (specOf(object).template?.spec?.volumes ?? []) as { configMap?: { name?: string } }[]) {
      if (!volume.configMap?.name) continue;
      mounted.set(refKey({ cluster: clusterOf.get(key) ?? "", kind: "ConfigMap", namespace: object.metadata.namespace, name: volume.configMap.name }), key);
    }
  }
  return mounted;
}

/**
 * The nats.conf settings a reload refuses among a ConfigMap's changed `.conf` entries, each prefixed with its
 * entry's name when the ConfigMap holds more than one.
 */
function refusedConfigKeys(before: KubernetesObject, after: KubernetesObject): string[] {
  const [old, next] = [(before.data ?? {}) as Record<string, string>, (after.data ?? {}) as Record<string, string>];
  const files = [...new Set([...Object.keys(old), ...Object.keys(next)])].filter((file) => file.endsWith(".conf") && old[file] !== next[file]).sort();
  return files.flatMap((file) => refusedReloads(readConfText(old[file] ?? ""), readConfText(next[file] ?? "")).map((key) => (files.length > 1 ? `${file}: ${key}` : key)));
}

/** The risks of the diff `objects` from `base` to `head`, most harmful first, then by subject. */
export function risksOf(base: RenderedStack, head: RenderedStack, objects: readonly ObjectChange[]): Risk[] {
  const [old, next] = [index(base.objects), index(head.objects)];
  const clusterOf = new Map(head.objects.map((placed) => [refKey(refOf(placed)), placed.cluster]));
  const risks: Risk[] = [];
  const restarting = new Set<string>();
  for (const change of objects) {
    const key = refKey(change.ref);
    const [before, after] = [old.get(key), next.get(key)];
    if (change.change === "removed" && before) risks.push(...removalRisks(change.ref, before));
    if (change.change !== "changed" || !before || !after) continue;
    if (change.ref.kind === "StatefulSet") {
      const found = statefulSetRisks(change.ref, before, after, next);
      // A replaced StatefulSet's pods start anew and read the new config then, not through a reload.
      if (found.some((risk) => risk.kind === "statefulset-replaced")) restarting.add(key);
      risks.push(...found);
    } else if (WORKLOAD_KINDS.has(change.ref.kind) && !isDeepStrictEqual(specOf(before).template, specOf(after).template)) {
      risks.push({ kind: "pods-restart", subject: refLabel(change.ref), detail: "pod template changed: its pods are replaced by a rolling update" });
    }
    if (WORKLOAD_KINDS.has(change.ref.kind) && !isDeepStrictEqual(specOf(before).template, specOf(after).template)) restarting.add(key);
    if (change.ref.kind === "PersistentVolumeClaim") risks.push(...claimRisks(change.ref, before, after));
    if (JETSTREAM_KINDS.has(change.ref.kind)) risks.push(...jetStreamRisks(change.ref, before, after));
    if (change.ref.kind === "NetworkPolicy") risks.push(...networkRisks(change.ref, before, after));
  }
  const mounted = mountedConfigMaps(next, clusterOf);
  for (const change of objects.filter((object) => object.change === "changed" && object.ref.kind === "ConfigMap")) {
    const workload = mounted.get(refKey(change.ref));
    if (workload === undefined || restarting.has(workload)) continue;
    const reader = next.get(workload)!;
    const refused = refusedConfigKeys(old.get(refKey(change.ref))!, next.get(refKey(change.ref))!);
    risks.push(
      refused.length > 0
        ? {
            kind: "config-needs-restart",
            subject: refLabel(change.ref),
            detail: `needs a restart: the reloader's signal is refused for ${refused.join(", ")}, and nats-server keeps its whole old config; the change takes effect only when pods restart, and the ${reader.kind} ${reader.metadata.name} pod template did not change, so it won't apply until the next restart`,
          }
        : {
            kind: "config-reloaded",
            subject: refLabel(change.ref),
            detail: `${change.fields.map((field) => field.path).join(", ")} changed and the ${reader.kind} ${reader.metadata.name} pod template did not: its config reloader applies it live, no restart`,
          },
    );
  }
  risks.push(...credentialRisks(base, head, objects, old, next));
  const rank = (risk: Risk) => RISK_KINDS.indexOf(risk.kind);
  return risks.sort((a, b) => rank(a) - rank(b) || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0) || (a.detail < b.detail ? -1 : a.detail > b.detail ? 1 : 0));
}
