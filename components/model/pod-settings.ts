/**
 * What a cluster's pods carry besides the servers themselves: where they may be scheduled (node selector,
 * tolerations, priority), which registry secrets pull their images, and labels and annotations of the
 * operator's own. The official NATS chart takes the same settings; a cluster on a NATS node pool gets the
 * pool's selector and toleration added (see nodePoolScheduling).
 */
import { Problems } from "./errors";
import { isDnsLabel } from "./names";

/** What a taint does to pods that do not tolerate it. */
export const TaintEffect = {
  /** New pods are not scheduled on the node. */
  NoSchedule: "NoSchedule",
  /** The scheduler avoids the node when it can. */
  PreferNoSchedule: "PreferNoSchedule",
  /** Running pods are evicted too. */
  NoExecute: "NoExecute",
} as const;
/** A taint effect: NoSchedule, PreferNoSchedule or NoExecute. */
export type TaintEffect = (typeof TaintEffect)[keyof typeof TaintEffect];
export const TAINT_EFFECTS: readonly TaintEffect[] = Object.values(TaintEffect);

/** How a toleration matches a taint's value. */
export const TolerationOperator = {
  /** The taint's value equals the toleration's. */
  Equal: "Equal",
  /** Any value of the key. */
  Exists: "Exists",
} as const;
/** How a toleration matches a taint's value: Equal or Exists. */
export type TolerationOperator = (typeof TolerationOperator)[keyof typeof TolerationOperator];
export const TOLERATION_OPERATORS: readonly TolerationOperator[] = Object.values(TolerationOperator);

/** A toleration, as a pod spec holds it. */
export interface PodToleration {
  /** The taint key; unset with `operator: Exists` tolerates every taint. */
  key?: string;
  /** Equal (the default) matches `value`; Exists matches any value. */
  operator?: TolerationOperator;
  /** The taint value that `Equal` matches. */
  value?: string;
  /** The effect tolerated; unset tolerates every effect. */
  effect?: TaintEffect;
  /** With NoExecute: how long the pod stays after the taint appears. Unset: for ever. */
  tolerationSeconds?: number;
}

/** Pod-level settings of a cluster's servers (the stack key `cluster.pod`). */
export interface PodSettingsSpec {
  /** Node labels a node must carry to run a server. */
  nodeSelector?: Record<string, string>;
  /** Taints the servers tolerate. */
  tolerations?: PodToleration[];
  /** A PriorityClass that must exist in the Kubernetes cluster. */
  priorityClassName?: string;
  /** Secrets of type kubernetes.io/dockerconfigjson in the cluster's namespace that pull the images. */
  imagePullSecrets?: string[];
  /** Labels added to every server pod; the cluster's own labels cannot be changed. */
  labels?: Record<string, string>;
  /** Annotations added to every server pod; the cluster's own annotations cannot be changed. */
  annotations?: Record<string, string>;
}

/** The settings with defaults filled in: empty where nothing is asked. */
export interface PodSettings {
  /** Node labels a node must carry; empty: any node. */
  nodeSelector: Record<string, string>;
  /** Taints tolerated; empty: none. */
  tolerations: PodToleration[];
  /** Undefined: the cluster's default priority. */
  priorityClassName: string | undefined;
  /** Secret names; empty: images pull without credentials. */
  imagePullSecrets: string[];
  /** Labels beside the cluster's own. */
  labels: Record<string, string>;
  /** Annotations beside the cluster's own. */
  annotations: Record<string, string>;
}

/** Label and annotation keys the cluster sets itself: they select its pods or keep it safe. */
export const RESERVED_POD_KEYS: readonly string[] = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/component",
  "app.kubernetes.io/part-of",
  "app.kubernetes.io/managed-by",
  "cluster-autoscaler.kubernetes.io/safe-to-evict",
];

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const KEY_RULE = 'use a Kubernetes key: an optional DNS prefix and "/", then up to 63 letters, digits, "-", "_" or "."';

/** Whether a label or taint key is a Kubernetes qualified name (prefix/name). */
export function isQualifiedName(value: unknown): value is string {
  return typeof value === "string" && value.length <= 316 && QUALIFIED_NAME.test(value) && (value.split("/")[0].length <= 253 || !value.includes("/"));
}

function checkKeys(problems: Problems, path: string, map: Record<string, string> | undefined, checkValue: boolean, what: string): void {
  for (const [key, value] of Object.entries(map ?? {})) {
    if (!isQualifiedName(key)) problems.add(`${path}.${key}`, key, KEY_RULE);
    else if (RESERVED_POD_KEYS.includes(key)) problems.add(`${path}.${key}`, value, `leave ${key} to the cluster, which sets it on its ${what}`);
    if (checkValue && (typeof value !== "string" || !LABEL_VALUE.test(value))) {
      problems.add(`${path}.${key}`, value, 'use a label value: up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
    }
  }
}

function checkToleration(problems: Problems, path: string, toleration: PodToleration): void {
  const operator = toleration.operator ?? "Equal";
  if (toleration.key !== undefined && !isQualifiedName(toleration.key)) problems.add(`${path}.key`, toleration.key, KEY_RULE);
  if (operator === "Exists" && toleration.value !== undefined) problems.add(`${path}.value`, toleration.value, "leave value out with operator Exists, which matches any value");
  if (operator === "Equal" && toleration.key === undefined) problems.add(`${path}.key`, undefined, "name the taint key, or use operator Exists to tolerate every taint");
  if (toleration.tolerationSeconds !== undefined && toleration.effect !== "NoExecute") {
    problems.add(`${path}.tolerationSeconds`, toleration.tolerationSeconds, "set it only with effect NoExecute, the one effect that evicts");
  }
}

/** Checks a cluster's pod settings under `path` and fills in the empty defaults. */
export function resolvePodSettings(spec: PodSettingsSpec | undefined, path: string, problems: Problems): PodSettings {
  const given = spec ?? {};
  checkKeys(problems, `${path}.nodeSelector`, given.nodeSelector, true, "nodes");
  checkKeys(problems, `${path}.labels`, given.labels, true, "pods");
  checkKeys(problems, `${path}.annotations`, given.annotations, false, "pods");
  (given.tolerations ?? []).forEach((toleration, index) => checkToleration(problems, `${path}.tolerations[${index}]`, toleration ?? {}));
  if (given.priorityClassName !== undefined && !isDnsLabel(given.priorityClassName, 253)) {
    problems.add(`${path}.priorityClassName`, given.priorityClassName, "name a PriorityClass (a DNS name)");
  }
  (given.imagePullSecrets ?? []).forEach((name, index) => {
    if (!isDnsLabel(name, 253)) problems.add(`${path}.imagePullSecrets[${index}]`, name, "name a Secret in the cluster's namespace (a DNS name)");
  });
  return {
    nodeSelector: { ...(given.nodeSelector ?? {}) },
    tolerations: [...(given.tolerations ?? [])],
    priorityClassName: given.priorityClassName,
    imagePullSecrets: [...(given.imagePullSecrets ?? [])],
    labels: { ...(given.labels ?? {}) },
    annotations: { ...(given.annotations ?? {}) },
  };
}
