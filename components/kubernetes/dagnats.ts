/**
 * The DagNats component: a DagNATS-style workflow engine with its streams and key-value buckets as NACK
 * objects, the engine's Deployment and Service, its task worker pools, the creds of each of their users, and
 * a webhook secret and bridge token generated once and kept in state.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Problems, ValidationError } from "../model/errors";
import { JetStreamResources as ResolvedJetStream } from "../model/jetstream-resources";
import { DEFAULT_CLUSTER_DOMAIN } from "../model/placement";
import { checkDagnats, DAGNATS_PORT, dagnats, dagnatsJetStream, DagnatsSpec, TASK_STREAM, taskConsumerName } from "../workloads/dagnats";
import { appLabels } from "../workloads/object-names";
import { clientIngress, kedaIngress } from "./cluster-ingress";
import { toInputPropertiesError } from "../pulumi-errors";
import { DagNatsSecrets, dagnatsEngineCredsSecretName, dagnatsEngineName, dagnatsPoolName, DagNatsSettings, dagnatsSpec } from "./dagnats-settings";
import { givenOrGeneratedSecret } from "./generated-secret";
import { checkJetStreamResources, JetStreamResources, JetStreamResourcesArgs } from "./jetstream-resources";
import { lagScaling } from "./lag-scaling";
import { clusterClientUrl, NatsWorkloadArgs } from "./nats-access";
import { IngressAllowance } from "./network-policy";
import { checkAccountDeclared, checkAccountUser, checkCanPull } from "./user-roles";
import { createUserCredsSecret } from "./user-creds-secret";
import { workerPoolCredsSecretName } from "./worker-pool";
import { createNatsApp, createWorkerPool } from "./workload-resources";

export const DAGNATS_TYPE = "nats-jetstream:index:DagNats";

export interface DagNatsArgs extends NatsWorkloadArgs {
  /** The engine and its task pools. Plain: the pools decide which objects exist. */
  dagnats: DagNatsSettings;
  /** Create the engine's namespace. Default false (the namespace must exist). */
  createNamespace?: boolean;
  /** Authenticates webhook triggers. Default: generated once and kept in state. */
  webhookSecret?: pulumi.Input<string>;
  /** Authenticates the HTTP bridge. Default: generated once and kept in state. */
  bridgeToken?: pulumi.Input<string>;
  /** Install NACK's CRDs with the engine's controller. Default true; see JetStreamResourcesArgs.installCrds. */
  installNackCrds?: boolean;
  /** Image of the engine's NACK controller. Default natsio/jetstream-controller. */
  nackImage?: string;
}

/** What the cluster's NetworkPolicy must let in for the engine: its namespace as a client, and KEDA when a pool scales on lag. */
export function dagnatsClusterIngress(args: Pick<DagNatsArgs, "dagnats" | "cluster" | "kedaNamespace">): IngressAllowance[] {
  const scaled = (args.dagnats.taskPools ?? []).some((pool) => pool.autoscaling !== undefined);
  return [clientIngress(args.cluster, args.dagnats.namespace), ...(scaled ? [kedaIngress(args.cluster, args.kedaNamespace)] : [])];
}

function specWith(args: DagNatsArgs, secrets: DagNatsSecrets): DagnatsSpec {
  const addresses = { natsUrl: clusterClientUrl(args.cluster, args.clusterDomain), scaling: (scaling: Parameters<typeof lagScaling>[0]) => lagScaling(scaling, args.dagnats.account, args) };
  return dagnatsSpec(args.dagnats, addresses, secrets);
}

function jetStreamArgs(args: DagNatsArgs, spec: DagnatsSpec): JetStreamResourcesArgs {
  return {
    cluster: args.cluster,
    ...(args.clusterDomain !== undefined ? { clusterDomain: args.clusterDomain } : {}),
    namespace: args.dagnats.namespace,
    ...dagnatsJetStream(spec, args.cluster),
    credentials: args.credentials,
    controllerName: `${dagnatsEngineName(args.dagnats)}-nack`,
    ...(args.installNackCrds !== undefined ? { installCrds: args.installNackCrds } : {}),
    ...(args.nackImage !== undefined ? { controllerImage: args.nackImage } : {}),
  };
}

/** The engine's and the pools' users exist in the engine's account, and each pool may pull its task types. */
function checkUsers(args: DagNatsArgs, problems: Problems): void {
  const settings = args.dagnats;
  const accounts = args.credentials.accounts;
  if (!checkAccountDeclared(problems, "dagnats.account", settings.account, accounts)) return;
  checkAccountUser(problems, "dagnats.engine.user", settings.engine?.user, settings.account, accounts);
  (settings.taskPools ?? []).forEach((pool, index) => {
    const path = `dagnats.taskPools[${index}].user`;
    const user = checkAccountUser(problems, path, pool.user, settings.account, accounts);
    if (user !== undefined) for (const type of pool.taskTypes ?? []) checkCanPull(problems, path, user, TASK_STREAM, taskConsumerName(type));
  });
}

/** Every check, before anything is created; the secrets are not known yet and take no part in them. */
function checkArgs(args: DagNatsArgs): ResolvedJetStream | undefined {
  const spec = specWith(args, { webhookSecret: "", bridgeToken: "" });
  try {
    const problems = new Problems();
    let resolved: ResolvedJetStream | undefined;
    checkUsers(args, problems);
    // An undeclared account is reported once, above; the stream checks would only repeat it.
    if (problems.count === 0) resolved = checkJetStreamResources(jetStreamArgs(args, spec), problems, "dagnats.jetStream");
    checkDagnats(spec, "dagnats", problems, resolved);
    problems.throwIfAny();
    return resolved;
  } catch (error) {
    throw error instanceof ValidationError ? toInputPropertiesError(error) : error;
  }
}

export class DagNats extends pulumi.ComponentResource {
  /** What the cluster's NetworkPolicy must let in for the engine; known before construction from `dagnatsClusterIngress`. */
  readonly clusterIngress: IngressAllowance[];
  readonly serviceName: pulumi.Output<string>;
  /** `http://<service>.<namespace>.svc.<domain>:8080`, the engine inside the Kubernetes cluster. */
  readonly url: pulumi.Output<string>;
  /** The Secret holding the webhook secret and the bridge token. */
  readonly secretName: pulumi.Output<string>;
  /** Secret. */
  readonly webhookSecret: pulumi.Output<string>;
  /** Secret. */
  readonly bridgeToken: pulumi.Output<string>;

  constructor(name: string, args: DagNatsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const resolved = checkArgs(args);
    super(DAGNATS_TYPE, name, {}, opts);
    const settings = args.dagnats;
    const engineName = dagnatsEngineName(settings);
    this.clusterIngress = dagnatsClusterIngress(args);

    const namespace = args.createNamespace
      ? new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: settings.namespace, labels: appLabels(settings.namespace, "namespace", engineName) } }, { parent: this })
      : undefined;
    const inNamespace = { parent: this, dependsOn: namespace ? [namespace] : [] };

    this.webhookSecret = givenOrGeneratedSecret(`${name}-webhook-secret`, args.webhookSecret, 48, { parent: this });
    this.bridgeToken = givenOrGeneratedSecret(`${name}-bridge-token`, args.bridgeToken, 48, { parent: this });
    const spec = specWith(args, { webhookSecret: this.webhookSecret, bridgeToken: this.bridgeToken });
    const objects = dagnats(spec, { resources: resolved });

    const secret = new k8s.core.v1.Secret(`${name}-secrets`, objects.secret, { ...inNamespace, deleteBeforeReplace: true });
    // The engine and the pools find the streams and buckets made by NACK with the declared settings.
    const jetStream = new JetStreamResources(`${name}-jetstream`, jetStreamArgs(args, spec), inNamespace);
    const credsSecret = (suffix: string, secretName: string, user: string) =>
      createUserCredsSecret(`${name}-${suffix}-creds`, { namespace: settings.namespace, secretName, user, labels: appLabels(secretName, "credentials", engineName) }, args.credentials.userCreds, inNamespace);

    const engineCreds = credsSecret("engine", dagnatsEngineCredsSecretName(settings), settings.engine.user);
    createNatsApp(`${name}-engine`, objects.engine, { parent: this, dependsOn: [...inNamespace.dependsOn, secret, engineCreds, jetStream] });
    const service = new k8s.core.v1.Service(`${name}-engine-service`, objects.engine.service, inNamespace);

    (settings.taskPools ?? []).forEach((pool, index) => {
      const poolName = dagnatsPoolName(settings, pool);
      const creds = credsSecret(`pool-${pool.name}`, workerPoolCredsSecretName({ name: poolName }), pool.user);
      createWorkerPool(`${name}-pool-${pool.name}`, objects.taskPools[index], { parent: this, dependsOn: [...inNamespace.dependsOn, creds, jetStream] });
    });

    this.serviceName = service.metadata.name;
    this.url = pulumi.interpolate`http://${service.metadata.name}.${service.metadata.namespace}.svc.${args.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN}:${DAGNATS_PORT}`;
    this.secretName = secret.metadata.name;
    this.registerOutputs({
      serviceName: this.serviceName,
      url: this.url,
      secretName: this.secretName,
      webhookSecret: this.webhookSecret,
      bridgeToken: this.bridgeToken,
    });
  }
}
