/**
 * A listener that servers of other clusters dial (gateways, leaf nodes), exposed through a Service of its
 * own: a load balancer by default, since those servers usually run in other Kubernetes clusters. The address
 * the listener advertises, and that other clusters' configs list, is read from the Service once it exists.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cloud, CLOUDS } from "../../model/clouds";
import { Cluster } from "../../model/cluster";
import { ListenerService, ListenerServiceSpec } from "../../model/listener-exposure";
import { commonLabels, selectorLabels } from "../cluster/labels";

/** The checked settings live in the model, which checks a stack's listeners too; the Service is built here. */
export { AWS_NLB_ANNOTATIONS, checkCloud, resolveListenerService, SERVICE_TYPES } from "../../model/listener-exposure";
export type { ListenerService, ListenerServiceType } from "../../model/listener-exposure";
/** A listener's Service settings, as the components take them. */
export type ListenerServiceArgs = ListenerServiceSpec;

export { CLOUDS, Cloud };

/** One listener of the servers: its name (also the Service's port name and name suffix) and port. */
export interface Listener {
  name: "gateway" | "leafnodes";
  port: number;
}

export function listenerServiceName(cluster: Pick<Cluster, "name">, listener: Listener): string {
  return `${cluster.name}-${listener.name}`;
}

/**
 * The Service in front of one listener of every server of the cluster. The target port is the listener's
 * number: the nats-server container declares only its client, route and monitor ports by name.
 */
export function buildListenerService(
  cluster: Cluster,
  listener: Listener,
  service: ListenerService,
  options: { publishNotReadyAddresses: boolean },
): k8s.core.v1.ServiceArgs {
  const annotations = Object.keys(service.annotations).length > 0 ? service.annotations : undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: listenerServiceName(cluster, listener), namespace: cluster.namespace, labels: commonLabels(cluster), annotations },
    spec: {
      type: service.type,
      selector: selectorLabels(cluster),
      publishNotReadyAddresses: options.publishNotReadyAddresses,
      loadBalancerSourceRanges: service.loadBalancerSourceRanges,
      ports: [{ name: listener.name, port: listener.port, targetPort: listener.port, protocol: "TCP", nodePort: service.nodePort }],
    },
  };
}

/**
 * NetworkPolicies add up, so this one opens the listener's port beside the cluster's own policy, which
 * stays as it is.
 */
export function buildListenerNetworkPolicy(cluster: Cluster, listener: Listener, service: ListenerService): k8s.networking.v1.NetworkPolicyArgs {
  const sources = service.allowedCidrs?.map((cidr) => ({ ipBlock: { cidr } }));
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: listenerServiceName(cluster, listener), namespace: cluster.namespace, labels: commonLabels(cluster) },
    spec: {
      podSelector: { matchLabels: selectorLabels(cluster) },
      policyTypes: ["Ingress"],
      // A rule without `from` admits every source.
      ingress: [{ ports: [{ protocol: "TCP", port: listener.port }], ...(sources ? { from: sources } : {}) }],
    },
  };
}

/** The first address a load balancer Service reports: AWS gives a hostname, most others an IP. */
function loadBalancerHost(status: k8s.types.output.core.v1.ServiceStatus | undefined): string | undefined {
  const ingress = status?.loadBalancer?.ingress?.[0];
  return ingress?.hostname || ingress?.ip || undefined;
}

/**
 * `host:port` that peers dial to reach the listener through its Service, known once the Service is: a load
 * balancer's reported address, a ClusterIP Service's DNS name, or the advertised host given.
 */
export function listenerAddress(
  serviceResource: k8s.core.v1.Service,
  listener: Listener,
  service: ListenerService,
  clusterDomain: string,
): pulumi.Output<string> {
  const { metadata } = serviceResource;
  if (service.advertiseHost !== undefined) {
    const address = `${service.advertiseHost}:${service.nodePort ?? listener.port}`;
    return metadata.name.apply(() => address);
  }
  if (service.type === "ClusterIP") return pulumi.interpolate`${metadata.name}.${metadata.namespace}.svc.${clusterDomain}:${listener.port}`;
  return pulumi.all([serviceResource.status, metadata.namespace, metadata.name]).apply(([status, namespace, name]) => {
    const host = loadBalancerHost(status);
    if (host === undefined) {
      throw new Error(`Service ${namespace}/${name} reports no load balancer address; set advertiseHost, or check the cluster's load balancer controller`);
    }
    return `${host}:${listener.port}`;
  });
}
