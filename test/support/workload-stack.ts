/** A stack's credentials as the workload components' tests need them: made by the real NatsCredentials component. */
import { NatsCredentials } from "../../components/credentials/component";
import { AccountSpec, AccountStream } from "../../components/model/accounts";
import type { NatsConnection } from "../../components/kubernetes/access/nats-access";
import { ClusterSpec } from "../../components/model/cluster";
import { StreamSpec } from "../../components/model/streams";

/** What the credentials need of each stream: its name, account and subjects. */
export function accountStreamsOf(streams: readonly StreamSpec[]): AccountStream[] {
  return streams.map((stream) => ({ name: stream.name, account: stream.account, subjects: stream.subjects }));
}

/** The stack's operator, accounts and users, as the program makes them; no Secrets, which the workloads make. */
export function stackCredentials(cluster: ClusterSpec, accounts: AccountSpec[], streams: readonly StreamSpec[]): NatsCredentials {
  return new NatsCredentials("nats", { cluster, accounts, streams: accountStreamsOf(streams) });
}

/** What a workload connects with: the description the credentials were made from, and their creds and account keys. */
export function stackConnection(cluster: ClusterSpec, accounts: AccountSpec[], streams: readonly StreamSpec[], credentials: NatsCredentials): NatsConnection {
  return { cluster, accounts, accountStreams: accountStreamsOf(streams), userCreds: credentials.userCreds, accountPublicKeys: credentials.accountPublicKeys };
}
