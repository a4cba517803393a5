/**
 * A listener that servers of other clusters dial (gateways, leaf nodes), exposed through a Service of its
 * own: a load balancer by default, since those servers usually run in other Kubernetes clusters. The address
 * the listener advertises, and that other clusters' configs list, is read from the Service once it exists.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cloud, CLOUDS } from "../model/clouds";
import { Cluster } from "../model/cluster";
import { Problems } from "../model/errors";
import { commonLabels, selectorLabels } from "./labels";

export const SERVICE_TYPES = ["LoadBalancer", "NodePort", "ClusterIP"] as const;
export type ListenerServiceType = (typeof SERVICE_TYPES)[number];

export { CLOUDS, Cloud };

/**
 * An internet-facing network load balancer from the AWS Load Balancer Controller, sending traffic straight to
 * pod IPs: NATS connections are long-lived TCP, which a network load balancer passes through untouched.
 */
export const AWS_NLB_ANNOTATIONS: Readonly<Record<string, string>> = {
  "service.beta.kubernetes.io/aws-load-balancer-type": "external",
  "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
};

/** Node ports Kubernetes hands out by default. */
const NODE_PORT_RANGE = { min: 30000, max: 32767 };
const HOST = /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$|^[0-9a-fA-F:]+$/;
const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;

export interface ListenerServiceArgs {
  /**
   * Service type. LoadBalancer (default) for peers in other Kubernetes clusters; NodePort with `nodePort` and
   * `advertiseHost`; ClusterIP only when every peer runs in this Kubernetes cluster.
   */
  type?: ListenerServiceType;
  /** Annotations added to the Service, over those the cloud adds. */
  annotations?: Record<string, string>;
  /**
   * Source CIDRs that may connect to the listener. Default: any source, since peers run elsewhere. A load
   * balancer that does not keep the client's address connects from its own, which must then be listed too.
   */
  allowedCidrs?: string[];
  /** Host the listener advertises instead of the Service's address, e.g. a DNS name in front of it. Required with NodePort. */
  advertiseHost?: string;
  /** With NodePort: the port every node opens (30000-32767), fixed so that the advertised address is known. */
  nodePort?: number;
}

/** A checked ListenerServiceArgs, with the cloud's annotations merged in. */
export interface ListenerService {
  type: ListenerServiceType;
  annotations: Record<string, string>;
  /** Undefined: any source. */
  allowedCidrs: string[] | undefined;
  advertiseHost: string | undefined;
  nodePort: number | undefined;
}

/** One listener of the servers: its name (also the Service's port name and name suffix) and port. */
export interface Listener {
  name: "gateway" | "leafnodes";
  port: number;
}

export function checkCloud(cloud: unknown, path: string, problems: Problems): Cloud | undefined {
  if (cloud === undefined) return undefined;
  if (!CLOUDS.includes(cloud as Cloud)) {
    problems.add(path, cloud, `use ${CLOUDS.join(" or ")}, or leave it out for no cloud-specific load balancer settings`);
    return undefined;
  }
  return cloud as Cloud;
}

function checkAnnotations(annotations: unknown, path: string, problems: Problems): Record<string, string> {
  if (annotations === undefined) return {};
  const valid =
    typeof annotations === "object" && annotations !== null && !Array.isArray(annotations) && Object.values(annotations).every((value) => typeof value === "string");
  if (!valid) {
    problems.add(path, annotations, 'give a map of annotation names to text values, e.g. { "service.beta.kubernetes.io/aws-load-balancer-internal": "true" }');
    return {};
  }
  return annotations as Record<string, string>;
}

function checkCidrs(cidrs: unknown, path: string, problems: Problems): string[] | undefined {
  if (cidrs === undefined) return undefined;
  if (!Array.isArray(cidrs) || cidrs.length === 0) {
    problems.add(path, cidrs, 'list the source CIDRs, e.g. ["203.0.113.0/24"], or leave it out to allow any source');
    return undefined;
  }
  cidrs.forEach((cidr, index) => {
    if (typeof cidr !== "string" || !CIDR.test(cidr)) problems.add(`${path}[${index}]`, cidr, 'use a CIDR such as "203.0.113.0/24" or "2001:db8::/32"');
  });
  return cidrs;
}

/** Checks one listener's Service settings; problems go under `path`. */
export function resolveListenerService(args: ListenerServiceArgs | undefined, cloud: Cloud | undefined, path: string, problems: Problems): ListenerService {
  const given = args ?? {};
  const type = given.type ?? "LoadBalancer";
  if (!SERVICE_TYPES.includes(type)) problems.add(`${path}.type`, type, `use one of ${SERVICE_TYPES.join(", ")}`);
  if (given.advertiseHost !== undefined && (typeof given.advertiseHost !== "string" || !HOST.test(given.advertiseHost))) {
    problems.add(`${path}.advertiseHost`, given.advertiseHost, "use a DNS name or an IP address");
  }
  if (type === "NodePort") {
    const port = given.nodePort;
    if (typeof port !== "number" || !Number.isInteger(port) || port < NODE_PORT_RANGE.min || port > NODE_PORT_RANGE.max) {
      problems.add(`${path}.nodePort`, port, `use a port from ${NODE_PORT_RANGE.min} to ${NODE_PORT_RANGE.max}: peers are told it before the Service exists`);
    }
    if (given.advertiseHost === undefined) {
      problems.add(`${path}.advertiseHost`, undefined, "name the host peers dial (a DNS name for the nodes): a NodePort Service has no address of its own");
    }
  } else if (given.nodePort !== undefined) {
    problems.add(`${path}.nodePort`, given.nodePort, "leave it out unless type is NodePort");
  }
  const cloudAnnotations = cloud === "aws" && type === "LoadBalancer" ? AWS_NLB_ANNOTATIONS : {};
  return {
    type,
    annotations: { ...cloudAnnotations, ...checkAnnotations(given.annotations, `${path}.annotations`, problems) },
    allowedCidrs: checkCidrs(given.allowedCidrs, `${path}.allowedCidrs`, problems),
    advertiseHost: given.advertiseHost,
    nodePort: type === "NodePort" ? given.nodePort : undefined,
  };
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
