/**
 * The deployment as an attacker inside or next to it sees it, on real nats-server: one operator-mode server
 * with two accounts, and a hub with a default (authenticated) leaf site and an open one. Every forbidden
 * action is tried per role and topology; each must be refused (an authorization or permissions violation,
 * or, where a leaf link keeps a request from the hub, no responders), and the streams and consumers it aimed
 * at must be exactly as they were. credentials-roles.test.ts shows each role doing its job; the controls here
 * show the same actions succeeding for the user they belong to, so that a refusal cannot pass by accident.
 */
import { randomBytes } from "crypto";
import * as path from "path";
import { createAccount } from "@nats-io/nkeys";
import { AckPolicy, connect, ConnectionOptions, credsAuthenticator, JetStreamManager, JSONCodec, Msg, NatsConnection, nanos, StringCodec } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCredsFiles } from "../../components/credentials/files";
import { generateCredentials, GeneratedCredentials } from "../../components/credentials/generate";
import { keyEntities, KEY_BYTES } from "../../components/credentials/keys";
import { waitForLeafInterest, waitForLeafLinks } from "../../components/local";
import { validateAccounts } from "../../components/model/account-resolution";
import { AccountSpec, AccountStream } from "../../components/model/accounts";
import { validateCluster } from "../../components/model/cluster";
import { validateHubAndLeaf } from "../../components/model/leaf";
import { leafUserGrants, withGrants } from "../../components/model/leaf-grants";
import { localHubAndLeafPlacements } from "../../components/local/local-topology";
import { inboxPrefix } from "../../components/model/permissions";
import { accountJwtOfForeignOperator, jwtWithAnotherSeed, userOfForeignAccount, userSignedBy, userSignedByRandomKeyFor } from "../support/forged-creds";
import { pullAndAckAll, waitFor } from "../support/nats-client";
import { keyBytesFor, OperatorServer, startOperatorServer, trackViolations, Violations } from "../support/operator-server";
import { expectStreamsUnchanged, WatchedStreams } from "../support/stream-state";
import { launchTopology, prepareTopology, RunningTopology } from "../support/topology-launch";

const codec = StringCodec();
const json = JSONCodec();
const PUBLISH_VIOLATION = /Permissions Violation for Publish/;
const AUTHORIZATION_VIOLATION = /Authorization Violation/i;
const NO_RESPONDERS = "503";

/** Connects once, without reconnecting, so a refused connection fails at once. */
function connectOnce(servers: string | string[], options: ConnectionOptions = {}): Promise<NatsConnection> {
  return connect({ servers, reconnect: false, timeout: 3_000, ...options });
}

function withCreds(creds: string): ConnectionOptions {
  return { authenticator: credsAuthenticator(new TextEncoder().encode(creds)) };
}

/** Waits until the server has refused `operation` on `subject` since `mark` (a count of earlier refusals). */
async function refusedSince(violations: Violations, mark: number, operation: "publish" | "subscription", subject: string): Promise<boolean> {
  const line = `${operation} ${subject}`;
  return waitFor(`the server to refuse ${line}`, 3_000, async () => (violations.all().slice(mark).includes(line) ? true : undefined)).catch(() => false);
}

/** A connection and what the server refused it. */
interface Attacker {
  nc: NatsConnection;
  violations: Violations;
}

async function attacker(nc: NatsConnection): Promise<Attacker> {
  return { nc, violations: trackViolations(nc) };
}

async function expectPublishRefused({ nc, violations }: Attacker, subject: string): Promise<void> {
  const mark = violations.all().length;
  nc.publish(subject, codec.encode("forged"));
  await nc.flush();
  expect(await refusedSince(violations, mark, "publish", subject)).toBe(true);
}

async function expectSubscribeRefused({ nc, violations }: Attacker, subject: string): Promise<void> {
  const mark = violations.all().length;
  nc.subscribe(subject);
  await nc.flush();
  expect(await refusedSince(violations, mark, "subscription", subject)).toBe(true);
}

async function expectRequestRefused({ nc }: Attacker, subject: string, body: unknown): Promise<void> {
  await expect(nc.request(subject, json.encode(body), { timeout: 2_000 })).rejects.toThrow(PUBLISH_VIOLATION);
}

/** Requests that no server answers: the link never carried the interest, so the client hears "no responders". */
async function expectNoResponders(nc: NatsConnection, subject: string, body: unknown): Promise<void> {
  await expect(nc.request(subject, json.encode(body), { timeout: 2_000 })).rejects.toMatchObject({ code: NO_RESPONDERS });
}

/** Subscribes `subjects` and collects what they receive as `<subject>`. */
function eavesdrop(nc: NatsConnection, subjects: readonly string[]): string[] {
  const seen: string[] = [];
  for (const subject of subjects) nc.subscribe(subject, { callback: (error, message: Msg) => error === null && seen.push(message.subject) });
  return seen;
}

describe("attacks on an operator-mode server with two accounts", () => {
  const STREAMS: AccountStream[] = [
    { name: "ORDERS", account: "shop", subjects: ["orders.>"], consumers: ["process", "audit"] },
    { name: "INVOICES", account: "shop", subjects: ["invoices.>"] },
    { name: "KV_carts", account: "shop", subjects: ["$KV.carts.>"], bucket: "carts" },
    { name: "LEDGER", account: "bank", subjects: ["ledger.>"], consumers: ["post"] },
  ];
  const ACCOUNTS: AccountSpec[] = [
    {
      name: "shop",
      limits: { jetstream: { diskStorage: "64Mi", memStorage: "16Mi" } },
      users: [
        { name: "shop-nack", provisioner: true },
        { name: "api", publisher: { stream: "ORDERS" } },
        { name: "biller", publisher: { stream: "INVOICES" } },
        { name: "processor", worker: { stream: "ORDERS", consumer: "process" } },
        { name: "auditor", worker: { stream: "ORDERS", consumer: "audit" } },
        { name: "cart-reader", kvReader: { bucket: "carts" } },
        { name: "cart-writer", kvWriter: { bucket: "carts" } },
        // The strongest user of the account, for attacks across accounts: everything its account has.
        { name: "shop-admin", admin: true, permissions: { publish: [">"], subscribe: [">"] } },
      ],
    },
    {
      name: "bank",
      limits: { jetstream: { diskStorage: "64Mi", memStorage: "16Mi" } },
      users: [
        { name: "bank-nack", provisioner: true },
        { name: "teller", publisher: { stream: "LEDGER" } },
        { name: "poster", worker: { stream: "LEDGER", consumer: "post" } },
      ],
    },
  ];
  const cluster = validateCluster({ name: "attacks", tier: "dev" });
  const accounts = validateAccounts(ACCOUNTS, { cluster, streams: STREAMS });
  let credentials: GeneratedCredentials;
  let server: OperatorServer;
  let watched: WatchedStreams;
  const open: NatsConnection[] = [];
  const as = async (user: string): Promise<NatsConnection> => {
    const nc = await server.connectAs(user);
    open.push(nc);
    return nc;
  };
  const accountKey = (name: string) => credentials.accounts.find((account) => account.name === name)!.publicKey;
  const userJwt = (name: string) => credentials.users.find((user) => user.name === name)!.jwt;

  beforeAll(async () => {
    credentials = await generateCredentials(accounts, keyBytesFor(accounts, "attacks"));
    server = await startOperatorServer(credentials, cluster);
    const shopJsm = await (await as("shop-nack")).jetstreamManager();
    const bankJsm = await (await as("bank-nack")).jetstreamManager();
    await shopJsm.streams.add({ name: "ORDERS", subjects: ["orders.>"] });
    await shopJsm.streams.add({ name: "INVOICES", subjects: ["invoices.>"] });
    await bankJsm.streams.add({ name: "LEDGER", subjects: ["ledger.>"] });
    for (const durable of ["process", "audit"]) await shopJsm.consumers.add("ORDERS", { durable_name: durable, ack_policy: AckPolicy.Explicit });
    await bankJsm.consumers.add("LEDGER", { durable_name: "post", ack_policy: AckPolicy.Explicit });
    await (await as("shop-nack")).jetstream().views.kv("carts", { history: 3 });

    const api = (await as("api")).jetstream();
    for (const order of ["order 1", "order 2", "order 3"]) await api.publish("orders.created", codec.encode(order));
    await (await as("biller")).jetstream().publish("invoices.issued", codec.encode("invoice 1"));
    const teller = (await as("teller")).jetstream();
    for (const entry of ["entry 1", "entry 2"]) await teller.publish("ledger.posted", codec.encode(entry));
    await (await (await as("cart-writer")).jetstream().views.kv("carts", { bindOnly: true })).put("cart-1", codec.encode("apples"));
    // One message of each stream delivered and acked, so that a consumer's state has positions to lose.
    for (const [user, stream, consumer] of [["processor", "ORDERS", "process"], ["poster", "LEDGER", "post"]]) {
      const message = await (await as(user)).jetstream().consumers.get(stream, consumer).then((bound) => bound.next({ expires: 2_000 }));
      expect(await message!.ackAck()).toBe(true);
    }
    watched = [
      { jsm: shopJsm, streams: ["ORDERS", "INVOICES", "KV_carts"] },
      { jsm: bankJsm, streams: ["LEDGER"] },
    ];
  });

  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await server?.stop();
  });

  describe("anonymous and forged connections", () => {
    const refusedConnections: [string, () => Promise<ConnectionOptions>][] = [
      ["an anonymous connection", async () => ({})],
      ["a user JWT signed by a foreign account key", async () => withCreds(await userOfForeignAccount())],
      ["a real user JWT presented with another seed (the nonce signed by the wrong key)", async () => withCreds(jwtWithAnotherSeed(userJwt("api")))],
      ["a user JWT of a random signer claiming the account as its issuer account", async () => withCreds(await userSignedByRandomKeyFor(accountKey("shop")))],
      ["the creds of another operator's user of the same name", async () => withCreds((await generateCredentials(accounts, keyBytesFor(accounts, "another operator"))).users.find((user) => user.name === "api")!.creds)],
    ];
    it.each(refusedConnections)("refuses %s", async (_attack, options) => {
      const forged = await options();
      await expectStreamsUnchanged(watched, async () => {
        await expect(connectOnce(server.url, forged)).rejects.toThrow(AUTHORIZATION_VIOLATION);
      });
    });

    it("accepts the real creds the forgeries imitate", async () => {
      const nc = await connectOnce(server.url, withCreds(credentials.users.find((user) => user.name === "api")!.creds));
      await nc.flush();
      await nc.close();
    });

    it("refuses users of an account JWT not issued by the operator, even after the system user pushes it as a claims update", async () => {
      const sys = await as("sys");
      const signingKey = createAccount();
      const intruderAccount = createAccount().getPublicKey();
      await expectStreamsUnchanged(watched, async () => {
        for (const account of [accountKey("shop"), intruderAccount]) {
          const forgedAccount = await accountJwtOfForeignOperator(account, signingKey);
          for (const subject of [`$SYS.REQ.ACCOUNT.${account}.CLAIMS.UPDATE`, "$SYS.REQ.CLAIMS.UPDATE"]) {
            // The MEMORY resolver takes no updates: it answers that it skipped this one, or that it failed.
            const answer = await sys.request(subject, codec.encode(forgedAccount), { timeout: 1_000 }).then((message) => message.string(), (error: Error) => error.message);
            expect(answer).not.toMatch(/jwt updated/i);
            expect(answer).toMatch(/jwt update skipped|"error"|503|timeout/i);
          }
          await expect(connectOnce(server.url, withCreds(await userSignedBy(account, signingKey)))).rejects.toThrow(AUTHORIZATION_VIOLATION);
        }
      });
      await (await as("api")).jetstream().publish("orders.created", codec.encode("after the forged update"));
    });
  });

  describe("each role outside its subjects and API", () => {
    type Role = "api" | "processor" | "cart-reader" | "cart-writer" | "shop-nack" | "sys";
    const ROLES: Role[] = ["api", "processor", "cart-reader", "cart-writer", "shop-nack", "sys"];
    interface Attack {
      title: string;
      kind: "publish" | "subscribe" | "request";
      subject: string;
      body?: unknown;
      /** The role whose job this is; every other role is refused. */
      allowed?: Role;
    }
    const ATTACKS: Attack[] = [
      { title: "publish into another stream's subjects", kind: "publish", subject: "invoices.forged" },
      { title: "publish into ORDERS", kind: "publish", subject: "orders.forged", allowed: "api" },
      { title: "put a key into the bucket", kind: "publish", subject: "$KV.carts.forged", allowed: "cart-writer" },
      { title: "ack another consumer's message", kind: "publish", subject: "$JS.ACK.ORDERS.audit.1.2.2.0.0" },
      { title: "read ORDERS's subjects live", kind: "subscribe", subject: "orders.>" },
      { title: "watch the bucket's subjects live", kind: "subscribe", subject: "$KV.carts.>" },
      { title: "pull from another consumer", kind: "request", subject: "$JS.API.CONSUMER.MSG.NEXT.ORDERS.audit", body: { batch: 1, expires: nanos(300) } },
      { title: "pull from another account's consumer name", kind: "request", subject: "$JS.API.CONSUMER.MSG.NEXT.LEDGER.post", body: { batch: 1, expires: nanos(300) } },
      { title: "look up another consumer", kind: "request", subject: "$JS.API.CONSUMER.INFO.ORDERS.audit", allowed: "shop-nack" },
      { title: "create a consumer on ORDERS", kind: "request", subject: "$JS.API.CONSUMER.CREATE.ORDERS", body: { stream_name: "ORDERS", config: { ack_policy: "explicit" } }, allowed: "shop-nack" },
      { title: "delete a consumer of ORDERS", kind: "request", subject: "$JS.API.CONSUMER.DELETE.ORDERS.process", allowed: "shop-nack" },
      { title: "create a stream", kind: "request", subject: "$JS.API.STREAM.CREATE.EVIL", body: { name: "EVIL", subjects: ["evil.>"] }, allowed: "shop-nack" },
      { title: "update ORDERS", kind: "request", subject: "$JS.API.STREAM.UPDATE.ORDERS", body: { name: "ORDERS", subjects: ["orders.>", "evil.>"] }, allowed: "shop-nack" },
      { title: "purge ORDERS", kind: "request", subject: "$JS.API.STREAM.PURGE.ORDERS" },
      { title: "delete ORDERS", kind: "request", subject: "$JS.API.STREAM.DELETE.ORDERS" },
      { title: "get a message of ORDERS", kind: "request", subject: "$JS.API.STREAM.MSG.GET.ORDERS", body: { seq: 1 } },
      { title: "direct-get a message of ORDERS", kind: "request", subject: "$JS.API.DIRECT.GET.ORDERS", body: { seq: 1 } },
      { title: "delete a message of ORDERS", kind: "request", subject: "$JS.API.STREAM.MSG.DELETE.ORDERS", body: { seq: 1 } },
      { title: "purge the bucket", kind: "request", subject: "$JS.API.STREAM.PURGE.KV_carts" },
      { title: "delete the bucket", kind: "request", subject: "$JS.API.STREAM.DELETE.KV_carts" },
    ];
    const attackers = {} as Record<Role, Attacker>;

    beforeAll(async () => {
      for (const role of ROLES) attackers[role] = await attacker(await as(role));
    });

    for (const role of ROLES) {
      describe(`the ${role} user`, () => {
        it.each(ATTACKS.filter((attack) => attack.allowed !== role).map((attack) => [attack.title, attack] as const))("is refused: %s", async (_title, attack) => {
          await expectStreamsUnchanged(watched, async () => {
            if (attack.kind === "publish") await expectPublishRefused(attackers[role], attack.subject);
            else if (attack.kind === "subscribe") await expectSubscribeRefused(attackers[role], attack.subject);
            else await expectRequestRefused(attackers[role], attack.subject, attack.body ?? {});
          });
        });
      });
    }

    it("lets each role do what the attacks above are refused to the others: publish, put, look up a consumer", async () => {
      expect(await attackers.api.nc.jetstream().publish("orders.created", codec.encode("order 4"))).toMatchObject({ stream: "ORDERS" });
      const writer = await attackers["cart-writer"].nc.jetstream().views.kv("carts", { bindOnly: true });
      expect(await writer.put("cart-2", codec.encode("pears"))).toBeGreaterThan(0);
      const provisioner = await attackers["shop-nack"].nc.jetstreamManager();
      expect((await provisioner.consumers.info("ORDERS", "audit")).name).toBe("audit");
    });
  });

  describe("eavesdropping on other users' replies", () => {
    it("shows no user another user's publish acks, pull deliveries, acks or bucket reads, whatever it subscribes to", async () => {
      const EAVESDROPPERS = ["api", "auditor", "cart-reader", "cart-writer", "shop-nack", "sys"];
      const INBOXES = [`${inboxPrefix("processor")}.>`, `${inboxPrefix("api")}.>`, `${inboxPrefix("cart-reader")}.>`];
      const listening = await Promise.all(
        EAVESDROPPERS.map(async (user) => {
          const nc = await as(user);
          const violations = trackViolations(nc);
          // Not its own inbox: the user's own traffic below uses it.
          const targets = [...INBOXES.filter((inbox) => inbox !== `${inboxPrefix(user)}.>`), "_INBOX.>", "$JS.ACK.>", ">"];
          const seen = eavesdrop(nc, targets);
          await nc.flush();
          return { user, nc, violations, targets, seen };
        }),
      );
      // Each is refused every target but its own default inbox (the provisioner's, the system user's), which others' replies never use.
      for (const { user, violations, targets } of listening) {
        const mayHold = user === "shop-nack" || user === "sys" ? ["_INBOX.>"] : [];
        for (const subject of targets.filter((target) => !mayHold.includes(target))) expect([subject, await refusedSince(violations, 0, "subscription", subject)]).toEqual([subject, true]);
      }

      const ack = await (await as("api")).jetstream().publish("orders.created", codec.encode("order 5"));
      const consumer = await (await as("processor")).jetstream().consumers.get("ORDERS", "process");
      const delivered = await pullAndAckAll(consumer);
      expect(delivered).toContain("order 5");
      expect(ack.seq).toBeGreaterThan(0);
      const reader = await (await as("cart-reader")).jetstream().views.kv("carts", { bindOnly: true });
      expect(codec.decode((await reader.get("cart-1"))!.value)).toBe("apples");
      // One server: whatever it sent an eavesdropper along with the replies came before the answer to its next ping.
      await Promise.all(listening.map(({ nc }) => nc.flush()));
      expect(Object.fromEntries(listening.map(({ user, seen }) => [user, seen]))).toEqual(Object.fromEntries(EAVESDROPPERS.map((user) => [user, []])));
      await Promise.all(listening.map(({ nc }) => nc.close()));
    });
  });

  describe("across accounts", () => {
    it("answers an admin of one account for its own JetStream only: another account's stream is not found, and publishing on its subjects stores nothing there", async () => {
      const admin = await as("shop-admin");
      await expectStreamsUnchanged(watched, async () => {
        const adminJsm: JetStreamManager = await admin.jetstreamManager({ checkAPI: false });
        await expect(adminJsm.streams.info("LEDGER")).rejects.toThrow(/stream not found/i);
        await expect(adminJsm.streams.getMessage("LEDGER", { seq: 1 })).rejects.toThrow(/stream not found/i);
        await expect(adminJsm.streams.purge("LEDGER")).rejects.toThrow(/stream not found/i);
        await expect(adminJsm.streams.delete("LEDGER")).rejects.toThrow(/stream not found/i);
        await expect(admin.jetstream().consumers.get("LEDGER", "post")).rejects.toThrow(/stream not found/i);
        // The account's JetStream API listens on `$JS.API.>` and ignores a direct get of a stream it lacks.
        await expect(admin.request("$JS.API.DIRECT.GET.LEDGER", json.encode({ seq: 1 }), { timeout: 500 })).rejects.toMatchObject({ code: "TIMEOUT" });
        await expect(admin.request("ledger.posted", codec.encode("forged"), { timeout: 1_000 })).rejects.toMatchObject({ code: NO_RESPONDERS });
      });
    });

    it("shows an admin of one account, subscribed to everything, none of another account's publishes, acks, pulls or replies", async () => {
      const admin = await as("shop-admin");
      const seen = eavesdrop(admin, [">", "ledger.>", `${inboxPrefix("teller")}.>`, `${inboxPrefix("poster")}.>`, "$JS.ACK.LEDGER.>"]);
      await admin.flush();
      await (await as("teller")).jetstream().publish("ledger.posted", codec.encode("entry 3"));
      const message = await (await as("poster")).jetstream().consumers.get("LEDGER", "post").then((bound) => bound.next({ expires: 2_000 }));
      expect(await message!.ackAck()).toBe(true);
      // One server: what it would have sent the eavesdropper came before the answer to its next ping.
      await admin.flush();
      expect(seen).toEqual([]);
      // The subscriptions work: its own account's traffic on the same subject reaches both that match it.
      admin.publish("ledger.posted", codec.encode("its own"));
      await admin.flush();
      expect(seen).toEqual(["ledger.posted", "ledger.posted"]);
    });

    it("refuses a user of one account the other account's subjects", async () => {
      const teller = await attacker(await as("teller"));
      await expectStreamsUnchanged(watched, async () => {
        await expectPublishRefused(teller, "orders.forged");
        await expectSubscribeRefused(teller, "orders.>");
        await expectRequestRefused(teller, "$JS.API.STREAM.PURGE.ORDERS", {});
      });
    });
  });
});

describe("attacks on a hub with an authenticated leaf site and an open one", () => {
  const ACCOUNTS: AccountSpec[] = [
    {
      name: "edge",
      subjects: ["hub.>", "factory.>", "branch.>"],
      limits: { leaf: 4, jetstream: { memStorage: "64Mi", diskStorage: "256Mi" } },
      users: [
        { name: "factory-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["factory.>"], subscribe: ["hub.factory.>"] } },
        { name: "branch-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["branch.>"], subscribe: ["hub.branch.>"] } },
        { name: "factory-app", connectionTypes: ["STANDARD"], publisher: { stream: "FACTORY_EVENTS" } },
        // The strongest client a site can have: everything its account has, so only the leaf link stands between it and the hub.
        { name: "factory-admin", connectionTypes: ["STANDARD"], admin: true, permissions: { publish: [">"], subscribe: [">"] } },
        { name: "hub-app", connectionTypes: ["STANDARD"], admin: true, permissions: { publish: ["hub.>", "$JS.API.>", "$JS.ACK.HUB_ONLY.>"], subscribe: ["hub.>"] } },
      ],
    },
  ];
  const STREAMS: AccountStream[] = [
    { name: "FACTORY_EVENTS", account: "edge", subjects: ["factory.events.>"] },
    { name: "HUB_ONLY", account: "edge", subjects: ["hub.only.>"], consumers: ["jobs"] },
  ];
  const hubAndLeaf = validateHubAndLeaf(
    {
      hub: { name: "hub", tier: "dev", jetstream: { domain: "hub" }, leafnodesService: { type: "ClusterIP" } },
      sites: [
        { name: "factory", tier: "dev", jetstream: { domain: "factory" }, account: "edge", user: "factory-leaf", clients: ["factory-app", "factory-admin"], hubStreams: [{ stream: "FACTORY_EVENTS" }] },
        { name: "branch", tier: "dev", jetstream: { domain: "branch" }, account: "edge", user: "branch-leaf", anonymousClients: true },
      ],
    },
    "hubLeaf",
    ACCOUNTS,
  );
  const accounts = withGrants(validateAccounts(ACCOUNTS, { cluster: hubAndLeaf.hub.cluster, streams: STREAMS }), leafUserGrants(hubAndLeaf, STREAMS, ACCOUNTS));
  const keyBytes = Object.fromEntries(keyEntities(accounts).map((entity) => [entity.id, new Uint8Array(randomBytes(KEY_BYTES))]));
  let credentials: GeneratedCredentials;
  let topology: RunningTopology;
  let hubJsm: JetStreamManager;
  let watched: WatchedStreams;
  const open: NatsConnection[] = [];
  const urls = (cluster: string) => topology.cluster(cluster).clientUrls;
  const credsOf = (user: string) => credentials.users.find((candidate) => candidate.name === user)!.creds;
  const as = async (user: string, cluster: string): Promise<NatsConnection> => {
    const nc = await connectOnce(urls(cluster), { ...withCreds(credsOf(user)), inboxPrefix: inboxPrefix(user) });
    open.push(nc);
    return nc;
  };
  const anonymousAt = async (cluster: string): Promise<NatsConnection> => {
    const nc = await connectOnce(urls(cluster));
    open.push(nc);
    return nc;
  };

  beforeAll(async () => {
    credentials = await generateCredentials(accounts, keyBytes);
    const clusters = [hubAndLeaf.hub.cluster, ...hubAndLeaf.sites.map((site) => site.cluster)];
    const { runDir, ports } = await prepareTopology(clusters, "attacks");
    const credsFiles = writeCredsFiles(path.join(runDir, "creds"), credentials.users);
    const siteCreds = Object.fromEntries(hubAndLeaf.sites.map((site) => [site.cluster.name, credsFiles[site.user!]]));
    const edgeKey = credentials.accounts.find((account) => account.name === "edge")!.publicKey;
    const placed = localHubAndLeafPlacements(hubAndLeaf, ports, runDir, siteCreds, { factory: edgeKey });
    topology = await launchTopology(placed, runDir, (cluster) => (cluster.name === "branch" ? [] : [credentials.confSection]));
    await waitForLeafLinks(topology.cluster("hub"), [topology.cluster("factory"), topology.cluster("branch")], 15_000);

    const hubApp = await as("hub-app", "hub");
    hubJsm = await hubApp.jetstreamManager();
    await hubJsm.streams.add({ name: "FACTORY_EVENTS", subjects: ["factory.events.>"] });
    await hubJsm.streams.add({ name: "HUB_ONLY", subjects: ["hub.only.>"] });
    await hubJsm.consumers.add("HUB_ONLY", { durable_name: "jobs", ack_policy: AckPolicy.Explicit });
    for (const job of ["job 1", "job 2"]) await hubApp.jetstream().publish("hub.only.job", codec.encode(job));
    await waitForLeafInterest(topology.cluster("factory"), ["factory.events.shift", "$JS.hub.API.STREAM.INFO.FACTORY_EVENTS"], 15_000);
    await (await as("factory-app", "factory")).jetstream({ domain: "hub" }).publish("factory.events.shift", codec.encode("started"));
    watched = [{ jsm: hubJsm, streams: ["FACTORY_EVENTS", "HUB_ONLY"] }];
  }, 60_000);

  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await topology?.stop();
  });

  it("refuses an anonymous connection to the authenticated site, and to the hub", async () => {
    for (const cluster of ["factory", "hub"]) await expect(connectOnce(urls(cluster))).rejects.toThrow(AUTHORIZATION_VIOLATION);
  });

  it("refuses a leaf-only user's creds for a client connection, at the hub and at a site", async () => {
    for (const [user, cluster] of [["factory-leaf", "hub"], ["factory-leaf", "factory"], ["branch-leaf", "hub"]]) {
      await expect(connectOnce(urls(cluster), withCreds(credsOf(user)))).rejects.toThrow(AUTHORIZATION_VIOLATION);
    }
  });

  // What the site's strongest client and an anonymous client of the open site send to the hub's domain.
  const HUB_API_ATTACKS: [string, string, unknown][] = [
    ["create a hub stream", "$JS.hub.API.STREAM.CREATE.EVIL", { name: "EVIL", subjects: ["evil.>"] }],
    ["delete the site's own hub stream", "$JS.hub.API.STREAM.DELETE.FACTORY_EVENTS", {}],
    ["purge the site's own hub stream", "$JS.hub.API.STREAM.PURGE.FACTORY_EVENTS", {}],
    ["update the site's own hub stream", "$JS.hub.API.STREAM.UPDATE.FACTORY_EVENTS", { name: "FACTORY_EVENTS", subjects: ["factory.>"] }],
    ["get a message of the site's own hub stream", "$JS.hub.API.STREAM.MSG.GET.FACTORY_EVENTS", { seq: 1 }],
    ["delete a hub stream the site did not name", "$JS.hub.API.STREAM.DELETE.HUB_ONLY", {}],
    ["purge a hub stream the site did not name", "$JS.hub.API.STREAM.PURGE.HUB_ONLY", {}],
    ["look up a hub stream the site did not name", "$JS.hub.API.STREAM.INFO.HUB_ONLY", {}],
    ["direct-get from a hub stream the site did not name", "$JS.hub.API.DIRECT.GET.HUB_ONLY", { seq: 1 }],
    ["create a consumer on a hub stream the site did not name", "$JS.hub.API.CONSUMER.CREATE.HUB_ONLY", { stream_name: "HUB_ONLY", config: { ack_policy: "explicit" } }],
    ["pull from a hub consumer the site did not name", "$JS.hub.API.CONSUMER.MSG.NEXT.HUB_ONLY.jobs", { batch: 1, expires: nanos(300) }],
    ["list the hub account's streams", "$JS.hub.API.STREAM.NAMES", {}],
  ];
  for (const [site, client] of [["factory", "its admin client"], ["branch", "an anonymous client"]] as const) {
    it.each(HUB_API_ATTACKS)(`refuses ${client} at the ${site} site, through the hub's domain: %s`, async (_title, subject, body) => {
      const nc = site === "factory" ? await as("factory-admin", "factory") : await anonymousAt("branch");
      await expectStreamsUnchanged(watched, () => expectNoResponders(nc, subject, body));
    });
  }

  it("answers the site what its hub streams grant it: publishing into its stream and looking it up through the hub's domain", async () => {
    const admin = await as("factory-admin", "factory");
    expect(await admin.jetstream({ domain: "hub" }).publish("factory.events.shift", codec.encode("second"))).toMatchObject({ stream: "FACTORY_EVENTS", domain: "hub" });
    expect((await (await admin.jetstreamManager({ domain: "hub", checkAPI: false })).streams.info("FACTORY_EVENTS")).config.name).toBe("FACTORY_EVENTS");
  });

  it("stores nothing a site publishes on a hub stream's subjects it did not name", async () => {
    const admin = await as("factory-admin", "factory");
    const branch = await anonymousAt("branch");
    await expectStreamsUnchanged(watched, async () => {
      admin.publish("hub.only.job", codec.encode("forged"));
      branch.publish("hub.only.job", codec.encode("forged"));
      // A request on the subject would be answered by the stream: no responders shows nothing took it.
      await expectNoResponders(admin, "hub.only.job", "forged");
      await expectNoResponders(branch, "hub.only.job", "forged");
    });
  });

  it("shows a site's clients none of the hub's replies, pulls, acks or hub-only messages, whatever they subscribe to", async () => {
    const TARGETS = [">", "hub.only.>", `${inboxPrefix("hub-app")}.>`, "_INBOX.>", "$JS.ACK.>"];
    const admin = await as("factory-admin", "factory");
    const anonymous = await anonymousAt("branch");
    // A leaf link carries down only subjects its user may receive, so a marker needs a subscription of its own beside `>`.
    const seenAtFactory = eavesdrop(admin, [...TARGETS, "hub.factory.marker.>"]);
    const seenAtBranch = eavesdrop(anonymous, [...TARGETS, "hub.branch.marker.>"]);
    await Promise.all([admin.flush(), anonymous.flush()]);
    const hubApp = await as("hub-app", "hub");
    // A marker each link carries down arrives after whatever the hub sent that link before it.
    let round = 0;
    const sendMarkers = async () => {
      round += 1;
      hubApp.publish(`hub.factory.marker.${round}`);
      hubApp.publish(`hub.branch.marker.${round}`);
      await hubApp.flush();
      return round;
    };
    const markersArrived = (sent: number) => seenAtFactory.includes(`hub.factory.marker.${sent}`) && seenAtBranch.includes(`hub.branch.marker.${sent}`);
    const anyMarkerArrived = () => seenAtFactory.some((subject) => subject.startsWith("hub.factory.marker.")) && seenAtBranch.some((subject) => subject.startsWith("hub.branch.marker."));
    await waitFor("the sites' interest in their markers to reach the hub", 10_000, async () => {
      await sendMarkers();
      return anyMarkerArrived() ? true : undefined;
    });

    await hubApp.jetstream().publish("hub.only.job", codec.encode("job 3"));
    const consumer = await hubApp.jetstream().consumers.get("HUB_ONLY", "jobs");
    const message = await consumer.next({ expires: 2_000 });
    expect(message).not.toBeNull();
    expect(await message!.ackAck()).toBe(true);
    const last = await sendMarkers();
    await waitFor("the last markers to cross both links", 5_000, async () => (markersArrived(last) ? true : undefined));
    expect(seenAtFactory.filter((subject) => !subject.startsWith("hub.factory.marker."))).toEqual([]);
    expect(seenAtBranch.filter((subject) => !subject.startsWith("hub.branch.marker."))).toEqual([]);
  });
});
