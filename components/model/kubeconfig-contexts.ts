/**
 * Contexts a stack names (`context`, and `kubernetes.context` of a supercluster member, a hub or a site)
 * checked against the kubeconfig the stack gives, so a misspelt context fails before anything is planned
 * rather than when the provider first connects.
 */
import { parse } from "yaml";
import { Problems } from "./errors";
import { StackKeys } from "./stack-schema";

/** Context names a kubeconfig defines, or undefined when the text is not a kubeconfig. */
export function kubeconfigContexts(contents: string): string[] | undefined {
  let document: unknown;
  try {
    document = parse(contents, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  if (document === null || typeof document !== "object" || Array.isArray(document)) return undefined;
  const contexts = (document as { contexts?: unknown }).contexts;
  if (contexts === undefined || contexts === null) return [];
  if (!Array.isArray(contexts)) return undefined;
  return contexts.flatMap((entry) => (typeof entry?.name === "string" ? [entry.name as string] : []));
}

/** Every context the stack names, with the path of the key that names it. */
export function namedContexts(keys: Pick<StackKeys, "context" | "supercluster" | "hubLeaf">): { path: string; context: string }[] {
  const named: { path: string; context: string | undefined }[] = [
    { path: "context", context: keys.context },
    ...(keys.supercluster?.clusters ?? []).map((member, index) => ({ path: `supercluster.clusters[${index}].kubernetes.context`, context: member.kubernetes?.context })),
    { path: "hubLeaf.hub.kubernetes.context", context: keys.hubLeaf?.hub.kubernetes?.context },
    ...(keys.hubLeaf?.sites ?? []).map((site, index) => ({ path: `hubLeaf.sites[${index}].kubernetes.context`, context: site.kubernetes?.context })),
  ];
  return named.flatMap(({ path, context }) => (context === undefined ? [] : [{ path, context }]));
}

/** The kubeconfig as found: its contents, or the path given that names no file. */
export type KubeconfigSource = { contents: string } | { missing: string };

/**
 * Checks that the kubeconfig can be read and defines every context the stack names. The kubeconfig's
 * contents are never repeated in a message: they hold credentials.
 */
export function checkKubeContexts(keys: Pick<StackKeys, "context" | "supercluster" | "hubLeaf">, kubeconfig: KubeconfigSource, problems: Problems): void {
  if ("missing" in kubeconfig) {
    problems.add("kubeconfig", kubeconfig.missing, "give the contents of a kubeconfig, or the path of a kubeconfig file that exists");
    return;
  }
  const defined = kubeconfigContexts(kubeconfig.contents);
  if (defined === undefined) {
    problems.add("kubeconfig", "[secret]", "give a kubeconfig: YAML with a contexts list");
    return;
  }
  for (const { path, context } of namedContexts(keys)) {
    if (!defined.includes(context)) problems.add(path, context, `name a context of the kubeconfig: ${defined.join(", ") || "(it defines none)"}`);
  }
}
