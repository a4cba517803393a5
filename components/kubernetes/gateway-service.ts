/**
 * A supercluster member's gateway: its Service, the NetworkPolicy that opens the port, the TLS Secrets
 * mounted into the pods, and the gateway section wired from every member's Service address.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../model/cluster";
import { ConfBlock } from "../model/conf";
import { GATEWAY_CA_DIR, GATEWAY_CERT_DIR, gatewaySection, mountedGatewayTlsFiles } from "../model/gateway-config";
import { kubernetesPlacement } from "../model/placement";
import { GatewayTls, SuperCluster } from "../model/supercluster";
import { buildListenerNetworkPolicy, buildListenerService, Listener, ListenerService } from "./listener-service";

export function gatewayListener(cluster: Cluster): Listener {
  return { name: "gateway", port: cluster.ports.gateway };
}

/**
 * Lists servers before they are ready: a server is ready only once the JetStream meta group has a leader,
 * and in a supercluster that group spans the clusters, so it forms only over the gateways.
 */
export function buildGatewayService(cluster: Cluster, service: ListenerService): k8s.core.v1.ServiceArgs {
  return buildListenerService(cluster, gatewayListener(cluster), service, { publishNotReadyAddresses: true });
}

export function buildGatewayNetworkPolicy(cluster: Cluster, service: ListenerService): k8s.networking.v1.NetworkPolicyArgs {
  return buildListenerNetworkPolicy(cluster, gatewayListener(cluster), service);
}

export const GATEWAY_TLS_VOLUME = "gateway-tls";
export const GATEWAY_CA_VOLUME = "gateway-ca";

/** The gateway certificate Secret (and the CA's, when separate), where mountedGatewayTlsFiles expects them. */
export function gatewayTlsVolumes(tls: GatewayTls): { volumes: k8s.types.input.core.v1.Volume[]; mounts: k8s.types.input.core.v1.VolumeMount[] } {
  // Readable by the pod's group alone: the Secret holds the private key.
  const volumes: k8s.types.input.core.v1.Volume[] = [{ name: GATEWAY_TLS_VOLUME, secret: { secretName: tls.secretName, defaultMode: 0o440 } }];
  const mounts: k8s.types.input.core.v1.VolumeMount[] = [{ name: GATEWAY_TLS_VOLUME, mountPath: GATEWAY_CERT_DIR, readOnly: true }];
  if (tls.caSecretName !== tls.secretName) {
    volumes.push({ name: GATEWAY_CA_VOLUME, secret: { secretName: tls.caSecretName, defaultMode: 0o440, items: [{ key: "ca.crt", path: "ca.crt" }] } });
    mounts.push({ name: GATEWAY_CA_VOLUME, mountPath: GATEWAY_CA_DIR, readOnly: true });
  }
  return { volumes, mounts };
}

/**
 * The gateway section of member `clusterName`, once every member's gateway address (`host:port`, by cluster
 * name) is known: the member advertises its own address and lists every member's.
 */
export function wiredGatewaySection(
  superCluster: SuperCluster,
  cluster: Cluster,
  addresses: pulumi.Output<Record<string, string>>,
): pulumi.Output<ConfBlock> {
  const tls = superCluster.gatewayTls === undefined ? undefined : mountedGatewayTlsFiles(superCluster.gatewayTls);
  return addresses.apply((byCluster) =>
    gatewaySection(
      superCluster,
      cluster.name,
      Object.fromEntries(Object.entries(byCluster).map(([name, address]) => [name, [`nats://${address}`]])),
      { host: kubernetesPlacement(cluster).listenHost, port: cluster.ports.gateway, advertise: byCluster[cluster.name], tls },
    ),
  );
}
