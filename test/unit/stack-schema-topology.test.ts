/** The stack schema refuses bad topology keys (cluster, supercluster, hubLeaf) by path, suggesting the key a misspelt one meant. */
import { describe, expect, it } from "vitest";
import { BadInput, expectRefusedAt, refuseBroken } from "../support/stack-cases";

const CLUSTER_CASES: BadInput[] = [
  ["a misspelt cluster key", "cluster", (s) => (s.cluster.sever = 3), "cluster.sever", "servers"],
  ["a misspelt tier key", "cluster", (s) => (s.cluster.teir = "dev"), "cluster.teir", "tier"],
  ["a key in the wrong case", "cluster", (s) => (s.cluster.volumesize = "1Gi"), "cluster.volumesize", "volumeSize"],
  ["a misspelt key in ports", "cluster", (s) => (s.cluster.ports = { clinet: 4222 }), "cluster.ports.clinet", "client"],
  ["a misspelt key in limits", "cluster", (s) => (s.cluster.limits = { maxPayloads: "1Mi" }), "cluster.limits.maxPayloads", "maxPayload"],
  ["a misspelt key in lameDuck", "cluster", (s) => (s.cluster.lameDuck = { grace: "10s" }), "cluster.lameDuck.grace"],
  ["a misspelt key in jetstream", "cluster", (s) => (s.cluster.jetstream = { maxFileStor: "1Gi" }), "cluster.jetstream.maxFileStor", "maxFileStore"],
  ["a misspelt top-level key", "cluster", (s) => (s.clustr = {}), "clustr", "cluster"],
  ["a supercluster key on a single cluster", "cluster", (s) => (s.cluster.region = "us-east-1"), "cluster.region"],
  ["servers as quoted text", "cluster", (s) => (s.cluster.servers = "3"), "cluster.servers"],
  ["a fractional server count", "cluster", (s) => (s.cluster.servers = 2.5), "cluster.servers"],
  ["more servers than any tier", "cluster", (s) => (s.cluster.servers = 7), "cluster.servers"],
  ["an even server count", "cluster", (s) => (s.cluster.servers = 2), "cluster.servers"],
  ["an unknown tier", "cluster", (s) => (s.cluster.tier = "huge"), "cluster.tier"],
  ["no tier", "cluster", (s) => delete s.cluster.tier, "cluster.tier"],
  ["no name", "cluster", (s) => delete s.cluster.name, "cluster.name"],
  ["an uppercase name", "cluster", (s) => (s.cluster.name = "NATS"), "cluster.name"],
  ["a name too long for its pods", "cluster", (s) => (s.cluster.name = "n".repeat(43)), "cluster.name"],
  ["a cluster given as text", "cluster", (s) => (s.cluster = "nats"), "cluster"],
  ["memory beyond any node", "cluster", (s) => (s.cluster.memory = "64Ti"), "cluster.memory"],
  ["memory as a number", "cluster", (s) => (s.cluster.memory = 2048), "cluster.memory"],
  ["memory with a space", "cluster", (s) => (s.cluster.memory = "2 Gi"), "cluster.memory"],
  ["memory below the server's minimum", "cluster", (s) => (s.cluster.memory = "256Mi"), "cluster.memory"],
  ["a volume beyond any disk", "cluster", (s) => (s.cluster.volumeSize = "100Ti"), "cluster.volumeSize"],
  ["a volume in gigabytes with a space", "cluster", (s) => (s.cluster.volumeSize = "20 GB"), "cluster.volumeSize"],
  ["more CPUs than any node", "cluster", (s) => (s.cluster.cpu = "1000"), "cluster.cpu"],
  ["CPU with a unit it does not take", "cluster", (s) => (s.cluster.cpu = "2Gi"), "cluster.cpu"],
  ["a port of 0", "cluster", (s) => (s.cluster.ports = { client: 0 }), "cluster.ports.client"],
  ["a port above 65535", "cluster", (s) => (s.cluster.ports = { monitor: 70000 }), "cluster.ports.monitor"],
  ["a port as text", "cluster", (s) => (s.cluster.ports = { cluster: "6222" }), "cluster.ports.cluster"],
  ["two listeners on one port", "cluster", (s) => (s.cluster.ports = { monitor: 4222 }), "cluster.ports.monitor"],
  ["a payload over nats-server's ceiling", "cluster", (s) => (s.cluster.limits = { maxPayload: "128Mi" }), "cluster.limits.maxPayload"],
  ["a fractional connection limit", "cluster", (s) => (s.cluster.limits = { maxConnections: 10.5 }), "cluster.limits.maxConnections"],
  ["more connections than descriptors", "cluster", (s) => (s.cluster.limits = { maxConnections: 5_000_000 }), "cluster.limits.maxConnections"],
  ["a write deadline without a unit", "cluster", (s) => (s.cluster.limits = { writeDeadline: "10" }), "cluster.limits.writeDeadline"],
  ["a duration beyond Go's", "cluster", (s) => (s.cluster.limits = { writeDeadline: "3000000h" }), "cluster.limits.writeDeadline"],
  ["a lame duck shorter than nats-server allows", "cluster", (s) => (s.cluster.lameDuck = { duration: "10s" }), "cluster.lameDuck.duration"],
  ["syncAlways as the text no", "cluster", (s) => (s.cluster.jetstream = { syncAlways: "no" }), "cluster.jetstream.syncAlways"],
  ["syncAlways as the text true", "cluster", (s) => (s.cluster.jetstream = { syncAlways: "true" }), "cluster.jetstream.syncAlways"],
  ["six stream replicas", "cluster", (s) => (s.cluster.jetstream = { streamReplicas: 6 }), "cluster.jetstream.streamReplicas"],
  ["a memory store beyond the node", "cluster", (s) => (s.cluster.jetstream = { maxMemoryStore: "40Ti" }), "cluster.jetstream.maxMemoryStore"],
  ["a domain with a dot", "cluster", (s) => (s.cluster.jetstream = { domain: "a.b" }), "cluster.jetstream.domain"],
  ["an image with a space", "cluster", (s) => (s.cluster.image = "nats 2.10"), "cluster.image"],
  ["an image in capitals", "cluster", (s) => (s.cluster.image = "NATS:2.10"), "cluster.image"],
  ["an image with an empty tag", "cluster", (s) => (s.cluster.image = "nats:"), "cluster.image"],
  ["an image with a short digest", "cluster", (s) => (s.cluster.image = "nats@sha256:abc"), "cluster.image"],
  ["a server version that is no version", "cluster", (s) => (s.cluster.serverVersion = "latest"), "cluster.serverVersion"],
  ["a namespace with an underscore", "cluster", (s) => (s.cluster.namespace = "my_ns"), "cluster.namespace"],
  ["a storage class as a list", "cluster", (s) => (s.cluster.storageClass = ["gp3"]), "cluster.storageClass"],
];

const SUPERCLUSTER_CASES: BadInput[] = [
  ["a misspelt supercluster key", "supercluster", (s) => (s.supercluster.cluster = []), "supercluster.cluster", "clusters"],
  ["a misspelt member key", "supercluster", (s) => (s.supercluster.clusters[0].regoin = "x"), "supercluster.clusters[0].regoin", "region"],
  ["a misspelt kubernetes key", "supercluster", (s) => (s.supercluster.clusters[1].kubernetes = { contxt: "a" }), "supercluster.clusters[1].kubernetes.contxt", "context"],
  ["a misspelt gatewayTls key", "supercluster", (s) => (s.supercluster.gatewayTls = { secretNme: "tls" }), "supercluster.gatewayTls.secretNme", "secretName"],
  ["a misspelt gateway Service key", "supercluster", (s) => (s.supercluster.clusters[0].gatewayService = { loadBalancerSourceRange: ["10.0.0.0/8"] }), "supercluster.clusters[0].gatewayService.loadBalancerSourceRange", "loadBalancerSourceRanges"],
  ["an issuer kind cert-manager does not have", "supercluster", (s) => (s.supercluster.gatewayTls = { issuer: { name: "ca", kind: "Vault" } }), "supercluster.gatewayTls.issuer.kind"],
  ["plain-text gateways allowed by text", "supercluster", (s) => (s.supercluster.allowPlaintextGateways = "yes"), "supercluster.allowPlaintextGateways"],
  ["client TLS verify as text", "supercluster", (s) => (s.supercluster.clusters[0].tls = { client: { secretName: "c", verify: "yes" } }), "supercluster.clusters[0].tls.client.verify"],
  ["one cluster only", "supercluster", (s) => s.supercluster.clusters.pop(), "supercluster.clusters"],
  ["clusters as a mapping", "supercluster", (s) => (s.supercluster.clusters = { east: {} }), "supercluster.clusters"],
  ["a member without a region", "supercluster", (s) => delete s.supercluster.clusters[0].region, "supercluster.clusters[0].region"],
  ["zones as text", "supercluster", (s) => (s.supercluster.clusters[0].zones = "us-east-1a"), "supercluster.clusters[0].zones"],
  ["a zone in capitals", "supercluster", (s) => (s.supercluster.clusters[0].zones = ["A", "b", "c"]), "supercluster.clusters[0].zones[0]"],
  ["a member of one server", "supercluster", (s) => Object.assign(s.supercluster.clusters[0], { tier: "dev", servers: 1 }), "supercluster.clusters[0].servers"],
  ["two members of one name", "supercluster", (s) => (s.supercluster.clusters[1].name = "east"), "supercluster.clusters[1].name"],
  ["a gateway name other than the cluster's", "supercluster", (s) => (s.supercluster.clusters[0].gatewayName = "gw"), "supercluster.clusters[0].gatewayName"],
  ["a server name prefix with a space", "supercluster", (s) => (s.supercluster.clusters[0].serverNamePrefix = "a b"), "supercluster.clusters[0].serverNamePrefix"],
  ["an empty context", "supercluster", (s) => (s.supercluster.clusters[0].kubernetes = { context: "" }), "supercluster.clusters[0].kubernetes.context"],
  ["a provider name in capitals", "supercluster", (s) => (s.supercluster.clusters[0].kubernetes = { provider: "East" }), "supercluster.clusters[0].kubernetes.provider"],
];

const HUB_LEAF_CASES: BadInput[] = [
  ["a misspelt hubLeaf key", "hubLeaf", (s) => (s.hubLeaf.site = s.hubLeaf.sites), "hubLeaf.site", "sites"],
  ["a misspelt hub key", "hubLeaf", (s) => (s.hubLeaf.hub.jetstrem = {}), "hubLeaf.hub.jetstrem", "jetstream"],
  ["a misspelt site key", "hubLeaf", (s) => (s.hubLeaf.sites[0].acount = "edge"), "hubLeaf.sites[0].acount", "account"],
  ["a misspelt site user key", "hubLeaf", (s) => (s.hubLeaf.sites[1].usr = "x"), "hubLeaf.sites[1].usr", "user"],
  ["no sites", "hubLeaf", (s) => (s.hubLeaf.sites = []), "hubLeaf.sites"],
  ["no hub", "hubLeaf", (s) => delete s.hubLeaf.hub, "hubLeaf.hub"],
  ["a hub without a domain", "hubLeaf", (s) => delete s.hubLeaf.hub.jetstream, "hubLeaf.hub.jetstream.domain"],
  ["a site with the hub's domain", "hubLeaf", (s) => (s.hubLeaf.sites[0].jetstream.domain = "hub"), "hubLeaf.sites[0].jetstream.domain"],
  ["a site bound to an undeclared account", "hubLeaf", (s) => (s.hubLeaf.sites[0].account = "nobody"), "hubLeaf.sites[0].account"],
  ["a site user that is not leaf-only", "hubLeaf", (s) => (s.hubLeaf.sites[0].user = "hub-app"), "hubLeaf.sites[0].user"],
  ["a site named like the hub", "hubLeaf", (s) => (s.hubLeaf.sites[0].name = "hub"), "hubLeaf.sites[0].name"],
  ["a site account as a number", "hubLeaf", (s) => (s.hubLeaf.sites[0].account = 5), "hubLeaf.sites[0].account"],
  ["a leaf limit too small for relinks", "hubLeaf", (s) => (s.accounts[0].limits.leaf = 1), "accounts[0].limits.leaf"],
];

describe.each([
  ["a single cluster", CLUSTER_CASES],
  ["a supercluster", SUPERCLUSTER_CASES],
  ["a hub with leaf sites", HUB_LEAF_CASES],
])("the whole check of %s refuses", (_, cases) => {
  it.each(cases)("%s", (...bad) => {
    const [, , , path, suggestion] = bad;
    const problem = expectRefusedAt(refuseBroken(bad), path, suggestion);
    expect(problem.allowed).not.toBe("");
  });
});
