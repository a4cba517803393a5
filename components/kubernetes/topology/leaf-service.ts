/**
 * Leaf links on Kubernetes: the hub's leafnodes Service and the policy that opens its port; on each site,
 * the leaf user's creds Secret mounted into the pods and the remote that dials the hub with it.
 */
import type * as k8s from "@pulumi/kubernetes";
import { PodVolume, PodVolumeMount } from "../../workloads/pod-extras";
import * as pulumi from "@pulumi/pulumi";
import { credsFileName } from "../../credentials/secrets";
import { Cluster } from "../../model/cluster";
import { ConfBlock } from "../../model/conf";
import { LeafSite } from "../../model/leaf";
import { hubLeafnodesSection, LEAF_CREDENTIALS_DIR, mountedLeafCredentialsFile, siteLeafSection } from "../../model/leaf-config";
import { TlsFiles } from "../../model/link-tls";
import { kubernetesPlacement } from "../cluster/pod-placement";
import { buildListenerNetworkPolicy, buildListenerService, Listener, ListenerService } from "./listener-service";

export function leafListener(cluster: Cluster): Listener {
  return { name: "leafnodes", port: cluster.ports.leafnodes };
}

/** Only ready hub servers take leaf links, as only ready ones take clients. */
export function buildLeafService(hub: Cluster, service: ListenerService): k8s.core.v1.ServiceArgs {
  return buildListenerService(hub, leafListener(hub), service, { publishNotReadyAddresses: false });
}

export function buildLeafNetworkPolicy(hub: Cluster, service: ListenerService): k8s.networking.v1.NetworkPolicyArgs {
  return buildListenerNetworkPolicy(hub, leafListener(hub), service);
}

/** The hub's leafnodes listener, advertising the Service address sites dial, with its mounted certificate files when links carry TLS. */
export function wiredHubLeafnodesSection(hub: Cluster, address: pulumi.Output<string>, tls?: TlsFiles): pulumi.Output<ConfBlock> {
  return address.apply((advertise) => hubLeafnodesSection({ host: kubernetesPlacement(hub).listenHost, port: hub.ports.leafnodes, advertise, tls }));
}

/**
 * A site's remote to the hub's leafnodes address, with the mounted creds file. `localAccount` is the
 * public key of the site's local account when the site runs in operator mode; `tls` the site's mounted
 * certificate files when links carry TLS.
 */
export function wiredSiteLeafSection(site: LeafSite, hubAddress: pulumi.Output<string>, localAccount?: pulumi.Output<string>, tls?: TlsFiles): pulumi.Output<ConfBlock> {
  return pulumi
    .all([hubAddress, localAccount])
    .apply(([address, account]) => siteLeafSection(site, [`nats://${address}`], mountedLeafCredentialsFile(site), account, tls));
}

export const LEAF_CREDENTIALS_VOLUME = "leaf-credentials";

/**
 * The site's leaf user's creds, the only key of its Secret that is mounted. The whole directory is mounted, not a
 * subPath: the kubelet updates a directory mount in place when the Secret changes, and nats-server reads the
 * file on every connect, so a rotated user relinks without a restart.
 */
export function leafCredentialsVolume(user: string, secretName: pulumi.Input<string>): { volume: PodVolume; mount: PodVolumeMount } {
  const key = credsFileName(user);
  return {
    // Readable by the pod's group alone: the file holds the user's seed.
    volume: { name: LEAF_CREDENTIALS_VOLUME, secret: { secretName, defaultMode: 0o440, items: [{ key, path: key }] } },
    mount: { name: LEAF_CREDENTIALS_VOLUME, mountPath: LEAF_CREDENTIALS_DIR, readOnly: true },
  };
}
