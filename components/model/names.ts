/** Naming rules shared by clusters, accounts, streams and Kubernetes objects. */

/** A DNS label (RFC 1123) without its length limit, which callers give. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** NATS names (server, cluster, stream, consumer, account) may not hold whitespace, `.`, `*`, `>` or path characters. */
export const NATS_NAME = /^[^\s.*>/\\]+$/;

/**
 * Longest name for a cluster: its pods are `<name>-<ordinal>`, its Services add suffixes up to
 * `-leafnodes`, and the StatefulSet's controller-revision-hash label adds 11 characters to a 63 limit.
 */
export const MAX_CLUSTER_NAME_LENGTH = 42;

export function isDnsLabel(value: unknown, maxLength = 63): value is string {
  return typeof value === "string" && value.length <= maxLength && DNS_LABEL.test(value);
}

export function isNatsName(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= 255 && NATS_NAME.test(value);
}

export function dnsLabelRule(maxLength = 63): string {
  return `use 1 to ${maxLength} lowercase letters, digits and '-', starting and ending with a letter or digit`;
}

/**
 * A server's name in every back end: `<cluster>-<ordinal>`. The Kubernetes StatefulSet, named after the
 * cluster, gives its pods these names, and local processes take them too, so configs and checks agree.
 */
export function serverName(cluster: { name: string }, ordinal: number): string {
  return `${cluster.name}-${ordinal}`;
}

export const NATS_NAME_RULE = "use a non-empty name without whitespace, '.', '*', '>', '/' or '\\'";
