/**
 * Gateways with mutual TLS on real nats-server: a 2 x 3 supercluster whose gateway sections carry the
 * certificate files (from a throwaway CA, valid for 127.0.0.1) starts, every server's gateway requires TLS,
 * and messages cross between the clusters.
 */
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsConnection } from "nats";
import { validateSuperCluster } from "../../components/model/supercluster";
import { waitFor } from "../support/nats-client";
import { makeLoopbackCertificates } from "../support/test-certificates";
import { launchSuperCluster, RunningSuperCluster, RunningTopology } from "../support/topology-launch";

const superCluster = validateSuperCluster({
  clusters: [
    { name: "north", tier: "small", region: "eu-north-1", gatewayService: { type: "ClusterIP" } },
    { name: "south", tier: "small", region: "eu-south-1", gatewayService: { type: "ClusterIP" } },
  ],
  gatewayTls: { secretName: "gateway-tls" },
});

describe("a supercluster with gateway TLS on real nats-server", () => {
  let running: RunningSuperCluster | undefined;
  let topology: RunningTopology;
  let north: NatsConnection;
  let south: NatsConnection;

  beforeAll(async () => {
    running = await launchSuperCluster(superCluster, "supercluster-tls", 25_000, (runDir) => makeLoopbackCertificates(path.join(runDir, "certs")));
    topology = running.topology;
    [north, south] = running.connections;
  }, 60_000);

  afterAll(async () => {
    await running?.stop();
  });

  it("requires TLS on every gateway and still carries messages between the clusters", async () => {
    for (const server of topology.clusters.flatMap((cluster) => cluster.servers)) {
      const response = await fetch(`http://127.0.0.1:${server.ports.monitor}/varz`, { signal: AbortSignal.timeout(1_000) });
      const varz = (await response.json()) as { gateway?: { name?: string; tls_required?: boolean } };
      expect(varz.gateway).toMatchObject({ tls_required: true });
    }
    south.subscribe("tls.echo", { callback: (_error, message) => message.respond(`south got ${message.string()}`) });
    await south.flush();
    const reply = await waitFor("a reply across the TLS gateway", 15_000, async () => (await north.request("tls.echo", "hello", { timeout: 500 })).string());
    expect(reply).toBe("south got hello");
  });
});
