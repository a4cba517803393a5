/**
 * All streams and key-value buckets of a stack, checked together: the rules that compare one stream with
 * another, with the stack's accounts, and with the storage the cluster has.
 */
import { Cluster } from "./cluster";
import { Problems } from "./errors";
import { JetStreamTarget } from "./jetstream-targets";
import { DEFAULT_KUBERNETES_TARGET } from "./kubernetes-target";
import { KeyValue, KeyValueSpec, resolveKeyValue } from "./kv";
import { formatBytes } from "./quantity";
import { resolveStream, StorageType, Stream, StreamSpec } from "./streams";
import { firstOverlap } from "./subject-overlap";

/** Streams and key-value buckets as a stack writes them. */
export interface JetStreamResourceSetSpec {
  /** The streams, each with its consumers. */
  streams?: StreamSpec[];
  /** The key-value buckets. */
  keyValues?: KeyValueSpec[];
}

export interface JetStreamResourceSet {
  streams: Stream[];
  keyValues: KeyValue[];
}

/** What the checks need of an account: its name and its users' names (the accounts model's Account fits). */
export interface AccountMembers {
  name: string;
  users: readonly { name: string }[];
}

export interface JetStreamContext {
  /** The cluster streams and buckets land in when they name none (the stack's JetStream home). */
  cluster: Cluster;
  /**
   * Every account of the stack. Unset for servers without auth, where the account a stream names is only
   * the name it goes by; then neither the accounts nor the worker users are checked.
   */
  accounts: readonly AccountMembers[] | undefined;
  /** Every cluster a stream or bucket may name in `cluster` (see jetStreamTargets). Default: `cluster` alone. */
  targets?: readonly JetStreamTarget[];
}

/** A stream or a bucket's stream, as the account-wide checks see it. */
interface Occupant {
  path: string;
  /** The cluster it lands in. */
  cluster: string;
  /** Path of the field that names the stream: `name` of a stream, `bucket` of a bucket. */
  namePath: string;
  account: string;
  streamName: string;
  subjects: string[];
  describe: string;
}

function list<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function checkAccounts(problems: Problems, occupants: Occupant[], accounts: readonly AccountMembers[], targets: readonly JetStreamTarget[]): void {
  const names = accounts.map((account) => account.name);
  for (const occupant of occupants) {
    if (occupant.account === "") continue;
    if (!names.includes(occupant.account)) {
      problems.add(`${occupant.path}.account`, occupant.account, names.length ? `name one of the stack's accounts: ${names.join(", ")}` : "declare the account under accounts first");
      continue;
    }
    const defaultAccount = targets.find((target) => target.cluster.name === occupant.cluster)?.defaultAccount;
    if (defaultAccount !== undefined && occupant.account !== defaultAccount) {
      problems.add(
        `${occupant.path}.account`,
        occupant.account,
        `name ${defaultAccount}: cluster ${occupant.cluster} runs without auth (anonymousClients: true), so everything in it lives in its default account, which its leaf link carries into ${defaultAccount} on the hub (drop anonymousClients and give the site a localAccount to hold other accounts' streams)`,
      );
    }
  }
}

/** A lone cluster as the only target, on the default Kubernetes provider. */
export function soleTarget(cluster: Cluster, placed = false): JetStreamTarget {
  return { cluster, kubernetes: { ...DEFAULT_KUBERNETES_TARGET }, placed, domain: cluster.jetstream.domain, defaultAccount: undefined };
}

/**
 * A NACK controller watches one namespace and reaches one NATS cluster, so two clusters holding objects may
 * not share a namespace of one Kubernetes cluster; the later one's first object is refused.
 */
function checkControllerNamespaces(problems: Problems, occupants: Occupant[], targets: readonly JetStreamTarget[]): void {
  const owners = new Map<string, string>();
  for (const target of targets) {
    const first = occupants.find((occupant) => occupant.cluster === target.cluster.name);
    if (first === undefined) continue;
    const key = `${target.kubernetes.provider ?? ""}/${target.cluster.namespace}`;
    const owner = owners.get(key);
    if (owner === undefined) {
      owners.set(key, target.cluster.name);
      continue;
    }
    problems.add(
      `${first.path}.cluster`,
      target.cluster.name,
      `name a cluster that has a Kubernetes namespace of its own: ${owner} holds streams in namespace ${target.cluster.namespace} of the same Kubernetes cluster, and the NACK controller there reaches only ${owner} (give ${target.cluster.name} another namespace or Kubernetes context)`,
    );
  }
}

/** The target a stream or bucket names, or the default; an unknown name is a problem and falls back to the default. */
function targetOf(given: unknown, path: string, context: JetStreamContext, targets: readonly JetStreamTarget[], problems: Problems): JetStreamTarget {
  const fallback = targets.find((target) => target.cluster.name === context.cluster.name) ?? targets[0];
  if (given === undefined) return fallback;
  const named = targets.find((target) => target.cluster.name === given);
  if (named !== undefined) return named;
  const names = targets.map((target) => target.cluster.name);
  problems.add(`${path}.cluster`, given, names.length === 1 ? `name the stack's cluster, ${names[0]}, or leave cluster out` : `name one of the topology's clusters: ${names.join(", ")}`);
  return fallback;
}

/** nats-server refuses a stream whose name or subjects clash with another stream of the same account. */
function checkAccountSpace(problems: Problems, occupants: Occupant[]): void {
  occupants.forEach((occupant, index) => {
    for (const other of occupants.slice(0, index)) {
      if (other.account !== occupant.account) continue;
      if (other.streamName === occupant.streamName) {
        problems.add(occupant.namePath, occupant.streamName, `use a stream name not already taken in account ${occupant.account} (${other.describe} has it)`);
        continue;
      }
      const overlap = firstOverlap(occupant.subjects, other.subjects);
      if (overlap) {
        problems.add(
          `${occupant.path}.subjects`,
          overlap[0],
          `use subjects no other stream of account ${occupant.account} captures: ${overlap[0]} overlaps ${overlap[1]} of ${other.describe}`,
        );
      }
    }
  });
}

function checkWorkers(problems: Problems, streams: Stream[], streamPaths: string[], accounts: readonly AccountMembers[]): void {
  streams.forEach((stream, streamIndex) => {
    stream.consumers.forEach((consumer, consumerIndex) => {
      if (consumer.workerUser === undefined) return;
      const account = accounts.find((candidate) => candidate.name === stream.account);
      if (!account) return;
      if (account.users.some((user) => user.name === consumer.workerUser)) return;
      const owner = accounts.find((candidate) => candidate.users.some((user) => user.name === consumer.workerUser));
      problems.add(
        `${streamPaths[streamIndex]}.consumers[${consumerIndex}].workerUser`,
        consumer.workerUser,
        owner
          ? `name a user of account ${stream.account}, the stream's account: ${consumer.workerUser} belongs to ${owner.name}, which cannot read this stream`
          : `name a user of account ${stream.account}` + (account.users.length ? ` (${account.users.map((user) => user.name).join(", ")})` : ", after declaring it there"),
      );
    });
  });
}

/**
 * A replica of a stream takes up to its max bytes on the server that holds it, so the limits of all streams
 * and buckets a cluster holds, times their replicas, must fit the store of its servers together.
 */
function checkStorage(
  problems: Problems,
  path: string,
  occupants: { cluster: string; maxBytes: number | undefined; replicas: number; storage: StorageType }[],
  cluster: Cluster,
): void {
  for (const storage of ["file", "memory"] as const) {
    const reserved = occupants
      .filter((occupant) => occupant.cluster === cluster.name && occupant.storage === storage && occupant.maxBytes !== undefined)
      .reduce((sum, occupant) => sum + occupant.maxBytes! * occupant.replicas, 0);
    const perServer = storage === "file" ? cluster.jetstream.maxFileStore : cluster.jetstream.maxMemoryStore;
    const capacity = perServer * cluster.servers;
    if (reserved > capacity) {
      problems.add(
        path || "streams",
        formatBytes(reserved),
        `keep the ${storage} streams' maxBytes times replicas within the ${storage} store of all ${cluster.servers} server(s) together (${formatBytes(capacity)}); lower maxBytes or replicas, or give the cluster more storage`,
      );
    }
  }
}

/** Checks every stream, consumer and bucket and fills in their defaults; problems go into `problems`. */
export function resolveJetStreamResourceSet(spec: JetStreamResourceSetSpec, context: JetStreamContext, problems: Problems, path = ""): JetStreamResourceSet {
  const targets = context.targets ?? [soleTarget(context.cluster)];
  const streamPaths = list(spec?.streams).map((_, index) => `${join(path, "streams")}[${index}]`);
  const streams = list(spec?.streams).map((stream, index) => {
    const target = targetOf(stream?.cluster, streamPaths[index], context, targets, problems);
    return resolveStream(stream, target.cluster, streamPaths[index], problems, target.placed);
  });
  const keyValues = list(spec?.keyValues).map((kv, index) => {
    const at = `${join(path, "keyValues")}[${index}]`;
    const target = targetOf(kv?.cluster, at, context, targets, problems);
    return resolveKeyValue(kv, target.cluster, at, problems, target.placed);
  });

  const occupants: Occupant[] = [
    ...streams.map((stream, index) => ({
      path: streamPaths[index],
      cluster: stream.cluster,
      namePath: `${streamPaths[index]}.name`,
      account: stream.account,
      streamName: stream.name,
      subjects: stream.subjects,
      describe: `stream ${stream.name}`,
    })),
    ...keyValues.map((kv, index) => ({
      path: `${join(path, "keyValues")}[${index}]`,
      cluster: kv.cluster,
      namePath: `${join(path, "keyValues")}[${index}].bucket`,
      account: kv.account,
      streamName: kv.streamName,
      subjects: kv.subjects,
      describe: `bucket ${kv.bucket}`,
    })),
  ];
  if (context.accounts !== undefined) {
    checkAccounts(problems, occupants, context.accounts, targets);
    checkWorkers(problems, streams, streamPaths, context.accounts);
  }
  // Names and subjects stay unique per account across the whole topology: a supercluster's members share one
  // meta group, and a site's streams would otherwise compete with the hub's for the same subjects.
  checkAccountSpace(problems, occupants);
  checkControllerNamespaces(problems, occupants, targets);
  for (const target of targets) checkStorage(problems, path, [...streams, ...keyValues], target.cluster);
  return { streams, keyValues };
}

/** Resolves the streams and buckets on their own, throwing a ValidationError that lists every problem. */
export function validateJetStreamResourceSet(spec: JetStreamResourceSetSpec, context: JetStreamContext, path = ""): JetStreamResourceSet {
  const problems = new Problems();
  const resources = resolveJetStreamResourceSet(spec, context, problems, path);
  problems.throwIfAny();
  return resources;
}
