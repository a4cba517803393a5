/**
 * Leaf sites authenticated by default: a site runs in operator mode with its link's account unless it opts
 * into anonymous clients, and its leaf user reaches the hub's JetStream only for the streams the site names.
 * The refusals name the field, the value and what is allowed.
 */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { AccountSpec } from "../../components/model/accounts";
import { Problems, problemMessage, ValidationError } from "../../components/model/errors";
import { HubAndLeafSpec, LeafSiteSpec, validateHubAndLeaf } from "../../components/model/leaf";
import { siteCredsUsers } from "../../components/model/leaf-access";
import { checkHubStreams, HubStreamCandidate, leafUserGrants } from "../../components/model/leaf-grants";
import { NATS_NAME_RULE } from "../../components/model/names";
import { narrowedOperatorSection, siteTrustedAccounts } from "../../components/model/site-trust";
import { readStackFile, resolveStack, stackFilePath, StackSpec } from "../../components/model/stack";
import { subjectWithinAny } from "../../components/model/subjects";

const PROJECT_DIR = path.resolve(__dirname, "../..");

const factory: LeafSiteSpec = { name: "factory", tier: "dev", jetstream: { domain: "factory" }, account: "edge", user: "factory-leaf" };

function spec(site: Partial<LeafSiteSpec> = {}): HubAndLeafSpec {
  return { hub: { name: "hub", tier: "small", jetstream: { domain: "hub" }, leafnodesService: { type: "ClusterIP" } }, sites: [{ ...factory, ...site } as LeafSiteSpec] };
}

const ACCOUNTS: AccountSpec[] = [
  {
    name: "edge",
    subjects: ["factory.>", "hub.>"],
    users: [
      { name: "factory-leaf", connectionTypes: ["LEAFNODE"], permissions: { publish: ["factory.>"], subscribe: ["hub.factory.>"] } },
      { name: "factory-app", permissions: { publish: ["factory.>"] } },
      { name: "hub-app", connectionTypes: ["STANDARD"], permissions: { publish: ["hub.>"] } },
    ],
  },
  { name: "plant", subjects: ["plant.>"], users: [{ name: "plant-app", permissions: { publish: ["plant.>"] } }] },
];

const STREAMS: HubStreamCandidate[] = [
  { name: "EVENTS", account: "edge", subjects: ["factory.events.>"], consumers: ["factory-worker"], cluster: "hub" },
  { name: "LOCAL", account: "edge", subjects: ["factory.local.>"], consumers: [], cluster: "factory" },
];

/** The messages of the ValidationError `run` throws; none when it throws nothing. */
function problemsThrown(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map(problemMessage);
  }
  return [];
}

function messagesOf(given: HubAndLeafSpec, accounts: AccountSpec[] = ACCOUNTS): string[] {
  return problemsThrown(() => validateHubAndLeaf(given, "hubLeaf", accounts));
}

function withLeafPermissions(permissions: { publish?: string[]; subscribe?: string[] }): AccountSpec[] {
  const [edge, plant] = ACCOUNTS;
  return [{ ...edge, users: edge.users!.map((user) => (user.name === "factory-leaf" ? { ...user, permissions } : user)) }, plant];
}

describe("how clients authenticate at a site", () => {
  it("runs a site in operator mode by default, its clients users of the account its link binds", () => {
    const [site] = validateHubAndLeaf(spec(), "hubLeaf", ACCOUNTS).sites;
    expect({ localAccount: site.localAccount, anonymousClients: site.anonymousClients, clients: site.clients, hubStreams: site.hubStreams }).toEqual({
      localAccount: "edge",
      anonymousClients: false,
      clients: undefined,
      hubStreams: [],
    });
    expect(validateHubAndLeaf(spec({ localAccount: "plant" }), "hubLeaf", ACCOUNTS).sites[0].localAccount).toBe("plant");
  });

  it("takes clients without creds only on a site that opts in, in its default account", () => {
    const [site] = validateHubAndLeaf(spec({ anonymousClients: true }), "hubLeaf", ACCOUNTS).sites;
    expect({ localAccount: site.localAccount, anonymousClients: site.anonymousClients }).toEqual({ localAccount: undefined, anonymousClients: true });
  });

  it("puts only the leaf user's, the system user's and the named clients' creds in a site's namespace; only the leaf user's on an open site", () => {
    const [all] = validateHubAndLeaf(spec(), "hubLeaf", ACCOUNTS).sites;
    expect(siteCredsUsers(all, ACCOUNTS)).toEqual(["factory-leaf", "sys", "factory-app", "hub-app"]);
    const [named] = validateHubAndLeaf(spec({ clients: ["factory-app"] }), "hubLeaf", ACCOUNTS).sites;
    expect(siteCredsUsers(named, ACCOUNTS)).toEqual(["factory-leaf", "sys", "factory-app"]);
    const [open] = validateHubAndLeaf(spec({ anonymousClients: true }), "hubLeaf", ACCOUNTS).sites;
    expect(siteCredsUsers(open, ACCOUNTS)).toEqual(["factory-leaf"]);
  });

  it("refuses an opt-in that is not a flag, and an open site that also names a local account or clients", () => {
    expect(messagesOf(spec({ anonymousClients: "yes" as unknown as boolean }))).toEqual(['hubLeaf.sites[0].anonymousClients: "yes" is not allowed; use true or false']);
    expect(messagesOf(spec({ anonymousClients: true, localAccount: "plant", clients: ["plant-app"] }))).toEqual([
      'hubLeaf.sites[0].localAccount: "plant" is not allowed; leave localAccount out of a site with anonymousClients: true, whose clients connect without creds into its default account, or drop anonymousClients to run the site in operator mode',
      'hubLeaf.sites[0].clients: ["plant-app"] is not allowed; leave clients out of a site with anonymousClients: true, whose clients have no users',
    ]);
  });

  it("refuses clients that are not client users of the local account", () => {
    expect(messagesOf(spec({ clients: ["factory-app", "factory-leaf", "plant-app"] }))).toEqual([
      'hubLeaf.sites[0].clients[1]: "factory-leaf" is not allowed; name a user of account edge that may connect as a client: factory-app, hub-app',
      'hubLeaf.sites[0].clients[2]: "plant-app" is not allowed; name a user of account edge that may connect as a client: factory-app, hub-app',
    ]);
  });
});

describe("which accounts a site trusts", () => {
  const accounts = [
    { name: "SYS", imports: [] },
    { name: "edge", imports: [] },
    { name: "plant", imports: [{ account: "billing", subject: "billing.rates", type: "service" as const }] },
    { name: "billing", imports: [] },
  ];

  it("preloads only the system account, the site's local account and the accounts it imports from", () => {
    expect(siteTrustedAccounts({ localAccount: "edge" }, accounts)).toEqual(["SYS", "edge"]);
    expect(siteTrustedAccounts({ localAccount: "plant" }, accounts)).toEqual(["SYS", "plant", "billing"]);
    const section = { operator: "OP", system_account: "ASYS", resolver: "MEMORY", resolver_preload: { ASYS: "sys-jwt", AEDGE: "edge-jwt", APLANT: "plant-jwt" } };
    expect(narrowedOperatorSection(section, ["ASYS", "APLANT"])).toEqual({ ...section, resolver_preload: { ASYS: "sys-jwt", APLANT: "plant-jwt" } });
    expect(() => narrowedOperatorSection(section, ["APLANT"])).toThrow("the system account ASYS must stay in the resolver preload");
  });
});

describe("what of the hub's JetStream a site's link reaches", () => {
  it("refuses JetStream subjects among a leaf user's own permissions, whatever their reach", () => {
    const rule =
      `leave JetStream subjects out of leaf user factory-leaf's permissions and name the hub streams the site uses under hubLeaf.sites[0].hubStreams: the link then carries only their publish, info, pull and ack subjects`;
    expect(messagesOf(spec(), withLeafPermissions({ publish: ["factory.>", "$JS.hub.API.>", "$JS.hub.API.STREAM.DELETE.EVENTS"], subscribe: [">"] }))).toEqual([
      `accounts[0].users[0].permissions.publish[1]: "$JS.hub.API.>" is not allowed; ${rule}`,
      `accounts[0].users[0].permissions.publish[2]: "$JS.hub.API.STREAM.DELETE.EVENTS" is not allowed; ${rule}`,
      `accounts[0].users[0].permissions.subscribe[0]: ">" is not allowed; ${rule}`,
    ]);
  });

  it("refuses hub streams and consumers given by a name NATS cannot use", () => {
    expect(messagesOf(spec({ hubStreams: [{ stream: "A.B" }, { stream: "EVENTS", consumer: "a b" }] }))).toEqual([
      `hubLeaf.sites[0].hubStreams[0].stream: "A.B" is not allowed; ${NATS_NAME_RULE}`,
      `hubLeaf.sites[0].hubStreams[1].consumer: "a b" is not allowed; ${NATS_NAME_RULE}`,
    ]);
  });

  it("grants the leaf user a publisher's and a worker's subjects in the hub's domain, and the replies of the site's clients", () => {
    const hubAndLeaf = validateHubAndLeaf(spec({ clients: ["factory-app"], hubStreams: [{ stream: "EVENTS" }, { stream: "EVENTS", consumer: "factory-worker" }] }), "hubLeaf", ACCOUNTS);
    expect(leafUserGrants(hubAndLeaf, STREAMS, ACCOUNTS)).toEqual({
      "factory-leaf": {
        publish: [
          "$JS.ACK.EVENTS.factory-worker.>",
          "$JS.hub.API.CONSUMER.INFO.EVENTS.factory-worker",
          "$JS.hub.API.CONSUMER.MSG.NEXT.EVENTS.factory-worker",
          "$JS.hub.API.STREAM.INFO.EVENTS",
          "factory.events.>",
        ],
        subscribe: ["_INBOX_factory-app.>"],
        allowResponses: false,
      },
    });
  });

  it("grants a site that names no hub stream no JetStream, and an open site's clients the default inbox", () => {
    const hubAndLeaf = validateHubAndLeaf(spec({ anonymousClients: true }), "hubLeaf", ACCOUNTS);
    expect(leafUserGrants(hubAndLeaf, STREAMS, ACCOUNTS)).toEqual({ "factory-leaf": { publish: [], subscribe: ["_INBOX.>"], allowResponses: false } });
  });

  it("refuses a hub stream that is not its account's on the hub, and a consumer the stream does not declare", () => {
    const hubAndLeaf = validateHubAndLeaf(
      spec({ hubStreams: [{ stream: "LOCAL" }, { stream: "MISSING" }, { stream: "EVENTS", consumer: "other" }, { stream: "EVENTS", consumer: "factory-worker" }] }),
      "hubLeaf",
      ACCOUNTS,
    );
    const problems = new Problems();
    checkHubStreams(hubAndLeaf, STREAMS, "hubLeaf", problems);
    expect(() => problems.throwIfAny()).toThrow(ValidationError);
    expect(problemsThrown(() => problems.throwIfAny())).toEqual([
      'hubLeaf.sites[0].hubStreams[0].stream: "LOCAL" is not allowed; name a stream of account edge on the hub hub: EVENTS',
      'hubLeaf.sites[0].hubStreams[1].stream: "MISSING" is not allowed; name a stream of account edge on the hub hub: EVENTS',
      'hubLeaf.sites[0].hubStreams[2].consumer: "other" is not allowed; name a durable consumer of stream EVENTS: factory-worker, or leave consumer out to publish into the stream',
    ]);
  });
});

describe("the shipped hub-leaf stack", () => {
  const stack = resolveStack("hub-leaf", readStackFile(stackFilePath(PROJECT_DIR, "hub-leaf")));
  const users = Object.fromEntries(stack.accounts.flatMap((account) => account.users).map((user) => [user.name, user]));

  it("lets each leaf user reach only its own hub stream's publish and info, never stream management", () => {
    for (const [site, stream, other] of [
      ["factory", "FACTORY_EVENTS", "BRANCH_EVENTS"],
      ["branch", "BRANCH_EVENTS", "FACTORY_EVENTS"],
    ]) {
      const publish = users[`${site}-leaf`].permissions.publish;
      expect(publish.filter((subject) => subject.startsWith("$JS."))).toEqual([`$JS.hub.API.STREAM.INFO.${stream}`]);
      for (const operation of ["DELETE", "PURGE", "CREATE", "UPDATE", "INFO"]) {
        expect({ operation, allowed: subjectWithinAny(`$JS.hub.API.STREAM.${operation}.${other}`, publish) }).toEqual({ operation, allowed: false });
        if (operation !== "INFO") expect({ operation, allowed: subjectWithinAny(`$JS.hub.API.STREAM.${operation}.${stream}`, publish) }).toEqual({ operation, allowed: false });
      }
      expect(users[`${site}-leaf`].permissions.subscribe).toEqual(expect.arrayContaining([`_INBOX_${site}-app.>`]));
      expect(users[`${site}-leaf`].permissions.subscribe).not.toContain("_INBOX.>");
    }
  });

  it("refuses a site's local account whose JetStream storage exceeds the site's stores", () => {
    const spec = readStackFile(stackFilePath(PROJECT_DIR, "hub-leaf")) as StackSpec;
    const [edge] = spec.accounts!;
    const oversized = { ...spec, accounts: [{ ...edge, limits: { ...edge.limits, jetstream: { memStorage: "128Mi", diskStorage: "2Gi" } } }] };
    expect(problemsThrown(() => resolveStack("hub-leaf", oversized))).toEqual(
      ["factory", "branch"].map(
        (site) =>
          `accounts[0].limits.jetstream.diskStorage: "2Gi" is not allowed; use at most 921Mi: site ${site} runs account edge with its maxFileStore of 921Mi per server, and nats-server turns JetStream off for an account whose storage does not fit`,
      ),
    );
  });
});
