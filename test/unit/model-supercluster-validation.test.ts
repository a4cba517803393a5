import { describe, expect, it } from "vitest";
import { problemMessage, Problems, ValidationError } from "../../components/model/errors";
import { SuperClusterMemberSpec, SuperClusterSpec, superClusterTags, validateSuperCluster } from "../../components/model/supercluster";
import { checkPlacementTags } from "../../components/model/tags";

/** Gateways inside one Kubernetes cluster, so that the rules for links that leave it stay out of the way. */
const INSIDE = { gatewayService: { type: "ClusterIP" as const } };
const east: SuperClusterMemberSpec = { name: "east", tier: "small", region: "us-east-1", zones: ["us-east-1a", "us-east-1b", "us-east-1c"], ...INSIDE };
const west: SuperClusterMemberSpec = { name: "west", tier: "small", region: "us-west-2", ...INSIDE };
/** A Kubernetes version that gives pods their zone label, as zones need. */
const TARGET = "1.35";

function messagesOf(spec: SuperClusterSpec): string[] {
  try {
    validateSuperCluster(spec, "supercluster", TARGET);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map(problemMessage);
  }
  return [];
}

function withMembers(...changes: Partial<SuperClusterMemberSpec>[]): SuperClusterSpec {
  return { clusters: [east, west].map((member, index) => ({ ...member, ...(changes[index] ?? {}) }) as SuperClusterMemberSpec) };
}

describe("supercluster validation names the field, the value and what is allowed", () => {
  it("accepts two regions with defaults and resolves server names, zones and targets", () => {
    const spec = { ...withMembers({ serverNamePrefix: "acme-", kubernetes: { context: "east" } }), gatewayTls: { issuer: { name: "nats-links" } } };
    const superCluster = validateSuperCluster(spec, "supercluster", TARGET);
    expect(superCluster.members.map((member) => member.serverNames)).toEqual([
      ["acme-east-0", "acme-east-1", "acme-east-2"],
      ["west-0", "west-1", "west-2"],
    ]);
    expect(superCluster.members[0].kubernetes).toEqual({ provider: "east", context: "east" });
    expect(superCluster.members[1].kubernetes).toEqual({ provider: undefined, context: undefined });
    expect(superCluster.gatewayTls).toEqual({ issuer: { name: "nats-links", kind: "ClusterIssuer" }, secretName: undefined, caSecretName: undefined });
  });

  it("needs at least two clusters", () => {
    expect(messagesOf({ clusters: [east] })).toEqual([
      `supercluster.clusters: ${JSON.stringify([east])} is not allowed; list at least 2 clusters: gateways join clusters`,
    ]);
    expect(messagesOf({} as SuperClusterSpec)).toEqual(["supercluster.clusters: nothing is not allowed; list at least 2 clusters: gateways join clusters"]);
  });

  it("refuses a gateway name other than the cluster name", () => {
    expect(messagesOf(withMembers({}, { gatewayName: "west-gw" }))).toEqual([
      'supercluster.clusters[1].gatewayName: "west-gw" is not allowed; use the cluster name "west" or leave it out: nats-server requires the gateway name to equal the cluster name',
    ]);
    expect(messagesOf(withMembers({}, { gatewayName: "west" }))).toEqual([]);
  });

  it("refuses the same cluster name twice", () => {
    expect(messagesOf(withMembers({}, { name: "east" }))).toEqual([
      'supercluster.clusters[1].name: "east" is not allowed; use a name no other cluster has (supercluster.clusters[0] has it): it is also the gateway name',
    ]);
  });

  it("reports a member's own cluster problems under its path", () => {
    expect(messagesOf(withMembers({}, { name: "West_2" }))).toEqual([
      "supercluster.clusters[1].name: \"West_2\" is not allowed; use 1 to 42 lowercase letters, digits and '-', starting and ending with a letter or digit",
    ]);
  });

  it("refuses one-server clusters, which cannot run JetStream behind a gateway", () => {
    expect(messagesOf(withMembers({}, { tier: "dev" }))).toEqual([
      "supercluster.clusters[1].servers: 1 is not allowed; run at least 3 servers: JetStream in a supercluster needs routes within each cluster",
    ]);
    expect(messagesOf(withMembers({}, { tier: "dev", servers: 3 }))).toEqual([]);
  });

  it("refuses server name prefixes that make two servers share a name", () => {
    const clash = { clusters: [{ ...east, name: "b", zones: undefined, serverNamePrefix: "a-" }, { ...west, name: "a-b" }] };
    expect(messagesOf(clash)).toEqual([
      'supercluster.clusters[1].serverNamePrefix: "" is not allowed; use a prefix that keeps server names unique: a-b-0 is also a server of supercluster.clusters[0], and JetStream tells servers apart by name',
    ]);
    expect(messagesOf(withMembers({ serverNamePrefix: "eu.1" }))).toEqual([
      "supercluster.clusters[0].serverNamePrefix: \"eu.1\" is not allowed; use a non-empty name without whitespace, '.', '*', '>', '/' or '\\'",
    ]);
  });

  it("refuses regions and zones that are not DNS labels, repeated zones, and fewer zones than replicas", () => {
    expect(messagesOf(withMembers({ region: "US East" }))).toEqual([
      "supercluster.clusters[0].region: \"US East\" is not allowed; use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    ]);
    expect(messagesOf(withMembers({}, { region: undefined }))[0]).toMatch(/^supercluster\.clusters\[1\]\.region: nothing is not allowed/);
    expect(messagesOf(withMembers({ zones: ["a", "b", "a"] }))).toEqual(['supercluster.clusters[0].zones[2]: "a" is not allowed; list each zone once']);
    expect(messagesOf(withMembers({ zones: ["a", "B", "c"] }))[0]).toMatch(/^supercluster\.clusters\[0\]\.zones\[1\]: "B" is not allowed; use 1 to 63/);
    expect(messagesOf(withMembers({ zones: ["us-east-1a", "us-east-1b"] }))).toEqual([
      'supercluster.clusters[0].zones: ["us-east-1a","us-east-1b"] is not allowed; list at least 3 zones: each replica of an R3 stream goes to a different zone, so fewer zones leave replicas unplaced',
    ]);
    expect(messagesOf(withMembers({ zones: [] }))).toEqual([
      'supercluster.clusters[0].zones: [] is not allowed; list the zones, e.g. ["us-east-1a", "us-east-1b", "us-east-1c"], or leave zones out',
    ]);
    expect(messagesOf(withMembers({ zones: ["a", "b"], jetstream: { streamReplicas: 1 } }))).toEqual([]);
  });

  it("keeps the supercluster one JetStream domain", () => {
    expect(messagesOf(withMembers({ jetstream: { domain: "global" } }, { jetstream: { domain: "west" } }))).toEqual([
      'supercluster.clusters[1].jetstream.domain: "west" is not allowed; use "global" as supercluster.clusters[0] does: a supercluster is one JetStream domain',
    ]);
    expect(messagesOf(withMembers({}, { jetstream: { domain: "west" } }))).toEqual([
      'supercluster.clusters[1].jetstream.domain: "west" is not allowed; leave it out as supercluster.clusters[0] does: a supercluster is one JetStream domain',
    ]);
    expect(messagesOf(withMembers({ jetstream: { domain: "g.1" } }, { jetstream: { domain: "g.1" } }))).toEqual(
      [0, 1].map((index) => `supercluster.clusters[${index}].jetstream.domain: "g.1" is not allowed; use a non-empty name without whitespace, '.', '*', '>', '/' or '\\'`),
    );
    expect(messagesOf(withMembers({ jetstream: { domain: "global" } }, { jetstream: { domain: "global" } }))).toEqual([]);
  });

  it("checks Kubernetes targets: provider names, contexts, and one context per provider", () => {
    // Clusters in different Kubernetes clusters link over TLS.
    const targets = (...changes: Partial<SuperClusterMemberSpec>[]) => ({ ...withMembers(...changes), gatewayTls: { secretName: "gateway-tls" } });
    expect(messagesOf(targets({ kubernetes: { provider: "East_1" } }))[0]).toMatch(/^supercluster\.clusters\[0\]\.kubernetes\.provider: "East_1" is not allowed; use 1 to 63/);
    expect(messagesOf(targets({ kubernetes: { context: " " } }))).toEqual([
      'supercluster.clusters[0].kubernetes.context: " " is not allowed; name a context of the kubeconfig, or leave it out for the current context',
    ]);
    expect(messagesOf(targets({ kubernetes: { context: "arn:aws:eks:us-east-1:1:cluster/east" } }))).toEqual([
      'supercluster.clusters[0].kubernetes.provider: nothing is not allowed; name the provider: the context "arn:aws:eks:us-east-1:1:cluster/east" is not a DNS label, so it cannot name one itself',
    ]);
    expect(messagesOf(targets({ kubernetes: { provider: "aws", context: "east" } }, { kubernetes: { provider: "aws", context: "west" } }))).toEqual([
      'supercluster.clusters[1].kubernetes.context: "west" is not allowed; use the context supercluster.clusters[0].kubernetes gives provider aws (east), or name another provider',
    ]);
  });

  it("checks gateway TLS Secret names and defaults the CA to the certificate Secret", () => {
    expect(validateSuperCluster({ ...withMembers(), gatewayTls: { secretName: "gateway-tls" } }, "supercluster", TARGET).gatewayTls).toEqual({ issuer: undefined, secretName: "gateway-tls", caSecretName: undefined });
    expect(messagesOf({ ...withMembers(), gatewayTls: { secretName: "Gateway TLS", caSecretName: "" } })).toEqual([
      'supercluster.gatewayTls.secretName: "Gateway TLS" is not allowed; name a Secret of type kubernetes.io/tls (a DNS name)',
      "supercluster.gatewayTls.caSecretName: \"\" is not allowed; name a Secret holding ca.crt (a DNS name), or leave it out to use secretName's",
    ]);
  });
});

describe("stream placement tags", () => {
  const superCluster = validateSuperCluster(withMembers(), "supercluster", TARGET);
  const tagged = superClusterTags(superCluster);

  function placementMessages(tags: unknown): string[] {
    const problems = new Problems();
    checkPlacementTags(tags, "streams[0].placement.tags", problems, tagged);
    try {
      problems.throwIfAny();
    } catch (error) {
      return (error as ValidationError).problems.map(problemMessage);
    }
    return [];
  }

  it("tags every server with its cluster, region and (when listed) zone", () => {
    expect(tagged[0].serverTags).toEqual([
      ["cluster:east", "region:us-east-1", "az:us-east-1a"],
      ["cluster:east", "region:us-east-1", "az:us-east-1b"],
      ["cluster:east", "region:us-east-1", "az:us-east-1c"],
    ]);
    expect(tagged[1].serverTags[0]).toEqual(["cluster:west", "region:us-west-2"]);
  });

  it("accepts tags servers have, in any case", () => {
    expect(placementMessages(["cluster:west"])).toEqual([]);
    expect(placementMessages(["Region:US-East-1", "az:us-east-1b"])).toEqual([]);
    expect(placementMessages(undefined)).toEqual([]);
  });

  it("refuses a tag no server has, listing the tags there are", () => {
    expect(placementMessages(["cluster:south"])).toEqual([
      'streams[0].placement.tags[0]: "cluster:south" is not allowed; use a tag some server has: az:us-east-1a, az:us-east-1b, az:us-east-1c, cluster:east, cluster:west, region:us-east-1, region:us-west-2',
    ]);
  });

  it("refuses tags no one server has together, and values that are not tag lists", () => {
    expect(placementMessages(["cluster:west", "az:us-east-1a"])).toEqual([
      'streams[0].placement.tags: ["cluster:west","az:us-east-1a"] is not allowed; use tags one server has together: a stream\'s replicas stay within one cluster, on servers with every tag',
    ]);
    expect(placementMessages("cluster:west")).toEqual([
      'streams[0].placement.tags: "cluster:west" is not allowed; give a list of server tags such as "cluster:us-east" or "region:eu-west-1"',
    ]);
  });
});
