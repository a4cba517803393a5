/**
 * A supercluster member's gateway: its Service, the NetworkPolicy that opens the port, and the gateway section
 * wired from every member's Service address (its certificates: cluster/listener-tls.ts).
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../model/cluster";
import { ConfBlock } from "../../model/conf";
import { gatewaySection } from "../../model/gateway-config";
import { mountedTlsFiles } from "../../model/link-tls";
import { kubernetesPlacement } from "../cluster/pod-placement";
import { SuperClusterTopology } from "../../model/supercluster";
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

/**
 * The gateway section of member `clusterName`, once every member's gateway address (`host:port`, by cluster
 * name) is known: the member advertises its own address and lists every member's.
 */
export function wiredGatewaySection(
  superCluster: SuperClusterTopology,
  cluster: Cluster,
  addresses: pulumi.Output<Record<string, string>>,
): pulumi.Output<ConfBlock> {
  const tls = superCluster.gatewayTls === undefined ? undefined : mountedTlsFiles(superCluster.gatewayTls, "gateway");
  return addresses.apply((byCluster) =>
    gatewaySection(
      superCluster,
      cluster.name,
      Object.fromEntries(Object.entries(byCluster).map(([name, address]) => [name, [`nats://${address}`]])),
      { host: kubernetesPlacement(cluster).listenHost, port: cluster.ports.gateway, advertise: byCluster[cluster.name], tls },
    ),
  );
}
