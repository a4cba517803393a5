/**
 * The Kubernetes providers of a topology's clusters. A cluster's `kubernetes` target names a provider and a
 * context; the topology builds one provider per name from the kubeconfig it is given, so the package's args
 * stay plain values that every language can pass (a provider object is not one its schema can describe).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesTarget } from "../../model/kubernetes-target";

/** How the topology reaches the Kubernetes clusters that its clusters' `kubernetes` targets name. */
export interface TopologyKubernetesArgs {
  /**
   * The kubeconfig (its contents) of the providers built for clusters that name a `kubernetes` target; may
   * be secret. Unset: the ambient kubeconfig.
   */
  kubeconfig?: pulumi.Input<string>;
  /** The context of the providers built for targets that name none. Unset: the kubeconfig's current context. */
  context?: string;
}

/**
 * Each cluster's provider, in order: for a cluster whose target names a provider, the provider of that name,
 * built once and shared by every cluster naming it; undefined for a cluster without one, which takes the
 * provider the component inherits. Without a kubeconfig or any context there is nothing to configure, so
 * every cluster takes the inherited provider.
 *
 * The providers are named `<component>-kubernetes-<provider>` and registered at the top of the stack, not
 * under the component, so that a program that built them itself under those names keeps the same URNs, and
 * with them every object on them.
 */
export function topologyProviders(name: string, targets: readonly KubernetesTarget[], args: TopologyKubernetesArgs): (k8s.Provider | undefined)[] {
  const built = new Map<string, k8s.Provider | undefined>();
  return targets.map((target) => {
    if (target.provider === undefined) return undefined;
    if (!built.has(target.provider)) {
      const context = target.context ?? args.context;
      const configured = args.kubeconfig !== undefined || context !== undefined;
      built.set(target.provider, configured ? new k8s.Provider(`${name}-kubernetes-${target.provider}`, { kubeconfig: args.kubeconfig, context }) : undefined);
    }
    return built.get(target.provider);
  });
}
