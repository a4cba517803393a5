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
import { Problems } from "../../model/errors";
import { JetStreamResourceSet, JetStreamResourceSetSpec, resolveJetStreamResourceSet, soleTarget } from "../../model/jetstream-resource-set";
import { resolveCluster } from "../../model/cluster";
import {
  checkLightdash,
  lightdash,
  LightdashObjects,
  LIGHTDASH_PORT,
  LightdashSpec,
  lightdashStreams,
  PRE_AGGREGATE_CONSUMER,
  PRE_AGGREGATE_STREAM,
  PRE_AGGREGATE_SUBJECTS,
  WAREHOUSE_CONSUMER,
  WAREHOUSE_STREAM,
  WAREHOUSE_SUBJECTS,
} from "../../workloads/lightdash-objects";
import { appLabels } from "../../workloads/object-names";
import { checkInputs } from "../../pulumi-errors";
import { givenOrGeneratedSecret } from "./generated-secret";
import { checkJetStreamResources, JetStreamResources } from "../jetstream/jetstream-resources";
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
} from "../../presets/lightdash-settings";
import { clusterClientUrl, resolveConnection, ResolvedConnection } from "../access/nats-access";
import { IngressAllowance } from "../cluster/network-policy";
import { checkAccountDeclared, checkAccountUser, checkCanPublish, checkCanPull } from "./user-roles";
import { workerPoolCredsSecretName } from "./worker-pool";
import { createNatsApp, createWorkerPool } from "./workload-resources";
import { appClusterIngress, appCredsSecrets, appJetStreamArgs, appNamespace, AppPlacement, NatsAppArgs, serviceUrl } from "./nats-app-parts";

export const LIGHTDASH_TYPE = "nats-jetstream:index:Lightdash";

/** What Lightdash takes: the application's settings, and the cluster and credentials its API and workers connect through. */
export interface LightdashArgs extends NatsAppArgs {
  /** Lightdash as the stack describes it. Plain: which parts are enabled decides which objects exist. */
  lightdash: LightdashSettings;
  /** LIGHTDASH_SECRET, which encrypts what Lightdash stores. Default: generated once and kept in state. */
  lightdashSecret?: pulumi.Input<string>;
  /** Password of Lightdash's database user (PGPASSWORD). Default: generated once; create the database user with the `databasePassword` output. */
  databasePassword?: pulumi.Input<string>;
  /**
   * The streams and buckets of a JetStreamResources on the cluster that declares Lightdash's streams with the
   * stack's others, as that component is given them (the program does this); Lightdash's workers are checked
   * against them. Unset: Lightdash declares its own, with a NACK controller in its namespace.
   */
  jetStream?: JetStreamResourceSetSpec;
  /**
   * That JetStreamResources' `objectNames` output, given with `jetStream`: the workers wait until those
   * objects exist, so that they find their streams made by NACK with the declared settings.
   */
  jetStreamObjects?: pulumi.Input<string[]>;
}

function placementOf(settings: LightdashSettings): AppPlacement {
  return { namespace: settings.namespace, release: lightdashReleaseName(settings) };
}

function workersScaled(settings: LightdashSettings): boolean {
  return [settings.warehouseWorker, settings.preAggregateWorker].some((worker) => worker?.enabled === true && worker.autoscaling !== undefined);
}

/** What the cluster's NetworkPolicy must let in for Lightdash: nothing while NATS is off. */
export function lightdashClusterIngress(args: Pick<LightdashArgs, "lightdash" | "cluster" | "kedaNamespace">): IngressAllowance[] {
  const settings = args.lightdash;
  if (!lightdashNatsEnabled(settings)) return [];
  return appClusterIngress(resolveCluster(args.cluster, "cluster", new Problems()), settings.namespace, workersScaled(settings), args.kedaNamespace);
}

/** The users exist in Lightdash's account and may do their jobs. */
function checkUsers(settings: LightdashSettings, connection: ResolvedConnection, problems: Problems): void {
  const { accounts } = connection;
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

interface CheckedLightdash {
  spec: LightdashSpec;
  objects: LightdashObjects;
}

/** Every check, before anything is created: the connection, the chart's rules, the users, and the streams against the cluster. */
function checkArgs(args: LightdashArgs): CheckedLightdash {
  return checkInputs(() => {
    const problems = new Problems();
    const connection = resolveConnection(args, problems);
    const { cluster, accounts } = connection;
    const spec = lightdashSpec(args.lightdash, {
      natsUrl: clusterClientUrl(cluster, args.clusterDomain),
      scaling: (scaling) => lagScaling(scaling, args.lightdash.account, { ...args, cluster }),
    });
    let resolved: JetStreamResourceSet | undefined;
    if (lightdashNatsEnabled(args.lightdash)) {
      checkUsers(args.lightdash, connection, problems);
      // An undeclared account is reported once, above; the stream checks would only repeat it.
      if (problems.count === 0) {
        resolved =
          args.jetStream !== undefined
            ? resolveJetStreamResourceSet(args.jetStream, { cluster, accounts, targets: [soleTarget(cluster)] }, problems, "jetStream")
            : checkJetStreamResources(appJetStreamArgs(args, placementOf(args.lightdash), { streams: lightdashStreams(spec) }), connection, problems, "lightdash.jetStream");
      }
    }
    checkLightdash(spec, "lightdash", problems, resolved);
    problems.throwIfAny();
    return { spec, objects: lightdash(spec, { resources: resolved, clientPort: cluster.ports.client }) };
  });
}

/** Each component's allowances, kept beside the class: the package's schema cannot describe them, and only TypeScript reads them. */
const ingressOf = new WeakMap<Lightdash, IngressAllowance[]>();

/** Lightdash, with its query workers pulling jobs from NATS once NATS is enabled. */
export class Lightdash extends pulumi.ComponentResource {
  /** The API's Service. */
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
    const placement = placementOf(settings);
    const { release } = placement;
    ingressOf.set(this, lightdashClusterIngress(args));

    const inNamespace = appNamespace(name, placement, args.createNamespace, this);
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
    const ownJetStream = nats && args.jetStream === undefined;
    const jetStream: pulumi.Input<pulumi.Resource>[] = ownJetStream
      ? [new JetStreamResources(`${name}-jetstream`, appJetStreamArgs(args, placement, { streams: lightdashStreams(spec) }), inNamespace)]
      : // An Output in dependsOn makes a resource wait for the resources the Output came from, the objects; it
        // resolves to the ConfigMap, which the workers wait for anyway.
        args.jetStreamObjects !== undefined
        ? [pulumi.output(args.jetStreamObjects).apply(() => configMap)]
        : [];
    const credsSecret = appCredsSecrets(name, placement, args.userCreds, inNamespace);

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
    this.apiUrl = serviceUrl(service, args.clusterDomain, LIGHTDASH_PORT);
    this.secretName = secret.metadata.name;
    this.registerOutputs({
      apiServiceName: this.apiServiceName,
      apiUrl: this.apiUrl,
      secretName: this.secretName,
      lightdashSecret: this.lightdashSecret,
      databasePassword: this.databasePassword,
    });
  }

  /**
   * What the cluster's NetworkPolicy must let in for Lightdash (TypeScript only, not a package output);
   * known before construction from `lightdashClusterIngress`.
   */
  get clusterIngress(): IngressAllowance[] {
    return ingressOf.get(this)!;
  }
}
