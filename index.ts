/**
 * The Pulumi program: reads the stack's description (stacks/Pulumi.<stack>.yaml) and deploys it by the kind of
 * its topology. Each kind has its own deploy function; this file only reads the config and dispatches.
 *
 * Config keys, all under `nats-jetstream:`: the description itself (`cluster`, `supercluster` or `hubLeaf`,
 * plus `accounts`, `streams` and `keyValues`; see StackSpec), and for the Kubernetes side `kubeconfig`
 * (contents or path, may be secret) or `context` (a context of the ambient kubeconfig), `createNamespace`
 * (default true), `clientNamespaces`, `monitoringNamespace`, and `cloud` ("aws" fronts gateway and leaf
 * listeners with network load balancers). Clusters of a supercluster or hub-and-leaf stack may each name
 * their own `kubernetes.context`: each context gets its own provider.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { deployCluster } from "./components/kubernetes/deploy-cluster";
import { withJetStreamProvisioners } from "./components/kubernetes/jetstream-provisioners";
import { Lightdash } from "./components/kubernetes/lightdash";
import { HubAndLeaf } from "./components/kubernetes/hub-and-leaf";
import { Cloud } from "./components/kubernetes/listener-service";
import { SuperCluster } from "./components/kubernetes/super-cluster";
import { TopologyClusterArgs } from "./components/kubernetes/topology-args";
import {
  accountStreams,
  ClusterSpec,
  KubernetesTargetSpec,
  PROJECT_NAME,
  Stack,
  STACK_SPEC_KEYS,
  StackSpec,
  ValidationError,
} from "./components/model";
import { PRESET_KEYS, PresetSpec, resolveStackWithPresets, withPresets } from "./components/presets";

const config = new pulumi.Config(PROJECT_NAME);

/** The description as written and expanded (what the components take) and as validated (what the dispatch reads). */
interface StackDescription {
  spec: StackSpec;
  presets: PresetSpec;
  stack: Stack;
}

function readStack(): StackDescription {
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
  try {
    const stack = resolveStackWithPresets(pulumi.getStack(), written, presets);
    return { spec: withPresets(written, presets), presets, stack };
  } catch (error) {
    // A config mistake is the user's to fix, not a crash: report the problems without a stack trace.
    if (error instanceof ValidationError) throw new pulumi.RunError(`stack ${pulumi.getStack()}: ${error.message}`);
    throw error;
  }
}

/** Providers by name, so clusters naming one context share one provider. */
const providers = new Map<string, k8s.Provider>();

/**
 * The provider for a cluster: the one its `kubernetes` target names, else the stack's (`kubeconfig` or
 * `context`), else undefined for the ambient kubeconfig and context.
 */
function kubernetesProvider(target?: KubernetesTargetSpec): k8s.Provider | undefined {
  const kubeconfig = config.getSecret("kubeconfig");
  const context = target?.context ?? config.get("context");
  if (kubeconfig === undefined && context === undefined) return undefined;
  const name = target?.provider ?? target?.context;
  // The stack-wide provider keeps its first name: renaming a provider would replace every object on it.
  const resourceName = name === undefined ? `${pulumi.getStack()}-kubernetes` : `${pulumi.getStack()}-kubernetes-${name}`;
  if (!providers.has(resourceName)) providers.set(resourceName, new k8s.Provider(resourceName, { kubeconfig, context }));
  return providers.get(resourceName);
}

/** Settings every cluster of a topology shares, from the stack's config. */
function sharedClusterSettings(): TopologyClusterArgs {
  return {
    createNamespace: config.getBoolean("createNamespace") ?? true,
    clientNamespaces: config.getObject<string[]>("clientNamespaces"),
    monitoringNamespace: config.get("monitoringNamespace"),
    cloud: config.get("cloud") as Cloud | undefined,
  };
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
  operatorPublicKey: pulumi.Output<string>;
  /** By account name, SYS included. */
  accountPublicKeys: pulumi.Output<Record<string, string>>;
  /** The Secret holding each user's `<user>.creds`: by user name, or by cluster then user name. */
  credsSecretNames: pulumi.Output<Record<string, string>> | pulumi.Output<Record<string, Record<string, string>>> | undefined;
}

function deployOneCluster({ spec, presets, stack }: StackDescription): StackOutputs {
  const clusterSpec = spec.cluster as ClusterSpec;
  const provider = kubernetesProvider();
  const opts = provider ? { providers: [provider] } : undefined;
  // Applications that declare streams run a NACK controller, which connects as its account's provisioner.
  const accounts = presets.lightdash ? withJetStreamProvisioners(spec.accounts ?? [], { streams: spec.streams, keyValues: spec.keyValues }) : spec.accounts;
  const { cluster, credentials } = deployCluster(
    clusterSpec.name,
    {
      cluster: clusterSpec,
      accounts,
      streams: accountStreams(stack.jetstream.streams),
      operatorName: stack.name,
      ...sharedClusterSettings(),
    },
    opts,
  );
  const lightdash = presets.lightdash
    ? new Lightdash(
        "lightdash",
        { lightdash: presets.lightdash, cluster: cluster.cluster, credentials, createNamespace: config.getBoolean("createNamespace") ?? true },
        { ...opts, dependsOn: [cluster] },
      )
    : undefined;
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
  };
}

function deploySuperCluster({ spec, stack }: StackDescription): StackOutputs {
  const superclusterSpec = spec.supercluster!;
  const supercluster = new SuperCluster(stack.name, {
    ...sharedClusterSettings(),
    clusters: superclusterSpec.clusters.map((member) => ({ ...member, provider: kubernetesProvider(member.kubernetes) })),
    gatewayTls: superclusterSpec.gatewayTls,
    accounts: spec.accounts,
    streams: accountStreams(stack.jetstream.streams),
    operatorName: stack.name,
  });
  return {
    clientUrls: supercluster.clientUrls,
    gatewayUrls: supercluster.gatewayUrls,
    operatorPublicKey: supercluster.credentials.operatorPublicKey,
    accountPublicKeys: supercluster.credentials.accountPublicKeys,
    credsSecretNames: supercluster.credsSecretNames,
  };
}

function deployHubAndLeaf({ spec, stack }: StackDescription): StackOutputs {
  const hubLeafSpec = spec.hubLeaf!;
  const hubProvider = kubernetesProvider(hubLeafSpec.hub.kubernetes);
  const hubAndLeaf = new HubAndLeaf(stack.name, {
    ...sharedClusterSettings(),
    hub: { ...hubLeafSpec.hub, provider: hubProvider },
    sites: hubLeafSpec.sites.map((site) => ({ ...site, provider: site.kubernetes ? kubernetesProvider(site.kubernetes) : hubProvider })),
    accounts: spec.accounts,
    streams: accountStreams(stack.jetstream.streams),
    operatorName: stack.name,
  });
  return {
    clientUrls: hubAndLeaf.clientUrls,
    leafUrl: hubAndLeaf.leafUrl,
    operatorPublicKey: hubAndLeaf.credentials.operatorPublicKey,
    accountPublicKeys: hubAndLeaf.credentials.accountPublicKeys,
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
export const operatorPublicKey = outputs.operatorPublicKey;
export const accountPublicKeys = outputs.accountPublicKeys;
export const credsSecretNames = outputs.credsSecretNames;
