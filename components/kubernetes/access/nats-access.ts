/**
 * What a workload needs to reach a cluster as one of the stack's users: the description the cluster and its
 * credentials were given (plain, so a workload checks its users against it before anything exists), and the
 * values the credentials produce once deployed (creds and account keys), as Inputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { Account, AccountSpec, AccountStream } from "../../model/accounts";
import { resolveAccounts } from "../../model/account-resolution";
import { Cluster, ClusterSpec, resolveCluster } from "../../model/cluster";
import { Problems } from "../../model/errors";
import type { OperatorModeCluster, OperatorModeClusterArgs } from "../cluster/deploy-cluster";
import { clientServiceName, DEFAULT_CLUSTER_DOMAIN } from "../cluster/pod-placement";

/** What every workload component takes to connect to the cluster as the stack's users. */
export interface NatsWorkloadArgs {
  /**
   * The cluster the workload connects to, as JetStreamCluster (or deployCluster) is given it. Plain: the
   * workload's addresses and checks are derived from it.
   */
  cluster: ClusterSpec;
  /** DNS domain of the Kubernetes cluster, which the cluster's addresses end in. Default cluster.local. */
  clusterDomain?: string;
  /**
   * The stack's accounts and their users, as NatsCredentials is given them: the users the workload connects
   * as must be declared here, with the permissions their job needs.
   */
  accounts?: AccountSpec[];
  /** The streams the accounts' publisher and worker users name, as NatsCredentials is given them (its `streams`). */
  accountStreams?: AccountStream[];
  /** Each user's creds file by user name (NatsCredentials' `userCreds` output). Secret. */
  userCreds: pulumi.Input<Record<string, string>>;
  /** Each account's public key by account name (NatsCredentials' `accountPublicKeys` output): how `/jsz`, and so KEDA, names an account. */
  accountPublicKeys: pulumi.Input<Record<string, string>>;
  /** Namespace KEDA runs in; pools that scale on lag need it let in to the monitor port. Default "keda". */
  kedaNamespace?: string;
}

/** The connection part of a workload's args: `{ ...deployedConnection(args, deployed), pool }`. */
export type NatsConnection = Omit<NatsWorkloadArgs, "kedaNamespace">;

/**
 * How a workload connects to a cluster deployCluster made: the description the cluster was given, and its
 * credentials' creds and account keys. For TypeScript programs; other languages pass the same fields.
 */
export function deployedConnection(args: OperatorModeClusterArgs, deployed: Pick<OperatorModeCluster, "credentials">): NatsConnection {
  return {
    cluster: args.cluster,
    ...(args.clusterDomain !== undefined ? { clusterDomain: args.clusterDomain } : {}),
    ...(args.accounts !== undefined ? { accounts: args.accounts } : {}),
    ...(args.streams !== undefined ? { accountStreams: args.streams } : {}),
    userCreds: deployed.credentials.userCreds,
    accountPublicKeys: deployed.credentials.accountPublicKeys,
  };
}

/** The cluster and the accounts a workload's args describe, resolved; problems go under their fields. */
export interface ResolvedConnection {
  cluster: Cluster;
  /** SYS first, then the stack's accounts, every default filled in. */
  accounts: Account[];
}

/** Resolves the cluster and the accounts with the model's own rules, as the cluster and its credentials did. */
export function resolveConnection(args: Pick<NatsWorkloadArgs, "cluster" | "accounts" | "accountStreams">, problems: Problems): ResolvedConnection {
  const given = (args ?? {}) as Partial<NatsWorkloadArgs>;
  const before = problems.count;
  const cluster = resolveCluster(given.cluster as ClusterSpec, "cluster", problems);
  // The accounts' storage is checked against the cluster's stores: against an invalid cluster it would only add noise.
  const accountProblems = problems.count === before ? problems : new Problems();
  const accounts = resolveAccounts(given.accounts, { cluster, streams: given.accountStreams }, "accounts", accountProblems);
  return { cluster, accounts };
}

/** The cluster's client Service as a URL, as JetStreamCluster.clientUrl gives it, but known before the cluster exists. */
export function clusterClientUrl(cluster: Pick<Cluster, "name" | "namespace" | "ports">, clusterDomain = DEFAULT_CLUSTER_DOMAIN): string {
  return `nats://${clientServiceName(cluster)}.${cluster.namespace}.svc.${clusterDomain}:${cluster.ports.client}`;
}

/** One account's public key, from the keys the credentials published. */
export function accountPublicKey(accountPublicKeys: pulumi.Input<Record<string, string>>, account: string): pulumi.Output<string> {
  return pulumi.output(accountPublicKeys).apply((keys) => keys[account]);
}
