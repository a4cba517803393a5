/**
 * The backup policy: its defaults (every file-backed stream and bucket, grouped by cluster), and every bad
 * input refused at its field: a schedule that is not cron, retention below a day, a bucket name S3 rejects,
 * a stream or bucket the stack does not declare or keeps in memory, a destination that is neither or both.
 */
import { describe, expect, it } from "vitest";
import { backupTargetsByCluster, isCronSchedule, isS3BucketName } from "../../components/model";
import { checkStack } from "../../components/stack-check";
import { BASES, expectRefusedAt, Keys, refusal } from "../support/stack-cases";

const S3_EXISTING = { s3: { bucket: "nats-backups", existing: { endpoint: "https://minio.example:9000", credentialsSecret: "backup-s3" } } };

/** A stack with a file-backed and a memory stream, a file-backed and a memory bucket, and a backup policy. */
function stack(backups: Keys = {}): Keys {
  return {
    cluster: { name: "nats", tier: "small" },
    accounts: [{ name: "app", users: [{ name: "api", publisher: { stream: "ORDERS" } }] }],
    streams: [
      { name: "ORDERS", account: "app", subjects: ["orders.>"], maxAge: "720h" },
      { name: "CACHE", account: "app", subjects: ["cache.>"], storage: "memory", replicas: 1, maxBytes: "64Mi" },
    ],
    keyValues: [
      { bucket: "settings", account: "app", history: 5 },
      { bucket: "sessions", account: "app", storage: "memory", replicas: 1 },
    ],
    backups: { schedule: "0 3 * * *", retentionDays: 14, destination: S3_EXISTING, ...backups },
  };
}

describe("a backup policy", () => {
  it("backs up every file-backed stream and bucket when it names none, and leaves the memory ones out", () => {
    const { backups } = checkStack("shop", stack());
    expect(backups?.targets).toEqual([
      { kind: "stream", name: "ORDERS", stream: "ORDERS", account: "app", cluster: "nats" },
      { kind: "bucket", name: "settings", stream: "KV_settings", account: "app", cluster: "nats" },
    ]);
    expect(backups?.destination).toMatchObject({ kind: "s3", bucket: "nats-backups", prefix: "shop", region: "us-east-1" });
    expect([...backupTargetsByCluster(backups!).keys()]).toEqual(["nats"]);
  });

  it("takes only the named streams and buckets, and an empty list for none", () => {
    const { backups } = checkStack("shop", stack({ streams: [], buckets: ["settings"], destination: { pvc: { size: "20Gi" } } }));
    expect(backups?.targets.map((target) => target.stream)).toEqual(["KV_settings"]);
    expect(backups?.destination).toEqual({ kind: "pvc", size: "20Gi", sizeBytes: 20 * 2 ** 30, storageClassName: undefined });
  });

  it("is absent from a stack without one", () => {
    const keys = stack();
    delete keys.backups;
    expect(checkStack("shop", keys).backups).toBeUndefined();
  });
});

const BAD: [string, Keys, string, RegExp][] = [
  ["a schedule that is not cron", { schedule: "every night" }, "backups.schedule", /five-field cron schedule/],
  ["a minute out of range", { schedule: "61 3 * * *" }, "backups.schedule", /five-field cron schedule/],
  ["a seconds field Kubernetes does not read", { schedule: "0 0 3 * * *" }, "backups.schedule", /five-field/],
  ["a last-day-of-month L", { schedule: "0 3 L * *" }, "backups.schedule", /five-field/],
  ["retention below one day", { retentionDays: 0 }, "backups.retentionDays", /from 1 to 3650/],
  ["fractional retention", { retentionDays: 1.5 }, "backups.retentionDays", /whole number/],
  ["a bucket name with capitals", { destination: { s3: { ...S3_EXISTING.s3, bucket: "NATS_Backups" } } }, "backups.destination.s3.bucket", /lowercase/],
  ["a bucket name shaped like an IP address", { destination: { s3: { ...S3_EXISTING.s3, bucket: "192.168.1.1" } } }, "backups.destination.s3.bucket", /IP address/],
  ["a bucket name S3 reserves", { destination: { s3: { ...S3_EXISTING.s3, bucket: "xn--backups" } } }, "backups.destination.s3.bucket", /reserves/],
  ["an undeclared stream", { streams: ["PAYMENTS"] }, "backups.streams[0]", /name a stream the stack declares: ORDERS, CACHE/],
  ["a memory-backed stream", { streams: ["ORDERS", "CACHE"] }, "backups.streams[1]", /CACHE is stored in memory, and JetStream cannot snapshot a memory-backed stream/],
  ["an undeclared bucket", { buckets: ["carts"] }, "backups.buckets[0]", /name a bucket the stack declares: settings, sessions/],
  ["a memory-backed bucket", { buckets: ["sessions"] }, "backups.buckets[0]", /sessions is stored in memory/],
  ["nothing to back up", { streams: [], buckets: [] }, "backups", /at least one file-backed stream or bucket/],
  ["both s3 and pvc", { destination: { ...S3_EXISTING, pvc: { size: "1Gi" } } }, "backups.destination", /exactly one of s3 .* and pvc/],
  ["neither s3 nor pvc", { destination: {} }, "backups.destination", /exactly one of s3/],
  ["an s3 bucket both created and existing", { destination: { s3: { ...S3_EXISTING.s3, create: { eksCluster: "prod" } } } }, "backups.destination.s3", /exactly one of create .* and existing/],
  ["an endpoint that is no URL", { destination: { s3: { bucket: "nats-backups", existing: { endpoint: "minio:9000", credentialsSecret: "s3" } } } }, "backups.destination.s3.existing.endpoint", /URL/],
  ["a pvc size that is no quantity", { destination: { pvc: { size: "lots" } } }, "backups.destination.pvc.size", /quantity/],
];

describe("a bad backup policy is refused at its field", () => {
  it.each(BAD)("%s", (_, change, path, allowed) => {
    const problem = expectRefusedAt(refusal(stack(change)), path);
    expect(problem.allowed).toMatch(allowed);
  });
});

describe("the field rules", () => {
  it.each(["0 3 * * *", "*/15 * * * *", "30 2 1-7 JAN,JUL MON-FRI", "0 0 ? * SUN", "@daily", "@hourly"])("accept the schedule %s", (schedule) => {
    expect(isCronSchedule(schedule)).toBe(true);
  });

  it.each(["my-nats-backups", "nats.backups.example", "abc"])("accept the bucket name %s", (name) => expect(isS3BucketName(name)).toBe(true));
  it.each(["ab", "-nats", "nats..backups", "a".repeat(64), "nats-s3alias", "nats_backups"])("refuse the bucket name %s", (name) => expect(isS3BucketName(name)).toBe(false));
});

describe("the backup and restore users", () => {
  it("are added to each account holding a backed-up stream, with the snapshot or restore API of those streams only", () => {
    const { accounts } = checkStack("shop", stack());
    const app = accounts.find((account) => account.name === "app")!;
    const backup = app.users.find((user) => user.name === "app-backup")!;
    expect(backup.permissions).toEqual({
      publish: [
        "$JS.API.INFO",
        "$JS.API.STREAM.INFO.KV_settings",
        "$JS.API.STREAM.INFO.ORDERS",
        "$JS.API.STREAM.SNAPSHOT.KV_settings",
        "$JS.API.STREAM.SNAPSHOT.ORDERS",
        "$JS.SNAPSHOT.ACK.KV_settings.>",
        "$JS.SNAPSHOT.ACK.ORDERS.>",
      ],
      subscribe: ["_INBOX_app-backup.>"],
      allowResponses: false,
    });
    const restore = app.users.find((user) => user.name === "app-restore")!;
    expect(restore.permissions.publish).toContain("$JS.API.STREAM.RESTORE.ORDERS");
    expect(restore.permissions.publish).toContain("$JS.SNAPSHOT.RESTORE.KV_settings.>");
    expect(restore.permissions.publish.filter((subject) => subject.includes("CACHE") || subject.includes("sessions"))).toEqual([]);
  });

  it("refuse a declared user that takes one of their names", () => {
    const keys = stack();
    keys.accounts[0].users.push({ name: "app-backup", publisher: { stream: "ORDERS" } });
    expect(expectRefusedAt(refusal(keys), "accounts[0].users[1].name").allowed).toMatch(/the backups policy adds a user of that name to account app/);
  });
});

describe("a backup policy on a hub with leaf sites", () => {
  it("backs up the hub's and the sites' streams where the clusters run with auth, by cluster", () => {
    const keys = BASES.hubLeaf();
    keys.backups = { schedule: "@daily", retentionDays: 7, destination: { pvc: { size: "10Gi" } } };
    const { backups } = checkStack("hub-leaf", keys);
    expect(Object.fromEntries([...backupTargetsByCluster(backups!)].map(([cluster, targets]) => [cluster, targets.map((target) => target.stream)]))).toEqual({
      hub: ["FACTORY_EVENTS", "BRANCH_EVENTS"],
      branch: ["READINGS"],
    });
  });

  it("refuses the streams of a site that runs without auth, which no backup user can reach", () => {
    const keys = BASES.hubLeaf();
    keys.hubLeaf.sites[1].anonymousClients = true;
    delete keys.hubLeaf.sites[1].clients;
    keys.backups = { schedule: "@daily", retentionDays: 7, destination: { pvc: { size: "10Gi" } } };
    const problem = expectRefusedAt(refusal(keys), "backups");
    expect(problem).toMatchObject({ value: "READINGS" });
    expect(problem.allowed).toMatch(/branch runs without auth, so no backup user can reach them/);
  });
});
