/** The two Services: a headless one that gives each pod its DNS name, and the one clients connect to. */
import type * as k8s from "@pulumi/kubernetes";
import { Cluster } from "../model/cluster";
import { clientServiceName, headlessServiceName } from "../model/placement";
import { commonLabels, selectorLabels } from "./labels";

/**
 * Route URLs and KEDA's per-pod monitor queries use the pod names this Service publishes, so it lists every
 * port, and publishes pods before they are ready: servers must find each other to form the quorum that
 * makes them ready.
 */
export function buildHeadlessService(cluster: Cluster): k8s.core.v1.ServiceArgs {
  const { client, cluster: routes, monitor, metrics } = cluster.ports;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: headlessServiceName(cluster), namespace: cluster.namespace, labels: commonLabels(cluster) },
    spec: {
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector: selectorLabels(cluster),
      ports: [
        { name: "client", port: client, targetPort: "client", protocol: "TCP" },
        { name: "cluster", port: routes, targetPort: "cluster", protocol: "TCP" },
        { name: "monitor", port: monitor, targetPort: "monitor", protocol: "TCP" },
        { name: "metrics", port: metrics, targetPort: "metrics", protocol: "TCP" },
      ],
    },
  };
}

/** Clients reach ready servers only: a server still catching up is not handed connections. */
export function buildClientService(cluster: Cluster): k8s.core.v1.ServiceArgs {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: clientServiceName(cluster), namespace: cluster.namespace, labels: commonLabels(cluster) },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(cluster),
      ports: [{ name: "client", port: cluster.ports.client, targetPort: "client", protocol: "TCP" }],
    },
  };
}
