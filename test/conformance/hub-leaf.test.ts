/**
 * A hub and two leaf sites on real nats-server. The hub runs in operator mode with the credentials the
 * credentials package generates from the account model; each site is one server with its own JetStream
 * domain that dials every hub server with the creds of a leaf-only user of the `edge` account. The factory is
 * a default site: in operator mode, its clients users of `edge` with creds, its link reaching hub JetStream
 * only for the stream it names. The branch opted into anonymous clients: they use the site's default
 * account, which the leaf link carries into `edge`.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, credsAuthenticator, NatsConnection, StorageType } from "nats";
import { writeCredsFiles } from "../../components/credentials/files";
import { GeneratedCredentials, generateCredentials } from "../../components/credentials/generate";
import { keyEntities, KEY_BYTES } from "../../components/credentials/keys";
import { LocalCluster, waitForLeafInterest, waitForLeafLinks } from "../../components/local";
import { validateAccounts } from "../../components/model/account-resolution";
import { AccountSpec } from "../../components/model/accounts";
import { validateHubAndLeaf } from "../../components/model/leaf";
import { leafUserGrants, withGrants } from "../../components/model/leaf-grants";
import { localHubAndLeafPlacements } from "../../components/local/local-topology";
import { connectToCluster, sleep, waitFor } from "../support/nats-client";
import { launchTopology, prepareTopology, RunningTopology } from "../support/topology-launch";

const ACCOUNTS: AccountSpec[] = [
  {
    name: "edge",
    subjects: ["hub.>", "factory.>", "branch.>", "secret.>"],
    // Two site servers, and room for both to relink more than once: the tests kill hub servers one after
    // another, and a killed server's links still count against the account for a while after each kill.
    // The factory enforces edge's JWT too, so its storage fits a dev-tier site server.
    limits: { leaf: 8, jetstream: { memStorage: "128Mi", diskStorage: "896Mi" } },
    users: [
      // Permissions of a leaf user are seen from the hub: publish is what the site may send up, subscribe what it
      // may receive. The hub JetStream subjects and the site clients' inboxes are granted from the topology.
      { name: "factory-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["factory.>"], subscribe: ["hub.factory.>"] } },
      { name: "branch-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["branch.>"], subscribe: ["hub.branch.>"] } },
      // The factory's client may send whatever the test tries, hub stream management included, so that only
      // the leaf user's permissions keep it from the hub.
      {
        name: "factory-app",
        connectionTypes: ["STANDARD"],
        permissions: {
          publish: ["factory.>", "secret.factory", "hub.factory.cmd", "$JS.API.INFO", "$JS.API.STREAM.INFO.FACTORY_EVENTS", ...["INFO", "DELETE", "PURGE", "CREATE"].map((operation) => `$JS.hub.API.STREAM.${operation}.FACTORY_EVENTS`)],
          subscribe: ["hub.>", "factory.>", "branch.>", "secret.>"],
        },
      },
      { name: "hub-app", connectionTypes: ["STANDARD"], admin: true, permissions: { publish: ["hub.>", "$JS.API.>"], subscribe: ["hub.>", "factory.>", "branch.>", "secret.>"] } },
    ],
  },
];

const hubAndLeaf = validateHubAndLeaf(
  {
    hub: { name: "hub", tier: "small", jetstream: { domain: "hub" }, leafnodesService: { type: "ClusterIP" } },
    sites: [
      { name: "factory", tier: "dev", jetstream: { domain: "factory" }, account: "edge", user: "factory-leaf", hubStreams: [{ stream: "FACTORY_EVENTS" }] },
      { name: "branch", tier: "dev", jetstream: { domain: "branch" }, account: "edge", user: "branch-leaf", anonymousClients: true },
    ],
  },
  "hubLeaf",
  ACCOUNTS,
);

type Party = "hub" | "factory" | "branch";
const PARTIES: Party[] = ["hub", "factory", "branch"];
/** What each party publishes: the subjects meant to cross and some that must not. */
const PUBLISHED: Record<Party, string[]> = {
  hub: ["hub.factory.cmd", "hub.branch.cmd", "hub.internal"],
  factory: ["factory.telemetry", "secret.factory", "hub.factory.cmd"],
  branch: ["branch.telemetry", "secret.branch", "hub.branch.cmd"],
};
const SUBSCRIBED = [...new Set(Object.values(PUBLISHED).flat())];

/** The hub leaf server a site's server is linked to, found by the port its /leafz shows. */
async function linkedHubServer(site: LocalCluster, hub: LocalCluster): Promise<string | undefined> {
  const response = await fetch(`http://127.0.0.1:${site.servers[0].ports.monitor}/leafz`, { signal: AbortSignal.timeout(1_000) });
  const port = ((await response.json()) as { leafs?: { port: number }[] | null }).leafs?.[0]?.port;
  return hub.servers.find((server) => server.running && server.ports.leafnodes === port)?.name;
}

describe("a hub with two leaf sites on real nats-server", () => {
  const streams = [{ name: "FACTORY_EVENTS", account: "edge", subjects: ["factory.events.>"] }];
  const accounts = withGrants(validateAccounts(ACCOUNTS, { cluster: hubAndLeaf.hub.cluster, streams }), leafUserGrants(hubAndLeaf, streams, ACCOUNTS));
  const keyBytes = Object.fromEntries(keyEntities(accounts).map((entity) => [entity.id, new Uint8Array(randomBytes(KEY_BYTES))]));
  let credentials: GeneratedCredentials;
  let siteCreds: Record<string, string>;
  let topology: RunningTopology;
  const connections = {} as Record<Party, NatsConnection>;

  beforeAll(async () => {
    credentials = await generateCredentials(accounts, keyBytes);
    const clusters = [hubAndLeaf.hub.cluster, ...hubAndLeaf.sites.map((site) => site.cluster)];
    const { runDir, ports } = await prepareTopology(clusters, "hub-leaf");
    const credsFiles = writeCredsFiles(path.join(runDir, "creds"), credentials.users);
    siteCreds = Object.fromEntries(hubAndLeaf.sites.map((site) => [site.cluster.name, credsFiles[site.user!]]));
    const edgeKey = credentials.accounts.find((account) => account.name === "edge")!.publicKey;
    const placed = localHubAndLeafPlacements(hubAndLeaf, ports, runDir, siteCreds, { factory: edgeKey });
    topology = await launchTopology(placed, runDir, (cluster) => (cluster.name === "branch" ? [] : [credentials.confSection]));

    const hubApp = credentials.users.find((user) => user.name === "hub-app")!;
    connections.hub = await connect({
      servers: topology.cluster("hub").clientUrls,
      authenticator: credsAuthenticator(new TextEncoder().encode(hubApp.creds)),
      inboxPrefix: "_INBOX_hub-app",
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    const factoryApp = credentials.users.find((user) => user.name === "factory-app")!;
    connections.factory = await connect({
      servers: topology.cluster("factory").clientUrls,
      authenticator: credsAuthenticator(new TextEncoder().encode(factoryApp.creds)),
      inboxPrefix: "_INBOX_factory-app",
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    connections.branch = await connectToCluster(topology.cluster("branch"));
    // A link counts once both ends list it; the hub's JetStream API is usable from a site once its interest has crossed.
    const sites = [topology.cluster("factory"), topology.cluster("branch")];
    await waitForLeafLinks(topology.cluster("hub"), sites, 15_000);
    // Only the factory uses hub JetStream, and its link carries only the API of the stream it names.
    await waitForLeafInterest(topology.cluster("factory"), ["$JS.hub.API.STREAM.INFO.FACTORY_EVENTS"], 15_000);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(Object.values(connections).map((connection) => connection.close()));
    await topology?.stop();
  });

  it("refuses a client without creds at a default site, and takes one at the site that opted into anonymous clients", async () => {
    await expect(connect({ servers: topology.cluster("factory").clientUrls, reconnect: false, timeout: 2_000 })).rejects.toThrow(/authorization/i);
    const anonymous = await connect({ servers: topology.cluster("branch").clientUrls, reconnect: false, timeout: 2_000 });
    await anonymous.flush();
    await anonymous.close();
  });

  it("carries the allowed subjects both ways and nothing else, and keeps each site's traffic from the other", async () => {
    const received: string[] = [];
    for (const receiver of PARTIES) {
      for (const subject of SUBSCRIBED) {
        connections[receiver].subscribe(subject, {
          callback: (_error, message) => {
            if (message.string() !== receiver) received.push(`${receiver} <- ${message.string()} ${message.subject}`);
          },
        });
      }
      await connections[receiver].flush();
    }
    // Interest crosses a leaf link asynchronously; once one message per direction and site gets through, all has.
    await waitFor("interest to reach both sites and the hub", 10_000, async () => {
      connections.hub.publish("hub.factory.cmd", "hub");
      connections.hub.publish("hub.branch.cmd", "hub");
      connections.factory.publish("factory.telemetry", "factory");
      connections.branch.publish("branch.telemetry", "branch");
      await sleep(100);
      const seen = new Set(received);
      return ["factory <- hub hub.factory.cmd", "branch <- hub hub.branch.cmd", "hub <- factory factory.telemetry", "hub <- branch branch.telemetry"].every((line) => seen.has(line)) ? true : undefined;
    });
    await sleep(300);
    received.length = 0;

    for (const sender of PARTIES) {
      for (const subject of PUBLISHED[sender]) connections[sender].publish(subject, sender);
      await connections[sender].flush();
    }
    await sleep(500);
    expect(received.sort()).toEqual([
      "branch <- hub hub.branch.cmd",
      "factory <- hub hub.factory.cmd",
      "hub <- branch branch.telemetry",
      "hub <- factory factory.telemetry",
    ]);
  });

  it("lets a site client use hub JetStream through the hub's domain, apart from the site's own", async () => {
    const hubJsm = await connections.hub.jetstreamManager();
    await hubJsm.streams.add({ name: "FACTORY_EVENTS", subjects: ["factory.events.>"], num_replicas: 3, storage: StorageType.File });
    await waitForLeafInterest(topology.cluster("factory"), ["factory.events.shift", "$JS.hub.API.STREAM.INFO.FACTORY_EVENTS"], 15_000);
    // The wait reads real interest: a subject that nobody on the hub listens to never arrives.
    await expect(waitForLeafInterest(topology.cluster("factory"), ["factory.unheard"], 300)).rejects.toThrow(/factory-0's link carries no interest in factory\.unheard/);

    const ack = await connections.factory.jetstream({ domain: "hub" }).publish("factory.events.shift", "started");
    expect(ack).toMatchObject({ stream: "FACTORY_EVENTS", domain: "hub", seq: 1 });
    // Without the API check ($JS.hub.API.INFO): the factory's link carries its stream's info, not the account's.
    const remote = await connections.factory.jetstreamManager({ domain: "hub", checkAPI: false });
    expect((await remote.streams.info("FACTORY_EVENTS")).state.messages).toBe(1);

    const local = await connections.factory.jetstreamManager();
    expect((await local.getAccountInfo()).domain).toBe("factory");
    await expect(local.streams.info("FACTORY_EVENTS")).rejects.toThrow(/stream not found/i);
  });

  it("refuses a site client's delete, purge and create of hub streams at the leaf link, and the hub stream keeps its messages", async () => {
    const hubJsm = await connections.hub.jetstreamManager();
    const before = await hubJsm.streams.info("FACTORY_EVENTS");
    expect(before.state.messages).toBeGreaterThan(0);
    const logFile = topology.cluster("factory").servers[0].files.logFile;
    const logBefore = fs.readFileSync(logFile, "utf8").length;
    // The factory client may send these; the factory's link may not carry them, so no hub server ever answers.
    for (const operation of ["DELETE", "PURGE", "CREATE"]) {
      await expect(connections.factory.request(`$JS.hub.API.STREAM.${operation}.FACTORY_EVENTS`, "{}", { timeout: 1_000 })).rejects.toThrow(/503|TIMEOUT|permission/i);
    }
    const remote = await connections.factory.jetstreamManager({ domain: "hub", checkAPI: false });
    await expect(remote.streams.delete("FACTORY_EVENTS")).rejects.toThrow();
    await expect(remote.streams.purge("FACTORY_EVENTS")).rejects.toThrow();
    await expect(remote.streams.add({ name: "FACTORY_EVENTS", subjects: ["factory.>"] })).rejects.toThrow();
    // What a site client without management rights may do still works: its stream's info through the hub's domain.
    expect((await remote.streams.info("FACTORY_EVENTS")).state.messages).toBe(before.state.messages);

    const after = await hubJsm.streams.info("FACTORY_EVENTS");
    expect(after.state).toMatchObject({ messages: before.state.messages, first_seq: before.state.first_seq, last_seq: before.state.last_seq });
    expect(after.config.subjects).toEqual(before.config.subjects);
    expect(after.created).toBe(before.created);
    // The client's own site let the requests through: its user may send them. The link is what refused them.
    expect(fs.readFileSync(logFile, "utf8").slice(logBefore)).not.toMatch(/Permissions Violation for Publish to "\$JS\.hub\.API\.STREAM\.(DELETE|PURGE|CREATE)/);
  });

  it("relinks a site whose hub server dies, and traffic resumes both ways", async () => {
    const hub = topology.cluster("hub");
    const factory = topology.cluster("factory");
    const linked = (await linkedHubServer(factory, hub))!;
    await hub.kill(hub.servers.findIndex((server) => server.name === linked));

    const relinked = await waitFor("the factory to link to another hub server", 15_000, async () => {
      const now = await linkedHubServer(factory, hub);
      return now !== undefined && now !== linked ? now : undefined;
    });
    expect(hub.servers.map((server) => server.name)).toContain(relinked);

    const up: string[] = [];
    const down: string[] = [];
    connections.hub.subscribe("factory.after", { callback: (_error, message) => up.push(message.string()) });
    connections.factory.subscribe("hub.factory.after", { callback: (_error, message) => down.push(message.string()) });
    await Promise.all([connections.hub.flush(), connections.factory.flush()]);
    await waitFor("traffic over the new link both ways", 15_000, async () => {
      connections.factory.publish("factory.after", "up");
      connections.hub.publish("hub.factory.after", "down");
      await sleep(100);
      return up.length > 0 && down.length > 0 ? true : undefined;
    });
    expect(up[0]).toBe("up");
    expect(down[0]).toBe("down");
  });

  it("reads the leaf credentials file again on every connect, so rotated creds need no restart", async () => {
    const hub = topology.cluster("hub");
    const factory = topology.cluster("factory");
    await Promise.all(hub.servers.map((server, index) => (server.running ? undefined : hub.restart(index))));
    const credsFile = siteCreds.factory;
    const logFile = factory.servers[0].files.logFile;

    // A user limited to client connections: the hub must refuse the next link.
    fs.writeFileSync(credsFile, credentials.users.find((user) => user.name === "hub-app")!.creds);
    const logBefore = fs.readFileSync(logFile, "utf8").length;
    const linked = (await waitFor("the factory to be linked", 15_000, () => linkedHubServer(factory, hub)))!;
    await hub.kill(hub.servers.findIndex((server) => server.name === linked));
    await waitFor("the hub to refuse the wrong creds", 15_000, async () => (fs.readFileSync(logFile, "utf8").slice(logBefore).includes("Authorization Violation") ? true : undefined));
    expect(await linkedHubServer(factory, hub)).toBeUndefined();

    // The factory user issued new keys, as a rotation does: written over the same file, used on the next attempt.
    const userEntity = keyEntities(accounts).find((entity) => entity.kind === "user" && entity.id.includes("factory-leaf"))!;
    const rotated = await generateCredentials(accounts, { ...keyBytes, [userEntity.id]: new Uint8Array(randomBytes(KEY_BYTES)) });
    const newCreds = rotated.users.find((user) => user.name === "factory-leaf")!;
    expect(newCreds.publicKey).not.toBe(credentials.users.find((user) => user.name === "factory-leaf")!.publicKey);
    fs.writeFileSync(credsFile, newCreds.creds);
    const relinked = await waitFor("the factory to link with the rotated creds", 15_000, () => linkedHubServer(factory, hub));
    expect(relinked).not.toBe(linked);
  });
});
