/**
 * The Pulumi program: reads the stack's description (stacks/Pulumi.<stack>.yaml) and deploys it by the kind of
 * its topology. Each kind has its own deploy function; this file only reads the config and dispatches.
 *
 * Config keys, all under `nats-jetstream:`: the description itself (`cluster`, `supercluster` or `hubLeaf`,
 * plus `accounts`, `streams` and `keyValues`; see StackSpec), and for the Kubernetes side `kubeconfig`
 * (contents or path, may be secret) or `context` (a context of the ambient kubeconfig), `createNamespace`
 * (default true), `clientNamespaces`, `monitoringNamespace`, and `cloud` ("aws" fronts gateway and leaf
 * listeners with network load balancers), `installNackCrds` (default true), `monitoring` (Prometheus
 * scraping, alert rules and Grafana dashboards per cluster, and the namespaces that may scrape), and with
 * `cloud: aws` an `aws` block: a node pool per cluster on an existing EKS cluster and the storage classes its
 * tier names, the cluster's servers pinned to the pool (see components/aws). Clusters of a supercluster or
 * hub-and-leaf stack may each name their own `kubernetes.context`: each context gets its own provider.
 *
 * Every stream, consumer and bucket of the stack (stackProvisioning) is declared as a NACK object on the
 * cluster it lands in, with a NACK controller there that creates it as the account's provisioner user.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { deployedConnection } from "./components/kubernetes/access/nats-access";
import { deployCluster } from "./components/kubernetes/cluster/deploy-cluster";
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { BackupBucket } from "./components/aws/backup-bucket";
import { BackupSchedule } from "./components/kubernetes/backups/backup-schedule";
import { backupServiceAccountName } from "./components/workloads/backup-objects";
import { withBackupUsers } from "./components/model/backup-users";
import { backupTargetsByCluster } from "./components/model/backups";
import { withProvisionersFor } from "./components/model/provisioners";
import { JetStreamResources } from "./components/kubernetes/jetstream/jetstream-resources";
import { DagNats } from "./components/kubernetes/apps/dagnats";
import { dagnatsMonitoring } from "./components/workloads/dagnats-monitoring";
import { Lightdash } from "./components/kubernetes/apps/lightdash";
import { HubAndLeaf } from "./components/kubernetes/topology/hub-and-leaf";
import { Cloud } from "./components/kubernetes/topology/listener-service";
import { SuperCluster } from "./components/kubernetes/topology/super-cluster";
import { TopologyClusterArgs } from "./components/kubernetes/topology/topology-args";
import { TopologyKubernetesArgs } from "./components/kubernetes/topology/topology-providers";
import {
  AccountSpec,
  AccountStream,
  accountStreams,
  ClusterSpec,
  KubernetesTargetSpec,
  PROJECT_NAME,
  Provisioning,
  Stack,
  STACK_SPEC_KEYS,
  StackSpec,
  stackProvisioning,
  ValidationError,
} from "./components/model";
import { decodeProgramConfig } from "./components/model/config-values";
import { JetStreamResourceSetSpec } from "./components/model/jetstream-resource-set";
import { ClusterMonitoring } from "./components/kubernetes/monitoring/cluster-monitoring";
import { Monitoring, resolveMonitoring } from "./components/model/monitoring/monitoring";
import { MonitoringSpec } from "./components/model/monitoring/monitoring-schema";
import { readKubeconfig } from "./components/model/stack-file";
import { dagnatsEngineName, lightdashScaledPools, PRESET_KEYS, PresetSpec, withPresets } from "./components/presets";
import { checkStack } from "./components/stack-check";
import { deployNodePools as deployAwsNodePools, deployStorageClasses as deployAwsStorageClasses } from "./components/aws/substrate";
import { withNodePoolScheduling } from "./components/model/aws-scheduling";
import type { AwsSpec } from "./components/model/aws-substrate";

const config = new pulumi.Config(PROJECT_NAME);

/** The description as written and expanded (what the components take) and as validated (what the dispatch reads). */
interface StackDescription {
  spec: StackSpec;
  presets: PresetSpec;
  stack: Stack;
  monitoring: Monitoring;
}

function readStack(): StackDescription {
  let stack: Stack;
  try {
    // Every key of the namespace is checked before any is read, so a misspelt key fails before any resource.
    const values = decodeProgramConfig(pulumi.runtime.allConfig());
    stack = checkStack(pulumi.getStack(), values, { kubeconfig: (value) => readKubeconfig(value, process.cwd()) });
  } catch (error) {
    // A config mistake is the user's to fix, not a crash: report the problems without a stack trace.
    if (error instanceof ValidationError) throw new pulumi.RunError(`stack ${pulumi.getStack()}: ${error.message}`);
    throw error;
  }
  const written: StackSpec = {};
  for (const key of STACK_SPEC_KEYS) {
    const value = config.getObject(key);
    if (value !== undefined) Object.assign(written, { [key]: value });
  }
  const presets: PresetSpec = {};
  for (const key of PRESET_KEYS) {
    const value = config.getObject(key);
    if (value !== undefined) Object.assign(presets, { [key]: value });
  }
  // checkStack has checked `monitoring` against the streams already; resolving it again only fills in defaults.
  const monitoring = resolveMonitoring(config.getObject<MonitoringSpec>("monitoring"), stack.jetstream.streams);
  // A cluster on a NATS node pool is pinned to it here, so each back end reads the selector and toleration from the cluster.
  const aws = config.getObject<AwsSpec>("aws");
  return { spec: withPresets(withNodePoolScheduling({ ...written, ...(aws ? { aws } : {}) }), presets), presets, stack, monitoring };
}

/**
 * The stack's provider (`kubeconfig` or `context`), for clusters that name no `kubernetes` target; undefined
 * for the ambient kubeconfig and context. Clusters that name a target get theirs from their topology
 * component, which builds one per provider name from the same settings.
 */
function stackProvider(): k8s.Provider | undefined {
  const kubeconfig = config.getSecret("kubeconfig");
  const context = config.get("context");
  if (kubeconfig === undefined && context === undefined) return undefined;
  // The stack-wide provider keeps its first name: renaming a provider would replace every object on it.
  return new k8s.Provider(`${pulumi.getStack()}-kubernetes`, { kubeconfig, context });
}

/**
 * Settings every cluster of a topology shares, from the stack's config. Namespaces named for clients also
 * let in the NACK controllers, which run in the namespaces of the clusters that hold JetStream objects.
 */
function sharedClusterSettings(provisioning: Provisioning, monitoring: Monitoring): TopologyClusterArgs {
  const clientNamespaces = config.getObject<string[]>("clientNamespaces");
  const controllerNamespaces = provisioning.targets.map((target) => target.cluster.namespace);
  return {
    createNamespace: config.getBoolean("createNamespace") ?? true,
    clientNamespaces: clientNamespaces === undefined ? undefined : [...new Set([...clientNamespaces, ...controllerNamespaces])],
    monitoringNamespace: config.get("monitoringNamespace"),
    monitoringNamespaces: monitoring.namespaces.length === 0 ? undefined : monitoring.namespaces,
    cloud: config.get("cloud") as Cloud | undefined,
  };
}

/**
 * How a topology reaches the Kubernetes clusters its clusters name, from the stack's config, and the stack's
 * own provider for those that name none, made only when one does.
 */
function topologyKubernetes(targets: readonly (KubernetesTargetSpec | undefined)[]): { settings: TopologyKubernetesArgs; opts: pulumi.ComponentResourceOptions } {
  const provider = targets.some((target) => target === undefined) ? stackProvider() : undefined;
  return { settings: { kubeconfig: config.getSecret("kubeconfig"), context: config.get("context") }, opts: provider ? { providers: [provider] } : {} };
}

/**
 * What `pulumi stack output` shows: endpoints, public keys and Secret names, never a seed or creds. The
 * single-cluster fields are set for a one-cluster stack; the per-cluster maps for multi-cluster topologies.
 */
interface StackOutputs {
  clientUrl?: pulumi.Output<string>;
  clientServiceName?: pulumi.Output<string>;
  headlessServiceName?: pulumi.Output<string>;
  monitorEndpoints?: pulumi.Output<string[]>;
  clusterName?: pulumi.Output<string>;
  namespace?: pulumi.Output<string>;
  /** Client URL of every cluster, by cluster name. */
  clientUrls?: pulumi.Output<Record<string, string>>;
  /** Gateway URL of every cluster of a supercluster, by cluster name. */
  gatewayUrls?: pulumi.Output<Record<string, string>>;
  /** The hub's leaf node URL that sites dial. */
  leafUrl?: pulumi.Output<string>;
  /** Lightdash's API inside the Kubernetes cluster, when the stack runs Lightdash. */
  lightdashUrl?: pulumi.Output<string>;
  /** The DagNATS engine inside the Kubernetes cluster, when the stack runs the DagNATS preset. */
  dagnatsUrl?: pulumi.Output<string>;
  operatorPublicKey: pulumi.Output<string>;
  /** By account name, SYS included. */
  accountPublicKeys: pulumi.Output<Record<string, string>>;
  /** The Secret holding each user's `<user>.creds`: by user name, or by cluster then user name. */
  credsSecretNames: pulumi.Output<Record<string, string>> | pulumi.Output<Record<string, Record<string, string>>> | undefined;
}

/** The accounts as written, with a provisioner user for each account whose objects a NACK controller creates. */
function accountsWithProvisioners(spec: StackSpec, provisioning: Provisioning, stack: Stack): StackSpec["accounts"] {
  const accounts = provisioning.provisionerAccounts.length === 0 ? spec.accounts : withProvisionersFor(spec.accounts ?? [], provisioning.provisionerAccounts);
  // The backup policy's users get creds like every other user: its CronJobs and restore Jobs mount them.
  return stack.backups === undefined || accounts === undefined ? accounts : withBackupUsers(accounts, stack.backups.targets);
}

/** The stack's node pools, by cluster name; none when the stack declares none. */
function deployNodePools({ spec, stack }: StackDescription): pulumi.Resource[] {
  if (stack.aws === undefined || stack.aws.pools.length === 0) return [];
  return [...deployAwsNodePools(stack.name, spec, stack.aws, { "nats.io/stack": stack.name }).values()];
}

/** The storage classes the pools' clusters need, each in its cluster's Kubernetes cluster. */
function deployStorageClasses({ stack }: StackDescription, providerOf: (cluster: string) => k8s.Provider | undefined): pulumi.Resource[] {
  if (stack.aws === undefined || stack.aws.pools.length === 0) return [];
  return deployAwsStorageClasses(stack.aws, providerOf);
}

/** Where a cluster's objects go: its description, its Kubernetes provider (undefined for the ambient one) and what must exist first. */
interface ClusterPlacement {
  cluster: ClusterSpec;
  provider: k8s.Provider | undefined;
  dependsOn: pulumi.Resource[];
}

/** The stack's accounts as the credentials were given them, and the creds those made: what the NACK controllers connect with. */
interface StackAccounts {
  accounts: AccountSpec[];
  accountStreams: AccountStream[];
  userCreds: pulumi.Input<Record<string, string>>;
}

/** The stack's accounts with their provisioner users, and the streams their users name, as every component is given them. */
function stackAccounts(spec: StackSpec, stack: Stack, provisioning: Provisioning): Omit<StackAccounts, "userCreds"> {
  return { accounts: accountsWithProvisioners(spec, provisioning, stack) ?? [], accountStreams: accountStreams(stack.jetstream.streams, stack.jetstream.keyValues) };
}

/**
 * Declares the stack's JetStream objects, each on the cluster it lands in: one JetStreamResources (controller
 * and NACK objects) in that cluster's namespace, through its provider. The specs given are those the model
 * resolved into the target's streams and buckets, so the objects are exactly the model's. NACK's CRDs are
 * cluster-wide, so they go in once per Kubernetes cluster, and only when `installNackCrds` is not false.
 * Returns the components by cluster name.
 */
function declareJetStream(
  description: StackDescription,
  provisioning: Provisioning,
  credentials: StackAccounts,
  placementOf: (cluster: string) => ClusterPlacement,
): Map<string, JetStreamResources> {
  const installCrds = config.getBoolean("installNackCrds") ?? true;
  const crdOwners = new Map<k8s.Provider | undefined, JetStreamResources>();
  const declared = new Map<string, JetStreamResources>();
  for (const target of provisioning.targets) {
    const { cluster, provider, dependsOn } = placementOf(target.cluster.name);
    const crdOwner = crdOwners.get(provider);
    const resources = new JetStreamResources(
      `${target.cluster.name}-jetstream`,
      {
        cluster,
        namespace: target.cluster.namespace,
        ...jetStreamSpecOf(description, target),
        // Servers without auth take the controller without creds.
        ...(target.defaultAccount === undefined ? credentials : {}),
        placeInCluster: target.placed,
        installCrds: installCrds && crdOwner === undefined,
      },
      { ...(provider ? { providers: [provider] } : {}), dependsOn: [...dependsOn, ...(crdOwner ? [crdOwner] : [])] },
    );
    if (crdOwner === undefined) crdOwners.set(provider, resources);
    declared.set(target.cluster.name, resources);
  }
  return declared;
}

/** The namespace the model gave a cluster of the stack. */
function resolvedNamespace(stack: Stack, clusterName: string): string {
  return stack.clusters.find((cluster) => cluster.name === clusterName)!.namespace;
}

/**
 * Declares the backup policy's CronJob on each cluster that holds a stream or bucket it selects, through that
 * cluster's provider, after the cluster and its JetStream objects, with the streams and buckets the model
 * placed there; and, for a bucket the stack creates, the bucket, its role and a Pod Identity association for
 * each cluster's backup ServiceAccount, in the bucket's region.
 */
function declareBackups(
  description: StackDescription,
  provisioning: Provisioning,
  credentials: StackAccounts & { accountPublicKeys: pulumi.Input<Record<string, string>> },
  placementOf: (cluster: string) => ClusterPlacement,
  jetStream: Map<string, JetStreamResources>,
): void {
  const { spec, stack } = description;
  if (stack.backups === undefined || spec.backups === undefined) return;
  const clusters = [...backupTargetsByCluster(stack.backups).keys()];
  const { destination } = stack.backups;
  if (destination.kind === "s3" && destination.create !== undefined) {
    new BackupBucket(
      `${stack.name}-backups`,
      {
        bucket: destination.bucket,
        prefix: destination.prefix,
        region: destination.region,
        retentionDays: stack.backups.retentionDays,
        eksCluster: destination.create.eksCluster,
        serviceAccounts: clusters.map((name) => ({ namespace: resolvedNamespace(stack, name), serviceAccount: backupServiceAccountName(name) })),
      },
      { providers: [new AwsProvider(`${stack.name}-backups-aws`, { region: destination.region })] },
    );
  }
  for (const clusterName of clusters) {
    const { cluster, provider, dependsOn } = placementOf(clusterName);
    const target = provisioning.targets.find((candidate) => candidate.cluster.name === clusterName)!;
    const objects = jetStream.get(clusterName);
    new BackupSchedule(
      `${clusterName}-backups`,
      { cluster, ...credentials, backups: spec.backups, jetStream: jetStreamSpecOf(description, target), stackName: stack.name },
      { ...(provider ? { providers: [provider] } : {}), dependsOn: [...dependsOn, ...(objects ? [objects] : [])] },
    );
  }
}

/** The streams and buckets as written that the model placed on a target: what its JetStreamResources is given. */
function jetStreamSpecOf({ spec, stack }: StackDescription, target: Provisioning["targets"][number]): JetStreamResourceSetSpec {
  const streams = new Set(target.accounts.flatMap((share) => share.streams));
  const keyValues = new Set(target.accounts.flatMap((share) => share.keyValues));
  return {
    streams: (spec.streams ?? []).filter((_, index) => streams.has(stack.jetstream.streams[index])),
    keyValues: (spec.keyValues ?? []).filter((_, index) => keyValues.has(stack.jetstream.keyValues[index])),
  };
}

/**
 * Declares each cluster's PodMonitor, alert rules and dashboards, as far as the stack's `monitoring` asks,
 * beside the cluster in its namespace and through its provider. Lightdash's and DagNATS's scaled pools bring
 * their lag alerts, and DagNATS the lag of the history consumer its engine creates.
 */
function declareMonitoring(description: StackDescription, placementOf: (cluster: string) => ClusterPlacement): void {
  const { stack, monitoring, presets } = description;
  if (!monitoring.prometheus && !monitoring.podMonitor.enabled && !monitoring.dashboards) return;
  const dagnats = presets.dagnats === undefined ? undefined : dagnatsMonitoring({ ...presets.dagnats, name: dagnatsEngineName(presets.dagnats) });
  const workerPools = [...(presets.lightdash === undefined ? [] : lightdashScaledPools(presets.lightdash)), ...(dagnats?.workerPools ?? [])];
  const consumerLag = dagnats?.consumerLag ?? [];
  // The component reads the stack's keys as written (with the presets' streams), as any program would give them.
  const { cluster: single, supercluster, hubLeaf, accounts, streams, keyValues } = description.spec;
  const keys = {
    cluster: single,
    supercluster,
    hubLeaf,
    accounts,
    streams,
    keyValues,
    kubernetesVersion: config.get("kubernetesVersion"),
    acceptNodeLocalDataLoss: config.getBoolean("acceptNodeLocalDataLoss"),
    monitoring: config.getObject<MonitoringSpec>("monitoring"),
  };
  for (const cluster of stack.clusters) {
    const { provider, dependsOn } = placementOf(cluster.name);
    new ClusterMonitoring(`${cluster.name}-monitoring`, { ...keys, clusterName: cluster.name, workerPools, consumerLag }, { ...(provider ? { providers: [provider] } : {}), dependsOn });
  }
}

function deployOneCluster(description: StackDescription): StackOutputs {
  const { spec, presets, stack } = description;
  const clusterSpec = spec.cluster as ClusterSpec;
  const provisioning = stackProvisioning(stack);
  const provider = stackProvider();
  const opts = provider ? { providers: [provider] } : undefined;
  const clusterArgs = {
    cluster: clusterSpec,
    accounts: accountsWithProvisioners(spec, provisioning, stack),
    streams: accountStreams(stack.jetstream.streams, stack.jetstream.keyValues),
    operatorName: stack.name,
    ...sharedClusterSettings(provisioning, description.monitoring),
  };
  // The servers wait for their nodes and their storage class; without either their pods stay Pending.
  const substrate = [...deployNodePools(description), ...deployStorageClasses(description, () => provider)];
  const deployed = deployCluster(clusterSpec.name, clusterArgs, { ...opts, ...(substrate.length > 0 ? { dependsOn: substrate } : {}) });
  const { cluster, credentials } = deployed;
  const accounts = { ...stackAccounts(spec, stack, provisioning), userCreds: credentials.userCreds };
  const placement = () => ({ cluster: clusterSpec, provider, dependsOn: [cluster] });
  const jetStream = declareJetStream(description, provisioning, accounts, placement);
  declareBackups(description, provisioning, { ...accounts, accountPublicKeys: credentials.accountPublicKeys }, placement, jetStream);
  declareMonitoring(description, placement);
  // The presets' streams and buckets are the stack's: the home cluster's controller declares them with the
  // others, and the applications' workers wait for them.
  const home = provisioning.targets.find((target) => target.cluster.name === stack.jetStreamHome.name);
  const homeJetStream = jetStream.get(stack.jetStreamHome.name);
  const app = {
    ...deployedConnection(clusterArgs, deployed),
    createNamespace: config.getBoolean("createNamespace") ?? true,
    ...(home !== undefined ? { jetStream: jetStreamSpecOf(description, home) } : {}),
    ...(homeJetStream !== undefined ? { jetStreamObjects: homeJetStream.objectNames } : {}),
  };
  const lightdash = presets.lightdash ? new Lightdash("lightdash", { ...app, lightdash: presets.lightdash }, { ...opts, dependsOn: [cluster] }) : undefined;
  const dagnats = presets.dagnats ? new DagNats(dagnatsEngineName(presets.dagnats), { ...app, dagnats: presets.dagnats }, { ...opts, dependsOn: [cluster] }) : undefined;
  return {
    clientUrl: cluster.clientUrl,
    clientServiceName: cluster.clientServiceName,
    headlessServiceName: cluster.headlessServiceName,
    monitorEndpoints: cluster.monitorEndpoints,
    clusterName: cluster.clusterName,
    namespace: cluster.namespace,
    operatorPublicKey: credentials.operatorPublicKey,
    accountPublicKeys: credentials.accountPublicKeys,
    credsSecretNames: credentials.secretNames,
    lightdashUrl: lightdash?.apiUrl,
    dagnatsUrl: dagnats?.url,
  };
}

function deploySuperCluster(description: StackDescription): StackOutputs {
  const { spec, stack } = description;
  const superclusterSpec = spec.supercluster!;
  const provisioning = stackProvisioning(stack);
  const kubernetes = topologyKubernetes(superclusterSpec.clusters.map((member) => member.kubernetes));
  const accounts = stackAccounts(spec, stack, provisioning);
  const pools = deployNodePools(description);
  const supercluster = new SuperCluster(
    stack.name,
    {
      ...sharedClusterSettings(provisioning, description.monitoring),
      ...kubernetes.settings,
      clusters: superclusterSpec.clusters,
      gatewayTls: superclusterSpec.gatewayTls,
      allowPlaintextGateways: superclusterSpec.allowPlaintextGateways,
      // Read as text: as JSON, a version such as "1.30" would become the number 1.3.
      kubernetesVersion: config.get("kubernetesVersion"),
      accounts: accountsWithProvisioners(spec, provisioning, stack),
      streams: accounts.accountStreams,
      operatorName: stack.name,
    },
    { ...kubernetes.opts, ...(pools.length > 0 ? { dependsOn: pools } : {}) },
  );
  const inherited = kubernetes.opts.providers as k8s.Provider[] | undefined;
  // Each region's classes go through that member's provider, which the supercluster made.
  deployStorageClasses(description, (name) => supercluster.providerOf(name) ?? inherited?.[0]);
  const placement = (name: string) => ({
    cluster: superclusterSpec.clusters.find((member) => member.name === name)!,
    provider: supercluster.providerOf(name) ?? inherited?.[0],
    dependsOn: [supercluster.clusters[name]],
  });
  const credentials = { ...accounts, userCreds: supercluster.userCreds };
  const jetStream = declareJetStream(description, provisioning, credentials, placement);
  declareBackups(description, provisioning, { ...credentials, accountPublicKeys: supercluster.accountPublicKeys }, placement, jetStream);
  declareMonitoring(description, placement);
  return {
    clientUrls: supercluster.clientUrls,
    gatewayUrls: supercluster.gatewayUrls,
    operatorPublicKey: supercluster.operatorPublicKey,
    accountPublicKeys: supercluster.accountPublicKeys,
    credsSecretNames: supercluster.credsSecretNames,
  };
}

function deployHubAndLeaf(description: StackDescription): StackOutputs {
  const { spec, stack } = description;
  const hubLeafSpec = spec.hubLeaf!;
  const provisioning = stackProvisioning(stack);
  // Sites without a target go where the hub goes: only the hub's target decides whether the stack's provider is needed.
  const kubernetes = topologyKubernetes([hubLeafSpec.hub.kubernetes]);
  const accounts = stackAccounts(spec, stack, provisioning);
  const hubAndLeaf = new HubAndLeaf(
    stack.name,
    {
      ...sharedClusterSettings(provisioning, description.monitoring),
      ...kubernetes.settings,
      hub: hubLeafSpec.hub,
      sites: hubLeafSpec.sites,
      leafnodesTls: hubLeafSpec.leafnodesTls,
      allowPlaintextLeafnodes: hubLeafSpec.allowPlaintextLeafnodes,
      accounts: accountsWithProvisioners(spec, provisioning, stack),
      streams: accounts.accountStreams,
      operatorName: stack.name,
    },
    kubernetes.opts,
  );
  const inherited = kubernetes.opts.providers as k8s.Provider[] | undefined;
  const clusters = [hubLeafSpec.hub, ...hubLeafSpec.sites];
  const placement = (name: string) => ({
    cluster: clusters.find((cluster) => cluster.name === name)!,
    provider: hubAndLeaf.providerOf(name) ?? inherited?.[0],
    dependsOn: [name === hubLeafSpec.hub.name ? hubAndLeaf.hub : hubAndLeaf.sites[name]],
  });
  const credentials = { ...accounts, userCreds: hubAndLeaf.userCreds };
  const jetStream = declareJetStream(description, provisioning, credentials, placement);
  declareBackups(description, provisioning, { ...credentials, accountPublicKeys: hubAndLeaf.accountPublicKeys }, placement, jetStream);
  declareMonitoring(description, placement);
  return {
    clientUrls: hubAndLeaf.clientUrls,
    leafUrl: hubAndLeaf.leafUrl,
    operatorPublicKey: hubAndLeaf.operatorPublicKey,
    accountPublicKeys: hubAndLeaf.accountPublicKeys,
    credsSecretNames: hubAndLeaf.credsSecretNames,
  };
}

function deploy(description: StackDescription): StackOutputs {
  switch (description.stack.topology.kind) {
    case "cluster":
      return deployOneCluster(description);
    case "supercluster":
      return deploySuperCluster(description);
    case "hub-leaf":
      return deployHubAndLeaf(description);
  }
}

const outputs = deploy(readStack());

export const clientUrl = outputs.clientUrl;
export const clientServiceName = outputs.clientServiceName;
export const headlessServiceName = outputs.headlessServiceName;
export const monitorEndpoints = outputs.monitorEndpoints;
export const clusterName = outputs.clusterName;
export const namespace = outputs.namespace;
export const clientUrls = outputs.clientUrls;
export const gatewayUrls = outputs.gatewayUrls;
export const leafUrl = outputs.leafUrl;
export const lightdashUrl = outputs.lightdashUrl;
export const dagnatsUrl = outputs.dagnatsUrl;
export const operatorPublicKey = outputs.operatorPublicKey;
export const accountPublicKeys = outputs.accountPublicKeys;
export const credsSecretNames = outputs.credsSecretNames;
