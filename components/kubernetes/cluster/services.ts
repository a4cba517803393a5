/** The two Services: a headless one that gives each pod its DNS name, and the one clients connect to. */
import type * as k8s from "@pulumi/kubernetes";
import { Cluster } from "../../model/cluster";
import { clientServiceName, headlessServiceName } from "./pod-placement";
import { commonLabels, selectorLabels } from "./labels";

/**
 * Route URLs and KEDA's per-pod monitor queries use the pod names this Service publishes, so it lists every
 * port, and publishes pods before they are ready: servers must find each other to form the quorum that
 * makes them ready.
 */
export function buildHeadlessService(cluster: Cluster): k8s.core.v1.ServiceArgs {
  const { client, cluster: routes, monitor, metrics } = cluster.ports;
  return clusterService(cluster, headlessServiceName(cluster), {
    clusterIP: "None",
    publishNotReadyAddresses: true,
    selector: selectorLabels(cluster),
    ports: [namedPort("client", client), namedPort("cluster", routes), namedPort("monitor", monitor), namedPort("metrics", metrics)],
  });
}

/** Clients reach ready servers only: a server still catching up is not handed connections. */
export function buildClientService(cluster: Cluster): k8s.core.v1.ServiceArgs {
  return clusterService(cluster, clientServiceName(cluster), {
    type: "ClusterIP",
    selector: selectorLabels(cluster),
    ports: [namedPort("client", cluster.ports.client)],
  });
}

/** A Service of the cluster's namespace, labelled as the cluster's. */
function clusterService(cluster: Cluster, name: string, spec: k8s.types.input.core.v1.ServiceSpec): k8s.core.v1.ServiceArgs {
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace: cluster.namespace, labels: commonLabels(cluster) }, spec };
}

/** A TCP port that targets the container port of the same name. */
function namedPort(name: string, port: number): k8s.types.input.core.v1.ServicePort {
  return { name, port, targetPort: name, protocol: "TCP" };
}
