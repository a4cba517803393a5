/**
 * A stack's accounts, streams and key-value buckets, checked together against the one cluster whose JetStream
 * holds them. Streams are resolved first (they only need the accounts' and users' names), so that the
 * accounts are then checked against the streams' validated subjects: publisher and worker users name streams,
 * and an account exports only what it owns.
 */
import { resolveAccounts } from "./account-resolution";
import { Account, AccountSpec, AccountStream } from "./accounts";
import { Cluster } from "./cluster";
import { Problems } from "./errors";
import { AccountMembers, JetStreamResources, resolveJetStreamResources } from "./jetstream-resources";
import { JetStreamTarget } from "./jetstream-targets";
import { KeyValueSpec } from "./kv";
import { Stream, StreamSpec } from "./streams";
import { Topology } from "./topology";

export interface StackAccountsSpec {
  accounts?: AccountSpec[];
  streams?: StreamSpec[];
  keyValues?: KeyValueSpec[];
}

export interface StackAccounts {
  /** The system account SYS first, then the stack's own. */
  accounts: Account[];
  jetstream: JetStreamResources;
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

/** Streams as the accounts see them: what publisher and worker users name, and what an account owns. */
export function accountStreams(streams: readonly Stream[]): AccountStream[] {
  return streams.map((stream) => ({ name: stream.name, account: stream.account, subjects: stream.subjects }));
}

/**
 * Checks the stack's accounts, streams and buckets against `home` (see jetStreamHome), each stream and bucket
 * against the one of `targets` it names (default `home` alone); problems go into `problems`.
 */
export function resolveStackAccounts(spec: StackAccountsSpec, home: Cluster, problems: Problems, targets?: readonly JetStreamTarget[]): StackAccounts {
  const jetstream = resolveJetStreamResources(
    { streams: spec.streams, keyValues: spec.keyValues },
    { cluster: home, accounts: declaredMembers(spec.accounts), targets },
    problems,
  );
  const accounts = resolveAccounts(spec.accounts, { cluster: home, streams: accountStreams(jetstream.streams) }, "accounts", problems);
  return { accounts, jetstream };
}
