/**
 * The Lightdash component: the API Deployment and Service, the shared ConfigMap, the Secret with
 * LIGHTDASH_SECRET and the database password, and, once NATS is enabled, the warehouse and pre-aggregate
 * worker pools, their two streams and durable consumers as NACK objects, and the NATS users' creds.
 *
 * Everything NATS is off until `nats.enabled`, as in Lightdash's chart; enabling it without the warehouse
 * worker is refused before anything is created, since queries would then wait for a worker that never comes.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Problems, ValidationError } from "../model/errors";
import { DEFAULT_CLUSTER_DOMAIN } from "../model/placement";
import { JetStreamResources as ResolvedJetStream } from "../model/jetstream-resources";
import {
  checkLightdash,
  lightdash,
  Lightdash as LightdashObjects,
  LIGHTDASH_PORT,
  LightdashSpec,
  lightdashStreams,
  PRE_AGGREGATE_CONSUMER,
  PRE_AGGREGATE_STREAM,
  PRE_AGGREGATE_SUBJECTS,
  WAREHOUSE_CONSUMER,
  WAREHOUSE_STREAM,
  WAREHOUSE_SUBJECTS,
} from "../workloads/lightdash";
import { appLabels } from "../workloads/object-names";
import { clientIngress, kedaIngress } from "./cluster-ingress";
import { toInputPropertiesError } from "../pulumi-errors";
import { givenOrGeneratedSecret } from "./generated-secret";
import { checkJetStreamResources, JetStreamResources, JetStreamResourcesArgs } from "./jetstream-resources";
import { lagScaling } from "./lag-scaling";
import {
  lightdashApiCredsSecretName,
  lightdashApiUser,
  lightdashNatsEnabled,
  lightdashReleaseName,
  LightdashSettings,
  lightdashSpec,
  lightdashWorkerEnabled,
  lightdashWorkerName,
  lightdashWorkerUser,
} from "../presets/lightdash";
import { clusterClientUrl, NatsWorkloadArgs } from "./nats-access";
import { IngressAllowance } from "./network-policy";
import { checkAccountDeclared, checkAccountUser, checkCanPublish, checkCanPull } from "./user-roles";
import { createUserCredsSecret } from "./user-creds-secret";
import { workerPoolCredsSecretName } from "./worker-pool";
import { createNatsApp, createWorkerPool } from "./workload-resources";

export const LIGHTDASH_TYPE = "nats-jetstream:index:Lightdash";

export interface LightdashArgs extends NatsWorkloadArgs {
  /** Lightdash as the stack describes it. Plain: which parts are enabled decides which objects exist. */
  lightdash: LightdashSettings;
  /** Create Lightdash's namespace. Default false (the namespace must exist). */
  createNamespace?: boolean;
  /** LIGHTDASH_SECRET, which encrypts what Lightdash stores. Default: generated once and kept in state. */
  lightdashSecret?: pulumi.Input<string>;
  /** Password of Lightdash's database user (PGPASSWORD). Default: generated once; create the database user with the `databasePassword` output. */
  databasePassword?: pulumi.Input<string>;
  /**
   * The JetStreamResources that declares Lightdash's streams with the stack's others, as the program does.
   * Unset: Lightdash declares its own, with a NACK controller in its namespace.
   */
  jetStream?: JetStreamResources;
  /** Install NACK's CRDs with Lightdash's controller. Default true; see JetStreamResourcesArgs.installCrds. */
  installNackCrds?: boolean;
  /** Image of Lightdash's NACK controller. Default natsio/jetstream-controller. */
  nackImage?: string;
}

/** What the cluster's NetworkPolicy must let in for Lightdash: nothing while NATS is off. */
export function lightdashClusterIngress(args: Pick<LightdashArgs, "lightdash" | "cluster" | "kedaNamespace">): IngressAllowance[] {
  const settings = args.lightdash;
  if (!lightdashNatsEnabled(settings)) return [];
  const scaled = [settings.warehouseWorker, settings.preAggregateWorker].some((worker) => worker?.enabled === true && worker.autoscaling !== undefined);
  return [clientIngress(args.cluster, settings.namespace), ...(scaled ? [kedaIngress(args.cluster, args.kedaNamespace)] : [])];
}

function jetStreamArgs(args: LightdashArgs, spec: LightdashSpec): JetStreamResourcesArgs {
  return {
    cluster: args.cluster,
    ...(args.clusterDomain !== undefined ? { clusterDomain: args.clusterDomain } : {}),
    namespace: args.lightdash.namespace,
    streams: lightdashStreams(spec),
    credentials: args.credentials,
    controllerName: `${lightdashReleaseName(args.lightdash)}-nack`,
    ...(args.installNackCrds !== undefined ? { installCrds: args.installNackCrds } : {}),
    ...(args.nackImage !== undefined ? { controllerImage: args.nackImage } : {}),
  };
}

/** The users exist in Lightdash's account and may do their jobs. */
function checkUsers(args: LightdashArgs, problems: Problems): void {
  const settings = args.lightdash;
  const accounts = args.credentials.accounts;
  if (!checkAccountDeclared(problems, "lightdash.account", settings.account, accounts)) return;
  const api = checkAccountUser(problems, "lightdash.api.user", lightdashApiUser(settings), settings.account, accounts);
  const workers = [
    { kind: "warehouse", field: "warehouseWorker", stream: WAREHOUSE_STREAM, subjects: WAREHOUSE_SUBJECTS, consumer: WAREHOUSE_CONSUMER },
    { kind: "preAggregate", field: "preAggregateWorker", stream: PRE_AGGREGATE_STREAM, subjects: PRE_AGGREGATE_SUBJECTS, consumer: PRE_AGGREGATE_CONSUMER },
  ] as const;
  for (const worker of workers) {
    if (!lightdashWorkerEnabled(settings, worker.kind)) continue;
    if (api !== undefined) checkCanPublish(problems, "lightdash.api.user", api, worker.stream, worker.subjects);
    const path = `lightdash.${worker.field}.user`;
    const user = checkAccountUser(problems, path, lightdashWorkerUser(settings, worker.kind), settings.account, accounts);
    if (user !== undefined) checkCanPull(problems, path, user, worker.stream, worker.consumer);
  }
}

/** Every check, before anything is created: the chart's rules, the users, and the streams against the cluster. */
function checkArgs(args: LightdashArgs): { spec: LightdashSpec; objects: LightdashObjects } {
  const spec = lightdashSpec(args.lightdash, {
    natsUrl: clusterClientUrl(args.cluster, args.clusterDomain),
    scaling: (scaling) => lagScaling(scaling, args.lightdash.account, args),
  });
  try {
    const problems = new Problems();
    let resolved: ResolvedJetStream | undefined;
    if (lightdashNatsEnabled(args.lightdash)) {
      checkUsers(args, problems);
      // An undeclared account is reported once, above; the stream checks would only repeat it.
      if (problems.count === 0) resolved = args.jetStream?.resources ?? checkJetStreamResources(jetStreamArgs(args, spec), problems, "lightdash.jetStream");
    }
    checkLightdash(spec, "lightdash", problems, resolved);
    problems.throwIfAny();
    return { spec, objects: lightdash(spec, { resources: resolved, clientPort: args.cluster.ports.client }) };
  } catch (error) {
    throw error instanceof ValidationError ? toInputPropertiesError(error) : error;
  }
}

export class Lightdash extends pulumi.ComponentResource {
  /** What the cluster's NetworkPolicy must let in for Lightdash; known before construction from `lightdashClusterIngress`. */
  readonly clusterIngress: IngressAllowance[];
  readonly apiServiceName: pulumi.Output<string>;
  /** `http://<service>.<namespace>.svc.<domain>:8080`, the API inside the Kubernetes cluster. */
  readonly apiUrl: pulumi.Output<string>;
  /** The Secret holding LIGHTDASH_SECRET and PGPASSWORD. */
  readonly secretName: pulumi.Output<string>;
  /** LIGHTDASH_SECRET. Secret. */
  readonly lightdashSecret: pulumi.Output<string>;
  /** The database user's password, for creating that user. Secret. */
  readonly databasePassword: pulumi.Output<string>;

  constructor(name: string, args: LightdashArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const { spec, objects } = checkArgs(args);
    super(LIGHTDASH_TYPE, name, {}, opts);
    const settings = args.lightdash;
    const release = lightdashReleaseName(settings);
    this.clusterIngress = lightdashClusterIngress(args);

    const namespace = args.createNamespace
      ? new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: settings.namespace, labels: appLabels(settings.namespace, "namespace", release) } }, { parent: this })
      : undefined;
    const inNamespace = { parent: this, dependsOn: namespace ? [namespace] : [] };

    this.lightdashSecret = givenOrGeneratedSecret(`${name}-lightdash-secret`, args.lightdashSecret, 48, { parent: this });
    this.databasePassword = givenOrGeneratedSecret(`${name}-database-password`, args.databasePassword, 32, { parent: this });
    const secret = new k8s.core.v1.Secret(
      `${name}-secrets`,
      {
        metadata: { name: spec.secretName, namespace: settings.namespace, labels: appLabels(spec.secretName, "secrets", release) },
        type: "Opaque",
        stringData: { LIGHTDASH_SECRET: this.lightdashSecret, PGPASSWORD: this.databasePassword },
      },
      { ...inNamespace, deleteBeforeReplace: true },
    );
    // Data changes replace a ConfigMap, and a fixed name can only be replaced by deleting it first.
    const configMap = new k8s.core.v1.ConfigMap(`${name}-config`, objects.configMap, { ...inNamespace, deleteBeforeReplace: true });
    const shared = [...inNamespace.dependsOn, secret, configMap];

    const nats = lightdashNatsEnabled(settings);
    // The workers find their streams made by NACK with the declared settings, instead of making their own.
    const jetStream = !nats ? [] : args.jetStream ? [args.jetStream] : [new JetStreamResources(`${name}-jetstream`, jetStreamArgs(args, spec), inNamespace)];
    const credsSecret = (suffix: string, secretName: string, user: string) =>
      createUserCredsSecret(`${name}-${suffix}-creds`, { namespace: settings.namespace, secretName, user, labels: appLabels(secretName, "credentials", release) }, args.credentials.userCreds, inNamespace);

    const apiCreds = nats ? [credsSecret("api", lightdashApiCredsSecretName(settings), lightdashApiUser(settings))] : [];
    createNatsApp(`${name}-api`, objects.api, { parent: this, dependsOn: [...shared, ...apiCreds] });
    const service = new k8s.core.v1.Service(`${name}-api-service`, objects.api.service, inNamespace);

    const workers = [
      ["warehouse", objects.warehouseWorker],
      ["preAggregate", objects.preAggregateWorker],
    ] as const;
    for (const [kind, pool] of workers) {
      if (pool === undefined) continue;
      const workerName = lightdashWorkerName(settings, kind);
      const suffix = workerName.slice(release.length + 1);
      const creds = credsSecret(suffix, workerPoolCredsSecretName({ name: workerName }), lightdashWorkerUser(settings, kind));
      createWorkerPool(`${name}-${suffix}`, pool, { parent: this, dependsOn: [...shared, creds, ...jetStream] });
    }

    this.apiServiceName = service.metadata.name;
    this.apiUrl = pulumi.interpolate`http://${service.metadata.name}.${service.metadata.namespace}.svc.${args.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN}:${LIGHTDASH_PORT}`;
    this.secretName = secret.metadata.name;
    this.registerOutputs({
      apiServiceName: this.apiServiceName,
      apiUrl: this.apiUrl,
      secretName: this.secretName,
      lightdashSecret: this.lightdashSecret,
      databasePassword: this.databasePassword,
    });
  }
}
