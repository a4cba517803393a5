/**
 * Where a cluster's servers run in Kubernetes: one StatefulSet named after the cluster, its pods found by
 * DNS through the headless Service, each server's name from its pod, its store on the claim at /data.
 */
import { Cluster } from "../../model/cluster";
import { ConfVariable } from "../../model/conf";
import { serverName } from "../../model/names";
import { ServerPlacement } from "../../model/placement";

/** The pod's environment variable holding the server's name; the one ConfigMap reads it. */
export const SERVER_NAME_VARIABLE = "SERVER_NAME";
/** Where the JetStream volume claim is mounted. */
export const KUBERNETES_STORE_DIR = "/data";
/** Where the server writes its pid, shared with the reloader sidecar. */
export const KUBERNETES_PID_FILE = "/var/run/nats/nats.pid";
/** Where the ConfigMap with nats.conf is mounted. */
export const KUBERNETES_CONFIG_DIR = "/etc/nats-config";
/** The Kubernetes cluster's DNS domain unless a stack names another. */
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

/** The Service that gives every pod a stable DNS name (routes, gateways, KEDA reach pods through it). */
export function headlessServiceName(cluster: Pick<Cluster, "name">): string {
  return `${cluster.name}-headless`;
}

/** The Service clients connect through. */
export function clientServiceName(cluster: Pick<Cluster, "name">): string {
  return cluster.name;
}

/** The StatefulSet's pod of one ordinal: `<cluster>-<ordinal>`, the server's own name. */
export function podName(cluster: Pick<Cluster, "name">, ordinal: number): string {
  return serverName(cluster, ordinal);
}

/** The stable DNS name of one pod of the StatefulSet, through the headless Service. */
export function podDnsName(cluster: Pick<Cluster, "name" | "namespace">, ordinal: number, clusterDomain = DEFAULT_CLUSTER_DOMAIN): string {
  return `${podName(cluster, ordinal)}.${headlessServiceName(cluster)}.${cluster.namespace}.svc.${clusterDomain}`;
}

/** The placement every pod shares: one config for all, routes to every pod's DNS name, the name from the pod. */
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
