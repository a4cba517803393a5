/**
 * Namespaces of a topology's clusters. Clusters may share a namespace of one Kubernetes cluster (a hub and a
 * site side by side), so each namespace is created once per provider, by the topology rather than by each
 * JetStreamCluster. A component's `dependsOn` does not reach the resources inside it, so the clusters'
 * resources are made to wait for their namespace by a transformation.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../model/cluster";
import { PROJECT_NAME } from "../../model/stack";

/** Where one cluster of a topology goes. */
export interface ClusterPlacement {
  cluster: Cluster;
  /** Undefined: the provider the topology component inherits. */
  provider: k8s.Provider | undefined;
}

/**
 * One Namespace per distinct provider and namespace name, named in Pulumi after the first cluster that
 * needs it; the result holds each cluster's, in order. Kept on destroy, as the JetStream claims in it are.
 */
export function createNamespaces(name: string, placements: readonly ClusterPlacement[], parent: pulumi.Resource): k8s.core.v1.Namespace[] {
  const created = new Map<k8s.Provider | undefined, Map<string, k8s.core.v1.Namespace>>();
  return placements.map(({ cluster, provider }) => {
    const onProvider = created.get(provider) ?? new Map<string, k8s.core.v1.Namespace>();
    created.set(provider, onProvider);
    const existing = onProvider.get(cluster.namespace);
    if (existing !== undefined) return existing;
    const namespace = new k8s.core.v1.Namespace(
      `${name}-${cluster.name}-namespace`,
      {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: cluster.namespace, labels: { "app.kubernetes.io/part-of": PROJECT_NAME, "app.kubernetes.io/managed-by": "pulumi" } },
      },
      { parent, provider, retainOnDelete: true },
    );
    onProvider.set(cluster.namespace, namespace);
    return namespace;
  });
}

function withDependency(dependsOn: pulumi.ResourceOptions["dependsOn"], resource: pulumi.Resource): pulumi.ResourceOptions["dependsOn"] {
  if (dependsOn === undefined) return [resource];
  if (Array.isArray(dependsOn)) return [...dependsOn, resource];
  if (pulumi.Resource.isInstance(dependsOn)) return [dependsOn, resource];
  // An Output or promise of one resource or of a list: `output` keeps resources as they are.
  const given = pulumi.output(dependsOn as pulumi.Input<unknown>) as pulumi.Output<pulumi.Resource | pulumi.Resource[]>;
  return given.apply((known) => [...(Array.isArray(known) ? known : [known]), resource]);
}

/** Makes a component and every resource inside it wait for `resource`. */
export function waitingFor(resource: pulumi.Resource): pulumi.ResourceTransformation {
  return ({ props, opts }) => ({ props, opts: { ...opts, dependsOn: withDependency(opts.dependsOn, resource) } });
}
