/**
 * What a workload needs to reach a cluster as one of the stack's users: the cluster's client address and
 * the users' credentials, as the NatsCredentials component holds them.
 */
import * as pulumi from "@pulumi/pulumi";
import { Account } from "../model/accounts";
import { Cluster } from "../model/cluster";
import { clientServiceName, DEFAULT_CLUSTER_DOMAIN } from "../model/placement";

/** The stack's credentials as the workloads use them; a NatsCredentials component can be passed as it is. */
export interface NatsUserCredentials {
  /** Every account with its users, resolved (NatsCredentials.accounts). Plain: the users decide which Secrets exist. */
  readonly accounts: readonly Account[];
  /** Each user's creds file by user name (NatsCredentials.userCreds). Secret. */
  readonly userCreds: pulumi.Input<Record<string, string>>;
  /** Each account's public key by account name (NatsCredentials.accountPublicKeys): how `/jsz`, and so KEDA, names an account. */
  readonly accountPublicKeys: pulumi.Input<Record<string, string>>;
}

/** The cluster's client Service as a URL, as JetStreamCluster.clientUrl gives it, but known before the cluster exists. */
export function clusterClientUrl(cluster: Pick<Cluster, "name" | "namespace" | "ports">, clusterDomain = DEFAULT_CLUSTER_DOMAIN): string {
  return `nats://${clientServiceName(cluster)}.${cluster.namespace}.svc.${clusterDomain}:${cluster.ports.client}`;
}

export function accountPublicKey(credentials: NatsUserCredentials, account: string): pulumi.Output<string> {
  return pulumi.output(credentials.accountPublicKeys).apply((keys) => keys[account]);
}

/** What every workload component takes to connect to the cluster as the stack's users. */
export interface NatsWorkloadArgs {
  /**
   * The cluster the workload connects to, validated: JetStreamCluster.cluster, or the stack's model before
   * the cluster exists. Plain: addresses and checks are derived from it.
   */
  cluster: Cluster;
  /** DNS domain of the Kubernetes cluster, which the cluster's addresses end in. Default cluster.local. */
  clusterDomain?: string;
  /** The stack's credentials (a NatsCredentials component): the users the workload connects as. */
  credentials: NatsUserCredentials;
  /** Namespace KEDA runs in; pools that scale on lag need it let in to the monitor port. Default "keda". */
  kedaNamespace?: string;
}
