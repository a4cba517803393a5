/**
 * The DagNats component: a DagNATS-style workflow engine with its streams and key-value buckets as NACK
 * objects, the engine's Deployment and Service, its task worker pools, the creds of each of their users, and
 * a webhook secret and bridge token generated once and kept in state. Also the engine as a stack describes
 * it (DagNatsSettings): the builder's description without what the cluster and the credentials decide and
 * without the two shared secrets, with the NATS user of the engine and of each task pool.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, resolveCluster } from "../../model/cluster";
import { Problems } from "../../model/errors";
import { JetStreamResourceSet } from "../../model/jetstream-resource-set";
import { KeyValueSpec } from "../../model/kv";
import { StreamSpec } from "../../model/streams";
import {
  checkDagnats,
  DAGNATS_PORT,
  dagnats,
  DagnatsEngineSizing,
  dagnatsJetStream,
  DagnatsRelease,
  DagnatsSpec,
  TASK_STREAM,
  TaskPoolSettings,
  TaskPoolSpec,
  taskConsumerName,
} from "../../workloads/dagnats-objects";
import { LagScalingSpec } from "../../workloads/keda";
import { checkInputs } from "../../pulumi-errors";
import { givenOrGeneratedSecret } from "./generated-secret";
import { checkJetStreamResources, JetStreamResources, JetStreamResourcesArgs } from "../jetstream/jetstream-resources";
import { lagScaling, LagScalingSettings } from "./lag-scaling";
import { clusterClientUrl, resolveConnection, ResolvedConnection } from "../access/nats-access";
import { IngressAllowance } from "../cluster/network-policy";
import { checkAccountDeclared, checkAccountUser, checkCanPull } from "./user-roles";
import { userCredsRef } from "../access/user-creds-secret";
import { workerPoolCredsSecretName } from "./worker-pool";
import { createNatsApp, createWorkerPool } from "./workload-resources";
import { appClusterIngress, appCredsSecrets, appJetStreamArgs, appNamespace, AppPlacement, NatsAppArgs, serviceUrl } from "./nats-app-parts";

/** One pool of DagNATS task workers as a stack describes it. */
export interface DagNatsTaskPoolSettings extends TaskPoolSettings {
  /** Scale on the pool's consumers' lag with KEDA instead of a fixed `replicas`; KEDA must be installed. */
  autoscaling?: LagScalingSettings;
}

/** The DagNATS engine's own Deployment as a stack describes it. */
export interface DagNatsEngineSettings extends DagnatsEngineSizing {
  /** The NATS user the engine connects as; it publishes tasks and events and uses every bucket of the account. */
  user: string;
}

/** A DagNATS engine as a stack describes it: its release, engine and task pools; the streams and buckets follow from them. */
export interface DagNatsSettings extends DagnatsRelease {
  /** The engine's own Deployment, which schedules the workflows. */
  engine: DagNatsEngineSettings;
  /** Worker pools, each running its own task types. Default none. */
  taskPools?: DagNatsTaskPoolSettings[];
}

export function dagnatsEngineName(settings: Pick<DagNatsSettings, "name">): string {
  return settings.name ?? "dagnats";
}

/** The pool's Deployment name, as the builder names it. */
export function dagnatsPoolName(settings: DagNatsSettings, pool: Pick<TaskPoolSpec, "name">): string {
  return `${dagnatsEngineName(settings)}-${pool.name}`;
}

export function dagnatsEngineCredsSecretName(settings: DagNatsSettings): string {
  return `${dagnatsEngineName(settings)}-nats-creds`;
}

/** What the cluster gives the description: its client URL, and KEDA's account and endpoint for a scaling pool. */
export interface DagNatsAddresses {
  natsUrl: string;
  scaling: (settings: LagScalingSettings) => LagScalingSpec;
}

export type DagNatsSecrets = Pick<DagnatsSpec, "webhookSecret" | "bridgeToken">;

/** The builder's description. Without addresses and secrets only what decides the streams and buckets is right. */
export function dagnatsSpec(settings: DagNatsSettings, addresses?: DagNatsAddresses, secrets: DagNatsSecrets = { webhookSecret: "", bridgeToken: "" }): DagnatsSpec {
  const { engine, taskPools, ...shared } = settings;
  const { user: engineUser, ...engineRest } = engine;
  return {
    ...shared,
    natsUrl: addresses?.natsUrl ?? "",
    engine: { ...engineRest, creds: userCredsRef(dagnatsEngineCredsSecretName(settings), engineUser) },
    taskPools: (taskPools ?? []).map(({ autoscaling, ...pool }) => ({
      ...pool,
      creds: userCredsRef(workerPoolCredsSecretName({ name: dagnatsPoolName(settings, pool) }), pool.user),
      ...(autoscaling !== undefined && addresses !== undefined ? { autoscaling: addresses.scaling(autoscaling) } : {}),
    })),
    ...secrets,
  };
}

/** The engine's streams (with a consumer per task type) and buckets, for the stack's streams and NatsCredentials. */
export function dagnatsJetStreamSpecs(settings: DagNatsSettings, cluster: Cluster): { streams: StreamSpec[]; keyValues: KeyValueSpec[] } {
  return dagnatsJetStream(dagnatsSpec(settings), cluster);
}

export const DAGNATS_TYPE = "nats-jetstream:index:DagNats";

/** What DagNats takes: the engine's settings, and the cluster and credentials it connects through. */
export interface DagNatsArgs extends NatsAppArgs {
  /** The engine and its task pools. Plain: the pools decide which objects exist. */
  dagnats: DagNatsSettings;
  /** Authenticates webhook triggers. Default: generated once and kept in state. */
  webhookSecret?: pulumi.Input<string>;
  /** Authenticates the HTTP bridge. Default: generated once and kept in state. */
  bridgeToken?: pulumi.Input<string>;
}

function placementOf(settings: DagNatsSettings): AppPlacement {
  return { namespace: settings.namespace, release: dagnatsEngineName(settings) };
}

/** What the cluster's NetworkPolicy must let in for the engine: its namespace as a client, and KEDA when a pool scales on lag. */
export function dagnatsClusterIngress(args: Pick<DagNatsArgs, "dagnats" | "cluster" | "kedaNamespace">): IngressAllowance[] {
  const scaled = (args.dagnats.taskPools ?? []).some((pool) => pool.autoscaling !== undefined);
  return appClusterIngress(resolveCluster(args.cluster, "cluster", new Problems()), args.dagnats.namespace, scaled, args.kedaNamespace);
}

function specWith(args: DagNatsArgs, cluster: Cluster, secrets: DagNatsSecrets): DagnatsSpec {
  const addresses = {
    natsUrl: clusterClientUrl(cluster, args.clusterDomain),
    scaling: (scaling: LagScalingSettings) => lagScaling(scaling, args.dagnats.account, { ...args, cluster }),
  };
  return dagnatsSpec(args.dagnats, addresses, secrets);
}

function jetStreamArgs(args: DagNatsArgs, cluster: Cluster, spec: DagnatsSpec): JetStreamResourcesArgs {
  return appJetStreamArgs(args, placementOf(args.dagnats), dagnatsJetStream(spec, cluster));
}

/** The engine's and the pools' users exist in the engine's account, and each pool may pull its task types. */
function checkUsers(settings: DagNatsSettings, connection: ResolvedConnection, problems: Problems): void {
  const { accounts } = connection;
  if (!checkAccountDeclared(problems, "dagnats.account", settings.account, accounts)) return;
  checkAccountUser(problems, "dagnats.engine.user", settings.engine?.user, settings.account, accounts);
  (settings.taskPools ?? []).forEach((pool, index) => {
    const path = `dagnats.taskPools[${index}].user`;
    const user = checkAccountUser(problems, path, pool.user, settings.account, accounts);
    if (user !== undefined) for (const type of pool.taskTypes ?? []) checkCanPull(problems, path, user, TASK_STREAM, taskConsumerName(type));
  });
}

interface CheckedDagNats {
  cluster: Cluster;
  resolved: JetStreamResourceSet | undefined;
}

/** Every check, before anything is created; the secrets are not known yet and take no part in them. */
function checkArgs(args: DagNatsArgs): CheckedDagNats {
  return checkInputs(() => {
    const problems = new Problems();
    const connection = resolveConnection(args, problems);
    const { cluster } = connection;
    const spec = specWith(args, cluster, { webhookSecret: "", bridgeToken: "" });
    let resolved: JetStreamResourceSet | undefined;
    checkUsers(args.dagnats, connection, problems);
    // An undeclared account is reported once, above; the stream checks would only repeat it.
    if (problems.count === 0) resolved = checkJetStreamResources(jetStreamArgs(args, cluster, spec), connection, problems, "dagnats.jetStream");
    checkDagnats(spec, "dagnats", problems, resolved);
    problems.throwIfAny();
    return { cluster, resolved };
  });
}

/** Each component's allowances, kept beside the class: the package's schema cannot describe them, and only TypeScript reads them. */
const ingressOf = new WeakMap<DagNats, IngressAllowance[]>();

/** A DagNATS-style workflow engine on NATS: the engine, its task pools, and its streams and buckets. */
export class DagNats extends pulumi.ComponentResource {
  /** The engine's Service. */
  readonly serviceName: pulumi.Output<string>;
  /** `http://<service>.<namespace>.svc.<domain>:8080`, the engine inside the Kubernetes cluster. */
  readonly url: pulumi.Output<string>;
  /** The Secret holding the webhook secret and the bridge token. */
  readonly secretName: pulumi.Output<string>;
  /** The secret webhook triggers authenticate with. Secret. */
  readonly webhookSecret: pulumi.Output<string>;
  /** The token the HTTP bridge authenticates with. Secret. */
  readonly bridgeToken: pulumi.Output<string>;

  constructor(name: string, args: DagNatsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const { cluster, resolved } = checkArgs(args);
    super(DAGNATS_TYPE, name, {}, opts);
    const settings = args.dagnats;
    const placement = placementOf(settings);
    ingressOf.set(this, dagnatsClusterIngress(args));

    const inNamespace = appNamespace(name, placement, args.createNamespace, this);
    this.webhookSecret = givenOrGeneratedSecret(`${name}-webhook-secret`, args.webhookSecret, 48, { parent: this });
    this.bridgeToken = givenOrGeneratedSecret(`${name}-bridge-token`, args.bridgeToken, 48, { parent: this });
    const spec = specWith(args, cluster, { webhookSecret: this.webhookSecret, bridgeToken: this.bridgeToken });
    const objects = dagnats(spec, { resources: resolved });

    const secret = new k8s.core.v1.Secret(`${name}-secrets`, objects.secret, { ...inNamespace, deleteBeforeReplace: true });
    // The engine and the pools find the streams and buckets made by NACK with the declared settings.
    const jetStream = new JetStreamResources(`${name}-jetstream`, jetStreamArgs(args, cluster, spec), inNamespace);
    const credsSecret = appCredsSecrets(name, placement, args.userCreds, inNamespace);

    const engineCreds = credsSecret("engine", dagnatsEngineCredsSecretName(settings), settings.engine.user);
    createNatsApp(`${name}-engine`, objects.engine, { parent: this, dependsOn: [...inNamespace.dependsOn, secret, engineCreds, jetStream] });
    const service = new k8s.core.v1.Service(`${name}-engine-service`, objects.engine.service, inNamespace);

    (settings.taskPools ?? []).forEach((pool, index) => {
      const poolName = dagnatsPoolName(settings, pool);
      const creds = credsSecret(`pool-${pool.name}`, workerPoolCredsSecretName({ name: poolName }), pool.user);
      createWorkerPool(`${name}-pool-${pool.name}`, objects.taskPools[index], { parent: this, dependsOn: [...inNamespace.dependsOn, creds, jetStream] });
    });

    this.serviceName = service.metadata.name;
    this.url = serviceUrl(service, args.clusterDomain, DAGNATS_PORT);
    this.secretName = secret.metadata.name;
    this.registerOutputs({
      serviceName: this.serviceName,
      url: this.url,
      secretName: this.secretName,
      webhookSecret: this.webhookSecret,
      bridgeToken: this.bridgeToken,
    });
  }

  /**
   * What the cluster's NetworkPolicy must let in for the engine (TypeScript only, not a package output);
   * known before construction from `dagnatsClusterIngress`.
   */
  get clusterIngress(): IngressAllowance[] {
    return ingressOf.get(this)!;
  }
}
