/**
 * One JetStream cluster in operator mode: the servers (JetStreamCluster) and the credentials of the accounts
 * they serve (NatsCredentials), wired together. This is what the program deploys for a one-cluster stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkCredentialsArgs, NatsCredentials } from "../../credentials/component";
import { AccountSpec, AccountStream } from "../../model/accounts";
import { resolveCluster } from "../../model/cluster";
import { Problems } from "../../model/errors";
import { PROJECT_NAME } from "../../model/stack";
import { ConfSection, JetStreamClusterArgs } from "./cluster-args";
import { JetStreamCluster } from "./jetstream-cluster";

/** What deployCluster takes: a JetStreamCluster's args, and the accounts and streams whose credentials it serves. */
export interface OperatorModeClusterArgs extends Omit<JetStreamClusterArgs, "operatorConfSection"> {
  /** The accounts and their users. The system account SYS, with its operations user `sys`, is always added. */
  accounts?: AccountSpec[];
  /** The streams the accounts' publisher and worker users name. */
  streams?: AccountStream[];
  /** Operator name written into the operator JWT. Default: the name given to deployCluster. */
  operatorName?: string;
}

/** What deployCluster returns: the servers and the credentials they serve, wired together. */
export interface OperatorModeCluster {
  /** The servers, in operator mode. */
  cluster: JetStreamCluster;
  /** The operator, accounts and users the servers trust, with each user's creds. */
  credentials: NatsCredentials;
}

/**
 * Each component checks its args before registering anything, but the credentials are built after the
 * cluster; they are checked here first too, so that bad accounts create nothing at all. A bad cluster is
 * left for JetStreamCluster to report.
 */
function checkAccountsFirst(args: OperatorModeClusterArgs): void {
  const problems = new Problems();
  resolveCluster(args.cluster, "cluster", problems);
  if (problems.count === 0) checkCredentialsArgs({ cluster: args.cluster, accounts: args.accounts, streams: args.streams });
}

/**
 * Deploys the cluster with the operator, its accounts in the servers' resolver preload, and one creds Secret
 * per user in the cluster's namespace. Account and user changes reach only that preload (in the ConfigMap,
 * applied by the config reloader without a restart) and the Secrets of the users they concern.
 */
export function deployCluster(name: string, args: OperatorModeClusterArgs, opts?: pulumi.ComponentResourceOptions): OperatorModeCluster {
  checkAccountsFirst(args);
  const { accounts, streams, operatorName, ...clusterArgs } = args;
  // The servers need the credentials' conf section, and the creds Secrets need the namespace the cluster
  // creates; the section is handed to the cluster once the credentials exist.
  const [confSection, supplyConfSection] = pulumi.deferredOutput<ConfSection>();
  const cluster = new JetStreamCluster(name, { ...clusterArgs, operatorConfSection: confSection }, opts);
  const credentials = new NatsCredentials(
    name,
    {
      cluster: args.cluster,
      accounts,
      streams,
      operatorName: operatorName ?? name,
      secrets: {
        namespace: cluster.namespace,
        namePrefix: cluster.cluster.name,
        labels: { "app.kubernetes.io/instance": cluster.cluster.name, "app.kubernetes.io/part-of": PROJECT_NAME },
      },
    },
    opts,
  );
  supplyConfSection(credentials.confSection);
  return { cluster, credentials };
}
