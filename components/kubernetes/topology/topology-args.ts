/**
 * What the SuperCluster and HubAndLeaf components share: the settings every cluster of the topology gets,
 * the credentials across all of them, and the check that reports every bad field of their args as one
 * InputPropertiesError before any resource exists.
 */
import { AccountSpec, AccountStream } from "../../model/accounts";
import { Cluster, ClusterSpec } from "../../model/cluster";
import { Problems, ValidationError } from "../../model/errors";
import { PROJECT_NAME } from "../../model/stack";
import { checkInputs } from "../../pulumi-errors";
import { JetStreamClusterArgs, resolveClusterSettings } from "../cluster/cluster-args";
import { TopologyKubernetesArgs } from "./topology-providers";

/** Settings every cluster of a topology gets. */
export interface TopologyClusterArgs extends TopologyKubernetesArgs {
  /**
   * Create the clusters' namespaces, once per Kubernetes cluster where clusters share one. Default false (the
   * namespaces must exist). Created namespaces are kept on destroy, as the JetStream claims in them are.
   */
  createNamespace?: boolean;
  /** Namespaces whose pods may connect to each cluster's client port. Default: each cluster's own namespace. */
  clientNamespaces?: string[];
  /** Namespace whose pods may read every cluster's monitor and metrics ports. Default: none. */
  monitoringNamespace?: string;
  /** Further namespaces whose pods may read every cluster's monitor and metrics ports. Default: none. */
  monitoringNamespaces?: string[];
  /** DNS domain of the Kubernetes clusters. Default cluster.local. */
  clusterDomain?: string;
  /** Image of the config-reloader sidecar. */
  reloaderImage?: string;
  /** Image of the prometheus-nats-exporter sidecar. */
  exporterImage?: string;
  /**
   * The cloud the Kubernetes clusters run in: "aws" puts an internet-facing network load balancer (AWS Load
   * Balancer Controller) in front of each LoadBalancer Service. Unset: no cloud-specific annotations.
   */
  cloud?: string;
}

/** The operator-mode credentials of a topology: one operator and one set of accounts across its clusters. */
export interface TopologyCredentialsArgs {
  /** The accounts and their users. The system account SYS, with its user `sys`, is always added. */
  accounts?: AccountSpec[];
  /** The streams that publisher and worker users name. */
  streams?: AccountStream[];
  /** Operator name written into the operator JWT. Default: the component's name. */
  operatorName?: string;
  /** Changing this value issues a new operator key, and with it new JWTs for every account and user. */
  operatorRotation?: string;
}

/**
 * The path prefix the model's checks are given for the components' args. The model writes paths into its
 * messages too, so the prefix is a token no message contains, removed from both when the check ends.
 */
export const ARGS_ROOT = "@args";

/** What a topology forwards to each of its JetStreamClusters. */
export function sharedClusterArgs(
  args: TopologyClusterArgs,
): Pick<JetStreamClusterArgs, "clientNamespaces" | "monitoringNamespace" | "monitoringNamespaces" | "clusterDomain" | "reloaderImage" | "exporterImage"> {
  return {
    clientNamespaces: args.clientNamespaces,
    monitoringNamespace: args.monitoringNamespace,
    monitoringNamespaces: args.monitoringNamespaces,
    clusterDomain: args.clusterDomain,
    reloaderImage: args.reloaderImage,
    exporterImage: args.exporterImage,
  };
}

/**
 * Checks the shared settings as JetStreamCluster checks them (against a valid cluster), so that a bad one is
 * reported before anything exists rather than by the first cluster created.
 */
export function checkSharedClusterArgs(args: TopologyClusterArgs, cluster: ClusterSpec, problems: Problems): void {
  try {
    resolveClusterSettings({ cluster, ...sharedClusterArgs(args) });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const problem of error.problems) problems.add(problem.path, problem.value, problem.allowed);
  }
}

/** Labels of the creds Secrets in a cluster's namespace, which several clusters of a topology may share. */
export function credsSecretLabels(cluster: Pick<Cluster, "name">): Record<string, string> {
  return { "app.kubernetes.io/instance": cluster.name, "app.kubernetes.io/part-of": PROJECT_NAME };
}

/** Ends a check: every problem in one InputPropertiesError, each path a field of the args. */
export function throwIfInvalid(problems: Problems): void {
  const fromArgs = (text: string) => text.replaceAll(`${ARGS_ROOT}.`, "");
  checkInputs(() => {
    if (problems.count > 0) throw new ValidationError(problems.all.map((problem) => ({ ...problem, path: fromArgs(problem.path), allowed: fromArgs(problem.allowed) })));
  });
}
