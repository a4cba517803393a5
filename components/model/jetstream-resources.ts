/**
 * All streams and key-value buckets of a stack, checked together: the rules that compare one stream with
 * another, with the stack's accounts, and with the storage the cluster has.
 */
import { Cluster } from "./cluster";
import { Problems } from "./errors";
import { KeyValue, KeyValueSpec, resolveKeyValue } from "./kv";
import { formatBytes } from "./quantity";
import { resolveStream, StorageType, Stream, StreamSpec } from "./streams";
import { firstOverlap } from "./subject-overlap";

export interface JetStreamResourcesSpec {
  streams?: StreamSpec[];
  keyValues?: KeyValueSpec[];
}

export interface JetStreamResources {
  streams: Stream[];
  keyValues: KeyValue[];
}

/** What the checks need of an account: its name and its users' names (the accounts model's Account fits). */
export interface AccountMembers {
  name: string;
  users: readonly { name: string }[];
}

export interface JetStreamContext {
  cluster: Cluster;
  /** Every account of the stack. */
  accounts: readonly AccountMembers[];
}

/** A stream or a bucket's stream, as the account-wide checks see it. */
interface Occupant {
  path: string;
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

function checkAccounts(problems: Problems, occupants: Occupant[], accounts: readonly AccountMembers[]): void {
  const names = accounts.map((account) => account.name);
  for (const occupant of occupants) {
    if (occupant.account !== "" && !names.includes(occupant.account)) {
      problems.add(`${occupant.path}.account`, occupant.account, names.length ? `name one of the stack's accounts: ${names.join(", ")}` : "declare the account under accounts first");
    }
  }
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
 * and buckets, times their replicas, must fit the store of every server together.
 */
function checkStorage(problems: Problems, path: string, occupants: { maxBytes: number | undefined; replicas: number; storage: StorageType }[], cluster: Cluster): void {
  for (const storage of ["file", "memory"] as const) {
    const reserved = occupants
      .filter((occupant) => occupant.storage === storage && occupant.maxBytes !== undefined)
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
export function resolveJetStreamResources(spec: JetStreamResourcesSpec, context: JetStreamContext, problems: Problems, path = ""): JetStreamResources {
  const streamPaths = list(spec?.streams).map((_, index) => `${join(path, "streams")}[${index}]`);
  const streams = list(spec?.streams).map((stream, index) => resolveStream(stream, context.cluster, streamPaths[index], problems));
  const keyValues = list(spec?.keyValues).map((kv, index) => resolveKeyValue(kv, context.cluster, `${join(path, "keyValues")}[${index}]`, problems));

  const occupants: Occupant[] = [
    ...streams.map((stream, index) => ({
      path: streamPaths[index],
      namePath: `${streamPaths[index]}.name`,
      account: stream.account,
      streamName: stream.name,
      subjects: stream.subjects,
      describe: `stream ${stream.name}`,
    })),
    ...keyValues.map((kv, index) => ({
      path: `${join(path, "keyValues")}[${index}]`,
      namePath: `${join(path, "keyValues")}[${index}].bucket`,
      account: kv.account,
      streamName: kv.streamName,
      subjects: kv.subjects,
      describe: `bucket ${kv.bucket}`,
    })),
  ];
  checkAccounts(problems, occupants, context.accounts);
  checkAccountSpace(problems, occupants);
  checkWorkers(problems, streams, streamPaths, context.accounts);
  checkStorage(problems, path, [...streams, ...keyValues], context.cluster);
  return { streams, keyValues };
}

/** Resolves the streams and buckets on their own, throwing a ValidationError that lists every problem. */
export function validateJetStreamResources(spec: JetStreamResourcesSpec, context: JetStreamContext, path = ""): JetStreamResources {
  const problems = new Problems();
  const resources = resolveJetStreamResources(spec, context, problems, path);
  problems.throwIfAny();
  return resources;
}
