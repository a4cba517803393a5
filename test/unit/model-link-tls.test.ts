/**
 * TLS on exposed links and the client port: when the model requires it and refuses its absence, where the
 * certificates come from (cert-manager Certificates, valid against cert-manager's CRD, or given Secrets), how
 * the pods mount them, and the tls blocks nats.conf gets.
 */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { resolveClusterSettings } from "../../components/kubernetes/cluster/cluster-args";
import { renderPodConfig } from "../../components/kubernetes/cluster/config-map";
import { buildCertificate, certificateNames, hostOf, tlsVolumes } from "../../components/kubernetes/cluster/listener-tls";
import { exporterArgs, reloaderArgs } from "../../components/kubernetes/cluster/sidecars";
import { buildStatefulSet } from "../../components/kubernetes/cluster/statefulset";
import { Problem, ValidationError } from "../../components/model/errors";
import { HubAndLeafSpec, validateHubAndLeaf } from "../../components/model/leaf";
import { validateCluster } from "../../components/model/cluster";
import { readStackFile, resolveStack, stackFilePath } from "../../components/model/stack";
import { RenderedServer } from "../../components/model/server-config";
import { validateSuperCluster } from "../../components/model/supercluster";
import { schemaProblems } from "../support/k8s-schema";
import { expectReloaderWatchesCertificates, PodSpecView } from "../support/reloader-expectations";

const PROJECT_DIR = path.resolve(__dirname, "../..");

function problemsOf(check: () => unknown): readonly Problem[] {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems;
  }
  return [];
}

const factory = { name: "factory", tier: "dev" as const, jetstream: { domain: "factory" }, account: "edge" };
function hubLeaf(change: Partial<HubAndLeafSpec> = {}, hub: Partial<HubAndLeafSpec["hub"]> = {}): HubAndLeafSpec {
  return { hub: { name: "hub", tier: "small", jetstream: { domain: "hub" }, ...hub }, sites: [factory], ...change };
}
const members = (gatewayService: object, context?: string) => ({
  clusters: [
    { name: "east", tier: "small" as const, region: "us-east-1", gatewayService },
    { name: "west", tier: "small" as const, region: "us-west-2", gatewayService, kubernetes: context === undefined ? undefined : { context } },
  ],
});

describe("links that leave their Kubernetes cluster", () => {
  it("refuses leaf links to a site in another Kubernetes cluster without TLS, naming the opt-out key", () => {
    const problems = problemsOf(() => validateHubAndLeaf(hubLeaf({ sites: [{ ...factory, kubernetes: { context: "edge-site" } }] }, { leafnodesService: { type: "ClusterIP" } })));
    expect(problems).toEqual([
      {
        path: "hubLeaf.leafnodesTls",
        value: undefined,
        allowed: expect.stringMatching(/hubLeaf\.sites\[0\]\.kubernetes\.context "edge-site" puts a cluster in another Kubernetes cluster.*or set hubLeaf\.allowPlaintextLeafnodes: true/),
      },
    ]);
  });

  it("refuses a load balancer without TLS and without source ranges, one problem for each", () => {
    const problems = problemsOf(() => validateHubAndLeaf(hubLeaf()));
    expect(problems.map((problem) => problem.path)).toEqual(["hubLeaf.hub.leafnodesService.loadBalancerSourceRanges", "hubLeaf.leafnodesTls"]);
  });

  it("accepts plain text and any source only when the stack names the keys that allow them", () => {
    const open = validateHubAndLeaf(hubLeaf({ allowPlaintextLeafnodes: true }, { leafnodesService: { allowAnySource: true } }));
    expect(open.leafnodesTls).toBeUndefined();
    expect(open.hub.leafnodesService).toMatchObject({ type: "LoadBalancer", loadBalancerSourceRanges: undefined });
    expect(problemsOf(() => validateHubAndLeaf(hubLeaf({ allowPlaintextLeafnodes: "yes" as never }, { leafnodesService: { allowAnySource: true } })))).toEqual([
      { path: "hubLeaf.allowPlaintextLeafnodes", value: "yes", allowed: "use true or false" },
    ]);
  });

  it("needs no source ranges on a load balancer an annotation keeps internal, but still TLS", () => {
    const internal = { annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } };
    expect(problemsOf(() => validateSuperCluster(members(internal))).map((problem) => problem.path)).toEqual(["supercluster.gatewayTls"]);
    const resolved = validateSuperCluster({ ...members(internal), gatewayTls: { issuer: { name: "nats-links", kind: "Issuer" } } });
    expect(resolved.gatewayTls).toEqual({ issuer: { name: "nats-links", kind: "Issuer" }, secretName: undefined, caSecretName: undefined });
  });

  it("asks nothing of gateways that stay inside one Kubernetes cluster", () => {
    expect(validateSuperCluster(members({ type: "ClusterIP" })).gatewayTls).toBeUndefined();
  });

  it("names the value and what is allowed for certificates given both ways, neither way, or badly", () => {
    const inside = members({ type: "ClusterIP" });
    expect(problemsOf(() => validateSuperCluster({ ...inside, gatewayTls: {} }))).toEqual([
      { path: "supercluster.gatewayTls", value: {}, allowed: expect.stringMatching(/^give either issuer .* or secretName/) },
    ]);
    expect(problemsOf(() => validateSuperCluster({ ...inside, gatewayTls: { issuer: { name: "Links CA" }, caSecretName: "ca" } }))).toEqual([
      { path: "supercluster.gatewayTls.issuer.name", value: "Links CA", allowed: "name a cert-manager Issuer or ClusterIssuer (a DNS name)" },
      { path: "supercluster.gatewayTls.caSecretName", value: "ca", allowed: "leave it out with an issuer: the Secret cert-manager writes holds ca.crt" },
    ]);
  });

  it("gives the shipped supercluster stack cert-manager certificates and source ranges on every gateway", () => {
    const stack = resolveStack("supercluster", readStackFile(stackFilePath(PROJECT_DIR, "supercluster")));
    if (stack.topology.kind !== "supercluster") throw new Error("the supercluster stack is no supercluster");
    expect(stack.topology.superCluster.gatewayTls?.issuer).toEqual({ name: "nats-links", kind: "ClusterIssuer" });
    for (const member of stack.topology.superCluster.members) expect(member.gatewayService.loadBalancerSourceRanges?.length).toBeGreaterThan(0);
  });
});

describe("certificates on Kubernetes", () => {
  const cluster = validateCluster({ name: "east", tier: "small", namespace: "nats" });
  const issued = { issuer: { name: "nats-links", kind: "ClusterIssuer" as const }, secretName: undefined, caSecretName: undefined };

  it("asks cert-manager for a certificate valid for the dialled address, as server and client, that cert-manager's CRD accepts", () => {
    const hosts = [hostOf("k8s-nats-east-0123456789.elb.us-east-1.amazonaws.com:7222"), hostOf("203.0.113.7:7222"), "east-gateway.nats.svc.cluster.local"];
    const certificate = buildCertificate(cluster, "gateway", issued, hosts) as { apiVersion: string; kind: string; metadata: unknown; spec: Record<string, unknown> };
    expect(schemaProblems(certificate)).toEqual([]);
    expect(certificate.spec).toMatchObject({
      secretName: "east-gateway-tls",
      dnsNames: ["k8s-nats-east-0123456789.elb.us-east-1.amazonaws.com", "east-gateway.nats.svc.cluster.local"],
      ipAddresses: ["203.0.113.7"],
      usages: expect.arrayContaining(["server auth", "client auth"]),
      issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: "nats-links" },
    });
    expect(certificateNames(["2001:db8::1", "nats.example.com", "nats.example.com"])).toEqual({ dnsNames: ["nats.example.com"], ipAddresses: ["2001:db8::1"] });
    expect(hostOf("[2001:db8::1]:7422")).toBe("2001:db8::1");
  });

  it("mounts the issued Secret with its ca.crt, or a given Secret and a separate CA", () => {
    expect(tlsVolumes(cluster, "gateway", issued)).toEqual({
      volumes: [{ name: "gateway-tls", secret: { secretName: "east-gateway-tls", defaultMode: 0o440 } }],
      mounts: [{ name: "gateway-tls", mountPath: "/etc/nats-certs/gateway", readOnly: true }],
      files: { certFile: "/etc/nats-certs/gateway/tls.crt", keyFile: "/etc/nats-certs/gateway/tls.key", caFile: "/etc/nats-certs/gateway/ca.crt" },
    });
    const given = tlsVolumes(cluster, "leafnodes", { issuer: undefined, secretName: "leaf", caSecretName: "leaf-ca" });
    expect(given.volumes.map((volume) => volume.secret)).toEqual([
      { secretName: "leaf", defaultMode: 0o440 },
      { secretName: "leaf-ca", defaultMode: 0o440, items: [{ key: "ca.crt", path: "ca.crt" }] },
    ]);
    expect(given.files.caFile).toBe("/etc/nats-certs/leafnodes-ca/ca.crt");
  });

  it("turns on client TLS with client certificates required: the mounted Secret and a tls block in nats.conf", () => {
    const settings = resolveClusterSettings({ cluster: { name: "secure", tier: "dev", tls: { client: { issuer: { name: "nats-clients" }, verify: true } } } });
    expect(settings.extraVolumes).toEqual([{ name: "client-tls", secret: { secretName: "secure-client-tls", defaultMode: 0o440 } }]);
    expect(settings.extraVolumeMounts).toEqual([{ name: "client-tls", mountPath: "/etc/nats-certs/client", readOnly: true }]);
    const rendered = renderPodConfig(settings.cluster, settings.clusterDomain, settings.extraConfSections as never);
    expect((rendered as { config: Record<string, unknown> }).config.tls).toEqual({
      cert_file: "/etc/nats-certs/client/tls.crt",
      key_file: "/etc/nats-certs/client/tls.key",
      ca_file: "/etc/nats-certs/client/ca.crt",
      verify: true,
      timeout: 5,
    });
  });

  it("has the reloader watch the client certificate files nats.conf names, through their mount alone, in a StatefulSet the schema accepts", () => {
    const settings = resolveClusterSettings({
      cluster: { name: "secure", tier: "dev", tls: { client: { secretName: "client-tls", caSecretName: "client-ca" } } },
      extraVolumes: [{ name: "creds", secret: { secretName: "nats-creds" } }],
      extraVolumeMounts: [{ name: "creds", mountPath: "/etc/nats-creds", readOnly: true }],
    });
    const rendered = renderPodConfig(settings.cluster, settings.clusterDomain, settings.extraConfSections as never) as RenderedServer;
    const statefulSet = buildStatefulSet(settings.cluster, {
      ...settings,
      exporterArgs: exporterArgs(settings.cluster, rendered.config),
      reloaderArgs: reloaderArgs(rendered.config),
    }) as unknown as { spec: { template: { spec: PodSpecView } } };
    expect(schemaProblems(statefulSet as unknown as Record<string, unknown>)).toEqual([]);
    const pod = statefulSet.spec.template.spec;
    expectReloaderWatchesCertificates(pod, rendered.text);
    const reloader = pod.containers.find((container) => container.name === "reloader")!;
    expect(reloader.volumeMounts.map((mount) => mount.name)).toEqual(["config", "pid", "client-tls", "client-ca"]);
  });
});
