import { describe, expect, it } from "vitest";
import { validateAccounts } from "../../components/model/account-resolution";
import { AccountSpec, AccountStream, SYSTEM_ACCOUNT_NAME, UNLIMITED } from "../../components/model/accounts";
import { validateCluster } from "../../components/model/cluster";
import { ValidationError } from "../../components/model/errors";
import { MEBIBYTE } from "../../components/model/quantity";
import { subjectWithin } from "../../components/model/subjects";

const dev = validateCluster({ name: "nats", tier: "dev" });
const streams: AccountStream[] = [{ name: "ORDERS", account: "shop", subjects: ["orders.>"] }];

function shop(overrides: Partial<AccountSpec> = {}): AccountSpec {
  return {
    name: "shop",
    subjects: ["shop.>"],
    exports: [{ subject: "shop.events.>", type: "stream" }],
    users: [
      { name: "api", publisher: { stream: "ORDERS" } },
      { name: "orders-worker", worker: { stream: "ORDERS", consumer: "process" } },
    ],
    ...overrides,
  };
}

function audit(overrides: Partial<AccountSpec> = {}): AccountSpec {
  return {
    name: "audit",
    imports: [{ account: "shop", subject: "shop.events.>", type: "stream" }],
    users: [{ name: "auditor", permissions: { subscribe: ["shop.events.>"] } }],
    ...overrides,
  };
}

/** The problems of an invalid description, as `path: message` lines. */
function problemsOf(specs: AccountSpec[], cluster = dev): string[] {
  try {
    validateAccounts(specs, { cluster, streams });
  } catch (error) {
    if (error instanceof ValidationError) return error.message.split("\n").filter((line) => !/^\d+ problems:$/.test(line)).map((line) => line.replace(/^ {2}- /, ""));
    throw error;
  }
  throw new Error("the description was accepted");
}

describe("accounts: resolution", () => {
  it("always adds the system account SYS with its operations user first, who may remove a server from the meta group and move its leadership", () => {
    const [system, ...rest] = validateAccounts(undefined, { cluster: dev });
    expect(rest).toEqual([]);
    expect(system.name).toBe(SYSTEM_ACCOUNT_NAME);
    expect(system.system).toBe(true);
    expect(system.limits.jetstream).toBeUndefined();
    expect(system.users.map((user) => user.name)).toEqual(["sys"]);
    expect(system.users[0].permissions.publish).toEqual(["$JS.API.META.LEADER.STEPDOWN", "$JS.API.SERVER.REMOVE", "$SYS.REQ.>"]);
  });

  it("sets every limit explicitly, sizing JetStream storage and payload from the cluster", () => {
    const [, account] = validateAccounts([shop()], { cluster: dev, streams });
    expect(account.limits).toEqual({
      conn: UNLIMITED,
      subs: UNLIMITED,
      payload: dev.limits.maxPayload,
      data: UNLIMITED,
      imports: UNLIMITED,
      exports: UNLIMITED,
      wildcards: true,
      leaf: UNLIMITED,
      jetstream: { memStorage: dev.jetstream.maxMemoryStore, diskStorage: dev.jetstream.maxFileStore, streams: UNLIMITED, consumer: UNLIMITED },
    });
  });

  it("shares what explicit storage limits leave equally among the other accounts, counting every server", () => {
    const small = validateCluster({ name: "nats", tier: "small" });
    const accounts = validateAccounts([shop({ limits: { jetstream: { diskStorage: "10Gi" } } }), audit(), { name: "edge", subjects: ["edge.>"] }], {
      cluster: small,
      streams,
    });
    const total = small.jetstream.maxFileStore * small.servers;
    const share = Math.floor((total - 10 * 1024 * MEBIBYTE) / 2 / MEBIBYTE) * MEBIBYTE;
    expect(accounts.map((account) => account.limits.jetstream?.diskStorage)).toEqual([undefined, 10 * 1024 * MEBIBYTE, share, share]);
  });

  it("gives publishers their stream's subjects and info, workers exactly their consumer's API and ack subjects, each only its own inbox", () => {
    const [, account] = validateAccounts([shop()], { cluster: dev, streams });
    const [api, worker] = account.users;
    expect(api.permissions).toEqual({ publish: ["$JS.API.STREAM.INFO.ORDERS", "orders.>"], subscribe: ["_INBOX_api.>"], allowResponses: false });
    expect(worker.permissions).toEqual({
      publish: ["$JS.ACK.ORDERS.process.>", "$JS.API.CONSUMER.INFO.ORDERS.process", "$JS.API.CONSUMER.MSG.NEXT.ORDERS.process"],
      subscribe: ["_INBOX_orders-worker.>"],
      allowResponses: false,
    });
  });

  it("adds explicit permissions to a role, sorted and without repeats", () => {
    const [, account] = validateAccounts(
      [shop({ users: [{ name: "api", publisher: { stream: "ORDERS" }, permissions: { publish: ["shop.b", "shop.a", "orders.>"] } }] })],
      { cluster: dev, streams },
    );
    expect(account.users[0].permissions).toEqual({ publish: ["$JS.API.STREAM.INFO.ORDERS", "orders.>", "shop.a", "shop.b"], subscribe: ["_INBOX_api.>"], allowResponses: false });
  });

  it("lets permissions reach imported subjects, under their local name, and responders answer requests", () => {
    const [, shopAccount, auditAccount] = validateAccounts(
      [
        shop({
          exports: [{ subject: "shop.prices", type: "service" }],
          users: [{ name: "pricing", permissions: { subscribe: ["shop.prices"], allowResponses: true } }],
        }),
        audit({
          imports: [{ account: "shop", subject: "shop.prices", type: "service", localSubject: "prices" }],
          users: [{ name: "auditor", permissions: { publish: ["prices"] } }],
        }),
      ],
      { cluster: dev, streams },
    );
    expect(auditAccount.users[0].permissions).toEqual({ publish: ["prices"], subscribe: ["_INBOX_auditor.>"], allowResponses: false });
    expect(shopAccount.users[0].permissions).toEqual({ publish: [], subscribe: ["_INBOX_pricing.>", "shop.prices"], allowResponses: true });
  });

  it("reads expiry as seconds since the epoch and keeps connection types and rotation", () => {
    const [, account] = validateAccounts(
      [shop({ users: [{ name: "edge", permissions: { subscribe: ["shop.>"] }, connectionTypes: ["LEAFNODE"], expires: "2030-01-01T00:00:00Z", rotation: "2026-11" }] })],
      { cluster: dev, streams },
    );
    expect(account.users[0]).toMatchObject({ connectionTypes: ["LEAFNODE"], expires: Date.UTC(2030, 0, 1) / 1000, rotation: "2026-11" });
  });
});

describe("accounts: validation messages name the field, the value and what is allowed", () => {
  it("refuses duplicate account names", () => {
    expect(problemsOf([shop(), shop({ users: [] })])).toContain('accounts[1].name: "shop" is not allowed; use a name no other account has (accounts[0] has it)');
  });

  it("refuses a name taken by the system account or its user", () => {
    expect(problemsOf([shop({ name: "sys" })])).toContain('accounts[0].name: "sys" is not allowed; use another name: SYS is the system account every cluster has');
    expect(problemsOf([shop({ users: [{ name: "sys", permissions: { subscribe: ["shop.>"] } }] })])).toContain(
      'accounts[0].users[0].name: "sys" is not allowed; use another name: sys is the operations user of the system account every cluster has',
    );
  });

  it("refuses account and user names that cannot name Kubernetes objects", () => {
    expect(problemsOf([shop({ name: "Shop_1" })])).toContain(
      "accounts[0].name: \"Shop_1\" is not allowed; use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    );
  });

  it("refuses duplicate user names, even across accounts", () => {
    expect(problemsOf([shop(), audit({ users: [{ name: "api", permissions: { subscribe: ["shop.events.>"] } }] })])).toContain(
      'accounts[1].users[0].name: "api" is not allowed; use a name no other user has (accounts[0].users[0] has it); user names name creds files and Secrets',
    );
  });

  it("refuses permissions that reach outside the account's subjects and imports", () => {
    const problems = problemsOf([shop({ users: [{ name: "nosy", permissions: { publish: ["shop.x", "billing.>"], subscribe: [">"] } }] })]);
    expect(problems).toContain(
      'accounts[0].users[0].permissions.publish[1]: "billing.>" is not allowed; keep permissions within the account\'s subjects and streams (shop.>, orders.>), its imports (none), the user\'s own inbox _INBOX_nosy.> and the account\'s $JS.>, $KV.>, $O.>',
    );
    expect(problems.some((line) => line.startsWith('accounts[0].users[0].permissions.subscribe[0]: ">" is not allowed; grant only the JetStream API the user\'s job needs'))).toBe(true);
    expect(problems.filter((line) => line.includes("shop.x"))).toEqual([]);
  });

  it("refuses an empty allow list, which nats-server would read as allowing everything", () => {
    expect(problemsOf([shop({ users: [{ name: "open", permissions: { publish: [] } }] })])).toEqual([
      "accounts[0].users[0].permissions.publish: [] is not allowed; list at least one subject, or leave the list out to allow none: nats-server reads an empty allow list as allowing every subject",
    ]);
  });

  it("refuses an allowResponses that is not true or false", () => {
    expect(problemsOf([shop({ users: [{ name: "r", permissions: { subscribe: ["shop.q"], allowResponses: "yes" as unknown as boolean } }] })])).toEqual([
      'accounts[0].users[0].permissions.allowResponses: "yes" is not allowed; use true or false',
    ]);
  });

  it("refuses permissions that list nothing, and a user with no role and no permissions", () => {
    expect(problemsOf([shop({ users: [{ name: "idle", permissions: {} }] })])).toContain(
      "accounts[0].users[0].permissions: {} is not allowed; list publish or subscribe subjects, or leave permissions out",
    );
    expect(problemsOf([shop({ users: [{ name: "idle" }] })])).toContain('accounts[0].users[0]: {"name":"idle"} is not allowed; give the user a role (publisher, worker, kvReader, kvWriter, provisioner) or permissions');
  });

  it("refuses malformed subjects", () => {
    expect(problemsOf([shop({ subjects: ["shop.>.x"] })])).toContain(
      "accounts[0].subjects[0]: \"shop.>.x\" is not allowed; use dot-separated tokens without whitespace, with '*' standing for one whole token and '>' only as the last token",
    );
  });

  it("refuses a role naming a stream the account does not have, and a bad consumer name", () => {
    const problems = problemsOf([shop({ users: [{ name: "w", worker: { stream: "PAYMENTS", consumer: "a.b" } }] })]);
    expect(problems).toContain('accounts[0].users[0].worker.stream: "PAYMENTS" is not allowed; name one of the account\'s streams: ORDERS');
    expect(problems).toContain("accounts[0].users[0].worker.consumer: \"a.b\" is not allowed; use a non-empty name without whitespace, '.', '*', '>', '/' or '\\'");
    expect(problemsOf([audit({ users: [{ name: "p", publisher: { stream: "ORDERS" } }] }), shop()])).toContain(
      'accounts[0].users[0].publisher.stream: "ORDERS" is not allowed; name one of the account\'s streams: (it has none)',
    );
  });

  it("refuses an import from an unknown account, from itself, or of a subject that is not exported", () => {
    expect(problemsOf([shop(), audit({ imports: [{ account: "billing", subject: "billing.>", type: "stream" }], users: [] })])).toContain(
      'accounts[1].imports[0].account: "billing" is not allowed; name another declared account: shop',
    );
    expect(problemsOf([shop({ imports: [{ account: "shop", subject: "shop.events.>", type: "stream" }] })])).toContain(
      'accounts[0].imports[0].account: "shop" is not allowed; name another declared account: (there is none)',
    );
    expect(problemsOf([shop(), audit({ imports: [{ account: "shop", subject: "shop.>", type: "stream" }], users: [] })])).toContain(
      'accounts[1].imports[0].subject: "shop.>" is not allowed; import a subject account shop exports as a stream (shop.events.>)',
    );
    expect(problemsOf([shop(), audit({ imports: [{ account: "shop", subject: "shop.events.>", type: "service" }], users: [] })])).toContain(
      'accounts[1].imports[0].subject: "shop.events.>" is not allowed; import a subject account shop exports as a service (it exports none)',
    );
  });

  it("refuses an export of subjects the account does not own, and an unknown export type", () => {
    const problems = problemsOf([shop({ exports: [{ subject: "billing.>", type: "stream" }, { subject: "shop.x", type: "feed" as "stream" }] })]);
    expect(problems).toContain('accounts[0].exports[0].subject: "billing.>" is not allowed; export only subjects the account owns (shop.>, orders.>)');
    expect(problems).toContain('accounts[0].exports[1].type: "feed" is not allowed; use one of stream, service');
  });

  it("refuses JetStream limits above what the cluster's stores hold", () => {
    expect(problemsOf([shop({ limits: { jetstream: { diskStorage: "2Gi" } } })])).toContain(
      'accounts[0].limits.jetstream.diskStorage: "2Gi" is not allowed; use at most 921Mi, the cluster\'s file store (1 server x jetstream.maxFileStore 921Mi)',
    );
    expect(problemsOf([shop({ limits: { jetstream: { memStorage: "1Gi" } } })])).toContain(
      'accounts[0].limits.jetstream.memStorage: "1Gi" is not allowed; use at most 256Mi, the cluster\'s memory store (1 server x jetstream.maxMemoryStore 256Mi)',
    );
  });

  it("refuses accounts whose storage limits together exceed the cluster, since the server would give one no JetStream", () => {
    expect(problemsOf([shop({ limits: { jetstream: { diskStorage: "600Mi" } } }), audit({ limits: { jetstream: { diskStorage: "600Mi" } } })])).toEqual([
      "accounts[*].limits.jetstream.diskStorage: \"1200Mi\" is not allowed; keep the accounts' limits together within 921Mi, the cluster's file store (1 server x jetstream.maxFileStore 921Mi); nats-server gives an account that does not fit no JetStream",
    ]);
  });

  it("refuses leaving an account without storage when the others take it all", () => {
    expect(problemsOf([shop({ limits: { jetstream: { memStorage: "256Mi" } } }), audit()])).toContain(
      "accounts[1].limits.jetstream.memStorage: nothing is not allowed; set it explicitly: the other accounts' limits leave less than 1Mi each of 256Mi, the cluster's memory store (1 server x jetstream.maxMemoryStore 256Mi)",
    );
  });

  it("refuses malformed limits, a payload above the cluster's, and import or export counts below what is declared", () => {
    const problems = problemsOf([
      shop({ limits: { conn: -2, subs: 1.5, payload: "2Mi", data: "lots", exports: 0, wildcards: "yes" as unknown as boolean, jetstream: { streams: -5 } } }),
      audit({ limits: { imports: 0 } }),
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        "accounts[0].limits.conn: -2 is not allowed; use a whole number of at least 0, or -1 for no limit",
        "accounts[0].limits.subs: 1.5 is not allowed; use a whole number of at least 0, or -1 for no limit",
        'accounts[0].limits.payload: "2Mi" is not allowed; use at most the cluster\'s limits.maxPayload (1Mi); servers refuse larger messages anyway',
        'accounts[0].limits.data: "lots" is not allowed; use a Kubernetes quantity such as "512Mi" or "10Gi"',
        'accounts[0].limits.wildcards: "yes" is not allowed; use true or false',
        "accounts[0].limits.jetstream.streams: -5 is not allowed; use a whole number of at least 0, or -1 for no limit",
        "accounts[0].limits.exports: 0 is not allowed; use at least 1 (the account declares 1 export) or -1",
        "accounts[1].limits.imports: 0 is not allowed; use at least 1 (the account declares 1 import) or -1",
      ]),
    );
  });

  it("refuses unknown connection types, malformed expiry and empty rotation values", () => {
    const problems = problemsOf([
      shop({
        rotation: " ",
        users: [{ name: "edge", permissions: { subscribe: ["shop.>"] }, connectionTypes: ["PIGEON" as "LEAFNODE"], expires: "next year", rotation: "" }],
      }),
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'accounts[0].users[0].connectionTypes: ["PIGEON"] is not allowed; list one or more of STANDARD, WEBSOCKET, LEAFNODE, LEAFNODE_WS, MQTT, MQTT_WS, or leave it out to allow any',
        'accounts[0].users[0].expires: "next year" is not allowed; use an ISO 8601 date ("2027-01-31") or date-time with a zone ("2027-01-31T12:00:00Z")',
        'accounts[0].users[0].rotation: "" is not allowed; use a non-empty text such as "2026-11"; change it to issue new keys',
        'accounts[0].rotation: " " is not allowed; use a non-empty text such as "2026-11"; change it to issue new keys',
      ]),
    );
  });

  it("refuses accounts, subjects and imports that are not what they should be", () => {
    expect(() => validateAccounts({ name: "shop" } as unknown as AccountSpec[], { cluster: dev })).toThrow(
      'accounts: {"name":"shop"} is not allowed; give a list of accounts',
    );
    expect(problemsOf([shop({ subjects: "shop.>" as unknown as string[] })])).toContain('accounts[0].subjects: "shop.>" is not allowed; give a list of subjects');
    expect(problemsOf([shop({ users: [{ name: "one", permissions: { publish: "shop.x" as unknown as string[] } }] })])).toEqual([
      'accounts[0].users[0].permissions.publish: "shop.x" is not allowed; give a list of subjects',
    ]);
    const problems = problemsOf([shop(), audit({ imports: [{ account: "shop", subject: "shop events", type: "feed" as "stream", localSubject: "a..b" }], users: [] })]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'accounts[1].imports[0].type: "feed" is not allowed; use one of stream, service',
        "accounts[1].imports[0].subject: \"shop events\" is not allowed; use dot-separated tokens without whitespace, with '*' standing for one whole token and '>' only as the last token",
        "accounts[1].imports[0].localSubject: \"a..b\" is not allowed; use dot-separated tokens without whitespace, with '*' standing for one whole token and '>' only as the last token",
      ]),
    );
  });

  it("refuses a signingKey that is not true or false, and a user name that cannot name a Secret", () => {
    const problems = problemsOf([shop({ signingKey: "yes" as unknown as boolean, users: [{ name: "API", publisher: { stream: "ORDERS" } }] })]);
    expect(problems).toContain('accounts[0].signingKey: "yes" is not allowed; use true or false');
    expect(problems).toContain(
      "accounts[0].users[0].name: \"API\" is not allowed; use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    );
  });

  it("collects every problem at once", () => {
    expect(problemsOf([shop({ name: "sys" }), audit({ imports: [{ account: "nobody", subject: "x", type: "stream" }] })]).length).toBeGreaterThan(1);
  });
});

describe("subject patterns", () => {
  it("tells whether one pattern stays within another", () => {
    expect(subjectWithin("orders.eu.*", "orders.>")).toBe(true);
    expect(subjectWithin("orders.>", "orders.*")).toBe(false);
    expect(subjectWithin("orders.eu", "orders.*")).toBe(true);
    expect(subjectWithin("orders.eu.x", "orders.*")).toBe(false);
    expect(subjectWithin("orders", "orders.>")).toBe(false);
    expect(subjectWithin("orders.*", "orders.eu")).toBe(false);
    expect(subjectWithin("orders.eu", "orders.eu")).toBe(true);
  });
});
