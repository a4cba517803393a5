/**
 * Labels and object names of one cluster's Kubernetes objects. Everything that selects pods or names an
 * object derives from the cluster name alone, so that a change of tier or size never changes a selector
 * (a StatefulSet's selector is immutable).
 */
import { Cluster } from "../../model/cluster";
import { podName } from "./pod-placement";
import { PROJECT_NAME } from "../../model/stack";

export type Labels = Record<string, string>;

/** The labels that pick a cluster's pods: the StatefulSet, Services, PDB and NetworkPolicy all use these. */
export function selectorLabels(cluster: Pick<Cluster, "name">): Labels {
  return {
    "app.kubernetes.io/name": "nats",
    "app.kubernetes.io/instance": cluster.name,
  };
}

/** Labels every object of the cluster carries. */
export function commonLabels(cluster: Pick<Cluster, "name">): Labels {
  return {
    ...selectorLabels(cluster),
    "app.kubernetes.io/component": "jetstream",
    "app.kubernetes.io/part-of": PROJECT_NAME,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

export function configMapName(cluster: Pick<Cluster, "name">): string {
  return `${cluster.name}-config`;
}

export function serviceAccountName(cluster: Pick<Cluster, "name">): string {
  return cluster.name;
}

/** Name of the StatefulSet's volume claim template, and so the prefix of every JetStream claim. */
export const JETSTREAM_CLAIM_TEMPLATE = "jetstream";

/** The claim the StatefulSet controller makes for one pod: `<template>-<statefulset>-<ordinal>`. */
export function jetstreamClaimName(cluster: Pick<Cluster, "name">, ordinal: number): string {
  return `${JETSTREAM_CLAIM_TEMPLATE}-${podName(cluster, ordinal)}`;
}
