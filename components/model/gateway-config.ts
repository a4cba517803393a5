/**
 * The `gateway` section of a supercluster server. Every server of every cluster carries it (nats-server
 * joins a cluster to the supercluster only when all its servers have one), and it lists every cluster's
 * gateway URLs. The URLs are inputs: loopback ports locally, each cluster's gateway Service address in
 * Kubernetes, where they are only known once the Services exist.
 */
import { ConfBlock } from "./conf";
import { listenerTlsBlock, TlsFiles } from "./link-tls";
import { SuperClusterTopology } from "./supercluster";

export type { TlsFiles };

export interface GatewaySectionOptions {
  /** Address the gateway listener binds to. */
  host: string;
  port: number;
  /**
   * `host:port` the other clusters are told to dial, when the listener's own address is not reachable from
   * them (a pod IP behind a load balancer). Unset: nats-server advertises the address it listens on.
   */
  advertise?: string;
  /** Mutual TLS on every gateway connection. */
  tls?: TlsFiles;
}

/**
 * The gateway section of any server of cluster `clusterName`. `gatewayUrls` holds the gateway URLs of every
 * cluster of the supercluster (`nats://host:port`), by cluster name; its own are included, which nats-server
 * ignores, so one list serves every cluster.
 */
export function gatewaySection(
  superCluster: SuperClusterTopology,
  clusterName: string,
  gatewayUrls: Readonly<Record<string, readonly string[]>>,
  options: GatewaySectionOptions,
): ConfBlock {
  const names = superCluster.members.map((member) => member.cluster.name);
  if (!names.includes(clusterName)) throw new Error(`${clusterName} is not a cluster of the supercluster (${names.join(", ")})`);
  const missing = names.filter((name) => (gatewayUrls[name] ?? []).length === 0);
  if (missing.length > 0) throw new Error(`no gateway URLs for cluster ${missing.join(", ")}`);
  const unknown = Object.keys(gatewayUrls).filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new Error(`gateway URLs for ${unknown.join(", ")}, which is not a cluster of the supercluster`);
  return {
    gateway: {
      name: clusterName,
      host: options.host,
      port: options.port,
      advertise: options.advertise,
      // Only the clusters listed here may connect: a stray cluster with a reachable address cannot join.
      reject_unknown_cluster: true,
      gateways: names.map((name) => ({ name, urls: [...gatewayUrls[name]] })),
      tls: options.tls === undefined ? undefined : listenerTlsBlock(options.tls, true),
    },
  };
}
