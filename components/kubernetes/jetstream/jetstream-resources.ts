/**
 * The JetStreamResources component: a stack's streams, consumers and key-value buckets as NACK objects,
 * with the NACK controller that turns them into JetStream resources and, unless told otherwise, NACK's CRDs.
 *
 * The controller creates each account's objects as that account's provisioner user (see
 * components/model/provisioners.ts), whose creds it mounts from a Secret this component writes into its own
 * namespace. It watches that namespace only, so the objects live there too.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { credsFileName } from "../../credentials/secrets";
import { Account, AccountSpec, AccountStream } from "../../model/accounts";
import { Cluster, ClusterSpec, resolveCluster } from "../../model/cluster";
import { Problems } from "../../model/errors";
import { JetStreamResourceSet as ResolvedJetStream, resolveJetStreamResourceSet, soleTarget } from "../../model/jetstream-resource-set";
import { KeyValueSpec } from "../../model/kv";
import { dnsLabelRule, isDnsLabel } from "../../model/names";
import { StreamSpec } from "../../model/streams";
import { ResourceRequirements } from "../../workloads/k8s-types";
import { nackController, NackController, nackCredsPath } from "../../workloads/nack-controller";
import { NackObjects, nackObjects } from "../../workloads/nack-objects";
import { appLabels, objectName } from "../../workloads/object-names";
import { clientIngress } from "../access/cluster-ingress";
import { checkInputs } from "../../pulumi-errors";
import { jetStreamProvisionerName, missingProvisionerPermissions } from "../../model/provisioners";
import { NACK_KINDS, nackCustomResourceDefinition } from "./nack-crds";
import { clusterClientUrl, resolveConnection } from "../access/nats-access";
import { IngressAllowance } from "../cluster/network-policy";
import { createUserCredsSecret } from "../access/user-creds-secret";

export const JETSTREAM_RESOURCES_TYPE = "nats-jetstream:index:JetStreamResources";
const DEFAULT_CONTROLLER_NAME = "nack";

/**
 * What JetStreamResources takes: the cluster, the streams, consumers and buckets to declare, and the accounts
 * whose provisioner creds the NACK controller connects with.
 */
export interface JetStreamResourcesArgs {
  /**
   * The cluster the streams live on, as JetStreamCluster is given it: replicas default from it and storage
   * limits are checked against it. Plain: the streams decide which objects exist.
   */
  cluster: ClusterSpec;
  /** DNS domain of the Kubernetes cluster, which the controller's server URL ends in. Default cluster.local. */
  clusterDomain?: string;
  /** Namespace of the controller and of the NACK objects; it must exist. The controller watches only this namespace. */
  namespace: string;
  /** The streams with their consumers. */
  streams?: StreamSpec[];
  /** The key-value buckets. */
  keyValues?: KeyValueSpec[];
  /**
   * The stack's accounts and their users, as NatsCredentials is given them. Every account holding a stream or
   * bucket needs its provisioner user (`<account>-nack`, added by withJetStreamProvisioners). Unset, with
   * `userCreds`, for servers without auth (a leaf site without a local account): the controller connects
   * without creds, every object lands in the servers' default account, and the account an object names is
   * only the name it goes by.
   */
  accounts?: AccountSpec[];
  /** The streams the accounts' publisher and worker users name, as NatsCredentials is given them (its `streams`). */
  accountStreams?: AccountStream[];
  /** Each user's creds file by user name (NatsCredentials' `userCreds` output), given with `accounts`. Secret. */
  userCreds?: pulumi.Input<Record<string, string>>;
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

/**
 * What the streams and buckets are checked against: the cluster they land on, and the stack's accounts
 * unless the servers run without auth.
 */
export interface JetStreamHome {
  cluster: Cluster;
  /** SYS and the stack's accounts, resolved; undefined for servers without auth. */
  accounts: Account[] | undefined;
}

/** The args' cluster and accounts resolved, problems at their fields; accounts and creds come together or not at all. */
function resolveHome(args: JetStreamResourcesArgs, problems: Problems): JetStreamHome {
  const given = (args ?? {}) as Partial<JetStreamResourcesArgs>;
  if ((given.accounts === undefined) !== (given.userCreds === undefined)) {
    const [missing, present] = given.accounts === undefined ? ["accounts", "userCreds"] : ["userCreds", "accounts"];
    problems.add(missing, undefined, `give ${missing} with ${present}: the controller connects as the accounts' provisioner users with their creds, or, both unset, without auth`);
  }
  if (given.accounts === undefined) return { cluster: resolveCluster(given.cluster as ClusterSpec, "cluster", problems), accounts: undefined };
  return resolveConnection(given as JetStreamResourcesArgs, problems);
}

/**
 * Checks the streams and buckets against their home, adding every problem under `path`; returns them with
 * their defaults.
 */
export function checkJetStreamResources(args: Omit<JetStreamResourcesArgs, "cluster">, home: JetStreamHome, problems: Problems, path = ""): ResolvedJetStream {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  if (!isDnsLabel(args.namespace)) problems.add(at("namespace"), args.namespace, dnsLabelRule());
  if (args.controllerName !== undefined && !isDnsLabel(args.controllerName)) problems.add(at("controllerName"), args.controllerName, dnsLabelRule());
  const { cluster, accounts } = home;
  const targets = [soleTarget(cluster, args.placeInCluster)];
  const resolved = resolveJetStreamResourceSet({ streams: args.streams, keyValues: args.keyValues }, { cluster, accounts, targets }, problems, path);
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

function controllerName(args: Pick<JetStreamResourcesArgs, "controllerName">): string {
  return args.controllerName ?? DEFAULT_CONTROLLER_NAME;
}

function credsSecretName(args: Pick<JetStreamResourcesArgs, "controllerName">, account: string): string {
  return objectName(controllerName(args), account, "creds");
}

interface JetStreamObjects {
  accounts: string[];
  controller: NackController;
  objects: NackObjects;
}

/** The controller and the NACK objects of checked args; a ValidationError if two names fold into one Kubernetes name. */
function jetStreamObjects(args: JetStreamResourcesArgs, home: JetStreamHome, resolved: ResolvedJetStream): JetStreamObjects | undefined {
  const accounts = holderAccounts(resolved);
  if (accounts.length === 0) return undefined;
  const anonymous = home.accounts === undefined;
  const credsPath = (account: string) => (anonymous ? undefined : nackCredsPath(account, credsFileName(jetStreamProvisionerName(account))));
  return {
    accounts,
    objects: nackObjects(resolved, { namespace: args.namespace, credsPath, preventDelete: args.preventDelete }),
    controller: nackController({
      name: controllerName(args),
      namespace: args.namespace,
      natsUrl: clusterClientUrl(home.cluster, args.clusterDomain),
      accounts: anonymous ? [] : accounts.map((account) => ({ account, secretName: credsSecretName(args, account), key: credsFileName(jetStreamProvisionerName(account)) })),
      ...(args.controllerImage !== undefined ? { image: args.controllerImage } : {}),
      ...(args.controllerResources !== undefined ? { resources: args.controllerResources } : {}),
    }),
  };
}

interface JetStreamPlan {
  home: JetStreamHome;
  resolved: ResolvedJetStream;
  built: JetStreamObjects | undefined;
}

/** Checks the args and builds the objects, or throws one InputPropertiesError naming every problem. */
function planOrThrow(args: JetStreamResourcesArgs): JetStreamPlan {
  return checkInputs(() => {
    const problems = new Problems();
    const home = resolveHome(args, problems);
    // Streams checked against an invalid cluster or accounts would only repeat their problems.
    const resolved = problems.count === 0 ? checkJetStreamResources(args, home, problems) : { streams: [], keyValues: [] };
    problems.throwIfAny();
    return { home, resolved, built: jetStreamObjects(args, home, resolved) };
  });
}

/** What TypeScript callers read of a component beyond its outputs; kept beside the class, out of the package's schema. */
interface JetStreamResourcesDetails {
  resources: ResolvedJetStream;
  clusterIngress: IngressAllowance[];
}

const details = new WeakMap<JetStreamResources, JetStreamResourcesDetails>();

/** A stack's streams, consumers and key-value buckets as NACK objects, with the NACK controller that makes them. */
export class JetStreamResources extends pulumi.ComponentResource {
  /** The controller's Deployment; undefined when there is no stream or bucket, and so no controller. */
  readonly controllerName: pulumi.Output<string> | undefined;
  /** Every NACK object as `<Kind>/<name>`. */
  readonly objectNames: pulumi.Output<string[]>;

  constructor(name: string, args: JetStreamResourcesArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before the component registers, so an invalid description creates nothing at all.
    const { home, resolved, built } = planOrThrow(args);
    super(JETSTREAM_RESOURCES_TYPE, name, {}, opts);
    details.set(this, { resources: resolved, clusterIngress: built ? [clientIngress(home.cluster, args.namespace)] : [] });

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
    const userCreds = args.userCreds;
    // Servers without auth take the controller without creds: there is no provisioner to mount.
    const secrets =
      userCreds === undefined
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
              userCreds,
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

  /** The streams, consumers and buckets with every default filled in (TypeScript only, not a package output). */
  get resources(): ResolvedJetStream {
    return details.get(this)!.resources;
  }

  /**
   * What the cluster's NetworkPolicy must let in for the controller: its namespace on the client port; empty
   * when there is nothing to manage. Known before construction from `clientIngress(cluster, namespace)`.
   * TypeScript only, not a package output.
   */
  get clusterIngress(): IngressAllowance[] {
    return details.get(this)!.clusterIngress;
  }
}
