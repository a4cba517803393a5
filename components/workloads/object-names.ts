/** Kubernetes names and labels for objects derived from NATS names, which allow capitals and underscores. */

/** Longest name of most Kubernetes objects (a DNS subdomain). */
const MAX_OBJECT_NAME = 253;

/**
 * A DNS-subdomain name made of the given parts: lowercased, every run of other characters turned into one
 * `-`, parts joined by `-`. `("lightdash", "WAREHOUSE_QUERY_JOBS")` gives `lightdash-warehouse-query-jobs`.
 */
export function objectName(...parts: string[]): string {
  const name = parts
    .map((part) => part.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, ""))
    .filter((part) => part.length > 0)
    .join("-");
  return name.slice(0, MAX_OBJECT_NAME).replace(/-+$/, "");
}

/** The recommended app labels; `app.kubernetes.io/name` and `instance` also select the pods. */
export function appLabels(name: string, component: string, partOf: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": name,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": partOf,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** The labels a Deployment selects its pods by: stable, unlike the rest, because a selector cannot change. */
export function appSelectorLabels(name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name };
}
