/**
 * The hub's leafnodes listener as sites reach it: its Service, and its TLS, which links that leave the hub's
 * Kubernetes cluster must carry (see checkLinkTls).
 */
import { Cloud } from "./clouds";
import { Problems } from "./errors";
import { KubernetesTarget } from "./kubernetes-target";
import { resolveTlsCertificates, TlsCertificates, TlsCertificatesSpec } from "./link-tls";
import { checkLinkTls, linkExposure, ListenerService, ListenerServiceSpec, resolveListenerService } from "./listener-exposure";

/** The stack's keys for the leafnodes listener. */
export interface LeafnodesExposureSpec {
  /** The Service in front of the hub's leafnodes listener (under `hub`). Default: a LoadBalancer. */
  leafnodesService?: ListenerServiceSpec;
  /**
   * TLS on every leaf link, mutual: the hub and each site present a certificate the one CA signed. Required when
   * links leave the hub's Kubernetes cluster (a site in another one, or a LoadBalancer or NodePort Service).
   */
  leafnodesTls?: TlsCertificatesSpec;
  /** Let leaf links that leave the hub's Kubernetes cluster run without leafnodesTls, in plain text. Default false: refused. */
  allowPlaintextLeafnodes?: boolean;
}

export interface LeafnodesExposure {
  service: ListenerService;
  tls: TlsCertificates | undefined;
}

/**
 * Checks the leafnodes listener of a hub at `hubPath` whose sites run where `sites` say; `path` is where
 * leafnodesTls and allowPlaintextLeafnodes sit, beside the hub.
 */
export function resolveLeafnodesExposure(
  spec: LeafnodesExposureSpec,
  path: string,
  hub: { path: string; kubernetes: KubernetesTarget },
  sites: readonly { path: string; kubernetes: KubernetesTarget }[],
  cloud: Cloud | undefined,
  problems: Problems,
): LeafnodesExposure {
  const servicePath = `${hub.path}.leafnodesService`;
  const service = resolveListenerService(spec.leafnodesService, cloud, servicePath, problems);
  const tls = resolveTlsCertificates(spec.leafnodesTls, `${path}.leafnodesTls`, problems);
  const exposure = linkExposure(
    [hub, ...sites].map((end) => ({ path: `${end.path}.kubernetes`, kubernetes: end.kubernetes })),
    [{ path: servicePath, service }],
  );
  checkLinkTls(exposure, tls !== undefined, spec.allowPlaintextLeafnodes, `${path}.leafnodesTls`, `${path}.allowPlaintextLeafnodes`, problems);
  return { service, tls };
}
