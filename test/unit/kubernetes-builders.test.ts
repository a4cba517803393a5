/** The pure builders beside the component: quorum, ingress composition, exporter flags, the pods' nats.conf. */
import { describe, expect, it } from "vitest";
import { fromRenderedConfig, renderPodConfig } from "../../components/kubernetes/cluster/config-map";
import { maxUnavailableServers } from "../../components/kubernetes/cluster/disruption-budget";
import { buildNetworkPolicy, clusterIngressAllowances } from "../../components/kubernetes/cluster/network-policy";
import { exporterArgs } from "../../components/kubernetes/cluster/sidecars";
import { validateCluster } from "../../components/model/cluster";
import { ConfVariable } from "../../components/model/conf";
import { kubernetesPlacement } from "../../components/kubernetes/cluster/pod-placement";
import { RenderedServer, renderServer } from "../../components/model/server-config";
import { schemaProblems } from "../support/k8s-schema";

const small = validateCluster({ name: "nats", tier: "small" });

describe("the disruption budget", () => {
  it("lets a minority go at most, and a single server never", () => {
    expect([1, 3, 5].map(maxUnavailableServers)).toEqual([0, 1, 2]);
  });
});

describe("ingress allowances", () => {
  it("compose: a later feature adds its port by adding an entry", () => {
    const allowances = [
      ...clusterIngressAllowances(small, { clientNamespaces: ["nats"], monitoringNamespaces: [] }),
      { ports: [small.ports.gateway], from: [{ namespace: "nats-west" }, { clusterPods: true as const }] },
    ];
    const policy = buildNetworkPolicy(small, allowances) as Record<string, any>;
    expect(policy.spec.ingress).toHaveLength(4);
    expect(policy.spec.ingress[3]).toEqual({
      ports: [{ protocol: "TCP", port: 7222 }],
      from: [
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "nats-west" } } },
        { podSelector: { matchLabels: { "app.kubernetes.io/name": "nats", "app.kubernetes.io/instance": "nats" } } },
      ],
    });
    expect(schemaProblems(policy)).toEqual([]);
  });
});

describe("the exporter's flags", () => {
  it("poll gateway and leaf-node endpoints only when the config has those sections", () => {
    expect(exporterArgs(small, {})).not.toEqual(expect.arrayContaining(["-gatewayz"]));
    expect(exporterArgs(small, { gateway: { name: "nats" } })).toContain("-gatewayz");
    expect(exporterArgs(small, { leafnodes: { port: 7422 } })).toContain("-leafz");
  });

  it("follow the cluster's ports", () => {
    const cluster = validateCluster({ name: "nats", tier: "small", ports: { monitor: 18222, metrics: 17777 } });
    const args = exporterArgs(cluster, {});
    expect(args[0]).toBe("-port=17777");
    expect(args[args.length - 1]).toBe("http://localhost:18222/");
  });
});

describe("the pods' nats.conf", () => {
  it("is the model's one renderer with Kubernetes placement", () => {
    const rendered = renderPodConfig(small, "cluster.local", []) as RenderedServer;
    expect(rendered.text).toBe(renderServer(small, kubernetesPlacement(small)).text);
  });

  it("takes sections that are still promises, without losing variable references", async () => {
    const section = Promise.resolve({ authorization: { token: new ConfVariable("CLIENT_TOKEN") } });
    const rendered = renderPodConfig(small, "cluster.local", [section]);
    const text = await new Promise<string>((resolve) => fromRenderedConfig(rendered, (config) => resolve(config.text)));
    expect(text).toContain("token: $CLIENT_TOKEN");
  });
});
