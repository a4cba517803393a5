/**
 * Where a cluster's servers run. The renderer is the same for both back ends; only this differs:
 * in Kubernetes, pod DNS names and `$SERVER_NAME` from the pod; locally, 127.0.0.1, free ports and a
 * directory per server.
 */
import * as path from "path";
import { Cluster, Ports } from "./cluster";
import { ConfVariable } from "./conf";

export interface ServerPlacement {
  /** The server's name: literal for a local process, `$SERVER_NAME` in a pod (one ConfigMap serves every pod). */
  serverName: string | ConfVariable;
  /** Address every listener binds to. */
  listenHost: string;
  ports: Ports;
  /** Route URLs of every server in the cluster (listing itself is harmless and keeps one config for all pods). */
  routes: string[];
  /** JetStream store directory. */
  storeDir: string;
  /** Where the server writes its pid, for the lame-duck signal (`nats-server -sl=ldm=<pid file>`). */
  pidFile: string;
  /** Hide pod IPs from route gossip: in Kubernetes peers are found by DNS names that survive rescheduling. */
  noAdvertise: boolean;
}

export const SERVER_NAME_VARIABLE = "SERVER_NAME";
export const KUBERNETES_STORE_DIR = "/data";
export const KUBERNETES_PID_FILE = "/var/run/nats/nats.pid";
export const KUBERNETES_CONFIG_DIR = "/etc/nats-config";
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

export function headlessServiceName(cluster: Pick<Cluster, "name">): string {
  return `${cluster.name}-headless`;
}

export function clientServiceName(cluster: Pick<Cluster, "name">): string {
  return cluster.name;
}

export function podName(cluster: Pick<Cluster, "name">, ordinal: number): string {
  return `${cluster.name}-${ordinal}`;
}

/** The stable DNS name of one pod of the StatefulSet, through the headless Service. */
export function podDnsName(cluster: Pick<Cluster, "name" | "namespace">, ordinal: number, clusterDomain = DEFAULT_CLUSTER_DOMAIN): string {
  return `${podName(cluster, ordinal)}.${headlessServiceName(cluster)}.${cluster.namespace}.svc.${clusterDomain}`;
}

export function kubernetesPlacement(cluster: Cluster, clusterDomain = DEFAULT_CLUSTER_DOMAIN): ServerPlacement {
  const routes: string[] = [];
  for (let ordinal = 0; ordinal < cluster.servers; ordinal++) {
    routes.push(`nats://${podDnsName(cluster, ordinal, clusterDomain)}:${cluster.ports.cluster}`);
  }
  return {
    serverName: new ConfVariable(SERVER_NAME_VARIABLE),
    listenHost: "0.0.0.0",
    ports: cluster.ports,
    routes,
    storeDir: KUBERNETES_STORE_DIR,
    pidFile: KUBERNETES_PID_FILE,
    noAdvertise: true,
  };
}

/** Ports one local server listens on; `metrics` is unused locally (no exporter sidecar). */
export type LocalPorts = Ports;

export function localServerName(cluster: Pick<Cluster, "name">, ordinal: number): string {
  return `${cluster.name}-${ordinal}`;
}

/** One placement per server, on loopback, each with its own ports and directory under `runDir`. */
export function localPlacements(cluster: Cluster, portsPerServer: readonly LocalPorts[], runDir: string): ServerPlacement[] {
  if (portsPerServer.length !== cluster.servers) {
    throw new Error(`cluster ${cluster.name} has ${cluster.servers} servers but ${portsPerServer.length} port sets were given`);
  }
  const routes = portsPerServer.map((ports) => `nats://127.0.0.1:${ports.cluster}`);
  return portsPerServer.map((ports, ordinal) => {
    const name = localServerName(cluster, ordinal);
    return {
      serverName: name,
      listenHost: "127.0.0.1",
      ports,
      routes,
      storeDir: path.join(runDir, name, "jetstream"),
      pidFile: path.join(runDir, name, "nats.pid"),
      noAdvertise: false,
    };
  });
}
