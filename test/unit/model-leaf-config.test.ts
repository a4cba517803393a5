import * as path from "path";
import { describe, expect, it } from "vitest";
import { validateAccounts } from "../../components/model/account-resolution";
import { AccountSpec } from "../../components/model/accounts";
import { validateHubAndLeaf } from "../../components/model/leaf";
import { hubLeafnodesSection, leafRemotesSection, mountedLeafCredentialsFile, siteLeafSection } from "../../components/model/leaf-config";
import { localHubAndLeafPlacements } from "../../components/local/local-topology";
import { kubernetesPlacement } from "../../components/kubernetes/cluster/pod-placement";
import { renderServer } from "../../components/model/server-config";
import { readStackConfig, readStackFile, resolveStack, stackFilePath } from "../../components/model/stack";
import { topologyMermaid } from "../../cli/render/topology-diagram";
import { portsFrom } from "../support/local-ports";

const PROJECT_DIR = path.resolve(__dirname, "../..");

const hubAndLeaf = validateHubAndLeaf({
  hub: { name: "hub", tier: "small", jetstream: { domain: "hub" }, leafnodesService: { type: "ClusterIP" } },
  sites: [
    { name: "factory", tier: "dev", jetstream: { domain: "factory" }, account: "edge", user: "factory-leaf", anonymousClients: true },
    { name: "branch", tier: "dev", servers: 3, jetstream: { domain: "branch" }, account: "edge", user: "branch-leaf", localAccount: "local" },
  ],
});

const LOCAL_PORTS = { hub: [0, 1, 2].map(portsFrom(40000)), factory: [0].map(portsFrom(41000)), branch: [0, 1, 2].map(portsFrom(42000)) };

describe("leafnodes sections", () => {
  it("gives the hub a leafnodes listener, advertised when asked", () => {
    expect(hubLeafnodesSection({ host: "0.0.0.0", port: 7422, advertise: "hub.example:7422" })).toEqual({
      leafnodes: { host: "0.0.0.0", port: 7422, advertise: "hub.example:7422" },
    });
  });

  it("dials the hub from a site with the leaf user's mounted credentials", () => {
    const [factory, branch] = hubAndLeaf.sites;
    expect(mountedLeafCredentialsFile(factory)).toBe("/etc/nats-leaf/factory-leaf.creds");
    expect(siteLeafSection(factory, ["nats://hub.example:7422"], mountedLeafCredentialsFile(factory))).toEqual({
      leafnodes: { remotes: [{ urls: ["nats://hub.example:7422"], credentials: "/etc/nats-leaf/factory-leaf.creds", account: undefined }] },
    });
    expect(siteLeafSection(branch, ["nats://hub.example:7422"]).leafnodes).toEqual({ remotes: [{ urls: ["nats://hub.example:7422"], credentials: undefined, account: "local" }] });
    expect(siteLeafSection(branch, ["nats://hub.example:7422"], undefined, "ABCDEF").leafnodes).toMatchObject({ remotes: [{ account: "ABCDEF" }] });
  });

  it("refuses a remote without hub URLs", () => {
    expect(() => leafRemotesSection([])).toThrow("a leaf site needs at least one remote");
    expect(() => siteLeafSection(hubAndLeaf.sites[0], [])).toThrow("a leaf remote needs at least one hub URL");
  });

  it("renders the site's own JetStream domain beside its leaf remote", () => {
    const site = hubAndLeaf.sites[0];
    const { text } = renderServer(site.cluster, kubernetesPlacement(site.cluster), {
      extraSections: [siteLeafSection(site, ["nats://hub.example:7422"], mountedLeafCredentialsFile(site))],
    });
    expect(text).toMatch(/jetstream: \{[^}]*domain: "factory"/);
    expect(text).toContain('credentials: "/etc/nats-leaf/factory-leaf.creds"');
  });
});

describe("local placement of a hub and its sites", () => {
  const placed = localHubAndLeafPlacements(hubAndLeaf, LOCAL_PORTS, "/run/hl", { factory: "/run/hl/creds/factory-leaf.creds" });

  it("places the hub first, then each site, every server on its own ports", () => {
    expect(placed.map(({ cluster, servers }) => [cluster.name, servers.length])).toEqual([
      ["hub", 3],
      ["factory", 1],
      ["branch", 3],
    ]);
    expect(placed[0].servers[2].sections).toEqual([{ leafnodes: { host: "127.0.0.1", port: 40024, advertise: undefined } }]);
  });

  it("has every site server dial every hub server's leafnodes port, with the site's credentials", () => {
    const hubUrls = ["nats://127.0.0.1:40004", "nats://127.0.0.1:40014", "nats://127.0.0.1:40024"];
    expect(placed[1].servers[0].sections).toEqual([
      { leafnodes: { remotes: [{ urls: hubUrls, credentials: "/run/hl/creds/factory-leaf.creds", account: undefined }] } },
    ]);
    for (const server of placed[2].servers) {
      expect(server.sections).toEqual([{ leafnodes: { remotes: [{ urls: hubUrls, credentials: undefined, account: "local" }] } }]);
    }
  });
});

describe("the hub-leaf stack", () => {
  const file = stackFilePath(PROJECT_DIR, "hub-leaf");

  it("Pulumi.hub-leaf.yaml describes a hub and two one-server sites, the branch on its own Kubernetes context", () => {
    const stack = resolveStack("hub-leaf", readStackFile(file));
    expect(stack.clusters.map((cluster) => [cluster.name, cluster.servers, cluster.jetstream.domain])).toEqual([
      ["hub", 3, "hub"],
      ["factory", 1, "factory"],
      ["branch", 1, "branch"],
    ]);
    expect(stack.topology.kind).toBe("hub-leaf");
    if (stack.topology.kind !== "hub-leaf") return;
    expect(stack.topology.hubAndLeaf.sites.map((site) => site.kubernetes.provider)).toEqual([undefined, "branch"]);
  });

  it("describes accounts that pass both the account rules and the leaf rules", () => {
    const config = readStackConfig(file);
    const accounts = config["nats-jetstream:accounts"] as AccountSpec[];
    const resolved = validateHubAndLeaf((config["nats-jetstream:hubLeaf"] as never), "hubLeaf", accounts);
    const edge = validateAccounts(accounts, { cluster: resolved.hub.cluster }).find((account) => account.name === "edge")!;
    expect(edge.limits.leaf).toBe(4);
    expect(edge.users.filter((user) => user.connectionTypes?.join() === "LEAFNODE").map((user) => user.name)).toEqual(["factory-leaf", "branch-leaf"]);
  });

  it("draws each site's leaf link to the hub in the topology diagram", () => {
    const diagram = topologyMermaid(resolveStack("hub-leaf", readStackFile(file)));
    expect(diagram).toContain('  cluster_factory -->|"leaf, account edge"| cluster_hub\n');
    expect(diagram).toContain('  cluster_branch -->|"leaf, account edge"| cluster_hub\n');
  });
});
