/**
 * Every way the component refuses its args: one InputPropertiesError naming each bad field, thrown before
 * anything is registered (not even the component itself).
 */
import { describe, expect, it } from "vitest";
import { expectRefusal } from "../support/component-expectations";
import { componentStack } from "../support/component-stack";

type Args = import("../../components/kubernetes").JetStreamClusterArgs;

const { mocks, components } = await componentStack({ preview: false });

const refusal = (args: Args) => expectRefusal(mocks, () => new components.JetStreamCluster("nats", args));

const small = { name: "nats", tier: "small" } as const;

describe("the cluster description", () => {
  const cases: [string, Args, string, RegExp][] = [
    ["no cluster at all", {} as Args, "cluster.name", /cluster\.name: nothing is not allowed/],
    ["an unknown tier", { cluster: { name: "nats", tier: "huge" as "small" } }, "cluster.tier", /"huge" is not allowed; use one of dev, small, medium, large/],
    ["an even server count", { cluster: { ...small, servers: 4 } }, "cluster.servers", /4 is not allowed; a small cluster runs 3 servers/],
    ["a name that is no DNS label", { cluster: { ...small, name: "Nats_1" } }, "cluster.name", /"Nats_1" is not allowed/],
    ["a malformed quantity", { cluster: { ...small, volumeSize: "20 GB" } }, "cluster.volumeSize", /"20 GB" is not allowed; use a Kubernetes quantity/],
    ["a port clash", { cluster: { ...small, ports: { monitor: 4222 } } }, "cluster.ports.monitor", /4222 is not allowed; use a port no other listener uses/],
    ["R3 in a one-server cluster", { cluster: { name: "nats", tier: "dev", jetstream: { streamReplicas: 3 } } }, "cluster.jetstream.streamReplicas", /use 1/],
  ];
  it.each(cases)("refuses %s", async (_, args, path, message) => {
    const { paths, message: text } = await refusal(args);
    expect(paths).toContain(path);
    expect(text).toMatch(message);
  });

  it("lists every problem at once", async () => {
    const { paths, message } = await refusal({ cluster: { ...small, servers: 4, memory: "lots" }, monitoringNamespace: "Monitoring" });
    expect(paths).toEqual(["cluster.servers", "cluster.memory", "monitoringNamespace"]);
    expect(message).toMatch(/^3 problems:/);
  });
});

describe("the Kubernetes options", () => {
  const cases: [string, Partial<Args>, string, RegExp][] = [
    ["an empty client namespace list", { clientNamespaces: [] }, "clientNamespaces", /name at least one namespace/],
    ["a client namespace that is no DNS label", { clientNamespaces: ["apps", "Bad_NS"] }, "clientNamespaces[1]", /"Bad_NS" is not allowed; name a namespace/],
    ["a monitoring namespace that is no DNS label", { monitoringNamespace: "monitoring!" }, "monitoringNamespace", /"monitoring!" is not allowed/],
    ["a further monitoring namespace that is no DNS label", { monitoringNamespaces: ["keda", "Prom_NS"] }, "monitoringNamespaces[1]", /"Prom_NS" is not allowed; name a namespace/],
    ["a malformed cluster domain", { clusterDomain: "cluster..local" }, "clusterDomain", /use the DNS domain the kubelets are configured with/],
    ["an empty reloader image", { reloaderImage: "" }, "reloaderImage", /name a container image/],
    ["an exporter image with a space", { exporterImage: "prom exporter" }, "exporterImage", /name a container image/],
    ["an extra volume named like the pod's own", { extraVolumes: [{ name: "config", emptyDir: {} }] }, "extraVolumes[0].name", /"config" is not allowed; use a name not taken/],
    [
      "two extra volumes of one name",
      { extraVolumes: [{ name: "creds", emptyDir: {} }, { name: "creds", emptyDir: {} }] },
      "extraVolumes[1].name",
      /"creds" is not allowed/,
    ],
    ["a mount of a volume not listed", { extraVolumeMounts: [{ name: "creds", mountPath: "/etc/creds" }] }, "extraVolumeMounts[0].name", /name a volume listed in extraVolumes/],
    [
      "a mount over the JetStream store",
      { extraVolumes: [{ name: "creds", emptyDir: {} }], extraVolumeMounts: [{ name: "creds", mountPath: "/data/creds" }] },
      "extraVolumeMounts[0].mountPath",
      /"\/data\/creds" is not allowed; mount outside \/etc\/nats-config, \/data, \/var\/run\/nats/,
    ],
    [
      "a config section that changes a setting of the cluster",
      { extraConfSections: [{ leafnodes: { port: 7422 } }, { port: 5222 }] },
      "extraConfSections",
      /extraConfSections: two config sections set port differently/,
    ],
  ];
  it.each(cases)("refuses %s", async (_, options, path, message) => {
    const { paths, message: text } = await refusal({ cluster: small, ...options });
    expect(paths).toEqual([path]);
    expect(text).toMatch(message);
  });
});
