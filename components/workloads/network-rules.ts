/**
 * Ingress rules for the NATS servers' NetworkPolicy. They are rules, not whole policies: the first policy
 * that selects the server pods isolates them, so a policy allowing only one client would cut the servers'
 * routes and every other client off. The cluster's own policy takes these rules in.
 */
import { NetworkPolicyIngressRule } from "./k8s-types";

/** Namespace and pod labels of the KEDA operator as its Helm chart installs it. */
export const DEFAULT_KEDA_NAMESPACE = "keda";
export const DEFAULT_KEDA_POD_LABELS: Readonly<Record<string, string>> = { "app.kubernetes.io/name": "keda-operator" };

export interface KedaSource {
  /** Namespace KEDA runs in. Default "keda". */
  namespace?: string;
  /** Labels of the KEDA operator's pods. Default `app.kubernetes.io/name: keda-operator`. */
  podLabels?: Record<string, string>;
}

/** Lets the KEDA operator read every server's monitor port, where the nats-jetstream scaler finds consumer lag. */
export function kedaMonitorIngressRule(monitorPort: number, keda: KedaSource = {}): NetworkPolicyIngressRule {
  return {
    from: [
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": keda.namespace ?? DEFAULT_KEDA_NAMESPACE } },
        podSelector: { matchLabels: { ...(keda.podLabels ?? DEFAULT_KEDA_POD_LABELS) } },
      },
    ],
    ports: [{ protocol: "TCP", port: monitorPort }],
  };
}

/** Lets an application's pods reach the servers' client port. */
export function clientIngressRule(clientPort: number, namespace: string, podLabels: Record<string, string>): NetworkPolicyIngressRule {
  return {
    from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } }, podSelector: { matchLabels: { ...podLabels } } }],
    ports: [{ protocol: "TCP", port: clientPort }],
  };
}
