/**
 * JetStream under operator-mode credentials against a real nats-server: the publisher and worker roles do
 * their work and nothing more, each account has its own JetStream within its limits, and an account added
 * to the preload is picked up by a config reload.
 */
import { AckPolicy, JetStreamManager, JSONCodec, NatsConnection, nanos, RetentionPolicy, StorageType, StringCodec } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCredentials, GeneratedCredentials } from "../../components/credentials/generate";
import { validateAccounts } from "../../components/model/account-resolution";
import { AccountSpec, AccountStream } from "../../components/model/accounts";
import { validateCluster } from "../../components/model/cluster";
import { pullAndAckAll } from "../support/nats-client";
import { keyBytesFor, OperatorServer, sleep, startOperatorServer, trackViolations } from "../support/operator-server";

const codec = StringCodec();
const cluster = validateCluster({ name: "creds", tier: "dev" });
const MEBIBYTE = 2 ** 20;
const ACK_WAIT_MS = 1_000;
const VIOLATION = /Permissions Violation for Publish/;

const STREAMS: AccountStream[] = [{ name: "ORDERS", account: "shop", subjects: ["orders.>"] }];
const JETSTREAM_ADMIN = { publish: ["$JS.API.>"] };

function accountSpecs(extra: AccountSpec[] = []): AccountSpec[] {
  return [
    {
      name: "shop",
      subjects: ["shop.>"],
      limits: { jetstream: { streams: 2, diskStorage: "64Mi", memStorage: "16Mi" } },
      users: [
        { name: "admin", admin: true, permissions: JETSTREAM_ADMIN },
        { name: "api", publisher: { stream: "ORDERS" } },
        { name: "orders-worker", worker: { stream: "ORDERS", consumer: "process" } },
      ],
    },
    { name: "other", subjects: ["other.>"], users: [{ name: "other-admin", admin: true, permissions: JETSTREAM_ADMIN }] },
    ...extra,
  ];
}

function generate(specs: AccountSpec[]): Promise<GeneratedCredentials> {
  const accounts = validateAccounts(specs, { cluster, streams: STREAMS });
  return generateCredentials(accounts, keyBytesFor(accounts));
}

describe("credentials against nats-server: JetStream roles, limits and reload", () => {
  let credentials: GeneratedCredentials;
  let server: OperatorServer;
  let admin: NatsConnection;
  let adminJsm: JetStreamManager;
  const open: NatsConnection[] = [];
  const as = async (user: string) => {
    const nc = await server.connectAs(user);
    open.push(nc);
    return nc;
  };
  /** A JetStream manager that skips the account check, so each call below meets the permissions itself. */
  const managerOf = (nc: NatsConnection) => nc.jetstreamManager({ checkAPI: false });
  /** Requests a JetStream API subject directly, as a client that skips the library's own lookups would. */
  const rawApiRequest = (nc: NatsConnection, subject: string, body: unknown) => nc.request(subject, JSONCodec().encode(body), { timeout: 2_000 });

  beforeAll(async () => {
    credentials = await generate(accountSpecs());
    server = await startOperatorServer(credentials, cluster);
    admin = await as("admin");
    adminJsm = await admin.jetstreamManager();
    await adminJsm.streams.add({ name: "ORDERS", subjects: ["orders.>"], retention: RetentionPolicy.Workqueue, max_bytes: 8 * MEBIBYTE });
    await adminJsm.consumers.add("ORDERS", { durable_name: "process", ack_policy: AckPolicy.Explicit, ack_wait: nanos(ACK_WAIT_MS) });
  });

  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await server?.stop();
  });

  it("lets the publisher publish to its stream and get acks", async () => {
    const js = (await as("api")).jetstream();
    const ack = await js.publish("orders.created", codec.encode("order 1"));
    expect(ack).toMatchObject({ stream: "ORDERS", duplicate: false });
  });

  it("refuses the publisher anything else: other subjects, reading the stream, changing or deleting it", async () => {
    const api = await as("api");
    const violations = trackViolations(api);
    api.publish("shop.created");
    api.subscribe("orders.>");
    await api.flush();
    expect(await violations.refused("publish", "shop.created")).toBe(true);
    expect(await violations.refused("subscription", "orders.>")).toBe(true);

    const jsm = await managerOf(api);
    await expect(jsm.streams.delete("ORDERS")).rejects.toThrow(VIOLATION);
    await expect(jsm.streams.update("ORDERS", { max_msgs: 1 })).rejects.toThrow(VIOLATION);
    await expect(rawApiRequest(api, "$JS.API.STREAM.UPDATE.ORDERS", { name: "ORDERS", subjects: ["orders.>"] })).rejects.toThrow(VIOLATION);
    await expect(jsm.consumers.add("ORDERS", { durable_name: "mine", ack_policy: AckPolicy.Explicit })).rejects.toThrow(VIOLATION);
  });

  it("lets the worker pull from its durable consumer and ack, after which the message is not delivered again", async () => {
    await (await as("api")).jetstream().publish("orders.created", codec.encode("order 2"));
    const consumer = await (await as("orders-worker")).jetstream().consumers.get("ORDERS", "process");
    const handled = await pullAndAckAll(consumer);
    expect(handled).toContain("order 2");

    await sleep(ACK_WAIT_MS + 500);
    expect(await consumer.next({ expires: 1_000 })).toBeNull();
    expect(await consumer.info()).toMatchObject({ num_ack_pending: 0, num_redelivered: 0, num_pending: 0 });
    expect((await adminJsm.streams.info("ORDERS")).state.messages).toBe(0);
  });

  it("refuses the worker anything else: publishing, other consumers, changing or deleting streams and consumers", async () => {
    const worker = await as("orders-worker");
    const violations = trackViolations(worker);
    worker.publish("orders.created");
    await worker.flush();
    expect(await violations.refused("publish", "orders.created")).toBe(true);

    const jsm = await managerOf(worker);
    await expect(jsm.streams.delete("ORDERS")).rejects.toThrow(VIOLATION);
    await expect(jsm.streams.update("ORDERS", { max_msgs: 1 })).rejects.toThrow(VIOLATION);
    await expect(rawApiRequest(worker, "$JS.API.STREAM.UPDATE.ORDERS", { name: "ORDERS", subjects: ["orders.>"] })).rejects.toThrow(VIOLATION);
    await expect(jsm.consumers.add("ORDERS", { durable_name: "mine", ack_policy: AckPolicy.Explicit })).rejects.toThrow(VIOLATION);
    await expect(jsm.consumers.delete("ORDERS", "process")).rejects.toThrow(VIOLATION);
    await expect(worker.jetstream().consumers.get("ORDERS", "other")).rejects.toThrow(VIOLATION);
  });

  it("gives each account its own JetStream with the limits the model set", async () => {
    expect((await adminJsm.getAccountInfo()).limits).toMatchObject({ max_memory: 16 * MEBIBYTE, max_storage: 64 * MEBIBYTE, max_streams: 2, max_consumers: -1 });
    const otherJsm = await (await as("other-admin")).jetstreamManager();
    await expect(otherJsm.streams.info("ORDERS")).rejects.toThrow(/stream not found/);
    await otherJsm.streams.add({ name: "ORDERS", subjects: ["other.orders.>"] });
    expect((await otherJsm.getAccountInfo()).streams).toBe(1);
    expect((await adminJsm.streams.info("ORDERS")).config.subjects).toEqual(["orders.>"]);
  });

  it("refuses JetStream beyond an account's limits: storage, then the number of streams", async () => {
    await expect(adminJsm.streams.add({ name: "HUGE", subjects: ["shop.huge"], max_bytes: 128 * MEBIBYTE })).rejects.toThrow(/insufficient storage resources/);
    await expect(
      adminJsm.streams.add({ name: "HUGE_MEMORY", subjects: ["shop.huge-memory"], storage: StorageType.Memory, max_bytes: 32 * MEBIBYTE }),
    ).rejects.toThrow(/insufficient memory resources|insufficient storage resources/);
    await adminJsm.streams.add({ name: "AUDIT", subjects: ["shop.audit"], max_bytes: MEBIBYTE });
    await expect(adminJsm.streams.add({ name: "THIRD", subjects: ["shop.third"], max_bytes: MEBIBYTE })).rejects.toThrow(/maximum number of streams reached/);
  });

  it("picks up an added account on a config reload, without a restart; clients reconnect", async () => {
    const late: AccountSpec = { name: "late", subjects: ["late.>"], users: [{ name: "latecomer", permissions: { publish: ["late.>"], subscribe: ["late.>"] } }] };
    const next = await generate(accountSpecs([late]));
    const shopJwt = (of: GeneratedCredentials) => of.accounts.find((account) => account.name === "shop")!.jwt;
    expect(shopJwt(next)).toBe(shopJwt(credentials));
    const latecomer = next.users.find((user) => user.name === "latecomer")!;
    await expect(server.connectWithCreds(latecomer.creds)).rejects.toMatchObject({ code: "AUTHORIZATION_VIOLATION" });

    // nats-server up to 2.14.1 closes every JWT-authenticated connection on any reload in operator mode
    // (nats-io/nats-server#8606); a client that reconnects, as clients do by default, carries on.
    const steady = await server.connectAs("admin", { reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    open.push(steady);
    const reconnected = (async () => {
      for await (const status of steady.status()) if (status.type === "reconnect") return true;
      return false;
    })();
    await server.reload(next);
    expect(await Promise.race([reconnected, sleep(5_000).then(() => false)])).toBe(true);

    const nc = await server.connectWithCreds(latecomer.creds);
    open.push(nc);
    const subscription = nc.subscribe("late.hello", { max: 1 });
    nc.publish("late.hello", codec.encode("hi"));
    for await (const message of subscription) expect(codec.decode(message.data)).toBe("hi");

    const info = await (await steady.jetstreamManager()).streams.info("ORDERS");
    expect(info.config.subjects).toEqual(["orders.>"]);
    expect(steady.isClosed()).toBe(false);
    expect(server.log().match(/Starting nats-server/g)).toHaveLength(1);
  });
});
