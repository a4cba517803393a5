/**
 * The JetStreamResources component: a stack's streams, consumers and key-value buckets as NACK objects,
 * with the NACK controller that turns them into JetStream resources and, unless told otherwise, NACK's CRDs.
 *
 * The controller creates each account's objects as that account's provisioner user (see
 * jetstream-provisioners.ts), whose creds it mounts from a Secret this component writes into its own
 * namespace. It watches that namespace only, so the objects live there too.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { credsFileName } from "../credentials/secrets";
import { Cluster } from "../model/cluster";
import { Problems, ValidationError } from "../model/errors";
import { JetStreamResources as ResolvedJetStream, resolveJetStreamResources, soleTarget } from "../model/jetstream-resources";
import { KeyValueSpec } from "../model/kv";
import { dnsLabelRule, isDnsLabel } from "../model/names";
import { StreamSpec } from "../model/streams";
import { ResourceRequirements } from "../workloads/k8s-types";
import { nackController, NackController, nackCredsPath } from "../workloads/nack-controller";
import { NackObjects, nackObjects } from "../workloads/nack-objects";
import { appLabels, objectName } from "../workloads/object-names";
import { clientIngress } from "./cluster-ingress";
import { toInputPropertiesError } from "../pulumi-errors";
import { jetStreamProvisionerName, missingProvisionerPermissions } from "./jetstream-provisioners";
import { NACK_KINDS, nackCustomResourceDefinition } from "./nack-crds";
import { clusterClientUrl, NatsUserCredentials } from "./nats-access";
import { IngressAllowance } from "./network-policy";
import { createUserCredsSecret } from "./user-creds-secret";

export const JETSTREAM_RESOURCES_TYPE = "nats-jetstream:index:JetStreamResources";
const DEFAULT_CONTROLLER_NAME = "nack";

export interface JetStreamResourcesArgs {
  /**
   * The cluster the streams live on, validated (JetStreamCluster.cluster): replicas default from it and
   * storage limits are checked against it. Plain: the streams decide which objects exist.
   */
  cluster: Cluster;
  /** DNS domain of the Kubernetes cluster, which the controller's server URL ends in. Default cluster.local. */
  clusterDomain?: string;
  /** Namespace of the controller and of the NACK objects; it must exist. The controller watches only this namespace. */
  namespace: string;
  /** The streams with their consumers. */
  streams?: StreamSpec[];
  /** The key-value buckets. */
  keyValues?: KeyValueSpec[];
  /**
   * The stack's credentials (a NatsCredentials component). Every account holding a stream or bucket needs
   * its provisioner user (`<account>-nack`, added by withJetStreamProvisioners). Unset for servers without
   * auth (a leaf site without a local account): the controller connects without creds, every object lands in
   * the servers' default account, and the account an object names is only the name it goes by.
   */
  credentials?: NatsUserCredentials;
  /**
   * The cluster is a member of a supercluster: every stream and bucket is placed in it by name
   * (`placement.cluster`), since the members share one meta group. Default false.
   */
  placeInCluster?: boolean;
  /** Name of the controller's Deployment, ServiceAccount and Role. Default "nack". */
  controllerName?: string;
  /** Image of the controller. Default natsio/jetstream-controller. */
  controllerImage?: string;
  /** Requests and limits of the controller's container. */
  controllerResources?: ResourceRequirements;
  /**
   * Install NACK's CRDs. Default true. CRDs are cluster-wide and kept when the stack is destroyed (deleting
   * one deletes every object of its kind, in every namespace), so give them one owner per Kubernetes
   * cluster: set false where NACK's Helm chart or another JetStreamResources already installs them.
   */
  installCrds?: boolean;
  /** Keep streams and buckets, and their messages, when their objects are deleted. Default true. */
  preventDelete?: boolean;
}

/** Checks the args, adding every problem under `path`; returns the streams and buckets with their defaults. */
export function checkJetStreamResources(args: JetStreamResourcesArgs, problems: Problems, path = ""): ResolvedJetStream {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  if (!isDnsLabel(args.namespace)) problems.add(at("namespace"), args.namespace, dnsLabelRule());
  if (args.controllerName !== undefined && !isDnsLabel(args.controllerName)) problems.add(at("controllerName"), args.controllerName, dnsLabelRule());
  const accounts = args.credentials?.accounts;
  const targets = [soleTarget(args.cluster, args.placeInCluster)];
  const resolved = resolveJetStreamResources({ streams: args.streams, keyValues: args.keyValues }, { cluster: args.cluster, accounts, targets }, problems, path);
  if (accounts === undefined) return resolved;

  // Each account's missing provisioner is reported once, at the first stream or bucket the account holds.
  const firstHolder = new Map<string, string>();
  const holders = [
    ...resolved.streams.map((stream, index) => [stream.account, at(`streams[${index}].account`)]),
    ...resolved.keyValues.map((kv, index) => [kv.account, at(`keyValues[${index}].account`)]),
  ];
  for (const [account, holderPath] of holders) if (!firstHolder.has(account)) firstHolder.set(account, holderPath);
  for (const [accountName, holderPath] of firstHolder) {
    const account = accounts.find((candidate) => candidate.name === accountName);
    if (account === undefined) continue;
    const name = jetStreamProvisionerName(accountName);
    const provisioner = account.users.find((user) => user.name === name);
    if (provisioner === undefined) {
      problems.add(
        holderPath,
        accountName,
        `add the user ${name} to account ${accountName} (withJetStreamProvisioners does, before NatsCredentials): the NACK controller creates the account's streams as that user, which the publisher and worker roles may not`,
      );
      continue;
    }
    const missing = missingProvisionerPermissions(provisioner);
    if (missing.length > 0) problems.add(holderPath, accountName, `let ${name} manage the account's streams and consumers; it may not ${missing.join(", ")}`);
  }
  return resolved;
}

/** Accounts whose objects the controller creates, in the order they first hold one. */
function holderAccounts(resolved: ResolvedJetStream): string[] {
  return [...new Set([...resolved.streams.map((stream) => stream.account), ...resolved.keyValues.map((kv) => kv.account)])];
}

function controllerName(args: JetStreamResourcesArgs): string {
  return args.controllerName ?? DEFAULT_CONTROLLER_NAME;
}

function credsSecretName(args: JetStreamResourcesArgs, account: string): string {
  return objectName(controllerName(args), account, "creds");
}

interface JetStreamObjects {
  accounts: string[];
  controller: NackController;
  objects: NackObjects;
}

/** The controller and the NACK objects of checked args; a ValidationError if two names fold into one Kubernetes name. */
function jetStreamObjects(args: JetStreamResourcesArgs, resolved: ResolvedJetStream): JetStreamObjects | undefined {
  const accounts = holderAccounts(resolved);
  if (accounts.length === 0) return undefined;
  const anonymous = args.credentials === undefined;
  const credsPath = (account: string) => (anonymous ? undefined : nackCredsPath(account, credsFileName(jetStreamProvisionerName(account))));
  return {
    accounts,
    objects: nackObjects(resolved, { namespace: args.namespace, credsPath, preventDelete: args.preventDelete }),
    controller: nackController({
      name: controllerName(args),
      namespace: args.namespace,
      natsUrl: clusterClientUrl(args.cluster, args.clusterDomain),
      accounts: anonymous ? [] : accounts.map((account) => ({ account, secretName: credsSecretName(args, account), key: credsFileName(jetStreamProvisionerName(account)) })),
      ...(args.controllerImage !== undefined ? { image: args.controllerImage } : {}),
      ...(args.controllerResources !== undefined ? { resources: args.controllerResources } : {}),
    }),
  };
}

/** Checks the args and builds the objects, or throws one InputPropertiesError naming every problem. */
function planOrThrow(args: JetStreamResourcesArgs): { resolved: ResolvedJetStream; built: JetStreamObjects | undefined } {
  try {
    const problems = new Problems();
    const resolved = checkJetStreamResources(args, problems);
    problems.throwIfAny();
    return { resolved, built: jetStreamObjects(args, resolved) };
  } catch (error) {
    throw error instanceof ValidationError ? toInputPropertiesError(error) : error;
  }
}

export class JetStreamResources extends pulumi.ComponentResource {
  /** The streams, consumers and buckets with every default filled in: what worker pools check their consumers against. */
  readonly resources: ResolvedJetStream;
  /**
   * What the cluster's NetworkPolicy must let in for the controller: its namespace on the client port.
   * Empty when there is nothing to manage. Known before construction from `clientIngress(cluster, namespace)`.
   */
  readonly clusterIngress: IngressAllowance[];
  /** The controller's Deployment; undefined when there is no stream or bucket, and so no controller. */
  readonly controllerName: pulumi.Output<string> | undefined;
  /** Every NACK object as `<Kind>/<name>`. */
  readonly objectNames: pulumi.Output<string[]>;

  constructor(name: string, args: JetStreamResourcesArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const { resolved, built } = planOrThrow(args);
    super(JETSTREAM_RESOURCES_TYPE, name, {}, opts);
    this.resources = resolved;
    this.clusterIngress = built ? [clientIngress(args.cluster, args.namespace)] : [];

    if (built === undefined) {
      this.controllerName = undefined;
      this.objectNames = pulumi.output([]);
      this.registerOutputs({ controllerName: this.controllerName, objectNames: this.objectNames });
      return;
    }

    const crds =
      args.installCrds === false
        ? []
        : NACK_KINDS.map(
            (kind) =>
              new k8s.apiextensions.v1.CustomResourceDefinition(`${name}-crd-${kind.toLowerCase()}`, nackCustomResourceDefinition(kind), {
                parent: this,
                // Deleting a CRD deletes every object of its kind in the Kubernetes cluster, other stacks' too.
                retainOnDelete: true,
              }),
          );
    const credentials = args.credentials;
    // Servers without auth take the controller without creds: there is no provisioner to mount.
    const secrets =
      credentials === undefined
        ? []
        : built.accounts.map((account) =>
            createUserCredsSecret(
              `${name}-${account}-creds`,
              {
                namespace: args.namespace,
                secretName: credsSecretName(args, account),
                user: jetStreamProvisionerName(account),
                labels: appLabels(credsSecretName(args, account), "credentials", controllerName(args)),
              },
              credentials.userCreds,
              { parent: this },
            ),
          );
    const { controller } = built;
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-service-account`, controller.serviceAccount, { parent: this });
    const role = new k8s.rbac.v1.Role(`${name}-role`, controller.role, { parent: this });
    const roleBinding = new k8s.rbac.v1.RoleBinding(`${name}-role-binding`, controller.roleBinding, { parent: this, dependsOn: [serviceAccount, role] });
    const deployment = new k8s.apps.v1.Deployment(`${name}-controller`, controller.deployment, {
      parent: this,
      dependsOn: [...crds, ...secrets, serviceAccount, roleBinding],
    });

    // The objects depend on the controller so that a destroy deletes them while it still runs to clear them.
    const objectOpts = { parent: this, dependsOn: [...crds, deployment] };
    const objects = [...built.objects.streams, ...built.objects.consumers, ...built.objects.keyValues].map(
      (object) => new k8s.apiextensions.CustomResource(`${name}-${object.kind.toLowerCase()}-${object.metadata.name}`, object, objectOpts),
    );

    this.controllerName = deployment.metadata.name;
    this.objectNames = pulumi.all(objects.map((object) => pulumi.interpolate`${object.kind}/${object.metadata.name}`));
    this.registerOutputs({ controllerName: this.controllerName, objectNames: this.objectNames });
  }
}
