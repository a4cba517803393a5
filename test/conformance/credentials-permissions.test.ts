/**
 * Operator-mode credentials against a real nats-server, configured by the model: who may connect, what each
 * user may publish and subscribe, and how accounts stay apart unless an export and an import join them.
 */
import { connect, NatsConnection, StringCodec } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCredentials, GeneratedCredentials } from "../../components/credentials/generate";
import { validateAccounts } from "../../components/model/account-resolution";
import { AccountSpec } from "../../components/model/accounts";
import { validateCluster } from "../../components/model/cluster";
import { keyBytesFor, OperatorServer, sleep, startOperatorServer, trackViolations } from "../support/operator-server";

const codec = StringCodec();
const cluster = validateCluster({ name: "creds", tier: "dev" });

const ACCOUNTS: AccountSpec[] = [
  {
    name: "shop",
    subjects: ["shop.>"],
    exports: [
      { subject: "shop.events.>", type: "stream" },
      { subject: "shop.prices", type: "service" },
    ],
    users: [
      { name: "events", permissions: { publish: ["shop.events.>"], subscribe: ["shop.commands"] } },
      { name: "commander", permissions: { publish: ["shop.commands"] } },
      { name: "pricing", permissions: { subscribe: ["shop.prices"], allowResponses: true } },
      { name: "edge", permissions: { subscribe: ["shop.>"] }, connectionTypes: ["LEAFNODE"] },
      { name: "expired", permissions: { subscribe: ["shop.>"] }, expires: "2020-01-01" },
    ],
  },
  {
    name: "audit",
    subjects: ["audit.>"],
    imports: [
      { account: "shop", subject: "shop.events.>", type: "stream" },
      { account: "shop", subject: "shop.prices", type: "service", localSubject: "prices" },
    ],
    users: [{ name: "auditor", permissions: { publish: ["prices"], subscribe: ["shop.events.>"] } }],
  },
  {
    // The same subject names as shop, in an account of its own.
    name: "other",
    subjects: ["shop.>"],
    users: [{ name: "snoop", permissions: { publish: ["shop.>"], subscribe: ["shop.>"] } }],
  },
];

/** Messages a subscription receives within `ms`. */
async function received(nc: NatsConnection, subject: string, during: () => Promise<void>, ms = 500): Promise<string[]> {
  const messages: string[] = [];
  const subscription = nc.subscribe(subject, { callback: (_error, message) => messages.push(`${message.subject} ${codec.decode(message.data)}`) });
  await nc.flush();
  await during();
  await sleep(ms);
  subscription.unsubscribe();
  return messages;
}

describe("credentials against nats-server: who connects and what each user may do", () => {
  let credentials: GeneratedCredentials;
  let server: OperatorServer;
  const open: NatsConnection[] = [];
  const as = async (user: string) => {
    const nc = await server.connectAs(user);
    open.push(nc);
    return nc;
  };

  beforeAll(async () => {
    const accounts = validateAccounts(ACCOUNTS, { cluster });
    credentials = await generateCredentials(accounts, keyBytesFor(accounts));
    server = await startOperatorServer(credentials, cluster);
  });

  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await server?.stop();
  });

  it("refuses a connection without creds", async () => {
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toMatchObject({ code: "AUTHORIZATION_VIOLATION" });
  });

  it("refuses creds signed by another operator", async () => {
    const accounts = validateAccounts(ACCOUNTS, { cluster });
    const foreign = await generateCredentials(accounts, keyBytesFor(accounts, "another operator"));
    const events = foreign.users.find((user) => user.name === "events")!;
    await expect(server.connectWithCreds(events.creds)).rejects.toMatchObject({ code: "AUTHORIZATION_VIOLATION" });
  });

  it("refuses a leaf-only user on a client connection, and an expired user", async () => {
    await expect(as("edge")).rejects.toMatchObject({ code: "AUTHORIZATION_VIOLATION" });
    await expect(as("expired")).rejects.toMatchObject({ code: "AUTHORIZATION_VIOLATION" });
  });

  it("delivers what users may publish to those who may subscribe to it", async () => {
    const events = await as("events");
    const commander = await as("commander");
    const got = await received(events, "shop.commands", async () => {
      commander.publish("shop.commands", codec.encode("restock"));
      await commander.flush();
    });
    expect(got).toEqual(["shop.commands restock"]);
  });

  it("refuses every publish and subscribe outside a user's allow lists", async () => {
    const events = await as("events");
    const eventsViolations = trackViolations(events);
    events.publish("shop.commands");
    events.subscribe("shop.events.>");
    await events.flush();
    expect(await eventsViolations.refused("publish", "shop.commands")).toBe(true);
    expect(await eventsViolations.refused("subscription", "shop.events.>")).toBe(true);

    const commander = await as("commander");
    const commanderViolations = trackViolations(commander);
    commander.publish("shop.events.sold");
    commander.subscribe("shop.commands");
    await commander.flush();
    expect(await commanderViolations.refused("publish", "shop.events.sold")).toBe(true);
    expect(await commanderViolations.refused("subscription", "shop.commands")).toBe(true);
  });

  it("keeps accounts apart: the same subject in another account is another subject", async () => {
    const events = await as("events");
    const snoop = await as("snoop");
    const seenBySnoop = await received(snoop, "shop.>", async () => {
      events.publish("shop.events.sold", codec.encode("order 1"));
      await events.flush();
    });
    expect(seenBySnoop).toEqual([]);

    const seenByEvents = await received(events, "shop.commands", async () => {
      snoop.publish("shop.commands", codec.encode("forged"));
      await snoop.flush();
    });
    expect(seenByEvents).toEqual([]);
  });

  it("delivers an exported stream to the account that imports it", async () => {
    const events = await as("events");
    const auditor = await as("auditor");
    const got = await received(auditor, "shop.events.>", async () => {
      events.publish("shop.events.sold", codec.encode("order 2"));
      await events.flush();
    });
    expect(got).toEqual(["shop.events.sold order 2"]);
  });

  it("answers requests through an exported service, under the importer's local subject", async () => {
    const pricing = await as("pricing");
    pricing.subscribe("shop.prices", { callback: (_error, message) => message.respond(codec.encode(`price of ${codec.decode(message.data)}: 42`)) });
    await pricing.flush();
    const auditor = await as("auditor");
    const reply = await auditor.request("prices", codec.encode("apples"), { timeout: 2_000 });
    expect(codec.decode(reply.data)).toBe("price of apples: 42");
  });

  it("lets the system user query the servers, and nothing else", async () => {
    const sys = await as("sys");
    const reply = await sys.request("$SYS.REQ.SERVER.PING", undefined, { timeout: 2_000 });
    expect(JSON.parse(codec.decode(reply.data)).server.name).toBe("creds-0");
    const violations = trackViolations(sys);
    sys.publish("shop.commands");
    await sys.flush();
    expect(await violations.refused("publish", "shop.commands")).toBe(true);
  });
});
