import { describe, expect, it } from "vitest";
import { buildConfigMap, renderPodConfig } from "../../components/kubernetes/cluster/config-map";
import { buildDisruptionBudget } from "../../components/kubernetes/cluster/disruption-budget";
import { buildNamespace, buildServiceAccount } from "../../components/kubernetes/cluster/identity";
import { buildNetworkPolicy, clusterIngressAllowances } from "../../components/kubernetes/cluster/network-policy";
import { buildClientService, buildHeadlessService } from "../../components/kubernetes/cluster/services";
import { DEFAULT_EXPORTER_IMAGE, DEFAULT_RELOADER_IMAGE, exporterArgs, reloaderArgs } from "../../components/kubernetes/cluster/sidecars";
import { buildStatefulSet } from "../../components/kubernetes/cluster/statefulset";
import { jetstreamClaimPatches } from "../../components/kubernetes/cluster/volume-claims";
import { Cluster, validateCluster } from "../../components/model/cluster";
import { RenderedServer } from "../../components/model/server-config";
import { TIER_NAMES } from "../../components/model/tiers";
import { schemaProblems } from "../support/k8s-schema";

function everyObject(cluster: Cluster): Record<string, unknown>[] {
  const rendered = renderPodConfig(cluster, "cluster.local", []) as RenderedServer;
  return [
    buildNamespace(cluster),
    buildServiceAccount(cluster),
    buildConfigMap(cluster, rendered.text),
    buildHeadlessService(cluster),
    buildClientService(cluster),
    ...jetstreamClaimPatches(cluster),
    buildStatefulSet(cluster, {
      reloaderImage: DEFAULT_RELOADER_IMAGE,
      exporterImage: DEFAULT_EXPORTER_IMAGE,
      exporterArgs: exporterArgs(cluster, rendered.config),
      reloaderArgs: reloaderArgs(rendered.config),
      extraVolumes: [{ name: "creds", secret: { secretName: "nats-creds" } }],
      extraVolumeMounts: [{ name: "creds", mountPath: "/etc/nats-creds", readOnly: true }],
    }),
    buildDisruptionBudget(cluster),
    buildNetworkPolicy(cluster, clusterIngressAllowances(cluster, { clientNamespaces: ["apps"], monitoringNamespaces: ["monitoring"] })),
  ] as Record<string, unknown>[];
}

describe("the Kubernetes schema check", () => {
  const valid = { apiVersion: "v1", kind: "Service", metadata: { name: "nats" }, spec: { ports: [{ port: 4222, targetPort: "client" }] } };

  it("accepts a valid object", () => {
    expect(schemaProblems(valid)).toEqual([]);
  });

  it("rejects a misspelt field, however deep", () => {
    const misspelt = { ...valid, spec: { ports: [{ port: 4222, targetPrt: "client" }] } };
    expect(schemaProblems(misspelt)).toEqual([".spec.ports[0].targetPrt: unknown field of V1ServicePort"]);
    const container = { name: "nats", image: "nats", readinessprobe: {} };
    const statefulSet = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "nats" },
      spec: { selector: {}, serviceName: "nats", template: { spec: { containers: [container] } } },
    };
    expect(schemaProblems(statefulSet)).toEqual([".spec.template.spec.containers[0].readinessprobe: unknown field of V1Container"]);
  });

  it("rejects a wrong type and a missing required field", () => {
    expect(schemaProblems({ ...valid, spec: { ports: [{ port: "4222" }] } })).toEqual([".spec.ports[0].port: must be integer"]);
    expect(schemaProblems({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", spec: { maxUnavailable: 1, selector: { matchLabels: "x" } } })).toEqual([
      ".spec.selector.matchLabels: must be object",
    ]);
    expect(schemaProblems({ apiVersion: "apps/v1", kind: "StatefulSet", spec: { serviceName: "nats" } })).toEqual([
      ".spec: must have required property selector",
      ".spec: must have required property template",
    ]);
  });

  it("refuses kinds it has no schema for rather than passing them", () => {
    expect(schemaProblems({ apiVersion: "v1", kind: "Pdo" })).toEqual([".: no schema known here for v1 Pdo"]);
    expect(schemaProblems({ kind: "Service" })).toEqual([".: apiVersion and kind are required"]);
  });
});

describe("every object the builders make", () => {
  for (const tier of TIER_NAMES) {
    it(`is valid and has no unknown field (${tier} tier)`, () => {
      const cluster = validateCluster({ name: "nats", tier, namespace: "messaging" });
      for (const object of everyObject(cluster)) expect({ kind: object.kind, problems: schemaProblems(object) }).toEqual({ kind: object.kind, problems: [] });
    });
  }
});
