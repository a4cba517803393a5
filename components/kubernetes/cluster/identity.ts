/** The namespace (when the component creates it) and the pods' ServiceAccount. */
import type * as k8s from "@pulumi/kubernetes";
import { Cluster } from "../../model/cluster";
import { commonLabels, serviceAccountName } from "./labels";

export function buildNamespace(cluster: Cluster): k8s.core.v1.NamespaceArgs {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: cluster.namespace, labels: commonLabels(cluster) },
  };
}

/** nats-server never calls the Kubernetes API, so its pods get an account of their own with no token. */
export function buildServiceAccount(cluster: Cluster): k8s.core.v1.ServiceAccountArgs {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: serviceAccountName(cluster), namespace: cluster.namespace, labels: commonLabels(cluster) },
    automountServiceAccountToken: false,
  };
}
