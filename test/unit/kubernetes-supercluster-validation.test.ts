/**
 * Every way the SuperCluster component refuses its args: one InputPropertiesError naming each bad field
 * (paths relative to the args), thrown before anything is registered, not even the component.
 */
import { describe, expect, it } from "vitest";
import { expectRefusal } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";

type Args = import("../../components/kubernetes").SuperClusterArgs;
type Member = import("../../components/model/supercluster").SuperClusterMemberSpec;

const { mocks, components } = await componentStack({ preview: false });

const refusal = (args: Args) => expectRefusal(mocks, () => new components.SuperCluster("global", args));

/** Gateways inside the one Kubernetes cluster, which need neither TLS nor source ranges. */
const east: Member = { name: "east", tier: "small", region: "us-east-1", gatewayService: { type: "ClusterIP" } };
const west: Member = { name: "west", tier: "small", region: "us-west-2", gatewayService: { type: "ClusterIP" } };

describe("the supercluster description", () => {
  const cases: [string, Args, string, RegExp][] = [
    ["one cluster only", { clusters: [east] }, "clusters", /list at least 2 clusters: gateways join clusters/],
    ["two clusters of one name", { clusters: [east, { ...west, name: "east" }] }, "clusters[1].name", /use a name no other cluster has \(clusters\[0\] has it\)/],
    ["a cluster name that is no DNS label", { clusters: [east, { ...west, name: "West_2" }] }, "clusters[1].name", /"West_2" is not allowed/],
    ["a gateway name other than the cluster's", { clusters: [east, { ...west, gatewayName: "wan" }] }, "clusters[1].gatewayName", /nats-server requires the gateway name to equal the cluster name/],
    [
      "a JetStream domain with a dot",
      { clusters: [{ ...east, jetstream: { domain: "acme.global" } }, { ...west, jetstream: { domain: "acme.global" } }] },
      "clusters[0].jetstream.domain",
      /"acme.global" is not allowed; use a non-empty name without whitespace, '.', '\*', '>'/,
    ],
    ["domains that differ", { clusters: [{ ...east, jetstream: { domain: "global" } }, west] }, "clusters[1].jetstream.domain", /a supercluster is one JetStream domain/],
    ["too few zones for R3", { clusters: [{ ...east, zones: ["us-east-1a", "us-east-1b"] }, west], kubernetesVersion: "1.35" }, "clusters[0].zones", /list at least 3 zones/],
    [
      "zones without a Kubernetes version that labels pods with their zone",
      { clusters: [{ ...east, zones: ["us-east-1a", "us-east-1b", "us-east-1c"] }, west], kubernetesVersion: "1.34" },
      "kubernetesVersion",
      /"1.34" is not allowed; state "1.35" or newer: zone tags \(clusters\[0\]\.zones\) need each pod's topology.kubernetes.io\/zone label/,
    ],
    ["zones with no Kubernetes version stated", { clusters: [{ ...east, zones: ["us-east-1a", "us-east-1b", "us-east-1c"] }, west] }, "kubernetesVersion", /state "1.35" or newer/],
    [
      "gateways behind a load balancer without TLS",
      { clusters: [{ ...east, gatewayService: { loadBalancerSourceRanges: ["203.0.113.0/24"] } }, west] },
      "gatewayTls",
      /clusters\[0\]\.gatewayService\.type LoadBalancer is reachable from outside the Kubernetes cluster, so its links need TLS; or set allowPlaintextGateways: true/,
    ],
    [
      "gateways between Kubernetes clusters without TLS",
      { clusters: [east, { ...west, kubernetes: { context: "west" } }] },
      "gatewayTls",
      /clusters\[1\]\.kubernetes\.context "west" puts a cluster in another Kubernetes cluster/,
    ],
    [
      "an internet-facing gateway that admits any source without saying so",
      { clusters: [{ ...east, gatewayService: {} }, west], gatewayTls: { issuer: { name: "nats-links" } } },
      "clusters[0].gatewayService.loadBalancerSourceRanges",
      /nothing is not allowed; list the CIDRs of the peers that dial this internet-facing load balancer.*or set allowAnySource: true/,
    ],
    [
      "source ranges on a Service that is no load balancer",
      { clusters: [{ ...east, gatewayService: { type: "ClusterIP", loadBalancerSourceRanges: ["203.0.113.0/24"] } }, west] },
      "clusters[0].gatewayService.loadBalancerSourceRanges",
      /leave it out unless type is LoadBalancer/,
    ],
    ["gateway TLS from both an issuer and a Secret", { clusters: [east, west], gatewayTls: { issuer: { name: "ca" }, secretName: "gw" } }, "gatewayTls", /give either issuer .* or secretName/],
    ["an issuer kind cert-manager does not have", { clusters: [east, west], gatewayTls: { issuer: { name: "ca", kind: "Vault" as "Issuer" } } }, "gatewayTls.issuer.kind", /"Vault" is not allowed; use ClusterIssuer or Issuer/],
    ["a server name prefix with a dot", { clusters: [east, { ...west, serverNamePrefix: "acme." }] }, "clusters[1].serverNamePrefix", /"acme\." is not allowed/],
    ["a gateway TLS Secret that is no DNS name", { clusters: [east, west], gatewayTls: { secretName: "Gateway TLS" } }, "gatewayTls.secretName", /name a Secret of type kubernetes.io\/tls/],
  ];
  it.each(cases)("refuses %s", async (_, args, path, message) => {
    const { paths, message: text } = await refusal(args);
    expect(paths).toContain(path);
    expect(text).toMatch(message);
  });
});

describe("the gateway Services", () => {
  const cases: [string, Partial<Args> & Pick<Args, "clusters">, string, RegExp][] = [
    ["an unknown cloud", { clusters: [east, west], cloud: "gcp" as "aws" }, "cloud", /"gcp" is not allowed; use aws/],
    ["an unknown Service type", { clusters: [east, { ...west, gatewayService: { type: "Ingress" as "ClusterIP" } }] }, "clusters[1].gatewayService.type", /use one of LoadBalancer, NodePort, ClusterIP/],
    ["a NodePort without its port", { clusters: [east, { ...west, gatewayService: { type: "NodePort", advertiseHost: "gw.example.com" } }] }, "clusters[1].gatewayService.nodePort", /use a port from 30000 to 32767/],
    ["a NodePort without a host to advertise", { clusters: [{ ...east, gatewayService: { type: "NodePort", nodePort: 30722 } }, west] }, "clusters[0].gatewayService.advertiseHost", /a NodePort Service has no address of its own/],
    ["a node port on a load balancer", { clusters: [{ ...east, gatewayService: { nodePort: 30722 } }, west] }, "clusters[0].gatewayService.nodePort", /leave it out unless type is NodePort/],
    ["a source that is no CIDR", { clusters: [east, { ...west, gatewayService: { allowedCidrs: ["10.0.0.0/8", "anywhere"] } }] }, "clusters[1].gatewayService.allowedCidrs[1]", /"anywhere" is not allowed; use a CIDR/],
    ["an advertised host with a space", { clusters: [{ ...east, gatewayService: { advertiseHost: "gw east" } }, west] }, "clusters[0].gatewayService.advertiseHost", /use a DNS name or an IP address/],
  ];
  it.each(cases)("refuses %s", async (_, args, path, message) => {
    const { paths, message: text } = await refusal(args as Args);
    expect(paths).toContain(path);
    expect(text).toMatch(message);
  });
});

describe("what every cluster shares", () => {
  it("refuses an account the model refuses, naming it under accounts", async () => {
    const { paths, message } = await refusal({ clusters: [east, west], accounts: [{ name: "sys" }] });
    expect(paths).toEqual(["accounts[0].name"]);
    expect(message).toMatch(/SYS is the system account every cluster has/);
  });

  it("refuses an empty operator rotation as NatsCredentials does", async () => {
    const { paths } = await refusal({ clusters: [east, west], operatorRotation: " " });
    expect(paths).toEqual(["operatorRotation"]);
  });

  it("checks the accounts' limits against the smallest cluster, where an untagged stream may land", async () => {
    const big: Member = { ...east, tier: "large", volumeSize: "1Ti" };
    const account = { name: "shop", limits: { jetstream: { diskStorage: "500Gi" } } };
    const { paths, message } = await refusal({ clusters: [big, west], accounts: [account] });
    expect(paths).toEqual(["accounts[0].limits.jetstream.diskStorage"]);
    expect(message).toMatch(/500Gi/);
  });

  it("refuses a setting JetStreamCluster would refuse, before any cluster exists", async () => {
    const { paths } = await refusal({ clusters: [east, west], clientNamespaces: ["apps", "Bad_NS"], clusterDomain: "cluster..local" });
    expect(paths).toEqual(["clientNamespaces[1]", "clusterDomain"]);
  });

  it("lists every problem of the clusters and their Services at once", async () => {
    const { paths, message } = await refusal({ clusters: [east, { ...east, gatewayService: { type: "NodePort" } }], cloud: "azure" as "aws" });
    expect(paths).toEqual(["cloud", "clusters[1].gatewayService.nodePort", "clusters[1].gatewayService.advertiseHost", "clusters[1].name", "gatewayTls"]);
    expect(message).toMatch(/^5 problems:/);
  });
});
