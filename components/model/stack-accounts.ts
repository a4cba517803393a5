/**
 * A stack's accounts, streams and key-value buckets, checked together against the one cluster whose JetStream
 * holds them. Streams are resolved first (they only need the accounts' and users' names), so that the
 * accounts are then checked against the streams' validated subjects: publisher and worker users name streams,
 * and an account exports only what it owns.
 */
import { resolveAccounts } from "./account-resolution";
import { Account, AccountSpec, AccountStream } from "./accounts";
import { withBackupUsers } from "./backup-users";
import { BackupsSpec, resolveBackups } from "./backups";
import { Cluster } from "./cluster";
import { Problems } from "./errors";
import { AccountMembers, JetStreamResourceSet, resolveJetStreamResourceSet, soleTarget } from "./jetstream-resource-set";
import { JetStreamTarget } from "./jetstream-targets";
import { KeyValue, KeyValueSpec, kvStreamName } from "./kv";
import { workerPermissions } from "./permissions";
import { provisionerAccountNames, withProvisionersFor } from "./provisioners";
import { subjectWithinAny } from "./subjects";
import { Stream, StreamSpec } from "./streams";
import { Topology } from "./topology";

export interface StackAccountsSpec {
  accounts?: AccountSpec[];
  streams?: StreamSpec[];
  keyValues?: KeyValueSpec[];
  /** The backup policy: each account holding a backed-up stream gets its backup and restore users. */
  backups?: BackupsSpec;
}

export interface StackAccounts {
  /** The system account SYS first, then the stack's own. */
  accounts: Account[];
  jetstream: JetStreamResourceSet;
}

/**
 * The cluster a stack's streams and buckets live on, and whose JetStream storage the accounts' limits share:
 * - one cluster: that cluster;
 * - a hub with leaf sites: the hub. The stack's accounts are the hub's (a site's leaf link binds to one of
 *   them), and leaf clients reach the hub's JetStream through its domain; a site's own streams are its own.
 * - a supercluster: the member with the fewest servers, then the smallest file store in total. An account's
 *   user may create a stream in whichever member it is connected to, so every account's limits must fit the
 *   smallest one; the stack's own streams are placed there unless they name another member.
 */
export function jetStreamHome(topology: Topology): Cluster {
  switch (topology.kind) {
    case "cluster":
      return topology.cluster;
    case "hub-leaf":
      return topology.hubAndLeaf.hub.cluster;
    case "supercluster": {
      const capacity = (cluster: Cluster) => [cluster.servers, cluster.servers * cluster.jetstream.maxFileStore];
      return topology.superCluster.members
        .map((member) => member.cluster)
        .reduce((smallest, cluster) => {
          const [servers, store] = capacity(cluster);
          const [smallestServers, smallestStore] = capacity(smallest);
          return servers < smallestServers || (servers === smallestServers && store < smallestStore) ? cluster : smallest;
        });
    }
  }
}

function list<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

/** Names of the declared accounts and their users, as written: all the stream rules need of them. */
function declaredMembers(specs: AccountSpec[] | undefined): AccountMembers[] {
  return list(specs).map((account) => ({
    name: account?.name,
    users: list(account?.users).map((user) => ({ name: user?.name })),
  }));
}

/**
 * Streams as the accounts see them: what publisher and worker users name (a worker only a declared consumer),
 * what kvReader and kvWriter users name (a bucket is its stream `KV_<bucket>`), and what an account owns.
 */
export function accountStreams(streams: readonly Stream[], keyValues: readonly KeyValue[] = []): AccountStream[] {
  return [
    ...streams.map((stream) => ({ name: stream.name, account: stream.account, subjects: stream.subjects, consumers: stream.consumers.map((consumer) => consumer.durable) })),
    ...keyValues.map((kv) => ({ name: kvStreamName(kv.bucket), account: kv.account, subjects: [`$KV.${kv.bucket}.>`], bucket: kv.bucket })),
  ];
}

/**
 * A consumer's `workerUser` must be able to do a worker's job on it: pull, look the consumer up and ack. A
 * user given only explicit permissions that miss one of them would have its jobs redelivered forever.
 */
function checkWorkerUsers(problems: Problems, streams: readonly Stream[], accounts: readonly Account[]): void {
  streams.forEach((stream, streamIndex) => {
    stream.consumers.forEach((consumer, consumerIndex) => {
      const user = accounts.find((account) => account.name === stream.account)?.users.find((candidate) => candidate.name === consumer.workerUser);
      if (user === undefined) return;
      const needed = workerPermissions(user.name, stream.name, consumer.durable).publish;
      const missing = needed.filter((subject) => !subjectWithinAny(subject, user.permissions.publish));
      if (missing.length === 0) return;
      problems.add(
        `streams[${streamIndex}].consumers[${consumerIndex}].workerUser`,
        user.name,
        `name a user that may work consumer ${consumer.durable} (give ${user.name} worker: { stream: ${stream.name}, consumer: ${consumer.durable} }); it may not publish ${missing.join(", ")}`,
      );
    });
  });
}

/**
 * Checks the stack's accounts, streams and buckets against `home` (see jetStreamHome), each stream and bucket
 * against the one of `targets` it names (default `home` alone); problems go into `problems`.
 */
export function resolveStackAccounts(spec: StackAccountsSpec, home: Cluster, problems: Problems, targets?: readonly JetStreamTarget[]): StackAccounts {
  const jetstream = resolveJetStreamResourceSet(
    { streams: spec.streams, keyValues: spec.keyValues },
    { cluster: home, accounts: declaredMembers(spec.accounts), targets },
    problems,
  );
  const provisioned = [...jetstream.streams, ...jetstream.keyValues];
  const owners = provisionerAccountNames(provisioned, targets ?? [soleTarget(home)]);
  // The policy's problems are reported once, by resolveStack; here only its targets matter.
  const backupTargets = resolveBackups(spec.backups, jetstream, "", new Problems())?.targets ?? [];
  const specs = Array.isArray(spec.accounts) ? withBackupUsers(withProvisionersFor(spec.accounts, owners), backupTargets) : spec.accounts;
  const accounts = resolveAccounts(specs, { cluster: home, streams: accountStreams(jetstream.streams, jetstream.keyValues) }, "accounts", problems);
  checkWorkerUsers(problems, jetstream.streams, accounts);
  return { accounts, jetstream };
}
