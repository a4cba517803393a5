/**
 * Which Kubernetes cluster a NATS cluster's objects go to. A supercluster spans regions, so each of its
 * clusters may name its own kubeconfig context; the Kubernetes back end makes one provider per name.
 */
import { Problems } from "./errors";
import { dnsLabelRule, isDnsLabel } from "./names";

/** Which Kubernetes cluster a NATS cluster's objects go to. Both fields unset: the stack's default provider. */
export interface KubernetesTargetSpec {
  /** Name of the Pulumi Kubernetes provider (a DNS label); clusters naming the same provider share it. Default: the context's name. */
  provider?: string;
  /** kubeconfig context the provider uses. Unset: the kubeconfig's current context. */
  context?: string;
}

/** A checked target. Both fields undefined: the stack's default provider. */
export interface KubernetesTarget {
  provider: string | undefined;
  context: string | undefined;
}

export const DEFAULT_KUBERNETES_TARGET: Readonly<KubernetesTarget> = { provider: undefined, context: undefined };

/**
 * Checks one target. A context without a provider name gets a provider named after the context, so that
 * two clusters on one context share a provider without having to say so.
 */
export function resolveKubernetesTarget(spec: KubernetesTargetSpec | undefined, path: string, problems: Problems): KubernetesTarget {
  if (spec === undefined) return { ...DEFAULT_KUBERNETES_TARGET };
  if (spec.provider !== undefined && !isDnsLabel(spec.provider)) problems.add(`${path}.provider`, spec.provider, dnsLabelRule());
  const contextValid = spec.context === undefined || (typeof spec.context === "string" && spec.context.trim() !== "");
  if (!contextValid) problems.add(`${path}.context`, spec.context, "name a context of the kubeconfig, or leave it out for the current context");
  const provider = spec.provider ?? (isDnsLabel(spec.context) ? spec.context : undefined);
  if (provider === undefined && spec.context !== undefined && contextValid) {
    problems.add(`${path}.provider`, undefined, `name the provider: the context ${JSON.stringify(spec.context)} is not a DNS label, so it cannot name one itself`);
  }
  return { provider, context: spec.context };
}

/** One provider name must mean one context everywhere it is used. */
export function checkProvidersAgree(targets: readonly { path: string; target: KubernetesTarget }[], problems: Problems): void {
  const first = new Map<string, { path: string; target: KubernetesTarget }>();
  for (const entry of targets) {
    const provider = entry.target.provider;
    if (provider === undefined) continue;
    const earlier = first.get(provider);
    if (earlier === undefined) first.set(provider, entry);
    else if (earlier.target.context !== entry.target.context) {
      problems.add(
        `${entry.path}.context`,
        entry.target.context,
        `use the context ${earlier.path} gives provider ${provider} (${earlier.target.context ?? "the current context"}), or name another provider`,
      );
    }
  }
}
