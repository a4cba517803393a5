/**
 * Local placement of topologies with several clusters: every server on loopback with ports no other server
 * of any cluster uses, and the gateway and leaf URLs taken from those ports. The result feeds renderServer
 * (placement plus the topology's sections), exactly as the Kubernetes back end feeds it pod placements.
 */
import { Cluster, Ports } from "../model/cluster";
import { ConfBlock } from "../model/conf";
import { gatewaySection, TlsFiles } from "../model/gateway-config";
import { HubAndLeafTopology } from "../model/leaf";
import { hubLeafnodesSection, siteLeafSection } from "../model/leaf-config";
import { ServerPlacement } from "../model/placement";
import { memberZone, SuperClusterTopology } from "../model/supercluster";
import { serverTagsSection } from "../model/tags";
import { localPlacements } from "./local-placement";

/** One server ready to render: `renderServer(cluster, placement, { extraSections: sections })`. */
export interface PlacedServer {
  ordinal: number;
  placement: ServerPlacement;
  /** What the topology adds to the cluster's own config (gateway, tags, leaf nodes). */
  sections: ConfBlock[];
}

export interface PlacedCluster {
  cluster: Cluster;
  servers: PlacedServer[];
}

/** Ports of each server of each cluster, by cluster name. */
export type PortsByCluster = Readonly<Record<string, readonly Ports[]>>;

/** Throws when two listeners of any servers share a port: on one host they would fail to start. */
export function checkDistinctPorts(portsByCluster: PortsByCluster): void {
  const owner = new Map<number, string>();
  for (const [cluster, servers] of Object.entries(portsByCluster)) {
    servers.forEach((ports, ordinal) => {
      for (const [listener, port] of Object.entries(ports)) {
        const here = `${cluster}[${ordinal}].${listener}`;
        const earlier = owner.get(port);
        if (earlier !== undefined) throw new Error(`port ${port} is given to both ${earlier} and ${here}`);
        owner.set(port, here);
      }
    });
  }
}

function portsOf(portsByCluster: PortsByCluster, cluster: Cluster): readonly Ports[] {
  const ports = portsByCluster[cluster.name];
  if (ports === undefined) throw new Error(`no ports were given for cluster ${cluster.name}`);
  return ports;
}

function loopbackUrls(placements: readonly ServerPlacement[], listener: "gateway" | "leafnodes"): string[] {
  return placements.map((placement) => `nats://${placement.listenHost}:${placement.ports[listener]}`);
}

/**
 * A supercluster on loopback: each server with its cluster's gateway section and its tags. `gatewayTls` holds
 * local certificate files for the gateways (valid for 127.0.0.1); without it gateways are plain TCP.
 */
export function localSuperClusterPlacements(superCluster: SuperClusterTopology, portsByCluster: PortsByCluster, runDir: string, gatewayTls?: TlsFiles): PlacedCluster[] {
  checkDistinctPorts(portsByCluster);
  const placements = superCluster.members.map((member) =>
    localPlacements(member.cluster, portsOf(portsByCluster, member.cluster), runDir).map((placement, ordinal) => ({
      ...placement,
      serverName: member.serverNames[ordinal],
    })),
  );
  const gatewayUrls = Object.fromEntries(superCluster.members.map((member, index) => [member.cluster.name, loopbackUrls(placements[index], "gateway")]));
  return superCluster.members.map((member, index) => ({
    cluster: member.cluster,
    servers: placements[index].map((placement, ordinal) => ({
      ordinal,
      placement,
      sections: [
        gatewaySection(superCluster, member.cluster.name, gatewayUrls, { host: placement.listenHost, port: placement.ports.gateway, tls: gatewayTls }),
        serverTagsSection({ cluster: member.cluster.name, region: member.region, zone: memberZone(member, ordinal), uniqueZones: member.zones.length > 0 }),
      ],
    })),
  }));
}

/**
 * A hub and its sites on loopback: the hub with a leafnodes listener, every site server dialling every hub
 * server. `credentialsFiles` holds each site's leaf credentials file by site name; a site without one
 * connects without credentials. `localAccounts` holds, by site name, the account the link carries as the
 * site's nats.conf names it: in operator mode the public key of the site's `localAccount`. `leafTls` holds
 * local certificate files for the leaf links (valid for 127.0.0.1); without it links are plain TCP.
 */
export function localHubAndLeafPlacements(
  hubAndLeaf: HubAndLeafTopology,
  portsByCluster: PortsByCluster,
  runDir: string,
  credentialsFiles: Readonly<Record<string, string>> = {},
  localAccounts: Readonly<Record<string, string>> = {},
  leafTls?: TlsFiles,
): PlacedCluster[] {
  checkDistinctPorts(portsByCluster);
  const hub = hubAndLeaf.hub.cluster;
  const hubPlacements = localPlacements(hub, portsOf(portsByCluster, hub), runDir);
  const hubLeafUrls = loopbackUrls(hubPlacements, "leafnodes");
  return [
    {
      cluster: hub,
      servers: hubPlacements.map((placement, ordinal) => ({
        ordinal,
        placement,
        sections: [hubLeafnodesSection({ host: placement.listenHost, port: placement.ports.leafnodes, tls: leafTls })],
      })),
    },
    ...hubAndLeaf.sites.map((site) => ({
      cluster: site.cluster,
      servers: localPlacements(site.cluster, portsOf(portsByCluster, site.cluster), runDir).map((placement, ordinal) => ({
        ordinal,
        placement,
        sections: [siteLeafSection(site, hubLeafUrls, credentialsFiles[site.cluster.name], localAccounts[site.cluster.name], leafTls)],
      })),
    })),
  ];
}
