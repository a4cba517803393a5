/**
 * The WorkerPool component: a Deployment pulling jobs from durable consumers as its own NATS user, with
 * that user's creds in a Secret of the pool's namespace, a PodDisruptionBudget, and either a fixed replica
 * count or a KEDA ScaledObject on the consumers' lag. Only workers scale this way, never the NATS servers.
 */
import * as pulumi from "@pulumi/pulumi";
import { Account, User } from "../../model/accounts";
import { Problems } from "../../model/errors";
import { resolveCluster } from "../../model/cluster";
import { JetStreamResourceSetSpec, resolveJetStreamResourceSet, soleTarget } from "../../model/jetstream-resource-set";
import { appLabels } from "../../workloads/object-names";
import { NatsAppSettings } from "../../workloads/nats-app";
import { checkWorkerPool, workerPoolCredsSecretName, WorkerPoolJobs, workerPoolObjects, WorkerPoolSpec } from "../../workloads/worker-pool-objects";
import { clientIngress, kedaIngress } from "../access/cluster-ingress";
import { checkInputs } from "../../pulumi-errors";
import { lagScaling, LagScalingSettings } from "./lag-scaling";
import { clusterClientUrl, NatsWorkloadArgs, resolveConnection, ResolvedConnection } from "../access/nats-access";
import { IngressAllowance } from "../cluster/network-policy";
import { checkCanPull } from "./user-roles";
import { createUserCredsSecret, userCredsRef } from "../access/user-creds-secret";
import { createWorkerPool } from "./workload-resources";

export const WORKER_POOL_TYPE = "nats-jetstream:index:WorkerPool";

/** A pool as the builder takes it, but with the user instead of a creds Secret, and no addresses: they come from the cluster. */
export interface WorkerPoolSettings extends NatsAppSettings, WorkerPoolJobs {
  /** The NATS user the pool pulls with: a worker of every consumer the pool names, in the consumers' account. */
  user: string;
  /** Scale on the consumers' lag with KEDA instead of a fixed `replicas`; KEDA must be installed. */
  autoscaling?: LagScalingSettings;
}

/** What WorkerPool takes: the pool, and the cluster and credentials it pulls through. */
export interface WorkerPoolArgs extends NatsWorkloadArgs {
  /** The pool. Plain: scaling decides which objects exist. */
  pool: WorkerPoolSettings;
  /**
   * The streams and buckets on the pool's cluster, as JetStreamResources is given them. Given, each consumer
   * the pool names must be declared there, in the user's account, with room for `concurrency`.
   */
  jetStream?: JetStreamResourceSetSpec;
}

export { workerPoolCredsSecretName };

/** What the cluster's NetworkPolicy must let in for the pool: its namespace as a client, and KEDA when it scales on lag. */
export function workerPoolClusterIngress(args: Pick<WorkerPoolArgs, "pool" | "cluster" | "kedaNamespace">): IngressAllowance[] {
  const cluster = resolveCluster(args.cluster, "cluster", new Problems());
  return [clientIngress(cluster, args.pool.namespace), ...(args.pool.autoscaling !== undefined ? [kedaIngress(cluster, args.kedaNamespace)] : [])];
}

function ownerOf(accounts: readonly Account[], userName: unknown): { account: Account; user: User } | undefined {
  for (const account of accounts) {
    const user = account.users.find((candidate) => candidate.name === userName);
    if (user !== undefined) return { account, user };
  }
  return undefined;
}

function poolSpec(args: WorkerPoolArgs, connection: ResolvedConnection, account: string): WorkerPoolSpec {
  const { user, autoscaling, ...pool } = args.pool;
  return {
    ...pool,
    natsUrl: clusterClientUrl(connection.cluster, args.clusterDomain),
    creds: userCredsRef(workerPoolCredsSecretName(args.pool), user),
    ...(autoscaling !== undefined ? { autoscaling: lagScaling(autoscaling, account, { ...args, cluster: connection.cluster }) } : {}),
  };
}

/**
 * Checks the connection, the pool, its user and its consumers, and returns the builder's spec. The consumers
 * must be in the user's account: a user reaches only its own account's streams.
 */
function checkArgs(args: WorkerPoolArgs): WorkerPoolSpec {
  return checkInputs(() => {
    const problems = new Problems();
    const connection = resolveConnection(args, problems);
    const { cluster, accounts } = connection;
    const jetStream =
      args.jetStream === undefined
        ? undefined
        : resolveJetStreamResourceSet(args.jetStream, { cluster, accounts, targets: [soleTarget(cluster)] }, problems, "jetStream");
    const owner = ownerOf(accounts, args.pool.user);
    const spec = poolSpec(args, connection, owner?.account.name ?? "");
    checkWorkerPool(spec, "pool", problems, jetStream);
    if (owner === undefined || owner.account.system) {
      const users = accounts.filter((account) => !account.system).flatMap((account) => account.users.map((user) => user.name));
      problems.add("pool.user", args.pool.user, `name a user of the stack's accounts (${users.join(", ") || "none declared"})`);
    } else {
      (args.pool.consumers ?? []).forEach((ref, index) => {
        const stream = jetStream?.streams.find((candidate) => candidate.name === ref.stream);
        if (stream !== undefined && stream.account !== owner.account.name) {
          problems.add(`pool.consumers[${index}].stream`, ref.stream, `name a stream of account ${owner.account.name}, the account of user ${owner.user.name}: ${ref.stream} is in ${stream.account}`);
          return;
        }
        checkCanPull(problems, "pool.user", owner.user, ref.stream, ref.durable);
      });
    }
    problems.throwIfAny();
    return spec;
  });
}

/** Each pool's allowances, kept beside the class: the package's schema cannot describe them, and only TypeScript reads them. */
const ingressOf = new WeakMap<WorkerPool, IngressAllowance[]>();

/** Workers pulling jobs from durable consumers as one NATS user, scaled by a fixed count or on the consumers' lag. */
export class WorkerPool extends pulumi.ComponentResource {
  /** The pool's Deployment. */
  readonly deploymentName: pulumi.Output<string>;
  /** The Secret with the pool user's creds. */
  readonly credsSecretName: pulumi.Output<string>;
  /** The KEDA ScaledObject; present when the pool scales on lag. */
  readonly scaledObjectName: pulumi.Output<string> | undefined;

  constructor(name: string, args: WorkerPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const spec = checkArgs(args);
    super(WORKER_POOL_TYPE, name, {}, opts);
    ingressOf.set(this, workerPoolClusterIngress(args));

    const secretName = workerPoolCredsSecretName(args.pool);
    const secret = createUserCredsSecret(
      `${name}-creds`,
      { namespace: spec.namespace, secretName, user: args.pool.user, labels: appLabels(secretName, "credentials", spec.partOf ?? spec.name) },
      args.userCreds,
      { parent: this },
    );
    const pool = createWorkerPool(name, workerPoolObjects(spec), { parent: this, dependsOn: [secret] });

    this.deploymentName = pool.deployment.metadata.name;
    this.credsSecretName = secret.metadata.name;
    this.scaledObjectName = pool.scaledObject?.metadata.name;
    this.registerOutputs({ deploymentName: this.deploymentName, credsSecretName: this.credsSecretName, scaledObjectName: this.scaledObjectName });
  }

  /**
   * What the cluster's NetworkPolicy must let in for this pool (TypeScript only, not a package output);
   * known before construction from `workerPoolClusterIngress`.
   */
  get clusterIngress(): IngressAllowance[] {
    return ingressOf.get(this)!;
  }
}
