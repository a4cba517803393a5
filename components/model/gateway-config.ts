/**
 * The `gateway` section of a supercluster server. Every server of every cluster carries it (nats-server
 * joins a cluster to the supercluster only when all its servers have one), and it lists every cluster's
 * gateway URLs. The URLs are inputs: loopback ports locally, each cluster's gateway Service address in
 * Kubernetes, where they are only known once the Services exist.
 */
import { ConfBlock } from "./conf";
import { GatewayTls, SuperCluster } from "./supercluster";

/** Certificate files of a TLS block, as paths inside the server's filesystem. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

/** Where the gateway certificate Secret is mounted in a pod. */
export const GATEWAY_CERT_DIR = "/etc/nats-certs/gateway";
/** Where the CA Secret is mounted when it is not the certificate Secret. */
export const GATEWAY_CA_DIR = "/etc/nats-certs/gateway-ca";
/** Seconds a gateway TLS handshake may take: longer than the 2 s default, for links between regions. */
export const GATEWAY_TLS_TIMEOUT_SECONDS = 5;

/** The files of the gateway Secrets as a pod sees them (kubernetes.io/tls keys). */
export function mountedGatewayTlsFiles(tls: GatewayTls): TlsFiles {
  const caDir = tls.caSecretName === tls.secretName ? GATEWAY_CERT_DIR : GATEWAY_CA_DIR;
  return { certFile: `${GATEWAY_CERT_DIR}/tls.crt`, keyFile: `${GATEWAY_CERT_DIR}/tls.key`, caFile: `${caDir}/ca.crt` };
}

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
  superCluster: SuperCluster,
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
      tls:
        options.tls === undefined
          ? undefined
          : {
              cert_file: options.tls.certFile,
              key_file: options.tls.keyFile,
              ca_file: options.tls.caFile,
              verify: true,
              timeout: GATEWAY_TLS_TIMEOUT_SECONDS,
            },
    },
  };
}
