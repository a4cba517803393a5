/**
 * The user roles against a real nats-server: each does its job and is refused everything else, and no user
 * can read another's replies. The provisioner creates the stream, its consumers and the bucket; the
 * publisher, the workers and the key-value reader and writer then work with them, each under its own inbox
 * prefix, and every forbidden action is refused and leaves the stream as it was.
 */
import { AckPolicy, JetStreamManager, JSONCodec, KV, NatsConnection, nanos, RetentionPolicy, StringCodec } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCredentials, GeneratedCredentials } from "../../components/credentials/generate";
import { validateAccounts } from "../../components/model/account-resolution";
import { AccountSpec, AccountStream } from "../../components/model/accounts";
import { validateCluster } from "../../components/model/cluster";
import { pullAndAckAll } from "../support/nats-client";
import { keyBytesFor, OperatorServer, sleep, startOperatorServer, trackViolations } from "../support/operator-server";

const codec = StringCodec();
const cluster = validateCluster({ name: "roles", tier: "dev" });
const VIOLATION = /Permissions Violation for Publish/;
const ACK_WAIT_MS = 1_000;

const STREAMS: AccountStream[] = [
  { name: "ORDERS", account: "shop", subjects: ["orders.>"], consumers: ["process", "audit"] },
  { name: "KV_carts", account: "shop", subjects: ["$KV.carts.>"], bucket: "carts" },
];

const ACCOUNTS: AccountSpec[] = [
  {
    name: "shop",
    subjects: ["shop.>"],
    limits: { jetstream: { diskStorage: "64Mi", memStorage: "16Mi" } },
    users: [
      { name: "shop-nack", provisioner: true },
      { name: "api", publisher: { stream: "ORDERS" } },
      { name: "processor", worker: { stream: "ORDERS", consumer: "process" } },
      { name: "auditor", worker: { stream: "ORDERS", consumer: "audit" } },
      { name: "cart-reader", kvReader: { bucket: "carts" } },
      { name: "cart-writer", kvWriter: { bucket: "carts" } },
    ],
  },
];

describe("user roles against nats-server: each does its job, nothing else, and reads only its own replies", () => {
  let credentials: GeneratedCredentials;
  let server: OperatorServer;
  let provisioner: NatsConnection;
  let provisionerJsm: JetStreamManager;
  const open: NatsConnection[] = [];
  const as = async (user: string, inboxPrefix?: string) => {
    const nc = await server.connectAs(user, inboxPrefix === undefined ? {} : { inboxPrefix });
    open.push(nc);
    return nc;
  };
  /** A JetStream manager that skips the account check, so each call below meets the permissions itself. */
  const managerOf = (nc: NatsConnection) => nc.jetstreamManager({ checkAPI: false });
  const rawApiRequest = (nc: NatsConnection, subject: string, body: unknown = {}) => nc.request(subject, JSONCodec().encode(body), { timeout: 2_000 });
  const bucketOf = (nc: NatsConnection): Promise<KV> => nc.jetstream().views.kv("carts", { bindOnly: true });
  const storedMessages = async () => (await provisionerJsm.streams.info("ORDERS")).state.messages;

  beforeAll(async () => {
    const accounts = validateAccounts(ACCOUNTS, { cluster, streams: STREAMS });
    credentials = await generateCredentials(accounts, keyBytesFor(accounts));
    server = await startOperatorServer(credentials, cluster);
    provisioner = await as("shop-nack");
    provisionerJsm = await provisioner.jetstreamManager();
    await provisionerJsm.streams.add({ name: "ORDERS", subjects: ["orders.>"], retention: RetentionPolicy.Limits });
    for (const durable of ["process", "audit"]) {
      await provisionerJsm.consumers.add("ORDERS", { durable_name: durable, ack_policy: AckPolicy.Explicit, ack_wait: nanos(ACK_WAIT_MS) });
    }
    await provisioner.jetstream().views.kv("carts", { history: 3 });
  });

  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await server?.stop();
  });

  describe("the provisioner", () => {
    it("created the stream, its consumers and the bucket, reading its replies under the default inbox, and may update them", async () => {
      expect(credentials.users.find((user) => user.name === "shop-nack")!.inboxPrefix).toBe("_INBOX");
      expect((await provisionerJsm.consumers.list("ORDERS").next()).map((consumer) => consumer.name).sort()).toEqual(["audit", "process"]);
      expect((await provisionerJsm.streams.info("KV_carts")).config.max_msgs_per_subject).toBe(3);
      await provisionerJsm.streams.update("ORDERS", { max_age: nanos(3_600_000) });
      await provisionerJsm.consumers.add("ORDERS", { durable_name: "scratch", ack_policy: AckPolicy.Explicit });
      expect(await provisionerJsm.consumers.delete("ORDERS", "scratch")).toBe(true);
    });

    it("may neither publish into a stream, get its messages, purge nor delete it", async () => {
      await (await as("api")).jetstream().publish("orders.kept", codec.encode("kept"));
      const before = await storedMessages();
      const violations = trackViolations(provisioner);
      provisioner.publish("orders.forged");
      await provisioner.flush();
      expect(await violations.refused("publish", "orders.forged")).toBe(true);
      const jsm = await managerOf(provisioner);
      await expect(jsm.streams.purge("ORDERS")).rejects.toThrow(VIOLATION);
      await expect(jsm.streams.delete("ORDERS")).rejects.toThrow(VIOLATION);
      await expect(jsm.streams.getMessage("ORDERS", { seq: 1 })).rejects.toThrow(VIOLATION);
      await expect(rawApiRequest(provisioner, "$JS.API.DIRECT.GET.ORDERS", { seq: 1 })).rejects.toThrow(VIOLATION);
      await expect(jsm.streams.delete("KV_carts")).rejects.toThrow(VIOLATION);
      expect(await storedMessages()).toBe(before);
    });
  });

  describe("the publisher", () => {
    it("publishes into its stream, gets the acks on its own inbox and looks the stream up", async () => {
      const api = await as("api");
      expect(await api.jetstream().publish("orders.created", codec.encode("order 1"))).toMatchObject({ stream: "ORDERS" });
      expect((await (await managerOf(api)).streams.info("ORDERS")).config.name).toBe("ORDERS");
    });

    it("may neither read the stream's messages, pull from its consumers, purge nor delete it", async () => {
      const api = await as("api");
      const before = await storedMessages();
      const violations = trackViolations(api);
      api.subscribe("orders.>");
      await api.flush();
      expect(await violations.refused("subscription", "orders.>")).toBe(true);
      const jsm = await managerOf(api);
      await expect(jsm.streams.getMessage("ORDERS", { seq: 1 })).rejects.toThrow(VIOLATION);
      await expect(rawApiRequest(api, "$JS.API.DIRECT.GET.ORDERS", { seq: 1 })).rejects.toThrow(VIOLATION);
      await expect(api.jetstream().consumers.get("ORDERS", "process")).rejects.toThrow(VIOLATION);
      await expect(jsm.streams.purge("ORDERS")).rejects.toThrow(VIOLATION);
      await expect(jsm.streams.delete("ORDERS")).rejects.toThrow(VIOLATION);
      expect(await storedMessages()).toBe(before);
    });
  });

  describe("the workers", () => {
    it("pull from their own consumer and ack, so the message is not delivered again", async () => {
      await (await as("api")).jetstream().publish("orders.created", codec.encode("order 2"));
      const consumer = await (await as("processor")).jetstream().consumers.get("ORDERS", "process");
      const handled = await pullAndAckAll(consumer);
      expect(handled).toContain("order 2");
      await sleep(ACK_WAIT_MS + 300);
      expect(await consumer.info()).toMatchObject({ num_ack_pending: 0, num_redelivered: 0, num_pending: 0 });
    });

    it("may not pull from, look up or ack another worker's consumer", async () => {
      const auditor = await as("auditor");
      const violations = trackViolations(auditor);
      await expect(auditor.jetstream().consumers.get("ORDERS", "process")).rejects.toThrow(VIOLATION);
      await expect(rawApiRequest(auditor, "$JS.API.CONSUMER.MSG.NEXT.ORDERS.process", { batch: 1, expires: nanos(500) })).rejects.toThrow(VIOLATION);
      auditor.publish("$JS.ACK.ORDERS.process.1.1.1.0.0");
      await auditor.flush();
      expect(await violations.refused("publish", "$JS.ACK.ORDERS.process.1.1.1.0.0")).toBe(true);
      expect(await provisionerJsm.consumers.info("ORDERS", "process")).toMatchObject({ num_pending: 0, num_ack_pending: 0 });
    });
  });

  describe("private replies", () => {
    it("refuses a user another user's inbox, the default inbox and the acks of others, so it sees none of their pull deliveries", async () => {
      const auditor = await as("auditor");
      const violations = trackViolations(auditor);
      const seen: string[] = [];
      for (const subject of ["_INBOX_processor.>", "_INBOX.>", "$JS.ACK.>", ">"]) auditor.subscribe(subject, { callback: (error, message) => error === null && seen.push(message.subject) });
      await auditor.flush();
      for (const subject of ["_INBOX_processor.>", "_INBOX.>", "$JS.ACK.>", ">"]) expect(await violations.refused("subscription", subject)).toBe(true);

      await (await as("api")).jetstream().publish("orders.created", codec.encode("order 3"));
      const consumer = await (await as("processor")).jetstream().consumers.get("ORDERS", "process");
      const message = await consumer.next({ expires: 2_000 });
      expect(message && codec.decode(message.data)).toBe("order 3");
      expect(await message!.ackAck()).toBe(true);
      await sleep(300);
      expect(seen).toEqual([]);
    });

    it("gets a client that keeps the default inbox prefix no JetStream answer: its client must set its own", async () => {
      const processor = await as("processor", "_INBOX");
      const violations = trackViolations(processor);
      await expect(processor.jetstream().consumers.get("ORDERS", "process")).rejects.toThrow();
      // The client's reply subscription, `_INBOX.<its id>.*`, is the one refused.
      expect(violations.all().filter((refused) => refused.startsWith("subscription _INBOX.")).length).toBeGreaterThan(0);
    });
  });

  describe("key-value readers and writers", () => {
    it("let the writer put and the reader get, list and watch the bucket's keys", async () => {
      const writer = await bucketOf(await as("cart-writer"));
      const reader = await bucketOf(await as("cart-reader"));
      await writer.put("cart-1", codec.encode("apples"));
      expect(codec.decode((await reader.get("cart-1"))!.value)).toBe("apples");
      const keys: string[] = [];
      for await (const key of await reader.keys()) keys.push(key);
      expect(keys).toEqual(["cart-1"]);

      const watch = await reader.watch({ key: "cart-2" });
      const updates: string[] = [];
      const watched = (async () => {
        for await (const entry of watch) {
          updates.push(codec.decode(entry.value));
          if (updates.length === 1) break;
        }
      })();
      await writer.put("cart-2", codec.encode("pears"));
      await Promise.race([watched, sleep(3_000)]);
      watch.stop();
      expect(updates).toEqual(["pears"]);
    });

    it("refuse the reader a put or delete, and both a purge or delete of the bucket", async () => {
      const readerConnection = await as("cart-reader");
      const reader = await bucketOf(readerConnection);
      await expect(reader.put("cart-1", codec.encode("forged"))).rejects.toThrow(VIOLATION);
      await expect(reader.delete("cart-1")).rejects.toThrow(VIOLATION);
      for (const nc of [readerConnection, await as("cart-writer")]) {
        const jsm = await managerOf(nc);
        await expect(jsm.streams.purge("KV_carts")).rejects.toThrow(VIOLATION);
        await expect(jsm.streams.delete("KV_carts")).rejects.toThrow(VIOLATION);
      }
      expect(codec.decode((await reader.get("cart-1"))!.value)).toBe("apples");
    });
  });
});
