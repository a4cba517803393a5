import * as path from "path";
import { describe, expect, it } from "vitest";
import { ConfVariable } from "../../components/model/conf";
import { gatewaySection } from "../../components/model/gateway-config";
import { mountedTlsFiles } from "../../components/model/link-tls";
import { checkDistinctPorts, localSuperClusterPlacements } from "../../components/local/local-topology";
import { kubernetesPlacement } from "../../components/kubernetes/cluster/pod-placement";
import { renderServer } from "../../components/model/server-config";
import { readStackFile, resolveStack, stackFilePath } from "../../components/model/stack";
import { SuperClusterSpec, validateSuperCluster } from "../../components/model/supercluster";
import { serverTagsSection } from "../../components/model/tags";
import { topologyMermaid } from "../../cli/render/topology-diagram";
import { portsFrom } from "../support/local-ports";

const PROJECT_DIR = path.resolve(__dirname, "../..");

const SPEC: SuperClusterSpec = {
  clusters: [
    { name: "east", tier: "small", region: "us-east-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c"], gatewayService: { allowAnySource: true } },
    { name: "west", tier: "small", region: "us-west-2", serverNamePrefix: "acme-", gatewayService: { allowAnySource: true } },
  ],
  gatewayTls: { secretName: "gateway-tls", caSecretName: "gateway-ca" },
};
const superCluster = validateSuperCluster(SPEC, "supercluster", "1.35");
const URLS = { east: ["nats://east.example:7222"], west: ["nats://west.example:7222"] };

const LOCAL_PORTS = { east: [0, 1, 2].map(portsFrom(30000)), west: [0, 1, 2].map(portsFrom(31000)) };

describe("gateway section", () => {
  it("names the gateway after the cluster and lists every cluster's URLs, its own included", () => {
    const section = gatewaySection(superCluster, "west", URLS, { host: "0.0.0.0", port: 7222, advertise: "west.example:7222" });
    expect(section).toEqual({
      gateway: {
        name: "west",
        host: "0.0.0.0",
        port: 7222,
        advertise: "west.example:7222",
        reject_unknown_cluster: true,
        gateways: [
          { name: "east", urls: ["nats://east.example:7222"] },
          { name: "west", urls: ["nats://west.example:7222"] },
        ],
        tls: undefined,
      },
    });
  });

  it("turns on mutual TLS with the files of the mounted Secrets", () => {
    const tls = mountedTlsFiles(superCluster.gatewayTls!, "gateway");
    expect(tls).toEqual({ certFile: "/etc/nats-certs/gateway/tls.crt", keyFile: "/etc/nats-certs/gateway/tls.key", caFile: "/etc/nats-certs/gateway-ca/ca.crt" });
    expect(mountedTlsFiles({ issuer: undefined, secretName: "gw", caSecretName: undefined }, "gateway").caFile).toBe("/etc/nats-certs/gateway/ca.crt");
    const section = gatewaySection(superCluster, "east", URLS, { host: "0.0.0.0", port: 7222, tls });
    expect((section.gateway as { tls: unknown }).tls).toEqual({ ...{ cert_file: tls.certFile, key_file: tls.keyFile, ca_file: tls.caFile }, verify: true, timeout: 5 });
  });

  it("refuses URL lists that miss a cluster or name one the supercluster does not have", () => {
    expect(() => gatewaySection(superCluster, "east", { east: URLS.east }, { host: "0.0.0.0", port: 7222 })).toThrow("no gateway URLs for cluster west");
    expect(() => gatewaySection(superCluster, "east", { ...URLS, west: [] }, { host: "0.0.0.0", port: 7222 })).toThrow("no gateway URLs for cluster west");
    expect(() => gatewaySection(superCluster, "east", { ...URLS, south: ["nats://s:7222"] }, { host: "0.0.0.0", port: 7222 })).toThrow(
      "gateway URLs for south, which is not a cluster of the supercluster",
    );
    expect(() => gatewaySection(superCluster, "south", URLS, { host: "0.0.0.0", port: 7222 })).toThrow("south is not a cluster of the supercluster (east, west)");
  });
});

describe("server tags section", () => {
  it("tags cluster, region and zone, and spreads replicas over zones only when servers have zones", () => {
    expect(serverTagsSection({ cluster: "east", region: "us-east-1", zone: "us-east-1b", uniqueZones: true })).toEqual({
      server_tags: ["cluster:east", "region:us-east-1", "az:us-east-1b"],
      jetstream: { unique_tag: "az:" },
    });
    expect(serverTagsSection({ cluster: "west", region: "us-west-2", uniqueZones: false })).toEqual({ server_tags: ["cluster:west", "region:us-west-2"] });
  });

  it("takes the zone tag from a variable in configs shared by every pod", () => {
    const cluster = superCluster.members[0].cluster;
    const { text } = renderServer(cluster, kubernetesPlacement(cluster), {
      extraSections: [serverTagsSection({ cluster: "east", region: "us-east-1", zone: new ConfVariable("SERVER_ZONE_TAG"), uniqueZones: true })],
    });
    expect(text).toContain('server_tags: [\n  "cluster:east",\n  "region:us-east-1",\n  $SERVER_ZONE_TAG\n]');
    expect(text).toMatch(/jetstream: \{[^}]*unique_tag: "az:"/);
  });
});

describe("a supercluster server's config", () => {
  it("merges gateway and tags into the pod config of every cluster", () => {
    for (const member of superCluster.members) {
      const { config } = renderServer(member.cluster, kubernetesPlacement(member.cluster), {
        extraSections: [
          gatewaySection(superCluster, member.cluster.name, URLS, { host: "0.0.0.0", port: member.cluster.ports.gateway }),
          serverTagsSection({ cluster: member.cluster.name, region: member.region, uniqueZones: member.zones.length > 0 }),
        ],
      });
      expect((config.cluster as { name: string }).name).toBe(member.cluster.name);
      expect((config.gateway as { name: string }).name).toBe(member.cluster.name);
      expect(config.jetstream).toMatchObject({ store_dir: "/data" });
    }
  });
});

describe("local placement of a supercluster", () => {
  const placed = localSuperClusterPlacements(superCluster, LOCAL_PORTS, "/run/sc");

  it("names servers with their cluster's prefix and gives every server its own ports", () => {
    expect(placed.map(({ servers }) => servers.map(({ placement }) => placement.serverName))).toEqual([
      ["east-0", "east-1", "east-2"],
      ["acme-west-0", "acme-west-1", "acme-west-2"],
    ]);
    expect(placed[1].servers[2].placement.ports.client).toBe(31020);
  });

  it("lists every server's loopback gateway port as its cluster's gateway URLs", () => {
    const gateway = placed[0].servers[1].sections[0].gateway as { name: string; port: number; gateways: { name: string; urls: string[] }[] };
    expect(gateway.name).toBe("east");
    expect(gateway.port).toBe(30013);
    expect(gateway.gateways).toEqual([
      { name: "east", urls: ["nats://127.0.0.1:30003", "nats://127.0.0.1:30013", "nats://127.0.0.1:30023"] },
      { name: "west", urls: ["nats://127.0.0.1:31003", "nats://127.0.0.1:31013", "nats://127.0.0.1:31023"] },
    ]);
  });

  it("tags each server with the zone of its ordinal", () => {
    expect(placed[0].servers.map(({ sections }) => (sections[1].server_tags as string[])[2])).toEqual(["az:us-east-1a", "az:us-east-1b", "az:us-east-1c"]);
    expect(placed[1].servers[0].sections[1]).toEqual({ server_tags: ["cluster:west", "region:us-west-2"] });
  });

  it("refuses port sets in which two listeners share a port", () => {
    const clash = { east: LOCAL_PORTS.east, west: [{ ...LOCAL_PORTS.west[0], monitor: 30001 }, ...LOCAL_PORTS.west.slice(1)] };
    expect(() => checkDistinctPorts(clash)).toThrow("port 30001 is given to both east[0].cluster and west[0].monitor");
    expect(() => localSuperClusterPlacements(superCluster, { east: LOCAL_PORTS.east }, "/run/sc")).toThrow("no ports were given for cluster west");
  });
});

describe("the supercluster stack", () => {
  it("Pulumi.supercluster.yaml describes three small regions with zones, each on its own Kubernetes context", () => {
    const stack = resolveStack("supercluster", readStackFile(stackFilePath(PROJECT_DIR, "supercluster")));
    expect(stack.clusters.map((cluster) => [cluster.name, cluster.tier.name, cluster.servers])).toEqual([
      ["us-east", "small", 3],
      ["eu-west", "small", 3],
      ["ap-south", "small", 3],
    ]);
    expect(stack.topology.kind).toBe("supercluster");
    if (stack.topology.kind !== "supercluster") return;
    expect(stack.topology.superCluster.members.map((member) => [member.region, member.zones.length, member.kubernetes.provider])).toEqual([
      ["us-east-1", 3, "us-east"],
      ["eu-west-1", 3, "eu-west"],
      ["ap-south-1", 3, "ap-south"],
    ]);
  });

  it("refuses a stack that describes two topologies", () => {
    expect(() => resolveStack("x", { cluster: { name: "nats", tier: "dev" }, supercluster: SPEC })).toThrow(
      'supercluster: {"clusters":[{"name":"east"',
    );
    expect(() => resolveStack("x", { cluster: { name: "nats", tier: "dev" }, supercluster: SPEC })).toThrow("describe one topology per stack: cluster is already given");
  });

  it("draws a gateway between every two clusters in the topology diagram", () => {
    const diagram = topologyMermaid(resolveStack("supercluster", readStackFile(stackFilePath(PROJECT_DIR, "supercluster"))));
    expect(diagram).toContain("  cluster_us_east <== gateway ==> cluster_eu_west\n");
    expect(diagram).toContain("  cluster_us_east <== gateway ==> cluster_ap_south\n");
    expect(diagram).toContain("  cluster_eu_west <== gateway ==> cluster_ap_south\n");
  });
});
