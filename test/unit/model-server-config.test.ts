import { describe, expect, it } from "vitest";
import { validateCluster } from "../../components/model/cluster";
import { kubernetesPlacement } from "../../components/kubernetes/cluster/pod-placement";
import { localPlacements } from "../../components/local/local-placement";
import { renderServer } from "../../components/model/server-config";
import { parseServerVersion } from "../../components/model/version";

const localPorts = (i: number) => ({ client: 20000 + i, cluster: 21000 + i, monitor: 22000 + i, gateway: 23000 + i, leafnodes: 24000 + i, metrics: 25000 + i });

describe("server config rendering", () => {
  it("routes pods through the headless service and names servers from the pod", () => {
    const cluster = validateCluster({ name: "events", tier: "small", namespace: "messaging" });
    const { text, config } = renderServer(cluster, kubernetesPlacement(cluster));
    expect(text).toContain("server_name: $SERVER_NAME");
    expect((config.cluster as { routes: string[] }).routes).toEqual([
      "nats://events-0.events-headless.messaging.svc.cluster.local:6222",
      "nats://events-1.events-headless.messaging.svc.cluster.local:6222",
      "nats://events-2.events-headless.messaging.svc.cluster.local:6222",
    ]);
    expect(config.jetstream).toMatchObject({ store_dir: "/data", sync_interval: "always" });
  });

  it("renders a one-server dev cluster without a cluster block or fsync-per-write", () => {
    const cluster = validateCluster({ name: "nats", tier: "dev" });
    const { config } = renderServer(cluster, kubernetesPlacement(cluster));
    expect(config.cluster).toBeUndefined();
    expect(config.jetstream).not.toHaveProperty("sync_interval");
  });

  it("places local servers on loopback with their own ports and directories", () => {
    const cluster = validateCluster({ name: "nats", tier: "small" });
    const placements = localPlacements(cluster, [0, 1, 2].map(localPorts), "/run/x");
    const configs = placements.map((p) => renderServer(cluster, p).config);
    expect(configs.map((c) => c.server_name)).toEqual(["nats-0", "nats-1", "nats-2"]);
    expect(configs.map((c) => c.port)).toEqual([20000, 20001, 20002]);
    expect(new Set(configs.map((c) => (c.jetstream as { store_dir: string }).store_dir)).size).toBe(3);
    expect(configs[0].host).toBe("127.0.0.1");
  });

  it("leaves out options the target server does not know and says so", () => {
    const cluster = validateCluster({ name: "nats", tier: "large" });
    const old = renderServer(cluster, kubernetesPlacement(cluster), { targetVersion: parseServerVersion("2.9.10") });
    expect(old.text).not.toContain("sync_interval");
    expect(old.omitted).toEqual([expect.stringMatching(/^jetstream\.sync_interval: left out for nats-server 2\.9\.10/)]);
    expect(renderServer(cluster, kubernetesPlacement(cluster)).omitted).toEqual([]);
  });

  it("renders byte-identical text for the same cluster", () => {
    const a = validateCluster({ name: "nats", tier: "medium" });
    const b = validateCluster({ name: "nats", tier: "medium" });
    expect(renderServer(a, kubernetesPlacement(a)).text).toBe(renderServer(b, kubernetesPlacement(b)).text);
  });
});
