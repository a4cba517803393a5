/**
 * A supercluster: JetStream clusters in different regions joined by gateways into one subject space and one
 * JetStream meta group, as a stack describes it (SuperClusterSpec) and as the back ends use it (SuperClusterTopology).
 */
import type { MemberAwsSpec } from "./aws-substrate";
import { Cluster, ClusterSpec, resolveCluster } from "./cluster";
import { Problems } from "./errors";
import { checkProvidersAgree, KubernetesTarget, KubernetesTargetSpec, resolveKubernetesTarget } from "./kubernetes-target";
import { KubernetesVersionField, requireKubernetesFeature, resolveKubernetesVersion } from "./kubernetes-version";
import { Cloud } from "./clouds";
import { resolveTlsCertificates, TlsCertificates, TlsCertificatesSpec } from "./link-tls";
import { checkLinkTls, linkExposure, ListenerService, ListenerServiceSpec, resolveListenerService } from "./listener-exposure";
import { dnsLabelRule, isDnsLabel, isNatsName, NATS_NAME_RULE, serverName } from "./names";
import { clusterTag, regionTag, TaggedCluster, zoneTag } from "./tags";

/** One cluster of a supercluster: a cluster description plus where it runs. */
export interface SuperClusterMemberSpec extends ClusterSpec {
  /** Region the cluster runs in, e.g. "us-east-1"; becomes the server tag `region:<region>`. */
  region: string;
  /**
   * Availability zones the servers spread over, e.g. ["us-east-1a", "us-east-1b", "us-east-1c"]. Server
   * `n` is in zone `n mod zones`, tagged `az:<zone>`, and JetStream puts each replica of a stream in a
   * different zone. Unset: no zone tags, and replicas may share a zone. On Kubernetes a pod is tagged with
   * the zone it was scheduled to, read from its zone label, so the stack must target Kubernetes 1.35 or newer.
   */
  zones?: string[];
  /** The gateway name. Always the cluster name (nats-server requires it); given only to state it. */
  gatewayName?: string;
  /**
   * Prepended to every server name of the cluster. Pod names already start with the cluster name, so server
   * names are unique across the supercluster without one; a prefix adds, say, an organisation's naming scheme.
   */
  serverNamePrefix?: string;
  /** The Kubernetes cluster this cluster's objects go to. Unset: the stack's default provider. */
  kubernetes?: KubernetesTargetSpec;
  /** The Service in front of the cluster's gateway listener. Default: a LoadBalancer. */
  gatewayService?: ListenerServiceSpec;
  /**
   * A NATS node pool for this cluster on an existing EKS cluster in the member's `region` (with `cloud: aws`).
   * The program creates it (nats-jetstream/aws, deployNodePools); SuperCluster itself does not read it. Default none.
   */
  aws?: MemberAwsSpec;
}

/** Certificates for gateway connections: from a cert-manager issuer, or from Secrets in every cluster's namespace. */
export type GatewayTlsSpec = TlsCertificatesSpec;

/** A supercluster as a stack describes it (the stack key `supercluster`): clusters joined by gateways into one JetStream meta group. */
export interface SuperClusterSpec {
  /** Two or more clusters, each gateway-linked to every other. */
  clusters: SuperClusterMemberSpec[];
  /**
   * Encrypt and mutually authenticate gateway connections. Required when gateways leave their Kubernetes
   * cluster (clusters in different Kubernetes clusters, or a gateway Service that is a LoadBalancer or NodePort).
   */
  gatewayTls?: GatewayTlsSpec;
  /** Let gateways that leave their Kubernetes cluster run without gatewayTls, in plain text. Default false: refused. */
  allowPlaintextGateways?: boolean;
}

export interface SuperClusterMember {
  cluster: Cluster;
  region: string;
  zones: string[];
  serverNamePrefix: string;
  kubernetes: KubernetesTarget;
  /** Server names in ordinal order. */
  serverNames: string[];
  /** The Service in front of the gateway listener. */
  gatewayService: ListenerService;
}

export type GatewayTls = TlsCertificates;

export interface SuperClusterTopology {
  members: SuperClusterMember[];
  gatewayTls: GatewayTls | undefined;
  /** The JetStream domain every cluster shares, if one is set. */
  domain: string | undefined;
}

/** Gateways join clusters, so a supercluster has at least two. */
export const MIN_SUPERCLUSTER_CLUSTERS = 2;

/**
 * JetStream in a gateway-linked cluster needs routes to start, and a one-server cluster has none: nats-server
 * 2.9.10 stops with "JetStream cluster requires configured routes".
 */
const MIN_SERVERS_PER_MEMBER = 3;

/** The server name of one ordinal of a member: `<prefix><server name>`, as `SERVER_NAME` in the pod. */
export function memberServerName(member: Pick<SuperClusterMember, "cluster" | "serverNamePrefix">, ordinal: number): string {
  return member.serverNamePrefix + serverName(member.cluster, ordinal);
}

/** The zone of one ordinal of a member, when the member lists zones. */
export function memberZone(member: Pick<SuperClusterMember, "zones">, ordinal: number): string | undefined {
  return member.zones.length === 0 ? undefined : member.zones[ordinal % member.zones.length];
}

/** Every server's tags, per cluster, as the tags section writes them (zones by ordinal). */
export function superClusterTags(superCluster: SuperClusterTopology): TaggedCluster[] {
  return superCluster.members.map((member) => ({
    name: member.cluster.name,
    serverTags: member.serverNames.map((_, ordinal) => {
      const zone = memberZone(member, ordinal);
      return [clusterTag(member.cluster.name), regionTag(member.region), ...(zone === undefined ? [] : [zoneTag(zone)])];
    }),
  }));
}

function checkZones(problems: Problems, path: string, zones: unknown, cluster: Cluster): string[] {
  if (zones === undefined) return [];
  if (!Array.isArray(zones) || zones.length === 0) {
    problems.add(path, zones, 'list the zones, e.g. ["us-east-1a", "us-east-1b", "us-east-1c"], or leave zones out');
    return [];
  }
  zones.forEach((zone, index) => {
    if (!isDnsLabel(zone)) problems.add(`${path}[${index}]`, zone, dnsLabelRule());
    else if (zones.indexOf(zone) !== index) problems.add(`${path}[${index}]`, zone, "list each zone once");
  });
  const replicas = cluster.jetstream.streamReplicas;
  if (zones.length < replicas) {
    problems.add(
      path,
      zones,
      `list at least ${replicas} zones: each replica of an R${replicas} stream goes to a different zone, so fewer zones leave replicas unplaced`,
    );
  }
  return zones.filter((zone) => isDnsLabel(zone));
}

function checkServerNamePrefix(problems: Problems, path: string, prefix: unknown): string {
  if (prefix === undefined || prefix === "") return "";
  if (!isNatsName(prefix)) {
    problems.add(path, prefix, NATS_NAME_RULE);
    return "";
  }
  return prefix;
}

function resolveMember(spec: SuperClusterMemberSpec, path: string, problems: Problems, cloud: Cloud | undefined): SuperClusterMember {
  const cluster = resolveCluster(spec, path, problems);
  if (spec.gatewayName !== undefined && spec.gatewayName !== spec.name) {
    problems.add(`${path}.gatewayName`, spec.gatewayName, `use the cluster name ${JSON.stringify(spec.name)} or leave it out: nats-server requires the gateway name to equal the cluster name`);
  }
  if (cluster.servers < MIN_SERVERS_PER_MEMBER) {
    problems.add(`${path}.servers`, cluster.servers, `run at least ${MIN_SERVERS_PER_MEMBER} servers: JetStream in a supercluster needs routes within each cluster`);
  }
  if (!isDnsLabel(spec.region)) problems.add(`${path}.region`, spec.region, dnsLabelRule());
  const zones = checkZones(problems, `${path}.zones`, spec.zones, cluster);
  const serverNamePrefix = checkServerNamePrefix(problems, `${path}.serverNamePrefix`, spec.serverNamePrefix);
  const member: SuperClusterMember = {
    cluster,
    region: spec.region,
    zones,
    serverNamePrefix,
    kubernetes: resolveKubernetesTarget(spec.kubernetes, `${path}.kubernetes`, problems),
    serverNames: [],
    gatewayService: resolveListenerService(spec.gatewayService, cloud, `${path}.gatewayService`, problems),
  };
  member.serverNames = Array.from({ length: cluster.servers }, (_, ordinal) => memberServerName(member, ordinal));
  return member;
}

function checkUniqueClusterNames(members: readonly SuperClusterMember[], path: string, problems: Problems): void {
  const first = new Map<string, number>();
  members.forEach((member, index) => {
    const name = member.cluster.name;
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, index);
    else problems.add(`${path}[${index}].name`, name, `use a name no other cluster has (${path}[${earlier}] has it): it is also the gateway name`);
  });
}

/** Only across clusters of different names: a repeated cluster name is reported once, as such. */
function checkUniqueServerNames(members: readonly SuperClusterMember[], path: string, problems: Problems): void {
  const owner = new Map<string, number>();
  const clusterNames = new Set<string>();
  members.forEach((member, index) => {
    if (clusterNames.has(member.cluster.name)) return;
    clusterNames.add(member.cluster.name);
    for (const server of member.serverNames) {
      const earlier = owner.get(server);
      if (earlier === undefined) owner.set(server, index);
      else if (earlier !== index) {
        problems.add(
          `${path}[${index}].serverNamePrefix`,
          member.serverNamePrefix,
          `use a prefix that keeps server names unique: ${server} is also a server of ${path}[${earlier}], and JetStream tells servers apart by name`,
        );
        return;
      }
    }
  });
}

/**
 * The clusters of a supercluster form one JetStream meta group, so they are one JetStream domain: either no
 * cluster names a domain or all name the same one. Separate domains are for leaf nodes.
 */
function checkSharedDomain(members: readonly SuperClusterMember[], path: string, problems: Problems): string | undefined {
  const domain = members[0]?.cluster.jetstream.domain;
  members.forEach((member, index) => {
    if (index === 0 || member.cluster.jetstream.domain === domain) return;
    problems.add(
      `${path}[${index}].jetstream.domain`,
      member.cluster.jetstream.domain,
      domain === undefined
        ? `leave it out as ${path}[0] does: a supercluster is one JetStream domain`
        : `use ${JSON.stringify(domain)} as ${path}[0] does: a supercluster is one JetStream domain`,
    );
  });
  return domain;
}

/** Zone tags come from each pod's zone label on Kubernetes, so a member listing zones needs a version that sets it. */
function checkZoneLabel(members: readonly SuperClusterMember[], clustersPath: string, kubernetesVersion: KubernetesVersionField, problems: Problems): void {
  const zoned = members.flatMap((member, index) => (member.zones.length > 0 ? [`${clustersPath}[${index}].zones`] : []));
  if (zoned.length === 0) return;
  const fields = zoned.length === 1 ? zoned[0] : `${zoned[0]} and ${zoned.length - 1} more`;
  requireKubernetesFeature(kubernetesVersion, "podZoneLabel", `zone tags (${fields})`, "leave zones out", problems);
}

/** A stack that states no Kubernetes version. */
const UNSTATED_KUBERNETES_VERSION: KubernetesVersionField = { path: "kubernetesVersion", given: undefined, version: undefined };

/**
 * Checks a supercluster description and fills in its defaults. Problems are collected into `problems`
 * under `path`; the result is only meaningful when no problem was added. `kubernetesVersion` is the stack's
 * target, which zones need (see SuperClusterMemberSpec.zones); `cloud` the stack's, whose load balancers front
 * the gateways.
 */
export function resolveSuperCluster(
  spec: SuperClusterSpec,
  path: string,
  problems: Problems,
  kubernetesVersion: KubernetesVersionField = UNSTATED_KUBERNETES_VERSION,
  cloud?: Cloud,
): SuperClusterTopology {
  const clustersPath = `${path}.clusters`;
  const specs = Array.isArray(spec?.clusters) ? spec.clusters : [];
  if (specs.length < MIN_SUPERCLUSTER_CLUSTERS) {
    problems.add(clustersPath, spec?.clusters, `list at least ${MIN_SUPERCLUSTER_CLUSTERS} clusters: gateways join clusters`);
  }
  const members = specs.map((member, index) => resolveMember(member ?? ({} as SuperClusterMemberSpec), `${clustersPath}[${index}]`, problems, cloud));
  checkUniqueClusterNames(members, clustersPath, problems);
  checkUniqueServerNames(members, clustersPath, problems);
  const domain = checkSharedDomain(members, clustersPath, problems);
  checkZoneLabel(members, clustersPath, kubernetesVersion, problems);
  checkProvidersAgree(
    members.map((member, index) => ({ path: `${clustersPath}[${index}].kubernetes`, target: member.kubernetes })),
    problems,
  );
  const gatewayTls = resolveTlsCertificates(spec?.gatewayTls, `${path}.gatewayTls`, problems);
  const exposure = linkExposure(
    members.map((member, index) => ({ path: `${clustersPath}[${index}].kubernetes`, kubernetes: member.kubernetes })),
    members.map((member, index) => ({ path: `${clustersPath}[${index}].gatewayService`, service: member.gatewayService })),
  );
  checkLinkTls(exposure, gatewayTls !== undefined, spec?.allowPlaintextGateways, `${path}.gatewayTls`, `${path}.allowPlaintextGateways`, problems);
  return { members, gatewayTls, domain };
}

/**
 * Resolves a supercluster on its own, for a target of `kubernetesVersion` ("MAJOR.MINOR", as the stack key),
 * throwing a ValidationError that lists every problem.
 */
export function validateSuperCluster(spec: SuperClusterSpec, path = "supercluster", kubernetesVersion?: string): SuperClusterTopology {
  const problems = new Problems();
  const superCluster = resolveSuperCluster(spec, path, problems, resolveKubernetesVersion(kubernetesVersion, "kubernetesVersion", problems));
  problems.throwIfAny();
  return superCluster;
}
