/**
 * nats.conf for the pods, rendered by the model's one renderer with Kubernetes placement, and the
 * ConfigMap that carries it.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../model/cluster";
import { ConfBlock } from "../../model/conf";
import { kubernetesPlacement } from "./pod-placement";
import { RenderedServer, renderServer } from "../../model/server-config";
import { commonLabels, configMapName } from "./labels";

export const CONFIG_KEY = "nats.conf";

/**
 * Renders one config for every pod. Sections may be Outputs (accounts, gateway URLs); then so is the result.
 *
 * Each section is handed through `pulumi.all` inside a closure: `all` and `output` rebuild plain objects,
 * which would turn the model's ConfVariable references (`$SERVER_NAME`) into ordinary blocks.
 */
export function renderPodConfig(
  cluster: Cluster,
  clusterDomain: string,
  extraSections: readonly pulumi.Input<ConfBlock>[],
): RenderedServer | pulumi.Output<RenderedServer> {
  const placement = kubernetesPlacement(cluster, clusterDomain);
  const render = (sections: readonly ConfBlock[]) => renderServer(cluster, placement, { extraSections: [...sections] });
  if (extraSections.every(isPlainSection)) return render(extraSections);
  const wrapped = extraSections.map((section) => {
    if (pulumi.Output.isInstance(section)) return section.apply((block) => () => block);
    if (section instanceof Promise) return section.then((block) => () => block);
    return () => section;
  });
  return pulumi.all(wrapped).apply((thunks) => render(thunks.map((thunk) => thunk())));
}

function isPlainSection(section: pulumi.Input<ConfBlock>): section is ConfBlock {
  return !pulumi.Output.isInstance(section) && !(section instanceof Promise);
}

/** Applies `derive` to a rendered config now, or when it is known. */
export function fromRenderedConfig<T>(rendered: RenderedServer | pulumi.Output<RenderedServer>, derive: (config: RenderedServer) => T): T | pulumi.Output<T> {
  return pulumi.Output.isInstance(rendered) ? (rendered.apply(derive) as pulumi.Output<T>) : derive(rendered);
}

/**
 * A fixed name, so running pods see the new file in place and the reloader applies it without a restart
 * (an auto-named ConfigMap would change the pod template and roll every pod instead).
 */
export function buildConfigMap(cluster: Cluster, natsConf: pulumi.Input<string>): k8s.core.v1.ConfigMapArgs {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: configMapName(cluster), namespace: cluster.namespace, labels: commonLabels(cluster) },
    data: { [CONFIG_KEY]: natsConf },
  };
}
