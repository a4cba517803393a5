/**
 * The Pulumi program: deploys the cluster the stack's config describes (stacks/Pulumi.<stack>.yaml).
 *
 * Config keys, all under `nats-jetstream:`: `cluster` (the ClusterSpec), and for the Kubernetes side
 * `kubeconfig` (contents or path, may be secret) or `context` (a context of the ambient kubeconfig),
 * `createNamespace` (default true), `clientNamespaces` and `monitoringNamespace`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { JetStreamCluster } from "./components/kubernetes";
import { ClusterSpec, PROJECT_NAME, resolveStack, StackSpec, ValidationError } from "./components/model";

const config = new pulumi.Config(PROJECT_NAME);

function readStackSpec(): StackSpec {
  return { cluster: config.getObject<ClusterSpec>("cluster") };
}

function validatedClusterSpec(spec: StackSpec): ClusterSpec {
  try {
    resolveStack(pulumi.getStack(), spec);
  } catch (error) {
    // A config mistake is the user's to fix, not a crash: report the problems without a stack trace.
    if (error instanceof ValidationError) throw new pulumi.RunError(`stack ${pulumi.getStack()}: ${error.message}`);
    throw error;
  }
  return spec.cluster as ClusterSpec;
}

/** The provider the stack names, or undefined for the ambient kubeconfig and context. */
function kubernetesProvider(): k8s.Provider | undefined {
  const kubeconfig = config.getSecret("kubeconfig");
  const context = config.get("context");
  if (kubeconfig === undefined && context === undefined) return undefined;
  return new k8s.Provider(`${pulumi.getStack()}-kubernetes`, { kubeconfig, context });
}

const clusterSpec = validatedClusterSpec(readStackSpec());
const provider = kubernetesProvider();
const cluster = new JetStreamCluster(
  clusterSpec.name,
  {
    cluster: clusterSpec,
    createNamespace: config.getBoolean("createNamespace") ?? true,
    clientNamespaces: config.getObject<string[]>("clientNamespaces"),
    monitoringNamespace: config.get("monitoringNamespace"),
  },
  provider ? { providers: [provider] } : undefined,
);

export const clientUrl = cluster.clientUrl;
export const clientServiceName = cluster.clientServiceName;
export const headlessServiceName = cluster.headlessServiceName;
export const monitorEndpoints = cluster.monitorEndpoints;
export const clusterName = cluster.clusterName;
export const namespace = cluster.namespace;
