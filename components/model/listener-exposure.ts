/**
 * How a listener that servers of other clusters dial (gateways, leaf nodes) is exposed: the Service in front of
 * it, who may reach it, and whether it leaves its Kubernetes cluster. A listener that does must carry TLS, and
 * one on a load balancer the internet can reach must also name the sources it admits, unless the stack opts out
 * by name (see checkLinkExposure).
 */
import { Cloud, CLOUDS } from "./clouds";
import { Problems } from "./errors";
import { KubernetesTarget } from "./kubernetes-target";

/** How a listener's Service is reached: `LoadBalancer`, `NodePort` or `ClusterIP`. */
export const ListenerServiceType = {
  /** A cloud load balancer's address. */
  LoadBalancer: "LoadBalancer",
  /** A port on every node. */
  NodePort: "NodePort",
  /** Inside the Kubernetes cluster only. */
  ClusterIP: "ClusterIP",
} as const;
/** How a listener's Service is reached. */
export type ListenerServiceType = (typeof ListenerServiceType)[keyof typeof ListenerServiceType];
export const SERVICE_TYPES: readonly ListenerServiceType[] = Object.values(ListenerServiceType);

/**
 * An internet-facing network load balancer from the AWS Load Balancer Controller, sending traffic straight to
 * pod IPs: NATS connections are long-lived TCP, which a network load balancer passes through untouched.
 */
export const AWS_NLB_ANNOTATIONS: Readonly<Record<string, string>> = {
  "service.beta.kubernetes.io/aws-load-balancer-type": "external",
  "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
};

/**
 * Annotations that keep a load balancer on the private network, by cloud. Any other load balancer is taken as
 * internet-facing: that is what AWS, Google Cloud and Azure give a LoadBalancer Service by default.
 */
export const INTERNAL_LOAD_BALANCER_ANNOTATIONS: Readonly<Record<string, string>> = {
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
  "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
  "networking.gke.io/load-balancer-type": "Internal",
  "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
};

/** Node ports Kubernetes hands out by default. */
const NODE_PORT_RANGE = { min: 30000, max: 32767 };
const HOST = /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$|^[0-9a-fA-F:]+$/;
const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;

/** The Kubernetes Service in front of a gateway or leafnodes listener, which peers in other places dial. */
export interface ListenerServiceSpec {
  /**
   * Service type. LoadBalancer (default) for peers in other Kubernetes clusters; NodePort with `nodePort` and
   * `advertiseHost`; ClusterIP only when every peer runs in this Kubernetes cluster.
   */
  type?: ListenerServiceType;
  /** Annotations added to the Service, over those the cloud adds. */
  annotations?: Record<string, string>;
  /**
   * Source CIDRs the load balancer admits (the Service's `loadBalancerSourceRanges`; the AWS Load Balancer
   * Controller turns them into the NLB's security group rules). An internet-facing load balancer needs them,
   * or `allowAnySource: true`.
   */
  loadBalancerSourceRanges?: string[];
  /** Admit any source at an internet-facing load balancer without `loadBalancerSourceRanges`. Default false: refused. */
  allowAnySource?: boolean;
  /**
   * Source CIDRs the pods' NetworkPolicy admits on the listener's port. Default: any source, since peers run
   * elsewhere. A load balancer that does not keep the client's address connects from its own, which must then
   * be listed too.
   */
  allowedCidrs?: string[];
  /** Host the listener advertises instead of the Service's address, e.g. a DNS name in front of it. Required with NodePort. */
  advertiseHost?: string;
  /** With NodePort: the port every node opens (30000-32767), fixed so that the advertised address is known. */
  nodePort?: number;
}

/** A checked ListenerServiceSpec, with the cloud's annotations merged in. */
export interface ListenerService {
  type: ListenerServiceType;
  annotations: Record<string, string>;
  /** Undefined: the load balancer admits any source. */
  loadBalancerSourceRanges: string[] | undefined;
  /** Undefined: any source. */
  allowedCidrs: string[] | undefined;
  advertiseHost: string | undefined;
  nodePort: number | undefined;
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

function checkCidrs(cidrs: unknown, path: string, problems: Problems, absent: string): string[] | undefined {
  if (cidrs === undefined) return undefined;
  if (!Array.isArray(cidrs) || cidrs.length === 0) {
    problems.add(path, cidrs, `list the source CIDRs, e.g. ["203.0.113.0/24"], or leave it out ${absent}`);
    return undefined;
  }
  cidrs.forEach((cidr, index) => {
    if (typeof cidr !== "string" || !CIDR.test(cidr)) problems.add(`${path}[${index}]`, cidr, 'use a CIDR such as "203.0.113.0/24" or "2001:db8::/32"');
  });
  return cidrs;
}

/** Checks one listener's Service settings; problems go under `path`. */
export function resolveListenerService(spec: ListenerServiceSpec | undefined, cloud: Cloud | undefined, path: string, problems: Problems): ListenerService {
  const given = spec ?? {};
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
  if (type !== "LoadBalancer" && given.loadBalancerSourceRanges !== undefined) {
    problems.add(`${path}.loadBalancerSourceRanges`, given.loadBalancerSourceRanges, "leave it out unless type is LoadBalancer: only a load balancer applies it");
  }
  if (given.allowAnySource !== undefined && typeof given.allowAnySource !== "boolean") problems.add(`${path}.allowAnySource`, given.allowAnySource, "use true or false");
  const cloudAnnotations = cloud === "aws" && type === "LoadBalancer" ? AWS_NLB_ANNOTATIONS : {};
  const service: ListenerService = {
    type,
    annotations: { ...cloudAnnotations, ...checkAnnotations(given.annotations, `${path}.annotations`, problems) },
    loadBalancerSourceRanges: checkCidrs(given.loadBalancerSourceRanges, `${path}.loadBalancerSourceRanges`, problems, "and set allowAnySource: true to admit any source"),
    allowedCidrs: checkCidrs(given.allowedCidrs, `${path}.allowedCidrs`, problems, "to allow any source"),
    advertiseHost: given.advertiseHost,
    nodePort: type === "NodePort" ? given.nodePort : undefined,
  };
  if (isInternetFacing(service) && service.loadBalancerSourceRanges === undefined && given.allowAnySource !== true) {
    problems.add(
      `${path}.loadBalancerSourceRanges`,
      undefined,
      'list the CIDRs of the peers that dial this internet-facing load balancer, e.g. ["203.0.113.0/24"], or set allowAnySource: true to admit anyone; or make it internal (an annotation such as service.beta.kubernetes.io/aws-load-balancer-scheme: internal)',
    );
  }
  return service;
}

/** A LoadBalancer Service no annotation keeps on the private network. */
export function isInternetFacing(service: Pick<ListenerService, "type" | "annotations">): boolean {
  if (service.type !== "LoadBalancer") return false;
  return !Object.entries(INTERNAL_LOAD_BALANCER_ANNOTATIONS).some(([name, value]) => service.annotations[name]?.toLowerCase() === value.toLowerCase());
}

/** A Service reachable from outside its Kubernetes cluster: a load balancer or a port on every node. */
export function leavesKubernetesCluster(service: Pick<ListenerService, "type">): boolean {
  return service.type === "LoadBalancer" || service.type === "NodePort";
}

/** One end of a link: the Kubernetes cluster it runs in, by the path of the field that says so. */
export interface LinkEnd {
  path: string;
  kubernetes: KubernetesTarget;
}

/** A provider without a context uses the stack's, so only the context tells Kubernetes clusters apart. */
function sameKubernetesCluster(a: KubernetesTarget, b: KubernetesTarget): boolean {
  return a.context === b.context;
}

/**
 * Why a listener's links leave their Kubernetes cluster, or undefined when they stay inside it: ends in
 * different Kubernetes clusters, or a listener Service reachable from outside.
 */
export function linkExposure(ends: readonly LinkEnd[], services: readonly { path: string; service: ListenerService }[]): string | undefined {
  const apart = ends.find((end) => !sameKubernetesCluster(end.kubernetes, ends[0].kubernetes));
  if (apart !== undefined) return `${apart.path}.context ${JSON.stringify(apart.kubernetes.context ?? null)} puts a cluster in another Kubernetes cluster than ${ends[0].path}`;
  const exposed = services.find(({ service }) => leavesKubernetesCluster(service));
  if (exposed !== undefined) return `${exposed.path}.type ${exposed.service.type} is reachable from outside the Kubernetes cluster`;
  return undefined;
}

/**
 * Refuses links that leave their Kubernetes cluster without TLS, unless the stack allows plain TCP by name.
 * `tlsPath` names the TLS key, `allowKey` the opt-out key beside it.
 */
export function checkLinkTls(exposure: string | undefined, hasTls: boolean, allowPlaintext: unknown, tlsPath: string, allowKey: string, problems: Problems): void {
  if (allowPlaintext !== undefined && typeof allowPlaintext !== "boolean") {
    problems.add(allowKey, allowPlaintext, "use true or false");
    return;
  }
  if (exposure === undefined || hasTls || allowPlaintext === true) return;
  problems.add(
    tlsPath,
    undefined,
    `give { issuer: { name, kind } } (a cert-manager issuer) or { secretName } (a kubernetes.io/tls Secret): ${exposure}, so its links need TLS; or set ${allowKey}: true to send them in plain text`,
  );
}
