/**
 * The DagNats component: a DagNATS-style workflow engine with its streams and key-value buckets as NACK
 * objects, the engine's Deployment and Service, its task worker pools, the creds of each of their users, and
 * a webhook secret and bridge token generated once and kept in state. The engine as a stack describes it
 * (DagNatsSettings) is the preset's, in components/presets/dagnats-settings.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, resolveCluster } from "../../model/cluster";
import { Problems } from "../../model/errors";
import { JetStreamResourceSet, JetStreamResourceSetSpec, resolveJetStreamResourceSet, soleTarget } from "../../model/jetstream-resource-set";
import { checkDagnats, DAGNATS_PORT, dagnats, dagnatsJetStream, DagnatsSpec, TASK_STREAM, taskConsumerName } from "../../workloads/dagnats-objects";
import {
  dagnatsEngineCredsSecretName,
  dagnatsEngineName,
  dagnatsPoolName,
  DagNatsSecrets,
  DagNatsSettings,
  dagnatsSpec,
} from "../../presets/dagnats-settings";
import { checkInputs } from "../../pulumi-errors";
import { givenOrGeneratedSecret } from "./generated-secret";
import { checkJetStreamResources, JetStreamResources, JetStreamResourcesArgs } from "../jetstream/jetstream-resources";
import { lagScaling, LagScalingSettings } from "./lag-scaling";
import { clusterClientUrl, resolveConnection, ResolvedConnection } from "../access/nats-access";
import { IngressAllowance } from "../cluster/network-policy";
import { checkAccountDeclared, checkAccountUser, checkCanPull } from "./user-roles";
import { workerPoolCredsSecretName } from "./worker-pool";
import { createNatsApp, createWorkerPool } from "./workload-resources";
import { appClusterIngress, appCredsSecrets, appJetStreamArgs, appNamespace, AppPlacement, NatsAppArgs, serviceUrl } from "./nats-app-parts";

export {
  dagnatsEngineCredsSecretName,
  dagnatsEngineName,
  dagnatsJetStreamSpecs,
  dagnatsPoolName,
  dagnatsSpec,
  type DagNatsAddresses,
  type DagNatsBackupSettings,
  type DagNatsEngineSettings,
  type DagNatsSecrets,
  type DagNatsSettings,
  type DagNatsTaskPoolSettings,
} from "../../presets/dagnats-settings";

export const DAGNATS_TYPE = "nats-jetstream:index:DagNats";

/** What DagNats takes: the engine's settings, and the cluster and credentials it connects through. */
export interface DagNatsArgs extends NatsAppArgs {
  /** The engine and its task pools. Plain: the pools decide which objects exist. */
  dagnats: DagNatsSettings;
  /** Authenticates webhook triggers. Default: generated once and kept in state. */
  webhookSecret?: pulumi.Input<string>;
  /** Authenticates the HTTP bridge. Default: generated once and kept in state. */
  bridgeToken?: pulumi.Input<string>;
  /**
   * The streams and buckets of a JetStreamResources on the cluster that declares the engine's streams and
   * buckets with the stack's others, as that component is given them (the program does this); the pools are
   * checked against them. Unset: the engine declares its own, with a NACK controller in its namespace.
   */
  jetStream?: JetStreamResourceSetSpec;
  /**
   * That JetStreamResources' `objectNames` output, given with `jetStream`: the engine and the pools wait until
   * those objects exist, so that they find their streams and buckets made by NACK with the declared settings.
   */
  jetStreamObjects?: pulumi.Input<string[]>;
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
    if (problems.count === 0) {
      resolved =
        args.jetStream !== undefined
          ? resolveJetStreamResourceSet(args.jetStream, { cluster, accounts: connection.accounts, targets: [soleTarget(cluster)] }, problems, "jetStream")
          : checkJetStreamResources(jetStreamArgs(args, cluster, spec), connection, problems, "dagnats.jetStream");
    }
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
    const jetStream: pulumi.Input<pulumi.Resource>[] =
      args.jetStream === undefined
        ? [new JetStreamResources(`${name}-jetstream`, jetStreamArgs(args, cluster, spec), inNamespace)]
        : // An Output in dependsOn makes a resource wait for the resources the Output came from, the objects; it
          // resolves to the engine's Secret, which the engine waits for anyway.
          args.jetStreamObjects !== undefined
          ? [pulumi.output(args.jetStreamObjects).apply(() => secret)]
          : [];
    const credsSecret = appCredsSecrets(name, placement, args.userCreds, inNamespace);

    const engineCreds = credsSecret("engine", dagnatsEngineCredsSecretName(settings), settings.engine.user);
    createNatsApp(`${name}-engine`, objects.engine, { parent: this, dependsOn: [...inNamespace.dependsOn, secret, engineCreds, ...jetStream] });
    const service = new k8s.core.v1.Service(`${name}-engine-service`, objects.engine.service, inNamespace);

    (settings.taskPools ?? []).forEach((pool, index) => {
      const poolName = dagnatsPoolName(settings, pool);
      const creds = credsSecret(`pool-${pool.name}`, workerPoolCredsSecretName({ name: poolName }), pool.user);
      createWorkerPool(`${name}-pool-${pool.name}`, objects.taskPools[index], { parent: this, dependsOn: [...inNamespace.dependsOn, creds, ...jetStream] });
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
