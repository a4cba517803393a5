/** A stack's accounts, streams and buckets, resolved together with its topology. */
import * as path from "path";
import { describe, expect, it } from "vitest";
import { provisionerPermissions } from "../../components/model/permissions";
import { readStackFile, resolveStack, stackFilePath, StackSpec } from "../../components/model/stack";

const PROJECT_DIR = path.resolve(__dirname, "../..");

/** The problems a stack has, one `path: message` each. */
function problemsOf(spec: StackSpec): string[] {
  try {
    resolveStack("test", spec);
  } catch (error) {
    return (error as { problems: { path: string; allowed: string }[] }).problems.map((problem) => `${problem.path}: ${problem.allowed}`);
  }
  return [];
}

const cluster = { name: "nats", tier: "small" } as const;

describe("the tier stacks' application account", () => {
  it.each([
    ["dev", false],
    ["small", true],
    ["medium", true],
    ["large", true],
  ])("Pulumi.%s.yaml gives app a publisher and a worker of its work queue JOBS, the provisioner that creates it, and (backed up: %s) the users that back it up and restore it", (name, backedUp) => {
    const stack = resolveStack(name, readStackFile(stackFilePath(PROJECT_DIR, name)));
    expect(stack.accounts.map((account) => account.name)).toEqual(["SYS", "app"]);
    const [, app] = stack.accounts;
    const backupUsers = app.users.slice(3);
    expect(app.users.slice(0, 3).map((user) => [user.name, user.permissions.publish])).toEqual([
      ["api", ["$JS.API.STREAM.INFO.JOBS", "jobs.>"]],
      ["worker", ["$JS.ACK.JOBS.workers.>", "$JS.API.CONSUMER.INFO.JOBS.workers", "$JS.API.CONSUMER.MSG.NEXT.JOBS.workers"]],
      ["app-nack", [...provisionerPermissions().publish].sort()],
    ]);
    expect(app.users.map((user) => user.permissions.subscribe).slice(0, 3)).toEqual([["_INBOX_api.>"], ["_INBOX_worker.>"], ["_INBOX.>"]]);
    if (backedUp) {
      expect(backupUsers.map((user) => [user.name, user.permissions.publish])).toEqual([
        ["app-backup", ["$JS.API.INFO", "$JS.API.STREAM.INFO.JOBS", "$JS.API.STREAM.SNAPSHOT.JOBS", "$JS.SNAPSHOT.ACK.JOBS.>"]],
        ["app-restore", ["$JS.API.INFO", "$JS.API.STREAM.DELETE.JOBS", "$JS.API.STREAM.INFO.JOBS", "$JS.API.STREAM.RESTORE.JOBS", "$JS.SNAPSHOT.RESTORE.JOBS.>"]],
      ]);
      expect(backupUsers.map((user) => user.permissions.subscribe)).toEqual([["_INBOX_app-backup.>"], ["_INBOX_app-restore.>"]]);
      expect(stack.backups?.targets).toEqual([{ kind: "stream", name: "JOBS", stream: "JOBS", account: "app", cluster: "nats" }]);
    } else {
      expect(backupUsers).toEqual([]);
      expect(stack.backups).toBeUndefined();
    }
    const [jobs] = stack.jetstream.streams;
    expect({ name: jobs.name, account: jobs.account, retention: jobs.retention, storage: jobs.storage, replicas: jobs.replicas }).toEqual({
      name: "JOBS",
      account: "app",
      retention: "workqueue",
      storage: "file",
      replicas: stack.clusters[0].jetstream.streamReplicas,
    });
    expect(jobs.consumers.map((consumer) => [consumer.durable, consumer.workerUser])).toEqual([["workers", "worker"]]);
    expect(stack.jetStreamHome).toBe(stack.clusters[0]);
  });
});

describe("stack rules name each field as the stack file has it", () => {
  it("names a user that takes another's name, and a role naming a stream of no account of its own", () => {
    expect(
      problemsOf({
        cluster,
        accounts: [
          { name: "app", users: [{ name: "api", publisher: { stream: "ORDERS" } }, { name: "api", permissions: { publish: ["jobs.>"] } }] },
          { name: "shop", users: [] },
        ],
        streams: [{ name: "ORDERS", account: "shop", subjects: ["orders.>"], maxAge: "24h" }],
      }),
    ).toEqual([
      "accounts[0].users[0].publisher.stream: name one of the account's streams: (it has none)",
      "accounts[0].users[1].name: use a name no other user has (accounts[0].users[0] has it); user names name creds files and Secrets",
      "accounts[0].users[1].permissions.publish[0]: keep permissions within the account's subjects and streams (none), its imports (none), the user's own inbox _INBOX_api.> and the account's $JS.>, $KV.>, $O.>",
    ]);
  });

  it("names streams, consumers and buckets by their place in their own lists", () => {
    expect(
      problemsOf({
        cluster,
        accounts: [{ name: "app", users: [{ name: "worker", worker: { stream: "JOBS", consumer: "workers" } }] }, { name: "shop" }],
        streams: [
          { name: "JOBS", account: "app", subjects: ["jobs.>"], retention: "workqueue", consumers: [{ durable: "workers", workerUser: "worker" }] },
          { name: "ORDERS", account: "nobody", subjects: ["orders.>"], maxAge: "24h" },
          { name: "SALES", account: "shop", subjects: ["sales.>"], maxAge: "24h", consumers: [{ durable: "tally", workerUser: "worker" }] },
        ],
        keyValues: [{ bucket: "config", account: "nobody" }],
      }),
    ).toEqual([
      "streams[1].account: name one of the stack's accounts: app, shop",
      "keyValues[0].account: name one of the stack's accounts: app, shop",
      "streams[2].consumers[0].workerUser: name a user of account shop, the stream's account: worker belongs to app, which cannot read this stream",
    ]);
  });

  it("holds the accounts' JetStream limits to what the cluster stores", () => {
    expect(problemsOf({ cluster, accounts: [{ name: "app", limits: { jetstream: { diskStorage: "100Gi" } } }] })).toEqual([
      "accounts[0].limits.jetstream.diskStorage: use at most 54Gi, the cluster's file store (3 servers x jetstream.maxFileStore 18Gi)",
    ]);
  });

  it("requires the account a hub's leaf site binds to", () => {
    const hubLeaf = {
      hub: { name: "hub", tier: "small" as const, jetstream: { domain: "hub" }, leafnodesService: { type: "ClusterIP" as const } },
      sites: [{ name: "edge", tier: "dev" as const, jetstream: { domain: "edge" }, account: "edge", user: "edge-leaf" }],
    };
    expect(problemsOf({ hubLeaf })).toEqual(["hubLeaf.sites[0].account: name one of the declared accounts: (none: describe the account under accounts)"]);
  });
});

describe("the cluster a stack's streams live on", () => {
  it("is the hub of a hub with leaf sites", () => {
    const stack = resolveStack("hub-leaf", readStackFile(stackFilePath(PROJECT_DIR, "hub-leaf")));
    expect(stack.jetStreamHome.name).toBe("hub");
    expect(stack.accounts.map((account) => account.name)).toEqual(["SYS", "edge"]);
  });

  it("is a supercluster's member with the fewest servers, then the least storage, so every stream fits any member", () => {
    const member = (name: string, tier: "small" | "medium", servers: number) => ({ name, tier, servers, region: name, gatewayService: { type: "ClusterIP" as const } });
    const home = (members: ReturnType<typeof member>[]) => resolveStack("test", { supercluster: { clusters: members } }).jetStreamHome.name;
    expect(home([member("big", "medium", 5), member("few", "medium", 3)])).toBe("few");
    expect(home([member("roomy", "medium", 3), member("tight", "small", 3)])).toBe("tight");
    expect(home([member("first", "small", 3), member("second", "small", 3)])).toBe("first");
    expect(
      problemsOf({
        supercluster: { clusters: [member("roomy", "medium", 3), member("tight", "small", 3)] },
        accounts: [{ name: "app" }],
        streams: [{ name: "BIG", account: "app", subjects: ["big.>"], maxBytes: "20Gi", replicas: 1 }],
      }),
    ).toEqual(["streams[0].maxBytes: use at most 18Gi, the file store of one server (jetstream.maxFileStore); the server refuses a stream that cannot fit"]);
  });
});
