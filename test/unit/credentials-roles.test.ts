/**
 * The user roles and the rules that keep every user least privilege: each user's own inbox, what each role
 * grants, raw grants that only an admin may hold, and the refusals of roles that could not do their job, each
 * naming the field, the value and what is allowed.
 */
import { describe, expect, it } from "vitest";
import { localAdminName, withLocalAdmins } from "../../components/local/local-credentials";
import { validateAccounts } from "../../components/model/account-resolution";
import { AccountSpec, AccountStream, UserSpec } from "../../components/model/accounts";
import { validateCluster } from "../../components/model/cluster";
import { Problem, ValidationError } from "../../components/model/errors";
import { clientInboxPrefix, DEFAULT_INBOX_PREFIX, inboxPrefix, provisionerPermissions } from "../../components/model/permissions";
import { resolveStack, StackSpec } from "../../components/model/stack";
import { subjectWithinAny } from "../../components/model/subjects";

const dev = validateCluster({ name: "nats", tier: "dev" });
const streams: AccountStream[] = [
  { name: "ORDERS", account: "shop", subjects: ["orders.eu.>", "orders.us.>"], consumers: ["process", "audit"] },
  { name: "KV_carts", account: "shop", subjects: ["$KV.carts.>"], bucket: "carts" },
];

function shop(users: UserSpec[]): AccountSpec {
  return { name: "shop", subjects: ["shop.>"], users };
}

function usersOf(users: UserSpec[]) {
  const [, account] = validateAccounts([shop(users)], { cluster: dev, streams });
  return account.users;
}

/** The problems of the shop account with these users. */
function problemsOf(users: UserSpec[]): Problem[] {
  try {
    validateAccounts([shop(users)], { cluster: dev, streams });
  } catch (error) {
    if (error instanceof ValidationError) return [...error.problems];
    throw error;
  }
  return [];
}

/** Path, value and the start of what is allowed, of each problem. */
function refusals(users: UserSpec[]): [string, unknown, string][] {
  return problemsOf(users).map((problem) => [problem.path, problem.value, problem.allowed]);
}

const ADMIN_ONLY = "grant only the JetStream API the user's job needs";
const FOREIGN_INBOX = "keep replies to the user's own inbox";

describe("every user's own inbox", () => {
  it("is one subject token, _INBOX_<user>, which the default _INBOX.> does not cover, and the local admins' dot does not break", () => {
    expect(inboxPrefix("orders-api")).toBe("_INBOX_orders-api");
    expect(inboxPrefix(localAdminName("app"))).toBe("_INBOX_app_admin");
    for (const prefix of [inboxPrefix("orders-api"), inboxPrefix(localAdminName("app"))]) {
      expect(prefix.split(".")).toHaveLength(1);
      expect(subjectWithinAny(`${prefix}.reply`, [`${DEFAULT_INBOX_PREFIX}.>`, `${inboxPrefix("app")}.>`])).toBe(false);
    }
  });

  it("is the only inbox a user gets, and the prefix its client is told; the provisioner keeps the default, which NACK cannot change", () => {
    const [api, reader, nack] = usersOf([
      { name: "api", publisher: { stream: "ORDERS" } },
      { name: "reader", kvReader: { bucket: "carts" } },
      { name: "shop-nack", provisioner: true },
    ]);
    expect([api, reader, nack].map((user) => [user.permissions.subscribe, clientInboxPrefix(user)])).toEqual([
      [["_INBOX_api.>"], "_INBOX_api"],
      [["_INBOX_reader.>"], "_INBOX_reader"],
      [["_INBOX.>"], "_INBOX"],
    ]);
  });

  it("is also what a local admin reads its replies under", () => {
    const [, app] = withLocalAdmins(validateAccounts([{ name: "app", users: [{ name: "app", permissions: { publish: ["$JS.API.INFO"] } }] }], { cluster: dev }));
    const admin = app.users.find((user) => user.name === localAdminName("app"))!;
    expect([admin.permissions.subscribe, clientInboxPrefix(admin)]).toEqual([["_INBOX_app_admin.>"], "_INBOX_app_admin"]);
  });
});

describe("the roles' grants", () => {
  it("let a publisher publish its stream's subjects, or the part it names, and look the stream up", () => {
    const [all, some] = usersOf([
      { name: "api", publisher: { stream: "ORDERS" } },
      { name: "eu", publisher: { stream: "ORDERS", subjects: ["orders.eu.new"] } },
    ]);
    expect(all.permissions.publish).toEqual(["$JS.API.STREAM.INFO.ORDERS", "orders.eu.>", "orders.us.>"]);
    expect(some.permissions.publish).toEqual(["$JS.API.STREAM.INFO.ORDERS", "orders.eu.new"]);
  });

  it("let a kvReader look the bucket up, get and watch it, but not put; a kvWriter also put and delete keys", () => {
    const [reader, writer] = usersOf([
      { name: "reader", kvReader: { bucket: "carts" } },
      { name: "writer", kvWriter: { bucket: "carts" } },
    ]);
    const may = (publish: readonly string[], subject: string) => subjectWithinAny(subject, publish);
    const reads = ["$JS.API.STREAM.INFO.KV_carts", "$JS.API.DIRECT.GET.KV_carts.$KV.carts.c1", "$JS.API.CONSUMER.CREATE.KV_carts.watch.$KV.carts.>"];
    expect(reads.filter((subject) => !may(reader.permissions.publish, subject))).toEqual([]);
    expect(reads.filter((subject) => !may(writer.permissions.publish, subject))).toEqual([]);
    expect(may(reader.permissions.publish, "$KV.carts.c1")).toBe(false);
    expect(may(writer.permissions.publish, "$KV.carts.c1")).toBe(true);
    for (const user of [reader, writer]) {
      expect(["$JS.API.STREAM.PURGE.KV_carts", "$JS.API.STREAM.DELETE.KV_carts", "$KV.other.c1", "$JS.API.DIRECT.GET.ORDERS"].filter((subject) => may(user.permissions.publish, subject))).toEqual([]);
    }
  });

  it("let the provisioner create, update and look up streams and consumers, but neither purge, delete streams, get messages nor publish", () => {
    const [nack] = usersOf([{ name: "shop-nack", provisioner: true }]);
    expect(nack.permissions).toEqual({ ...provisionerPermissions(), publish: [...provisionerPermissions().publish].sort() });
    const may = (subject: string) => subjectWithinAny(subject, nack.permissions.publish);
    expect(["$JS.API.STREAM.CREATE.ORDERS", "$JS.API.STREAM.UPDATE.ORDERS", "$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.process", "$JS.API.CONSUMER.DELETE.ORDERS.process"].every(may)).toBe(true);
    expect(
      ["$JS.API.STREAM.DELETE.ORDERS", "$JS.API.STREAM.PURGE.ORDERS", "$JS.API.STREAM.MSG.GET.ORDERS", "$JS.API.DIRECT.GET.ORDERS", "$JS.API.CONSUMER.MSG.NEXT.ORDERS.process", "orders.eu.x", "$KV.carts.c1"].filter(may),
    ).toEqual([]);
  });
});

describe("raw grants only an admin may hold", () => {
  it.each([">", "$JS.>", "$JS.API.>", "$JS.*.API.>", "$JS.hub.API.>", "$JS.API.*.>", "$JS.API.STREAM.DELETE.*", "$JS.API.STREAM.>", "$JS.hub.API.DIRECT.GET.*"])(
    "refuses %s to a user without admin: true, naming the field and the value",
    (subject) => {
      expect(refusals([{ name: "ops", permissions: { publish: ["shop.x", subject] } }])).toEqual([["accounts[0].users[0].permissions.publish[1]", subject, expect.stringContaining(ADMIN_ONLY)]]);
      expect(problemsOf([{ name: "ops", admin: true, permissions: { publish: ["shop.x", subject] } }])).toEqual([]);
    },
  );

  it("accepts API subjects that name their streams, to any user", () => {
    const subjects = ["$JS.API.INFO", "$JS.API.STREAM.INFO.ORDERS", "$JS.API.CONSUMER.MSG.NEXT.ORDERS.*", "$JS.API.STREAM.INFO.*"];
    expect(problemsOf([{ name: "tool", permissions: { publish: subjects } }])).toEqual([]);
  });

  it("refuses an admin flag that is not true or false", () => {
    expect(refusals([{ name: "ops", admin: "yes" as unknown as boolean, permissions: { publish: ["shop.x"] } }])).toEqual([["accounts[0].users[0].admin", "yes", "use true or false"]]);
  });
});

describe("raw grants on another user's inbox", () => {
  it.each(["_INBOX.>", "_INBOX_api.>", "_INBOX_api.*", "*.*", "_INBOX_tool2.>"])("refuses %s to user tool, in either list, naming its own inbox instead", (subject) => {
    const expected = (list: string) => [`accounts[0].users[0].permissions.${list}[0]`, subject, expect.stringContaining(`${FOREIGN_INBOX} _INBOX_tool.>`)];
    expect(refusals([{ name: "tool", permissions: { subscribe: [subject], publish: [subject] } }])).toEqual([expected("publish"), expected("subscribe")]);
  });

  it("accepts the user's own inbox, and any inbox for an admin", () => {
    expect(problemsOf([{ name: "tool", permissions: { subscribe: ["_INBOX_tool.>"] } }])).toEqual([]);
    expect(problemsOf([{ name: "ops", admin: true, permissions: { subscribe: ["_INBOX.>"] } }])).toEqual([]);
  });
});

describe("roles that could not do their job", () => {
  it("refuses a worker naming a consumer its stream does not declare", () => {
    expect(refusals([{ name: "w", worker: { stream: "ORDERS", consumer: "billing" } }])).toEqual([
      ["accounts[0].users[0].worker.consumer", "billing", expect.stringMatching(/^name a durable consumer of stream ORDERS \(process, audit\)/)],
    ]);
  });

  it("refuses publisher subjects the stream does not capture, and an empty list", () => {
    expect(refusals([{ name: "api", publisher: { stream: "ORDERS", subjects: ["orders.eu.new", "orders.>", "shop.x"] } }])).toEqual([
      ["accounts[0].users[0].publisher.subjects[1]", "orders.>", expect.stringMatching(/^publish only subjects stream ORDERS captures \(orders\.eu\.>, orders\.us\.>\)/)],
      ["accounts[0].users[0].publisher.subjects[2]", "shop.x", expect.stringMatching(/^publish only subjects stream ORDERS captures/)],
    ]);
    expect(refusals([{ name: "api", publisher: { stream: "ORDERS", subjects: [] } }])).toEqual([
      ["accounts[0].users[0].publisher.subjects", [], expect.stringMatching(/^publish only subjects stream ORDERS captures/)],
    ]);
  });

  it("refuses a kvReader or kvWriter naming a bucket the account lacks, and a bucket's stream as a publisher's", () => {
    expect(refusals([{ name: "r", kvReader: { bucket: "prices" } }, { name: "w", kvWriter: { bucket: "ORDERS" } }, { name: "p", publisher: { stream: "KV_carts" } }])).toEqual([
      ["accounts[0].users[0].kvReader.bucket", "prices", "name one of the account's key-value buckets: carts"],
      ["accounts[0].users[1].kvWriter.bucket", "ORDERS", "name one of the account's key-value buckets: carts"],
      ["accounts[0].users[2].publisher.stream", "KV_carts", "name one of the account's streams: ORDERS"],
    ]);
  });

  it("refuses the provisioner role on any user but the account's <account>-nack, so an account has at most one", () => {
    expect(refusals([{ name: "shop-nack", provisioner: true }, { name: "ops", provisioner: true }])).toEqual([
      ["accounts[0].users[1].provisioner", true, expect.stringMatching(/^leave it out: the account's one provisioner is shop-nack/)],
    ]);
    expect(refusals([{ name: "shop-nack", publisher: { stream: "ORDERS" }, provisioner: "yes" as unknown as boolean }])).toEqual([["accounts[0].users[0].provisioner", "yes", "use true or false"]]);
  });

  it("refuses a user with neither a role nor permissions, naming every role", () => {
    expect(refusals([{ name: "idle" }])).toEqual([["accounts[0].users[0]", { name: "idle" }, "give the user a role (publisher, worker, kvReader, kvWriter, provisioner) or permissions"]]);
  });
});

describe("a stack's users and its JetStream objects", () => {
  const jobs = { name: "JOBS", account: "app", subjects: ["jobs.>"], retention: "workqueue" as const, consumers: [{ durable: "workers", workerUser: "tool" }] };
  const stack = (users: UserSpec[], extra: Partial<StackSpec> = {}): StackSpec => ({
    cluster: { name: "nats", tier: "dev" },
    accounts: [{ name: "app", users }],
    streams: [jobs],
    keyValues: [{ bucket: "settings", account: "app" }],
    ...extra,
  });
  const stackRefusals = (spec: StackSpec) => {
    try {
      resolveStack("test", spec);
    } catch (error) {
      return (error as ValidationError).problems.map((problem) => [problem.path, problem.value, problem.allowed]);
    }
    return [];
  };

  it("refuses a consumer's workerUser that may not pull, look the consumer up and ack, naming what it lacks", () => {
    expect(stackRefusals(stack([{ name: "tool", permissions: { publish: ["$JS.API.CONSUMER.MSG.NEXT.JOBS.workers"] } }]))).toEqual([
      [
        "streams[0].consumers[0].workerUser",
        "tool",
        "name a user that may work consumer workers (give tool worker: { stream: JOBS, consumer: workers }); it may not publish $JS.API.CONSUMER.INFO.JOBS.workers, $JS.ACK.JOBS.workers.>",
      ],
    ]);
    expect(stackRefusals(stack([{ name: "tool", worker: { stream: "JOBS", consumer: "workers" } }]))).toEqual([]);
  });

  it("gives kvReader and kvWriter the stack's buckets, and adds the provisioner to the account holding them", () => {
    const resolved = resolveStack("test", stack([{ name: "tool", worker: { stream: "JOBS", consumer: "workers" } }, { name: "ui", kvReader: { bucket: "settings" } }]));
    expect(resolved.accounts[1].users.map((user) => user.name)).toEqual(["tool", "ui", "app-nack"]);
    expect(stackRefusals(stack([{ name: "tool", worker: { stream: "JOBS", consumer: "workers" } }, { name: "ui", kvWriter: { bucket: "JOBS" } }]))).toEqual([
      ["accounts[0].users[1].kvWriter.bucket", "JOBS", "name one of the account's key-value buckets: settings"],
    ]);
  });

  it("keeps a provisioner the stack declares itself, and refuses the role on another user", () => {
    const declared = resolveStack("test", stack([{ name: "tool", worker: { stream: "JOBS", consumer: "workers" } }, { name: "app-nack", provisioner: true }]));
    expect(declared.accounts[1].users.map((user) => user.name)).toEqual(["tool", "app-nack"]);
    expect(stackRefusals(stack([{ name: "tool", worker: { stream: "JOBS", consumer: "workers" } }, { name: "ops", provisioner: true }]))).toEqual([
      ["accounts[0].users[1].provisioner", true, expect.stringMatching(/^leave it out: the account's one provisioner is app-nack/)],
    ]);
  });
});
