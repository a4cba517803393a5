/**
 * The Kubernetes version a stack targets (the top-level `kubernetesVersion`, "MAJOR.MINOR"): some of what
 * the Kubernetes back end renders works only from a given version on, and a stack that uses it must say it
 * targets such a version, so the mismatch is refused before anything is deployed rather than found in a
 * running cluster.
 */
import { Problems } from "./errors";

/** A Kubernetes minor release. */
export interface KubernetesVersion {
  /** 1 for every Kubernetes release so far. */
  major: number;
  /** The minor release, e.g. 35 for 1.35. */
  minor: number;
}

/** Something the back end relies on that Kubernetes provides only from some version on. */
export interface KubernetesFeatureSpec {
  /** The first version that provides it, "MAJOR.MINOR". */
  since: string;
  /** What it is, for messages. */
  what: string;
}

/** What the back end relies on from a given Kubernetes version on. */
export const KUBERNETES_FEATURES = {
  /**
   * The pod's own zone label, copied from its node when the pod is bound (the PodTopologyLabelsAdmission
   * plugin, beta and on by default from 1.35); zone tags read it through the downward API.
   */
  podZoneLabel: { since: "1.35", what: "each pod's topology.kubernetes.io/zone label" },
} as const satisfies Record<string, KubernetesFeatureSpec>;

/** A feature of KUBERNETES_FEATURES. */
export type KubernetesFeature = keyof typeof KUBERNETES_FEATURES;

/**
 * "MAJOR.MINOR" without leading zeros. Kubernetes has had major version 1 since its first release; the
 * bounds only keep out typing slips.
 */
export const KUBERNETES_VERSION_PATTERN = /^([1-9][0-9]?)\.(0|[1-9][0-9]{0,2})$/;

/** How to write a version, for messages. */
export const KUBERNETES_VERSION_RULE = 'use MAJOR.MINOR in quotes, such as "1.35" (unquoted, 1.30 would be read as the number 1.3)';

/** The version a "MAJOR.MINOR" string names, or undefined for anything else (a YAML number included: 1.30 reads as 1.3). */
export function parseKubernetesVersion(text: unknown): KubernetesVersion | undefined {
  if (typeof text !== "string") return undefined;
  const match = KUBERNETES_VERSION_PATTERN.exec(text);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** "MAJOR.MINOR". */
export function formatKubernetesVersion(version: KubernetesVersion): string {
  return `${version.major}.${version.minor}`;
}

/** Whether `version` is `minimum` ("MAJOR.MINOR") or newer. */
export function kubernetesAtLeast(version: KubernetesVersion, minimum: string): boolean {
  const min = parseKubernetesVersion(minimum);
  if (min === undefined) throw new Error(`bad minimum Kubernetes version ${minimum}`);
  return version.major !== min.major ? version.major > min.major : version.minor >= min.minor;
}

/** The target version as a stack states it: where, what was written, and the version when it reads as one. */
export interface KubernetesVersionField {
  /** Path of the field, e.g. `kubernetesVersion`. */
  path: string;
  /** The value as written; undefined when the stack does not state a version. */
  given: unknown;
  version: KubernetesVersion | undefined;
}

/** Checks the stated version; a malformed one is a problem at `path`. */
export function resolveKubernetesVersion(given: unknown, path: string, problems: Problems): KubernetesVersionField {
  const version = parseKubernetesVersion(given);
  if (given !== undefined && version === undefined) problems.add(path, given, KUBERNETES_VERSION_RULE);
  return { path, given, version };
}

/**
 * Refuses a feature the target version does not provide, or a target left unstated. The message says what
 * to state, which fields need the feature (`usedBy`), and what to do without it (`otherwise`).
 */
export function requireKubernetesFeature(field: KubernetesVersionField, feature: KubernetesFeature, usedBy: string, otherwise: string, problems: Problems): void {
  // A malformed version is already a problem of its own.
  if (field.given !== undefined && field.version === undefined) return;
  const { since, what } = KUBERNETES_FEATURES[feature];
  if (field.version !== undefined && kubernetesAtLeast(field.version, since)) return;
  problems.add(field.path, field.given, `state "${since}" or newer: ${usedBy} need ${what}, which Kubernetes provides from ${since} on; or ${otherwise}`);
}
