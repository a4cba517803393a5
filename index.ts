/**
 * The Pulumi program: reads the stack's description (stacks/Pulumi.<stack>.yaml) and deploys it by the kind of
 * its topology. Each kind has its own deploy function; this file only reads the config and dispatches.
 *
 * Config keys, all under `nats-jetstream:`: the description itself (`cluster`, `supercluster` or `hubLeaf`,
 * plus `accounts`, `streams` and `keyValues`; see StackSpec), and for the Kubernetes side `kubeconfig`
 * (contents or path, may be secret) or `context` (a context of the ambient kubeconfig), `createNamespace`
 * (default true), `clientNamespaces` and `monitoringNamespace`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { deployCluster } from "./components/kubernetes/deploy-cluster";
import { accountStreams, ClusterSpec, PROJECT_NAME, resolveStack, Stack, STACK_SPEC_KEYS, StackSpec, ValidationError } from "./components/model";

const config = new pulumi.Config(PROJECT_NAME);

/** The description as written (what the components take) and as validated (what the dispatch reads). */
interface StackDescription {
  spec: StackSpec;
  stack: Stack;
}

function readStack(): StackDescription {
  const spec: StackSpec = {};
  for (const key of STACK_SPEC_KEYS) {
    const value = config.getObject(key);
    if (value !== undefined) Object.assign(spec, { [key]: value });
  }
  try {
    return { spec, stack: resolveStack(pulumi.getStack(), spec) };
  } catch (error) {
    // A config mistake is the user's to fix, not a crash: report the problems without a stack trace.
    if (error instanceof ValidationError) throw new pulumi.RunError(`stack ${pulumi.getStack()}: ${error.message}`);
    throw error;
  }
}

/** The provider the stack names, or undefined for the ambient kubeconfig and context. */
function kubernetesProvider(): k8s.Provider | undefined {
  const kubeconfig = config.getSecret("kubeconfig");
  const context = config.get("context");
  if (kubeconfig === undefined && context === undefined) return undefined;
  return new k8s.Provider(`${pulumi.getStack()}-kubernetes`, { kubeconfig, context });
}

/** What `pulumi stack output` shows: endpoints, public keys and Secret names, never a seed or creds. */
interface StackOutputs {
  clientUrl: pulumi.Output<string>;
  clientServiceName: pulumi.Output<string>;
  headlessServiceName: pulumi.Output<string>;
  monitorEndpoints: pulumi.Output<string[]>;
  clusterName: pulumi.Output<string>;
  namespace: pulumi.Output<string>;
  operatorPublicKey: pulumi.Output<string>;
  /** By account name, SYS included. */
  accountPublicKeys: pulumi.Output<Record<string, string>>;
  /** The Secret holding each user's `<user>.creds`, by user name. */
  credsSecretNames: pulumi.Output<Record<string, string>> | undefined;
}

function deployOneCluster({ spec, stack }: StackDescription, provider: k8s.Provider | undefined): StackOutputs {
  const clusterSpec = spec.cluster as ClusterSpec;
  const { cluster, credentials } = deployCluster(
    clusterSpec.name,
    {
      cluster: clusterSpec,
      accounts: spec.accounts,
      streams: accountStreams(stack.jetstream.streams),
      operatorName: stack.name,
      createNamespace: config.getBoolean("createNamespace") ?? true,
      clientNamespaces: config.getObject<string[]>("clientNamespaces"),
      monitoringNamespace: config.get("monitoringNamespace"),
    },
    provider ? { providers: [provider] } : undefined,
  );
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
  };
}

function deploy(description: StackDescription, provider: k8s.Provider | undefined): StackOutputs {
  const { stack } = description;
  switch (stack.topology.kind) {
    case "cluster":
      return deployOneCluster(description, provider);
    case "supercluster":
    case "hub-leaf":
      throw new pulumi.RunError(
        `stack ${stack.name}: a ${stack.topology.kind} topology is not yet deployable by the program; ` +
          `npm run local -- ${stack.name} starts it on this machine`,
      );
  }
}

const outputs = deploy(readStack(), kubernetesProvider());

export const clientUrl = outputs.clientUrl;
export const clientServiceName = outputs.clientServiceName;
export const headlessServiceName = outputs.headlessServiceName;
export const monitorEndpoints = outputs.monitorEndpoints;
export const clusterName = outputs.clusterName;
export const namespace = outputs.namespace;
export const operatorPublicKey = outputs.operatorPublicKey;
export const accountPublicKeys = outputs.accountPublicKeys;
export const credsSecretNames = outputs.credsSecretNames;
