/**
 * The nats.conf rendered for local placement, started as real nats-server processes: for one, three and
 * five servers the cluster forms, elects a JetStream meta leader, and a replicated stream takes and
 * returns messages.
 */
import * as fs from "fs";
import { afterEach, describe, expect, it } from "vitest";
import { AckPolicy, NatsConnection, StorageType } from "nats";
import { localPlacements } from "../../components/local/local-placement";
import { renderServer, TierName, validateCluster } from "../../components/model";
import { connectToCluster } from "../support/nats-client";
import { installedServer, startTestCluster, TestCluster } from "../support/nats-cluster";

const CASES: { tier: TierName; servers: number; replicas: number }[] = [
  { tier: "dev", servers: 1, replicas: 1 },
  { tier: "small", servers: 3, replicas: 3 },
  { tier: "large", servers: 5, replicas: 3 },
];

describe("local clusters on real nats-server", () => {
  let running: TestCluster | undefined;
  let nc: NatsConnection | undefined;

  afterEach(async () => {
    await nc?.close();
    await running?.stop();
    nc = running = undefined;
  });

  for (const { tier, servers, replicas } of CASES) {
    it(`${servers} server${servers === 1 ? "" : "s"} (${tier}): forms, elects a meta leader, and an R${replicas} stream returns what it took`, async () => {
      const cluster = validateCluster({ name: `conf-${tier}`, tier });
      expect(cluster.servers).toBe(servers);
      expect(cluster.jetstream.streamReplicas).toBe(replicas);
      running = await startTestCluster(cluster);
      const local = running.local;

      // Each server runs exactly what the shared renderer gives for its local placement.
      const placements = localPlacements(cluster, local.servers.map((server) => server.ports), running.runDir);
      for (const server of local.servers) {
        const expected = renderServer(cluster, placements[server.index], { targetVersion: installedServer().version }).text;
        expect(fs.readFileSync(server.files.configFile, "utf8")).toBe(expected);
      }

      const leader = await local.metaLeader();
      expect(local.servers.map((server) => server.name)).toContain(leader);

      nc = await connectToCluster(local);
      const jsm = await nc.jetstreamManager();
      const js = nc.jetstream();
      const stream = await jsm.streams.add({ name: "CONFORMANCE", subjects: ["conformance.>"], num_replicas: replicas, storage: StorageType.File });
      expect(stream.config.num_replicas).toBe(replicas);

      const sent = Array.from({ length: 20 }, (_, n) => `message ${n + 1}`);
      for (const [n, body] of sent.entries()) {
        const ack = await js.publish("conformance.test", body, { msgID: `conformance-${n + 1}` });
        expect(ack.seq).toBe(n + 1);
      }
      const info = await jsm.streams.info("CONFORMANCE");
      expect(info.state.messages).toBe(sent.length);
      if (servers > 1) {
        expect(info.cluster?.leader).toBeTruthy();
        expect(info.cluster?.replicas ?? []).toHaveLength(replicas - 1);
      }

      await jsm.consumers.add("CONFORMANCE", { durable_name: "reader", ack_policy: AckPolicy.Explicit });
      const consumer = await js.consumers.get("CONFORMANCE", "reader");
      const received: string[] = [];
      for await (const message of await consumer.fetch({ max_messages: sent.length, expires: 5_000 })) {
        received.push(message.string());
        await message.ackAck();
      }
      expect(received).toEqual(sent);
      expect((await jsm.consumers.info("CONFORMANCE", "reader")).num_ack_pending).toBe(0);

      await nc.close();
      nc = undefined;
      await local.stop();
      expect(local.servers.filter((server) => server.running)).toEqual([]);
      for (const server of local.servers) expect(fs.readFileSync(server.files.logFile, "utf8")).toContain("Entering lame duck mode");
    });
  }
});
